#!/bin/sh
# overview.sh: write testdata/expected/overview/<capture>.json from tshark's
# protocol hierarchy (-z io,phs), conversations (-z conv,ip|ipv6|tcp|udp) and
# endpoints (-z endpoints,ip|ipv6|tcp|udp), for every capture in testdata/captures.
#
# Usage: testdata/tshark/overview.sh [capture ...]   (run from the repository root)
# Needs tshark (4.x) and python3. Names are not resolved (-n).
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/overview
mkdir -p "$out"
if [ $# -eq 0 ]; then set -- testdata/captures/*; fi
version=$(tshark -v 2>/dev/null | head -1 | sed 's/^TShark (Wireshark) \([^ ]*\).*/\1/')
for f in "$@"; do
	case "$f" in *.pcap|*.pcapng|*.cap|*.gz) ;; *) continue ;; esac
	name=$(basename "$f")
	if ! capinfos -c "$f" >/dev/null 2>&1; then
		echo "$f: not readable by tshark, skipped" >&2
		rm -f "$out/$name.json"
		continue
	fi
	tshark -n -r "$f" -q -z io,phs \
		-z conv,ip -z conv,ipv6 -z conv,tcp -z conv,udp \
		-z endpoints,ip -z endpoints,ipv6 -z endpoints,tcp -z endpoints,udp 2>/dev/null |
		python3 "$(dirname "$0")/overview_parse.py" "$name" "$version" >"$out/$name.json"
	echo "$out/$name.json"
done
