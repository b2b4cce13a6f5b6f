#!/bin/sh
# tcp.sh: write tshark's TCP analysis figures for every capture in
# testdata/captures that has TCP to testdata/expected/tcp/<capture>.json.
# Run from anywhere: sh testdata/tshark/tcp.sh
# TESTDATA=DIR reads DIR/captures and writes DIR/expected/tcp instead (a directory laid
# out like testdata/, as testdata/tshark/agree.sh builds one for other captures).
#
# Definitions (the Go tests in analysis/tcp compare with exactly these):
#   tcp_packets   frames with a TCP header over an IP header, tunnelled TCP
#                 included (pcaplens follows IP-in-IP, GRE, VXLAN and Geneve to the
#                 innermost IP, as Wireshark does); TCP quoted inside ICMP errors is
#                 left out.
#   streams       distinct tcp.stream values of those frames.
#   flags.<name>  frames among them carrying the field tcp.analysis.<name>. As in
#                 Wireshark, tcp.analysis.retransmission is also present on fast and
#                 spurious retransmissions.
#   frames        for every frame carrying at least one flag, its frame number and
#                 the flag names (in the order above), comma-separated.
#   initial_rtt   per tcp.stream, tcp.analysis.initial_rtt in seconds (streams that
#                 have one).
# tshark runs one pass with its default preferences (sequence analysis on,
# relative sequence numbers, IP reassembly on).
set -eu
cd "$(dirname "$0")/../.."
td=${TESTDATA:-testdata}
out=$td/expected/tcp
mkdir -p "$out"
flags="retransmission fast_retransmission spurious_retransmission out_of_order duplicate_ack lost_segment ack_lost_segment zero_window zero_window_probe zero_window_probe_ack window_full window_update keep_alive keep_alive_ack reused_ports"
fields=""
for f in $flags; do fields="$fields -e tcp.analysis.$f"; done
for path in "$td"/captures/*; do
  cap=$(basename "$path")
  # shellcheck disable=SC2086
  tshark -r "$path" -Y tcp -T fields -E separator=/t -E occurrence=f \
      -e frame.number -e frame.protocols -e tcp.stream -e tcp.analysis.initial_rtt $fields 2>/dev/null |
    awk -F'\t' -v cap="$cap" -v flags="$flags" -v out="$out" '
      BEGIN { n = split(flags, fl, " ") }
      {
        m = split($2, p, ":"); ips = 0; icmp = 0
        for (i = 1; i <= m; i++) {
          if (p[i] == "ip" || p[i] == "ipv6") ips++
          if (p[i] == "icmp" || p[i] == "icmpv6") icmp++
        }
        if (ips < 1 || icmp) next
        tcp++; s[$3] = 1; list = ""
        if ($4 != "" && !($3 in rtt)) { rtt[$3] = $4; nr++; rs[nr] = $3 }
        for (i = 1; i <= n; i++) if ($(i + 4) != "") { c[i]++; list = list (list == "" ? "" : ",") fl[i] }
        if (list != "") { nf++; fr[nf] = $1; fs[nf] = list }
      }
      END {
        if (tcp == 0) exit
        ns = 0; for (k in s) ns++
        file = out "/" cap ".json"
        printf "{\n  \"capture\": \"%s\",\n  \"tcp_packets\": %d,\n  \"streams\": %d,\n  \"flags\": {\n", cap, tcp, ns > file
        for (i = 1; i <= n; i++) printf "    \"%s\": %d%s\n", fl[i], c[i] + 0, (i < n ? "," : "") > file
        printf "  },\n  \"frames\": {" > file
        for (i = 1; i <= nf; i++) printf "%s\n    \"%s\": \"%s\"", (i > 1 ? "," : ""), fr[i], fs[i] > file
        printf "%s},\n  \"initial_rtt\": {", (nf > 0 ? "\n  " : "") > file
        for (i = 1; i <= nr; i++) printf "%s\n    \"%s\": %s", (i > 1 ? "," : ""), rs[i], rtt[rs[i]] > file
        printf "%s}\n}\n", (nr > 0 ? "\n  " : "") > file
      }'
done
