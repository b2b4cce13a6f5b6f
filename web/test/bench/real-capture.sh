#!/bin/sh
# Builds a large capture of real traffic for the browser benchmarks of the
# whole analysis (issue 13's targets): the Ethernet captures of
# /work/shared/captures/real and ja4 (about 7,900 frames of HTTP, TLS, DNS,
# DHCP, ICMP, SMTP, malware traffic…) concatenated, then copied as many times
# as COUNT frames need. Each copy has its IPv4/IPv6 addresses rewritten
# (rewrite-addresses.mjs, with its own seed), so its connections are new
# ones, not retransmissions of the first copy's, and starts ten seconds after
# the copy before it (editcap -t); the copies run at once, merged in time
# order: the file looks like one busy network.
# Usage: real-capture.sh OUT.pcap [COUNT] (default 1000000). Needs editcap,
# mergecap, capinfos (Wireshark) and node; keep the output
# out of git. Sizes: about 540 bytes a frame, so 1 M frames is about 540 MB,
# 370,000 frames about 200 MB.
set -eu
out=$1
count=${2:-1000000}
src=${CAPTURES:-/work/shared/captures}
for t in editcap mergecap capinfos node; do
	command -v $t >/dev/null || { echo "real-capture.sh: $t is missing (apt-get install tshark nodejs)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=$(capinfos -T -r -E "$src"/real/* "$src"/ja4/* 2>/dev/null | awk -F'\t' '$2 == "ether" {print $1}' | sort)
[ -n "$files" ] || { echo "no Ethernet captures in $src" >&2; exit 1; }
# One pcap (the rewriter reads pcap): the originals one after another in time,
# each shifted to start a second after the one before it ends (they were
# captured years apart).
t=1700000000
k=0
for f in $files; do
	set -- $(capinfos -T -r -S -a -e "$f" | cut -f2,3)
	case "$1" in n/a) continue ;; esac
	editcap -F pcap -t $(awk -v t=$t -v a="$1" 'BEGIN {printf "%.6f", t - a}') "$f" "$tmp/f$(printf %04d $k).pcap"
	t=$(awk -v t=$t -v a="$1" -v e="$2" 'BEGIN {printf "%d", t + (e - a) + 1}')
	k=$((k + 1))
done
mergecap -a -F pcap -w "$tmp/base.pcap" "$tmp"/f*.pcap
per=$(capinfos -T -r -c "$tmp/base.pcap" | cut -f2)
copies=$(( (count + per - 1) / per ))
i=0
list=
while [ $i -lt $copies ]; do
	if [ $i -eq 0 ]; then
		cp "$tmp/base.pcap" "$tmp/c0.pcap"
	else
		node "$(dirname "$0")/rewrite-addresses.mjs" "$tmp/base.pcap" "$tmp/r.pcap" $i 2>/dev/null
		editcap -t $((i * 10)) "$tmp/r.pcap" "$tmp/c$i.pcap"
	fi
	list="$list $tmp/c$i.pcap"
	i=$((i + 1))
done
# The copies start ten seconds apart and run at once, merged in time order.
mergecap -F pcap -w "$tmp/all.pcap" $list
editcap -F pcap -r "$tmp/all.pcap" "$out" "1-$count"
capinfos -T -r -c -s "$out"
