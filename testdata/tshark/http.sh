#!/bin/sh
# http.sh: write what tshark 4.0 reads as HTTP in every capture of testdata/captures
# and analysis/http/testdata, and of ../shared/captures (real, ja4, tcpdump-tests)
# where it finds HTTP, to
# testdata/expected/http/<capture>.json. Run from anywhere: sh testdata/tshark/http.sh
#
# Definitions (analysis/http's tests compare with exactly these):
#   messages   one entry per frame that carries http.request or http.response (with
#              tshark's default reassembly, the frame that completes the message):
#              frame.number, tcp.stream and every occurrence in that frame of
#              http.request.method, http.request.uri, http.host, http.response.code,
#              http.user_agent, http.content_type, http.server, http.time.
#   methods, status_codes, hosts
#              every occurrence of http.request.method, http.response.code and
#              http.host, counted (the http.statistics maps).
# A capture tshark finds no HTTP message in gets no file (the tests then
# require pcaplens to find none in the captures of testdata/captures). A
# capture of ../shared/captures with the name of one in testdata/captures is
# left to that one. Usage: testdata/tshark/http.sh [capture ...]
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/http
mkdir -p "$out"
tshark --version | head -1 > "$out/VERSION"
shared=../shared/captures
[ -d "$shared" ] || shared=/work/shared/captures
if [ $# -eq 0 ]; then
  set -- testdata/captures/* analysis/http/testdata/*.pcapng "$shared"/real/* "$shared"/ja4/* "$shared"/tcpdump-tests/*
fi
for path in "$@"; do
  [ -f "$path" ] || continue
  cap=$(basename "$path")
  case "$path" in
    testdata/*|analysis/*) ;;
    *) [ ! -f "testdata/captures/$cap" ] || continue ;;
  esac
  tmp=/tmp/http.sh.$$.json
  timeout 120 tshark -r "$path" -Y 'http.request || http.response' -T json \
    -e frame.number -e tcp.stream -e http.request.method -e http.request.uri -e http.host \
    -e http.response.code -e http.user_agent -e http.content_type -e http.server -e http.time \
    2>/dev/null > "$tmp" || true
  python3 - "$path" "$cap" "$tmp" "$out" <<'PY'
import hashlib, json, os, sys
path, cap, tmp, out = sys.argv[1:5]
raw = open(tmp).read().strip()
frames = json.loads(raw) if raw else []
if not frames:
    sys.exit(0)
fields = [("method", "http.request.method"), ("uri", "http.request.uri"), ("host", "http.host"),
          ("code", "http.response.code"), ("user_agent", "http.user_agent"),
          ("content_type", "http.content_type"), ("server", "http.server"), ("time", "http.time")]
msgs, methods, codes, hosts = [], {}, {}, {}
for fr in frames:
    l = fr["_source"]["layers"]
    m = {"frame": int(l["frame.number"][0]), "stream": int(l.get("tcp.stream", ["-1"])[0])}
    for k, f in fields:
        if f in l:
            m[k] = l[f]
    for v in l.get("http.request.method", []): methods[v] = methods.get(v, 0) + 1
    for v in l.get("http.response.code", []): codes[v] = codes.get(v, 0) + 1
    for v in l.get("http.host", []): hosts[v] = hosts.get(v, 0) + 1
    msgs.append(m)
rel = path if not path.startswith(("/", "../")) else "/work/shared/captures/" + path.split("captures/", 1)[1]
doc = {"capture": rel, "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
       "methods": methods, "status_codes": codes, "hosts": hosts, "messages": msgs}
with open(os.path.join(out, cap + ".json"), "w") as o:
    json.dump(doc, o, indent=1, sort_keys=True)
    o.write("\n")
PY
  rm -f "$tmp"
done
