#!/bin/sh
# packets.sh: write testdata/expected/packets/<capture>.tsv, tshark's packet
# list (its default columns: No., Time, Source, Destination, Protocol,
# Length, Info; time relative to the first frame, no name resolution), one
# tab-separated line per frame, for every capture in testdata/captures (or
# the ones named). analysis/packets' TestRowsTshark compares its rows.
#
# Also writes testdata/expected/follow/<capture>.<tcp|udp>.<stream>.<raw|ascii>
# for the streams listed in testdata/tshark/follow.list: tshark's
# -z follow output, which TestFollowTshark compares byte for byte.
#
# Usage: testdata/tshark/packets.sh [capture ...]   (run from the repository root)
# Needs tshark (4.x). One pass, default preferences.
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/packets
mkdir -p "$out"
if [ $# -eq 0 ]; then set -- testdata/captures/*; fi
for f in "$@"; do
	case "$f" in *.pcap|*.pcapng|*.cap|*.gz) ;; *) continue ;; esac
	name=$(basename "$f")
	if ! capinfos -c "$f" >/dev/null 2>&1; then
		rm -f "$out/$name.tsv"
		continue
	fi
	tshark -n -r "$f" -T fields -E separator=/t \
		-e _ws.col.No. -e _ws.col.Time -e _ws.col.Source -e _ws.col.Destination \
		-e _ws.col.Protocol -e _ws.col.Length -e _ws.col.Info 2>/dev/null >"$out/$name.tsv" || true
	echo "$out/$name.tsv"
done

out=testdata/expected/follow
mkdir -p "$out"
grep -v '^#' testdata/tshark/follow.list | while read -r name kind stream; do
	[ -n "$name" ] || continue
	for mode in raw ascii; do
		tshark -n -r "testdata/captures/$name" -q -z "follow,$kind,$mode,$stream" 2>/dev/null >"$out/$name.$kind.$stream.$mode"
		echo "$out/$name.$kind.$stream.$mode"
	done
done

# Export: pcaplens writes the odd frames up to 25 of a few captures as
# pcapng; tshark must read the file back (expected/export/<capture>.tsv:
# frame number, wire length, captured length, epoch time, link type as
# tshark reads them), and TestExportTshark compares the export with it.
out=testdata/expected/export
mkdir -p "$out"
tmp=$(mktemp -d)
go build -o "$tmp/pcaplens" ./cmd/pcaplens
for name in multi-interface.pcapng chrissanders--tcp_handshake.pcapng http.pcap.gz; do
	"$tmp/pcaplens" packets -Y 'frame.number in {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25}' -w "$tmp/out.pcapng" "testdata/captures/$name" 2>/dev/null
	tshark -r "$tmp/out.pcapng" -T fields -e frame.number -e frame.len -e frame.cap_len -e frame.time_epoch -e frame.interface_id 2>/dev/null >"$out/$name.tsv"
	echo "$out/$name.tsv"
done
rm -rf "$tmp"
