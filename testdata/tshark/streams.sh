#!/bin/sh
# streams.sh: write testdata/expected/streams/<capture>.tsv from tshark's
# tcp.stream and udp.stream (frame number, then each field as tshark prints
# it: comma-separated when a frame has several headers, empty when none),
# one line per frame that has either, for every capture in testdata/captures
# (or the ones named). analysis/frame's TestStreamsTshark compares them.
#
# Usage: testdata/tshark/streams.sh [capture ...]   (run from the repository root)
# Needs tshark (4.x). One pass, default preferences.
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/streams
mkdir -p "$out"
if [ $# -eq 0 ]; then set -- testdata/captures/*; fi
for f in "$@"; do
	case "$f" in *.pcap|*.pcapng|*.cap|*.gz) ;; *) continue ;; esac
	name=$(basename "$f")
	if ! capinfos -c "$f" >/dev/null 2>&1; then
		rm -f "$out/$name.tsv"
		continue
	fi
	tshark -n -r "$f" -T fields -e frame.number -e tcp.stream -e udp.stream 2>/dev/null |
		awk -F'\t' '$2 != "" || $3 != ""' >"$out/$name.tsv"
	echo "$out/$name.tsv"
done
