#!/bin/sh
# filters.sh: for every capture in testdata/captures (or the ones named),
# write testdata/expected/filters/<capture>.json: for each display filter of
# testdata/tshark/filters.txt, the frames tshark 4.0 selects with it, as
# ranges ("1-3,7"). analysis/query's TestFiltersAgainstTshark requires the
# same frames from query.Matcher.
#
# tshark reads each capture once (one pass, default preferences, as -Y
# does): filters.lua registers one tap listener per filter, and a tap's
# filter selects exactly the frames "tshark -Y FILTER" prints. With
# --check, each capture is also run through "tshark -Y FILTER -T fields
# -e frame.number" for every filter (slow) and any difference is reported.
#
# Usage: testdata/tshark/filters.sh [--check] [capture ...]   (from anywhere)
# FILTERS_OUT=dir writes the expectations there instead (for captures
# outside testdata, compared by QUERY_CAPTURES=... go test -run Shared).
# FILTERS_LIST=file takes the filters from file instead: the layer
# operator, slices and functions are recorded apart, on the captures where
# they select something (analysis/query's TestLayerFiltersAgainstTshark):
#   FILTERS_LIST=testdata/tshark/filters-layers.txt \
#   FILTERS_OUT=testdata/expected/filters-layers testdata/tshark/filters.sh \
#     $(sed 's|^|testdata/captures/|' testdata/tshark/filters-layers.list)
set -eu
cd "$(dirname "$0")/../.."
out=${FILTERS_OUT:-testdata/expected/filters}
list=${FILTERS_LIST:-testdata/tshark/filters.txt}
mkdir -p "$out"
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
if [ $# -eq 0 ]; then set -- testdata/captures/*; fi
for f in "$@"; do
	case "$f" in *.pcap|*.pcapng|*.cap|*.gz) ;; *) continue ;; esac
	name=$(basename "$f")
	if ! capinfos -c "$f" >/dev/null 2>&1; then
		rm -f "$out/$name.json"
		continue
	fi
	tshark -n -q -r "$f" -X lua_script:testdata/tshark/filters.lua \
		-X lua_script1:"$list" 2>/dev/null >"$out/$name.json"
	echo "$out/$name.json"
	if [ $check -eq 1 ]; then
		while IFS= read -r flt; do
			[ -n "$flt" ] || continue
			got=$(tshark -n -r "$f" -Y "$flt" -T fields -e frame.number 2>/dev/null |
				awk 'NR == 1 { s = e = $1; next }
					$1 == e + 1 { e = $1; next }
					{ printf "%s%s", sep, (s == e ? s : s "-" e); sep = ","; s = e = $1 }
					END { if (NR) printf "%s%s", sep, (s == e ? s : s "-" e) }')
			want=$(FLT="$flt" python3 -c 'import json,os,sys; v=json.load(open(sys.argv[1]))[os.environ["FLT"]]; print(v if isinstance(v, str) else "refused")' "$out/$name.json")
			[ "$want" != refused ] || continue
			[ "$got" = "$want" ] || echo "  differs from -Y: $flt: -Y $got, tap $want"
		done <"$list"
	fi
done
