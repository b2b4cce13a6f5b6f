#!/bin/sh
# filters-tls.sh: for every capture with TLS (analysis/tls/testdata/captures,
# or the ones named: testdata/captures/* too), write testdata/expected/filters-tls/<capture>.json: for
# each display filter of testdata/tshark/filters-tls.txt, the frames tshark 4.0
# selects with it, as filters.sh does for filters.txt. analysis/query's
# TestTLSFiltersAgainstTshark requires the same frames from query.Matcher.
# Usage: testdata/tshark/filters-tls.sh [capture ...]   (from anywhere)
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/filters-tls
mkdir -p "$out"
if [ $# -eq 0 ]; then set -- analysis/tls/testdata/captures/*; fi
for f in "$@"; do
	name=$(basename "$f")
	if ! capinfos -c "$f" >/dev/null 2>&1; then
		continue
	fi
	tshark -n -q -r "$f" -X lua_script:testdata/tshark/filters.lua \
		-X lua_script1:testdata/tshark/filters-tls.txt 2>/dev/null >"$out/$name.json"
	echo "$out/$name.json"
done
