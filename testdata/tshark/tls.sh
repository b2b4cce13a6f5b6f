#!/bin/sh
# tls.sh: write tshark's TLS figures for every capture in testdata/captures and
# analysis/tls/testdata/captures to testdata/expected/tls/<capture>.json.
# Run from anywhere: sh testdata/tshark/tls.sh [CAPTURE...] (default: every capture)
#
# Definitions (analysis/tls's TestTshark compares with exactly these), over
# every TLS handshake message tshark dissects, over TCP and in QUIC CRYPTO frames
# (tshark decrypts QUIC Initial packets by itself):
#   client_hellos, server_hellos   tls.handshake.type 1 / 2 (HelloRetryRequests included)
#   hello_retry_requests           ServerHellos whose tls.handshake.random is RFC 8446's HRR value
#   server_names                   tls.handshake.extensions_server_name -> count
#   ja3, ja3s                      tls.handshake.ja3 / tls.handshake.ja3s -> count
#   versions                       per ServerHello that is not a HelloRetryRequest: its
#                                  tls.handshake.extensions.supported_version, else
#                                  tls.handshake.version (number -> count)
#   cipher_suites                  tls.handshake.ciphersuite of those ServerHellos (number -> count)
#   alpn                           tls.handshake.extensions_alpn_str of ClientHellos -> count
#   handshake_types                tls.handshake.type (number -> count)
#   alerts                         tls.alert_message.desc (number -> count)
# Default preferences, one pass (TLS and QUIC reassembly work in one pass).
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/tls
mkdir -p "$out"
ver=$(tshark --version 2>/dev/null | head -1 | sed 's/^TShark (Wireshark) //; s/ (.*//')
caps="$*"
[ -n "$caps" ] || caps="testdata/captures/* analysis/tls/testdata/captures/*"
# shellcheck disable=SC2086
for path in $caps; do
  cap=$(basename "$path")
  capinfos "$path" >/dev/null 2>&1 || tshark -r "$path" -c 1 >/dev/null 2>&1 || continue
  tshark -r "$path" -T json --no-duplicate-keys -J "tls quic" 2>/dev/null > /tmp/tls.sh.$$.json || true
  python3 - "$cap" "$ver" /tmp/tls.sh.$$.json > /tmp/tls.sh.$$.out <<'PY'
import json, sys
cap, ver, path = sys.argv[1:4]
raw = open(path).read().strip()
frames = json.loads(raw) if raw else []
HRR = "cf:21:ad:74:e5:9a:61:11:be:1d:8c:02:1e:65:b8:91:c2:a2:11:16:7a:bb:8c:5e:07:9e:09:e2:c8:a8:33:9c"
def aslist(v):
    if v is None: return []
    return v if isinstance(v, list) else [v]
def walk(d, key):
    """every value of key anywhere under d, not descending into values of key"""
    out = []
    if isinstance(d, dict):
        for k, v in d.items():
            if k == key: out.extend(aslist(v))
            else: out.extend(walk(v, key))
    elif isinstance(d, list):
        for v in d: out.extend(walk(v, key))
    return out
def bump(m, k): m[k] = m.get(k, 0) + 1
res = {"capture": cap, "tshark": ver, "client_hellos": 0, "server_hellos": 0, "hello_retry_requests": 0,
       "server_names": {}, "ja3": {}, "ja3s": {}, "versions": {}, "cipher_suites": {}, "alpn": {},
       "handshake_types": {}, "alerts": {}}
for fr in frames:
    layers = fr["_source"]["layers"]
    for hs in walk(layers, "tls.handshake"):
        if not isinstance(hs, dict) or "tls.handshake.type" not in hs: continue
        t = int(hs["tls.handshake.type"])
        bump(res["handshake_types"], str(t))
        if t == 1:
            res["client_hellos"] += 1
            for n in walk(hs, "tls.handshake.extensions_server_name"): bump(res["server_names"], n)
            for n in walk(hs, "tls.handshake.ja3"): bump(res["ja3"], n)
            for n in walk(hs, "tls.handshake.extensions_alpn_str"): bump(res["alpn"], n)
        elif t == 2:
            res["server_hellos"] += 1
            for n in walk(hs, "tls.handshake.ja3s"): bump(res["ja3s"], n)
            if hs.get("tls.handshake.random") == HRR:
                res["hello_retry_requests"] += 1
                continue
            sv = walk(hs, "tls.handshake.extensions.supported_version")
            v = sv[0] if sv else hs.get("tls.handshake.version")
            if v: bump(res["versions"], str(int(v, 16)))
            cs = hs.get("tls.handshake.ciphersuite")
            if cs: bump(res["cipher_suites"], str(int(cs, 16)))
    for d in walk(layers, "tls.alert_message.desc"): bump(res["alerts"], str(int(d)))
for k in ("handshake_types", "versions", "cipher_suites", "alerts"):
    res[k] = dict(sorted(res[k].items(), key=lambda kv: int(kv[0])))
for k in ("server_names", "ja3", "ja3s", "alpn"):
    res[k] = dict(sorted(res[k].items()))
print(json.dumps(res, indent=2))
PY
  mv /tmp/tls.sh.$$.out "$out/$cap.json"
  rm -f /tmp/tls.sh.$$.json
  echo "$out/$cap.json"
done
