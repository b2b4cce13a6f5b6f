package frame

import "strconv"

// IPProtocol describes an IP protocol number (the IPv4 protocol field, the
// IPv6 next header): Abbrev is Wireshark's protocol filter name, as its
// protocol hierarchy prints it ("" for IPv6's "no next header"); Name is
// how a person writes it.
type IPProtocol struct {
	Abbrev, Name string
}

// ipProtocols are the IP protocols pcaplens names, by number (IANA's
// assignments; the abbreviations are Wireshark's dissector names).
var ipProtocols = map[uint8]IPProtocol{
	1:   {"icmp", "ICMP"},
	2:   {"igmp", "IGMP"},
	3:   {"ggp", "GGP"},
	4:   {"ip", "IPv4"},
	6:   {"tcp", "TCP"},
	8:   {"egp", "EGP"},
	9:   {"igrp", "IGRP"},
	17:  {"udp", "UDP"},
	33:  {"dccp", "DCCP"},
	41:  {"ipv6", "IPv6"},
	46:  {"rsvp", "RSVP"},
	47:  {"gre", "GRE"},
	50:  {"esp", "ESP"},
	51:  {"ah", "AH"},
	58:  {"icmpv6", "ICMPv6"},
	59:  {"", "no next header"},
	88:  {"eigrp", "EIGRP"},
	89:  {"ospf", "OSPF"},
	97:  {"etherip", "EtherIP"},
	103: {"pim", "PIM"},
	108: {"ipcomp", "IPComp"},
	112: {"vrrp", "VRRP"},
	113: {"pgm", "PGM"},
	115: {"l2tp", "L2TP"},
	132: {"sctp", "SCTP"},
	136: {"udplite", "UDP-Lite"},
	137: {"mpls", "MPLS-in-IP"},
}

// IPProtocolAbbrev names protocol p as Wireshark's protocol hierarchy does:
// its dissector's filter name, or "data" for a protocol it does not dissect.
func IPProtocolAbbrev(p uint8) string {
	if d, ok := ipProtocols[p]; ok {
		return d.Abbrev
	}
	return "data"
}

// IPProtocolName names protocol p for a person ("TCP", "IP proto 253").
func IPProtocolName(p uint8) string {
	if d, ok := ipProtocols[p]; ok {
		return d.Name
	}
	return "IP proto " + strconv.Itoa(int(p))
}
