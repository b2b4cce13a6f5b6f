#!/bin/bash
# Records what tshark 4.0 says of the display filters in filters.txt, for
# filter_tshark_test.go (which never needs tshark):
#   fields.golden.tsv       name, FT_ type and display base of every registry field
#                           (tshark -G fields; the base decides decimal or hex text)
#   filters.golden.tsv      per filter: ok or error, the caret's offset and length,
#                           the message, then the matching frame numbers in each capture
#   <capture>.fields.tsv    every registry field's values per frame (tshark -T fields),
#                           from which the test builds a Source to evaluate filters on
# Run from anywhere; tshark 4.0 must be installed. Review the diff before committing.
# A filter already in filters.golden.tsv keeps its row (tshark's answer does
# not change); RECORD_ALL=1 asks tshark again for every filter.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
caps=$(cd "$here/../../../testdata/captures" && pwd)
captures=(chrissanders--dns.pcap chrissanders--http_ip4and6.pcapng pcaplens-tunnels.pcap tcp_synthetic.pcap)
tshark -v | head -1 | grep -q ' 4\.0\.' || { echo "record.sh: needs tshark 4.0" >&2; exit 1; }

# The registry's fields tshark 4.0 has (tls.handshake.ja4 is 4.2's).
known=$(mktemp)
tshark -G fields 2>/dev/null | cut -f3 | sort -u > "$known"
names=$(cd "$here/.." && go run ./testdata/gen -names | grep -Fx -f "$known")
rm -f "$known"

# Field types and display bases.
tshark -G fields 2>/dev/null | awk -F'\t' -v names="$names" '
BEGIN { n = split(names, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
$1 == "P" && ($3 in want) { print $3 "\tFT_PROTOCOL\t" }
$1 == "F" && ($3 in want) { print $3 "\t" $4 "\t" $6 }' | sort > "$here/fields.golden.tsv"

# Field values per frame.
args=()
for n in $names; do args+=(-e "$n"); done
for c in "${captures[@]}"; do
	{
		printf '%s\n' "$names" | paste -sd'\t' -
		tshark -r "$caps/$c" -T fields -E occurrence=a -E aggregator='|' "${args[@]}" 2>/dev/null
	} > "$here/$c.fields.tsv"
done

# Filters.
tmp=$(mktemp) old=$(mktemp)
trap 'rm -f "$tmp" "$old"' EXIT
if [ -z "${RECORD_ALL:-}" ] && [ -f "$here/filters.golden.tsv" ]; then cp "$here/filters.golden.tsv" "$old"; fi
{
	printf 'filter\tresult\toffset\tlength\tmessage'
	for c in "${captures[@]}"; do printf '\t%s' "$c"; done
	printf '\n'
	while IFS= read -r f; do
		if row=$(F="$f" awk -F'\t' 'NR > 1 && $1 == ENVIRON["F"] { print; found = 1; exit } END { exit !found }' "$old"); then
			printf '%s\n' "$row"
			continue
		fi
		first=$(tshark -r "$caps/${captures[0]}" -Y "$f" -T fields -e frame.number 2>"$tmp" | paste -sd, - || true)
		err=$(grep -v '^Running as user' "$tmp" || true)
		if [ -n "$err" ]; then
			msg=$(printf '%s\n' "$err" | sed -n '1s/^tshark: //p')
			caret=$(printf '%s\n' "$err" | sed -n 3p)
			off=-1 len=0
			if [ -n "$caret" ]; then
				pre=${caret%%^*}
				off=$(( ${#pre} - 4 ))
				marks=${caret#"$pre"}
				len=${#marks}
			fi
			printf '%s\terror\t%s\t%s\t%s' "$f" "$off" "$len" "$msg"
			for c in "${captures[@]}"; do printf '\t-'; done
		else
			printf '%s\tok\t-1\t0\t\t%s' "$f" "${first:-none}"
			for c in "${captures[@]:1}"; do
				frames=$(tshark -r "$caps/$c" -Y "$f" -T fields -e frame.number 2>/dev/null | paste -sd, -)
				printf '\t%s' "${frames:-none}"
			done
		fi
		printf '\n'
	done < "$here/filters.txt"
} > "$here/filters.golden.tsv"
