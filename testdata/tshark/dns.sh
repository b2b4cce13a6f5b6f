#!/bin/sh
# dns.sh: write tshark's DNS figures for every capture in testdata/captures
# to testdata/expected/dns/<capture>.json (zeros where tshark sees no DNS). Run from the
# repository root: sh testdata/tshark/dns.sh [testdata/captures/FILE...]
#
# Definitions (the Go tests in analysis/dns compare with exactly these):
#   queries, responses   DNS messages (dns, mdns and llmnr layers; several per
#                        TCP frame count separately) with dns.flags.response 0 / 1.
#   rcodes               responses by dns.flags.rcode (the header's 4 bits), keyed
#                        by number.
#   extended_rcodes      responses whose OPT record has non-zero upper RCODE bits
#                        (dns.resp.ext_rcode), by the whole 12-bit RCODE (RFC 6891
#                        §6.1.3: BADVERS 16, BADCOOKIE 23), keyed by number.
#   qtypes               every question (dns.qry.type) of every query message, by number;
#                        the zone of an UPDATE (opcode 5) is its question.
#   unanswered_queries   queries without dns.response_in.
#   response_time        dns.time of every response that has one (tshark puts it on
#                        each response matched to a request, retransmitted ones too):
#                        count, min, median (mean of the two middle values when the
#                        count is even), p95 (nearest rank), max, in seconds.
# DNS messages quoted inside ICMP/ICMPv6 errors are left out (tshark shows
# their fields too; pcaplens does not count them).
# tshark runs two-pass (-2) so that dns.response_in is filled in, with the default
# retransmission timer (5 s). Captures on ports tshark does not map to DNS get a
# decode-as rule (listed below), as pcaplens recognises DNS there by content.
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/dns
mkdir -p "$out"
# With arguments (capture paths), only those captures are recorded.
[ $# -gt 0 ] || set -- testdata/captures/*
for path in "$@"; do
  cap=$(basename "$path")
  # Every capture gets a file: where tshark sees no DNS, pcaplens must not either.
  capinfos "$path" >/dev/null 2>&1 || tshark -r "$path" -c 1 >/dev/null 2>&1 || continue
  extra=""
  case "$cap" in
    dns_tcp_8053.pcap) extra="-d tcp.port==8053,dns" ;;
    dns_udp_8053.pcap) extra="-d udp.port==8053,dns" ;;
  esac
  # shellcheck disable=SC2086
  tshark -2 -r "testdata/captures/$cap" -o dns.retransmission_timer:5 $extra \
    -T json --no-duplicate-keys -J "dns mdns llmnr icmp icmpv6" 2>/dev/null > /tmp/dns.sh.$$.json || true
  python3 -c '
import json, sys
cap, ver = sys.argv[1], sys.argv[2]
raw = open(sys.argv[3]).read().strip()
frames = json.loads(raw) if raw else []
def aslist(v):
    if v is None: return []
    return v if isinstance(v, list) else [v]
def walk(d, key):
    """every value of key anywhere under d"""
    out = []
    if isinstance(d, dict):
        for k, v in d.items():
            if k == key: out.extend(aslist(v))
            else: out.extend(walk(v, key))
    elif isinstance(d, list):
        for v in d: out.extend(walk(v, key))
    return out
q = r = unans = 0
rcodes, extrc, qtypes, times = {}, {}, {}, []
for fr in frames:
    layers = fr["_source"]["layers"]
    if "icmp" in layers or "icmpv6" in layers:
        continue  # a DNS message quoted in an ICMP error is not DNS traffic
    for lname in ("dns", "mdns", "llmnr"):
        for m in aslist(layers.get(lname)):
            if not isinstance(m, dict) or "dns.flags_tree" not in m: continue
            ft = m["dns.flags_tree"]
            if ft.get("dns.flags.response") == "1":
                r += 1
                rc = int(ft.get("dns.flags.rcode", "0"))
                rcodes[str(rc)] = rcodes.get(str(rc), 0) + 1
                ext = walk(m.get("Additional records", {}), "dns.resp.ext_rcode")
                if ext and int(ext[0], 16):
                    full = str(rc | int(ext[0], 16) << 4)
                    extrc[full] = extrc.get(full, 0) + 1
                times += [float(t) for t in aslist(m.get("dns.time"))]
            else:
                q += 1
                if "dns.response_in" not in m: unans += 1
                # the question section: "Queries", or "Zone" in an UPDATE (opcode 5)
                for t in walk([m.get("Queries", {}), m.get("Zone", {})], "dns.qry.type"):
                    qtypes[str(int(t))] = qtypes.get(str(int(t)), 0) + 1
times.sort()
rt = {"count": len(times)}
if times:
    n = len(times)
    med = times[n//2] if n % 2 else (times[n//2-1] + times[n//2]) / 2
    import math
    rt.update(min=times[0], median=round(med, 9), p95=times[max(0, math.ceil(0.95*n)-1)], max=times[-1])
res = {"capture": cap, "tshark": ver, "queries": q, "responses": r,
       "rcodes": dict(sorted(rcodes.items(), key=lambda kv: int(kv[0]))),
       "extended_rcodes": dict(sorted(extrc.items(), key=lambda kv: int(kv[0]))),
       "qtypes": dict(sorted(qtypes.items(), key=lambda kv: int(kv[0]))),
       "unanswered_queries": unans, "response_time": rt}
print(json.dumps(res, indent=2))
' "$cap" "$(tshark --version 2>/dev/null | head -1 | sed 's/^TShark (Wireshark) //; s/ (.*//')" /tmp/dns.sh.$$.json > "$out/$cap.json"
  rm -f /tmp/dns.sh.$$.json
  echo "$out/$cap.json"
done
