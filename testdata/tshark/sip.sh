#!/bin/sh
# sip.sh: writes testdata/expected/sip/<capture>.json from tshark for every
# capture under testdata/captures in which tshark finds SIP:
#   requests      sip.Method      -> count (every request in every frame)
#   status_codes  sip.Status-Code -> count
#   call_ids      distinct sip.Call-ID values
#   messages      number of SIP messages (requests + responses)
#   rtp_streams   tshark -q -z rtp,streams rows: src/dst address and port,
#                 SSRC, payload, packets, lost, max delta (ms), max and mean jitter (ms)
# Needs tshark 4.x and python3. Run from anywhere:  sh testdata/tshark/sip.sh
# TESTDATA=DIR (absolute) reads DIR/captures and writes DIR/expected/sip instead (a
# directory laid out like testdata/, as testdata/tshark/agree.sh builds one).
set -eu
cd "${TESTDATA:-$(dirname "$0")/..}"
mkdir -p expected/sip
for f in captures/*; do
	case "$f" in *.json | *.md) continue ;; esac
	name=$(basename "$f")
	n=$(tshark -r "$f" -Y sip 2>/dev/null | wc -l) || n=0
	[ "$n" -gt 0 ] || continue
	fields=$(tshark -r "$f" -Y sip -T fields -E occurrence=a -E aggregator='|' \
		-e sip.Method -e sip.Status-Code -e sip.Call-ID 2>/dev/null)
	rtp=$(tshark -r "$f" -q -z rtp,streams 2>/dev/null)
	FIELDS="$fields" RTP="$rtp" tshark_version=$(tshark -v | sed -n '1s/.*(Wireshark) \([^ ]*\).*/\1/p') \
	python3 - "$name" >"expected/sip/$name.json" <<'PY'
import json, os, re, sys
methods, codes, callids, messages = {}, {}, set(), 0
for line in os.environ["FIELDS"].splitlines():
    cols = (line.split("\t") + ["", "", ""])[:3]
    for m in filter(None, cols[0].split("|")):
        methods[m] = methods.get(m, 0) + 1
        messages += 1
    for c in filter(None, cols[1].split("|")):
        codes[c] = codes.get(c, 0) + 1
        messages += 1
    for i in filter(None, cols[2].split("|")):
        callids.add(i)
row = re.compile(r"^\s*([\d.]+)\s+([\d.]+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+(.+?)\s+(\d+)\s+(-?\d+)\s+\([^)]*\)\s+"
                 r"(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*(X?)\s*$")
streams = []
for line in os.environ["RTP"].splitlines():
    m = row.match(line)
    if not m:
        continue
    g = m.groups()
    streams.append({
        "src": g[2], "src_port": int(g[3]), "dst": g[4], "dst_port": int(g[5]),
        "ssrc": g[6].lower().replace("0x", "0x"), "payload": g[7],
        "packets": int(g[8]), "lost": int(g[9]),
        "max_delta_ms": float(g[12]), "max_jitter_ms": float(g[15]), "mean_jitter_ms": float(g[14]),
    })
streams.sort(key=lambda s: (s["src"], s["src_port"], s["dst"], s["dst_port"], s["ssrc"]))
out = {
    "capture": sys.argv[1],
    "tshark": os.environ.get("tshark_version", ""),
    "messages": messages,
    "requests": dict(sorted(methods.items())),
    "status_codes": dict(sorted(codes.items())),
    "call_ids": len(callids),
    "rtp_streams": streams,
}
print(json.dumps(out, indent=2))
PY
	echo "expected/sip/$name.json"
done
