#!/bin/sh
# fields.sh: write testdata/expected/fields/<capture>.tsv, what tshark 4.0
# prints with -T fields -e FIELD for every field and protocol of
# analysis/filter's registry (its default -E occurrence=a, aggregator ","),
# one tab-separated line per frame after a header naming the fields, for
# every capture in testdata/captures of at most 600 frames (or the ones
# named). analysis/query's TestFieldsTshark requires the same text from
# query.Matcher's AppendText.
#
# A protocol's column is tshark's summary line of the protocol tree
# ("Internet Protocol Version 4, Src: …"), which pcaplens does not write:
# the script keeps only whether the protocol is there ("1" or empty).
#
# Usage: testdata/tshark/fields.sh [capture ...]   (from anywhere)
# Needs tshark 4.0. One pass, default preferences, no name resolution.
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/fields
mkdir -p "$out"
names=$(cd analysis/filter && go run ./testdata/gen -names)
cols=$(printf '%s\n' "$names" | paste -sd' ' -)
args=""
for n in $names; do args="$args -e $n"; done
all=0
if [ $# -eq 0 ]; then set -- testdata/captures/*; all=1; fi
for f in "$@"; do
	case "$f" in *.pcap|*.pcapng|*.cap|*.gz) ;; *) continue ;; esac
	name=$(basename "$f")
	frames=$(capinfos -cM "$f" 2>/dev/null | awk '/Number of packets/ { print $NF }') || frames=""
	if [ -z "$frames" ] || { [ $all -eq 1 ] && [ "$frames" -gt 600 ]; }; then
		rm -f "$out/$name.tsv"
		continue
	fi
	{
		printf '%s\n' "$names" | paste -sd'\t' -
		# shellcheck disable=SC2086
		tshark -n -r "$f" -T fields $args 2>/dev/null |
			awk -F'\t' -v OFS='\t' -v cols="$cols" '
				BEGIN { n = split(cols, c, " "); for (i = 1; i <= n; i++) proto[i] = index(c[i], ".") == 0 }
				{ for (i = 1; i <= n; i++) if (proto[i] && $i != "") $i = "1"; print }' || true
	} >"$out/$name.tsv"
	echo "$out/$name.tsv"
done
