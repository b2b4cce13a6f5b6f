#!/bin/sh
# Builds the capture of the packet-list benchmark (make bench-packets): about
# a million frames of real traffic, from the Ethernet captures of
# /work/shared/captures/real (7,252 frames) concatenated, then doubled with
# time-shifted copies (editcap -t, mergecap -a) and cut to COUNT frames.
# The copies repeat the same conversations later in time, so Wireshark (and
# pcaplens) see the later copies' segments as retransmissions of the first:
# the file stresses the TCP analysis rather than looking like one network.
# Usage: packets-capture.sh OUT.pcapng [COUNT] (default 1000000). Keep the
# output out of git.
set -eu
out=$1
count=${2:-1000000}
src=${CAPTURES_REAL:-/work/shared/captures/real}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=$(capinfos -T -r -E "$src"/* 2>/dev/null | awk -F'\t' '$2 == "ether" {print $1}' | sort)
[ -n "$files" ] || { echo "no Ethernet captures in $src" >&2; exit 1; }
mergecap -a -F pcapng -w "$tmp/cur.pcapng" $files
while :; do
	n=$(capinfos -T -r -c "$tmp/cur.pcapng" | cut -f2)
	[ "$n" -lt "$count" ] || break
	# Shift the copy past the whole of the current file.
	span=$(capinfos -T -r -S -a -e "$tmp/cur.pcapng" | awk -F'\t' '{printf "%d", $3 - $2 + 1}')
	editcap -t "$span" "$tmp/cur.pcapng" "$tmp/copy.pcapng"
	mergecap -a -F pcapng -w "$tmp/next.pcapng" "$tmp/cur.pcapng" "$tmp/copy.pcapng"
	mv "$tmp/next.pcapng" "$tmp/cur.pcapng"
done
editcap -r "$tmp/cur.pcapng" "$out" "1-$count"
capinfos -T -r -c "$out"
