#!/bin/sh
# icmp.sh: write tshark's ICMP and ICMPv6 figures for every ICMP capture in
# testdata/captures to testdata/expected/icmp/<capture>.json.
# Run from anywhere: sh testdata/tshark/icmp.sh
# TESTDATA=DIR reads every capture in DIR/captures and writes DIR/expected/icmp instead (a
# directory laid out like testdata/, as testdata/tshark/agree.sh builds one), one file per
# capture, with zeros where tshark finds no ICMP.
#
# Definitions (the Go tests in analysis/icmp compare with exactly these), per
# family (icmp: ICMPv4, icmpv6: ICMPv6):
#   packets             frames whose outer ICMP layer is of that family. Only the outer
#                       message counts: an ICMP message quoted inside an error is not a
#                       packet (tshark lists both in icmp.type; the first is the outer).
#                       ICMP inside a tunnel counts (the analysis sees the innermost IP).
#   type_code_counts    packets by "type/code" of the outer message (an ICMPv4 header
#                       under 6 bytes is not selected by -Y icmp: not a packet).
#   echo_requests, echo_replies   packets of type 8 / 0 (ICMPv6: 128 / 129).
#   unanswered_requests echo requests without icmp.resp_in (icmpv6.resp_in).
#   rtt                 for every reply with icmp.resp_to: its frame time minus the
#                       request's (= icmp.resptime, computed from frame.time_epoch to keep
#                       nanoseconds): count, min, median (mean of the middle two when the
#                       count is even), max, in seconds.
# tshark runs two-pass (-2) so that resp_in is set on requests.
set -eu
cd "$(dirname "$0")/../.."
td=${TESTDATA:-testdata}
out=$td/expected/icmp
mkdir -p "$out"
if [ -n "${TESTDATA:-}" ]; then
  set -- $(cd "$td/captures" && ls)
else
  set -- \
  chrissanders--icmp_echo.pcapng chrissanders--icmp_traceroute.pcapng \
  chrissanders--icmpv6_neighbor_solicitation.pcapng chrissanders--ip_ttl_dest.pcapng \
  chrissanders--ip_ttl_source.pcapng chrissanders--ip_frag_source.pcapng \
  chrissanders--ipv6_fragments.pcapng chrissanders--activeosfingerprinting.pcapng \
  arcnet-rfc1051-arp-icmp-http.pcap dhcp-rfc4388.pcap e1000g.pcap icmp-cksum-oobr-3.pcapng \
  icmp-rfc8335.pcap icmp_inft_name_length_zero.pcap icmpv6-ns-nonce.pcap icmpv6-ra-pref64.pcap \
  icmpv6_opt24.pcap rpl-14-dao.pcap ipv6-bad-version.pcap pcaplens-icmp-edges.pcap \
  pcaplens-ip-fragments.pcap pcaplens-icmp-truncated.pcap pcaplens-encap.pcap
fi
for cap
do
  tshark -2 -r "$td/captures/$cap" -Y 'icmp || icmpv6' -T fields \
    -E occurrence=a -E aggregator=, -E separator=/t \
    -e frame.number -e frame.time_epoch -e frame.protocols \
    -e icmp.type -e icmp.code -e icmp.resp_in -e icmp.resp_to \
    -e icmpv6.type -e icmpv6.code -e icmpv6.resp_in -e icmpv6.resp_to 2>/dev/null |
  python3 -c '
import json, sys
from decimal import Decimal
cap = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in sys.stdin if l.strip()]
times = {r[0]: Decimal(r[1]) for r in rows}
fams = {k: {"packets": 0, "type_code_counts": {}, "echo_requests": 0, "echo_replies": 0,
            "unanswered_requests": 0, "rtts": []} for k in ("icmp", "icmpv6")}
def first(s): return s.split(",")[0] if s else ""
for r in rows:
    r += [""] * (11 - len(r))
    protos = r[2].split(":")
    idx = [i for i, p in enumerate(protos) if p in ("icmp", "icmpv6")]
    if not idx: continue
    i = idx[0]
    fam = protos[i]
    t, c, rin, rto = (r[3:7] if fam == "icmp" else r[7:11])
    f = fams[fam]
    f["packets"] += 1
    t, c = int(first(t)), int(first(c))
    k = "%d/%d" % (t, c)
    f["type_code_counts"][k] = f["type_code_counts"].get(k, 0) + 1
    req, rep = (8, 0) if fam == "icmp" else (128, 129)
    if t == req:
        f["echo_requests"] += 1
        if not first(rin): f["unanswered_requests"] += 1
    elif t == rep:
        f["echo_replies"] += 1
        if first(rto): f["rtts"].append(times[r[0]] - times[first(rto)])
out = {"capture": cap}
for k, f in fams.items():
    v = sorted(f.pop("rtts"))
    n = len(v)
    rtt = {"count": n, "min": 0, "median": 0, "max": 0}
    if n:
        med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
        rtt = {"count": n, "min": float(v[0]), "median": float(med), "max": float(v[-1])}
    f["rtt"] = rtt
    out[k] = f
json.dump(out, sys.stdout, indent=2, sort_keys=True)
print()
 ' "$cap" > "$out/$cap.json"
done
