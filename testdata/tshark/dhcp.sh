#!/bin/sh
# dhcp.sh: write tshark's DHCP figures for every DHCP capture in testdata/captures
# to testdata/expected/dhcp/<capture>.json. Run from anywhere: sh testdata/tshark/dhcp.sh
#
# Definitions (the Go tests in analysis/dhcp compare with exactly these):
#   packets         frames with a dhcp layer (UDP 67/68), not counting DHCP quoted
#                   inside an ICMP error (tshark dissects those too; pcaplens does not).
#   message_types   frames by dhcp.option.dhcp (option 53), by name (DISCOVER, OFFER, …);
#                   a BOOTP message (a dhcp layer with dhcp.id but no option 53, which
#                   tshark shows as "Boot Request"/"Boot Reply") as "BOOTP".
#   transactions    distinct dhcp.id.
#   unique_clients  distinct dhcp.hw.mac_addr (chaddr, and an Ethernet client identifier).
#   unique_servers  distinct dhcp.option.dhcp_server_id (option 54, in any message).
#   dhcpv6.packets, dhcpv6.message_types (every dhcpv6.msgtype, relay wrappers and
#                   inner messages alike), dhcpv6.transactions (distinct dhcpv6.xid).
set -eu
cd "$(dirname "$0")/../.."
out=testdata/expected/dhcp
mkdir -p "$out"
for cap in \
  chrissanders--dhcp6_outlease_acquisition.pcapng chrissanders--dhcp_inlease_renewal.pcapng \
  chrissanders--dhcp_nolease_initialization.pcapng good-tools--dhcp.pcap mcpcap--dhcp.pcap \
  dhcp-rfc4388.pcap dhcp-rfc5859.pcap dhcpv6-ia-ta.pcap dhcpv6-AFTR-Name-RFC6334.pcap \
  dhcpv6-rfc6355-duid-uuid.pcap bootp_asan.pcap
do
  tshark -r "testdata/captures/$cap" -Y '(dhcp || dhcpv6) && !icmp && !icmpv6' -T fields \
    -E occurrence=a -E aggregator=, -E separator=/t \
    -e dhcp.id -e dhcp.option.dhcp -e dhcp.hw.mac_addr -e dhcp.option.dhcp_server_id \
    -e dhcpv6.msgtype -e dhcpv6.xid 2>/dev/null |
  python3 -c '
import json, sys
cap = sys.argv[1]
v4 = {1:"DISCOVER",2:"OFFER",3:"REQUEST",4:"DECLINE",5:"ACK",6:"NAK",7:"RELEASE",8:"INFORM",
      9:"FORCERENEW",10:"LEASEQUERY",11:"LEASEUNASSIGNED",12:"LEASEUNKNOWN",13:"LEASEACTIVE",
      14:"BULKLEASEQUERY",15:"LEASEQUERYDONE",16:"ACTIVELEASEQUERY",17:"LEASEQUERYSTATUS",18:"TLS"}
v6 = {1:"SOLICIT",2:"ADVERTISE",3:"REQUEST",4:"CONFIRM",5:"RENEW",6:"REBIND",7:"REPLY",
      8:"RELEASE",9:"DECLINE",10:"RECONFIGURE",11:"INFORMATION-REQUEST",12:"RELAY-FORW",
      13:"RELAY-REPL",14:"LEASEQUERY",15:"LEASEQUERY-REPLY",16:"LEASEQUERY-DONE",17:"LEASEQUERY-DATA"}
def vals(s): return [v for v in s.split(",") if v != ""]
pk, types, ids, macs, srvs = 0, {}, set(), set(), set()
p6, types6, ids6 = 0, {}, set()
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    f += [""] * (6 - len(f))
    if f[0]:
        pk += 1
        ids.update(vals(f[0]))
        if not vals(f[1]): types["BOOTP"] = types.get("BOOTP", 0) + 1
        for t in vals(f[1]):
            n = v4.get(int(t), "UNKNOWN(%s)" % t); types[n] = types.get(n, 0) + 1
        macs.update(vals(f[2])); srvs.update(vals(f[3]))
    if f[4]:
        p6 += 1
        for t in vals(f[4]):
            n = v6.get(int(t), "UNKNOWN(%s)" % t); types6[n] = types6.get(n, 0) + 1
        ids6.update(vals(f[5]))
json.dump({"capture": cap, "packets": pk, "message_types": types, "transactions": len(ids),
           "unique_clients": len(macs), "unique_servers": len(srvs),
           "dhcpv6": {"packets": p6, "message_types": types6, "transactions": len(ids6)}},
          sys.stdout, indent=2, sort_keys=True)
print()
' "$cap" > "$out/$cap.json"
done
