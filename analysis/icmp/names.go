package icmp

import "strconv"

// Names of ICMP and ICMPv6 types and codes, from the IANA registries
// (https://www.iana.org/assignments/icmp-parameters and
// https://www.iana.org/assignments/icmpv6-parameters).

var v4Types = map[uint8]string{
	0: "Echo Reply", 3: "Destination Unreachable", 4: "Source Quench", 5: "Redirect",
	6: "Alternate Host Address", 8: "Echo Request", 9: "Router Advertisement",
	10: "Router Solicitation", 11: "Time Exceeded", 12: "Parameter Problem",
	13: "Timestamp", 14: "Timestamp Reply", 15: "Information Request",
	16: "Information Reply", 17: "Address Mask Request", 18: "Address Mask Reply",
	19: "Reserved (for Security)", 30: "Traceroute", 31: "Datagram Conversion Error",
	32: "Mobile Host Redirect", 33: "IPv6 Where-Are-You", 34: "IPv6 I-Am-Here",
	35: "Mobile Registration Request", 36: "Mobile Registration Reply",
	37: "Domain Name Request", 38: "Domain Name Reply", 39: "SKIP", 40: "Photuris",
	41: "Experimental Mobility Protocols", 42: "Extended Echo Request",
	43: "Extended Echo Reply", 253: "RFC3692-style Experiment 1",
	254: "RFC3692-style Experiment 2", 255: "Reserved",
}

var v4Codes = map[uint8]map[uint8]string{
	3: {
		0: "Net Unreachable", 1: "Host Unreachable", 2: "Protocol Unreachable",
		3: "Port Unreachable", 4: "Fragmentation Needed and Don't Fragment was Set",
		5: "Source Route Failed", 6: "Destination Network Unknown",
		7: "Destination Host Unknown", 8: "Source Host Isolated",
		9:  "Communication with Destination Network is Administratively Prohibited",
		10: "Communication with Destination Host is Administratively Prohibited",
		11: "Destination Network Unreachable for Type of Service",
		12: "Destination Host Unreachable for Type of Service",
		13: "Communication Administratively Prohibited", 14: "Host Precedence Violation",
		15: "Precedence cutoff in effect",
	},
	5: {
		0: "Redirect Datagram for the Network (or subnet)", 1: "Redirect Datagram for the Host",
		2: "Redirect Datagram for the Type of Service and Network",
		3: "Redirect Datagram for the Type of Service and Host",
	},
	6:  {0: "Alternate Address for Host"},
	9:  {0: "Normal router advertisement", 16: "Does not route common traffic"},
	11: {0: "Time to Live exceeded in Transit", 1: "Fragment Reassembly Time Exceeded"},
	12: {0: "Pointer indicates the error", 1: "Missing a Required Option", 2: "Bad Length"},
	40: {0: "Bad SPI", 1: "Authentication Failed", 2: "Decompression Failed",
		3: "Decryption Failed", 4: "Need Authentication", 5: "Need Authorization"},
	42: {0: "No Error"},
	43: {0: "No Error", 1: "Malformed Query", 2: "No Such Interface",
		3: "No Such Table Entry", 4: "Multiple Interfaces Satisfy Query"},
}

var v6Types = map[uint8]string{
	1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded",
	4: "Parameter Problem", 100: "Private experimentation", 101: "Private experimentation",
	127: "Reserved for expansion of ICMPv6 error messages", 128: "Echo Request",
	129: "Echo Reply", 130: "Multicast Listener Query", 131: "Multicast Listener Report",
	132: "Multicast Listener Done", 133: "Router Solicitation", 134: "Router Advertisement",
	135: "Neighbor Solicitation", 136: "Neighbor Advertisement", 137: "Redirect Message",
	138: "Router Renumbering", 139: "ICMP Node Information Query",
	140: "ICMP Node Information Response",
	141: "Inverse Neighbor Discovery Solicitation Message",
	142: "Inverse Neighbor Discovery Advertisement Message",
	143: "Version 2 Multicast Listener Report",
	144: "Home Agent Address Discovery Request Message",
	145: "Home Agent Address Discovery Reply Message", 146: "Mobile Prefix Solicitation",
	147: "Mobile Prefix Advertisement", 148: "Certification Path Solicitation Message",
	149: "Certification Path Advertisement Message", 150: "Experimental Mobility Protocols",
	151: "Multicast Router Advertisement", 152: "Multicast Router Solicitation",
	153: "Multicast Router Termination", 154: "FMIPv6 Messages", 155: "RPL Control Message",
	156: "ILNPv6 Locator Update Message", 157: "Duplicate Address Request",
	158: "Duplicate Address Confirmation", 159: "MPL Control Message",
	160: "Extended Echo Request", 161: "Extended Echo Reply",
	200: "Private experimentation", 201: "Private experimentation",
	255: "Reserved for expansion of ICMPv6 informational messages",
}

var v6Codes = map[uint8]map[uint8]string{
	1: {
		0: "No route to destination", 1: "Communication with destination administratively prohibited",
		2: "Beyond scope of source address", 3: "Address unreachable", 4: "Port unreachable",
		5: "Source address failed ingress/egress policy", 6: "Reject route to destination",
		7: "Error in Source Routing Header", 8: "Headers too long",
	},
	2: {0: "No Code"},
	3: {0: "Hop limit exceeded in transit", 1: "Fragment reassembly time exceeded"},
	4: {
		0: "Erroneous header field encountered", 1: "Unrecognized Next Header type encountered",
		2: "Unrecognized IPv6 option encountered",
		3: "IPv6 First Fragment has incomplete IPv6 Header Chain",
		4: "SR Upper-layer Header Error",
		5: "Unrecognized Next Header type encountered by intermediate node",
		6: "Extension header too big", 7: "Extension header chain too long",
		8: "Too many extension headers", 9: "Too many options in extension header",
		10: "Option too big",
	},
	138: {0: "Router Renumbering Command", 1: "Router Renumbering Result", 255: "Sequence Number Reset"},
	139: {0: "Subject is an IPv6 address", 1: "Subject is a name", 2: "Subject is an IPv4 address"},
	140: {0: "Successful reply", 1: "Responder refuses to answer", 2: "Qtype unknown"},
	155: {0: "DODAG Information Solicitation", 1: "DODAG Information Object",
		2: "Destination Advertisement Object", 3: "Destination Advertisement Object Acknowledgment",
		0x80: "Secure DODAG Information Solicitation", 0x81: "Secure DODAG Information Object",
		0x82: "Secure Destination Advertisement Object",
		0x83: "Secure Destination Advertisement Object Acknowledgment",
		0x8a: "Consistency Check"},
	160: {0: "No Error"},
	161: {0: "No Error", 1: "Malformed Query", 2: "No Such Interface",
		3: "No Such Table Entry", 4: "Multiple Interfaces Satisfy Query"},
}

// TypeName names an ICMP (v6 false) or ICMPv6 (v6 true) type.
func TypeName(v6 bool, t uint8) string {
	m := v4Types
	if v6 {
		m = v6Types
	}
	if n, ok := m[t]; ok {
		return n
	}
	if !v6 && t >= 20 && t <= 29 {
		return "Reserved (for Robustness Experiment)"
	}
	return "Unassigned (" + strconv.Itoa(int(t)) + ")"
}

// CodeName names a code of an ICMP or ICMPv6 type. Types without codes have
// code 0, "No Code".
func CodeName(v6 bool, t, c uint8) string {
	m := v4Codes
	if v6 {
		m = v6Codes
	}
	if cm, ok := m[t]; ok {
		if n, ok := cm[c]; ok {
			return n
		}
		return "Unassigned code (" + strconv.Itoa(int(c)) + ")"
	}
	if c == 0 {
		return "No Code"
	}
	return "Unassigned code (" + strconv.Itoa(int(c)) + ")"
}
