#!/bin/sh
# tcp_findings.sh: for the captures below, write what tshark selects with each
# display filter a TCP finding of tcp_anomalies carries (no server filter) to
# testdata/expected/tcp_findings/<capture>.json. Run from anywhere:
#   sh testdata/tshark/tcp_findings.sh
#
# For each filter (exactly the string the finding carries):
#   count          frames the filter selects
#   frames         the first 10 of them
#   streams        distinct tcp.stream among them
#   stream_frames  the first 10 of the first frame of each stream (the frames
#                  of a finding that counts connections, as tcp.resets does)
# tshark runs one pass with its default preferences, as testdata/tshark/tcp.sh.
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/tcp_findings
mkdir -p "$out"
captures="chrissanders--tcp_retransmissions.pcapng chrissanders--tcp_dupack.pcapng
chrissanders--tcp_zerowindowrecovery.pcapng chrissanders--tcp_zerowindowdead.pcapng
chrissanders--tcp_refuseconnection.pcapng chrissanders--synscan.pcapng chrissanders--http_espn.pcapng
chrissanders--http_espn_fail.pcapng chrissanders--latency1.pcapng chrissanders--inconsistent_printer.pcapng
chrissanders--sessionhijacking.pcapng bgp-as-path-oobr.pcap bgp-cease-hard-reset.pcap tcp_synthetic.pcap"
filters="tcp.analysis.retransmission
tcp.analysis.out_of_order
tcp.analysis.lost_segment
tcp.analysis.ack_lost_segment
tcp.analysis.zero_window
tcp.analysis.window_full
tcp.analysis.duplicate_ack
tcp.analysis.zero_window_probe
tcp.analysis.reused_ports
tcp.analysis.keep_alive
tcp.flags.reset == 1"
for cap in $captures; do
  file="$out/$cap.json"
  printf '{\n  "capture": "%s",\n  "filters": {' "$cap" > "$file"
  sep=""
  echo "$filters" | while IFS= read -r flt; do
    tshark -r "testdata/captures/$cap" -Y "$flt" -T fields -E separator=/t -e frame.number -e tcp.stream 2>/dev/null |
      awk -F'\t' -v flt="$flt" -v sep="$sep" '
        { n++; if (n <= 10) fr = fr (fr == "" ? "" : ", ") $1
          if (!($2 in s)) { s[$2] = 1; ns++; if (ns <= 10) sf = sf (sf == "" ? "" : ", ") $1 } }
        END { printf "%s\n    \"%s\": {\"count\": %d, \"frames\": [%s], \"streams\": %d, \"stream_frames\": [%s]}", sep, flt, n, fr, ns, sf }' >> "$file"
    sep=","
  done
  printf '\n  }\n}\n' >> "$file"
done
