#!/usr/bin/env bash
# Writes what tshark reads from every capture in testdata/captures, packet by
# packet, to testdata/expected/capture/<capture>.json:
#   {"sha256": "<of the capture>", "stderr": "<tshark's complaint, if any>",
#    "packets": [["<epoch seconds, 9 decimals or empty>", len, cap_len, "comments"], ...]}
# (the tests skip a capture whose sha256 no longer matches: rerun this script).
# Only packet records count (pcapng custom blocks, which tshark also lists as
# frames, are left out). Run once (needs tshark 4.x); the Go tests of
# analysis/capture read the committed files and never need tshark.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/expected/capture"
mkdir -p "$out"
tshark --version | head -1 > "$out/VERSION"
for f in "$here"/captures/*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	err=$(mktemp)
	rows=$(mktemp)
	tshark -r "$f" -T fields -E separator='|' -e frame.time_epoch -e frame.len -e frame.cap_len \
		-e frame.comment -e frame.encap_type >"$rows" 2>"$err" || true
	python3 - "$name" "$err" "$out/$name.json" "$rows" "$f" <<'PY'
import hashlib, json, sys
name, errf, outf, rowsf = sys.argv[1:5]
pk = []
for line in open(rowsf).read().splitlines():
    if not line:
        continue
    t, ln, cl, com, encap = line.split('|')
    if encap == '' and t == '':   # not a packet record (custom block)
        continue
    pk.append([t, int(ln), int(cl), com])
err = open(errf).read().replace('Running as user "root" and group "root". This could be dangerous.\n', '').strip()
err = err.replace(sys.argv[5], name)
with open(outf, 'w') as o:
    sha = hashlib.sha256(open(sys.argv[5], 'rb').read()).hexdigest()
    o.write('{"sha256": "%s",\n "stderr": %s,\n "packets": [' % (sha, json.dumps(err)))
    o.write(','.join('\n  ' + json.dumps(p) for p in pk))
    o.write('\n ]}\n')
PY
	rm -f "$err" "$rows"
done
