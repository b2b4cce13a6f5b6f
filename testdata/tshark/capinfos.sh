#!/usr/bin/env bash
# Writes capinfos' own output for every capture in testdata/captures to
# testdata/expected/capinfos/<capture>.txt. Run once (needs Wireshark's
# capinfos 4.x); the Go tests read the committed files and never need it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/expected/capinfos"
mkdir -p "$out"
capinfos --version | head -1 > "$out/VERSION"
for f in "$here"/captures/*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	# -M: exact figures; UTC so that the times do not depend on the machine.
	TZ=UTC capinfos -M "$f" > "$out/$name.txt" 2>&1 || true
done
