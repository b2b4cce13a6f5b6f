package dns

import "strconv"

// typeNames are the IANA names of DNS RR types (IANA "Resource Record (RR)
// TYPEs"), with ANY for type 255 as Wireshark and dig write it.
var typeNames = map[uint16]string{
	1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR",
	10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT",
	17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAP-PTR",
	24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT",
	31: "EID", 32: "NIMLOC", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT",
	38: "A6", 39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP",
	45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3",
	51: "NSEC3PARAM", 52: "TLSA", 53: "SMIMEA", 55: "HIP", 56: "NINFO", 57: "RKEY",
	58: "TALINK", 59: "CDS", 60: "CDNSKEY", 61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD",
	64: "SVCB", 65: "HTTPS", 99: "SPF", 100: "UINFO", 101: "UID", 102: "GID",
	103: "UNSPEC", 104: "NID", 105: "L32", 106: "L64", 107: "LP", 108: "EUI48",
	109: "EUI64", 249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 253: "MAILB",
	254: "MAILA", 255: "ANY", 256: "URI", 257: "CAA", 258: "AVC", 259: "DOA",
	260: "AMTRELAY", 261: "RESINFO", 32768: "TA", 32769: "DLV",
}

// TypeName returns the IANA name of an RR type, or TYPEn (RFC 3597 §5).
func TypeName(t uint16) string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// ClassName returns the name of a DNS class, or CLASSn (RFC 3597 §5).
func ClassName(c uint16) string {
	switch c {
	case 1:
		return "IN"
	case 3:
		return "CH"
	case 4:
		return "HS"
	case 254:
		return "NONE"
	case 255:
		return "ANY"
	}
	return "CLASS" + strconv.Itoa(int(c))
}

var rcodeNames = [...]string{
	0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED",
	6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE", 11: "DSOTYPENI",
	16: "BADVERS", 17: "BADKEY", 18: "BADTIME", 19: "BADMODE", 20: "BADNAME", 21: "BADALG",
	22: "BADTRUNC", 23: "BADCOOKIE",
}

// RcodeName returns the IANA name of a (possibly extended) RCODE, or RCODEn.
func RcodeName(r uint16) string {
	if int(r) < len(rcodeNames) && rcodeNames[r] != "" {
		return rcodeNames[r]
	}
	return "RCODE" + strconv.Itoa(int(r))
}

// OpcodeName returns the IANA name of an opcode, or OPCODEn.
func OpcodeName(o uint8) string {
	switch o {
	case 0:
		return "QUERY"
	case 1:
		return "IQUERY"
	case 2:
		return "STATUS"
	case 4:
		return "NOTIFY"
	case 5:
		return "UPDATE"
	case 6:
		return "DSO"
	}
	return "OPCODE" + strconv.Itoa(int(o))
}

// optionNames names EDNS(0) option codes (IANA "DNS EDNS0 Option Codes").
var optionNames = map[uint16]string{
	1: "LLQ", 2: "UL", 3: "NSID", 5: "DAU", 6: "DHU", 7: "N3U", 8: "edns-client-subnet",
	9: "EDNS EXPIRE", 10: "COOKIE", 11: "edns-tcp-keepalive", 12: "Padding", 13: "CHAIN",
	14: "edns-key-tag", 15: "Extended DNS Error", 16: "EDNS-Client-Tag", 17: "EDNS-Server-Tag",
	18: "Report-Channel", 19: "ZONEVERSION",
}

// OptionName returns the IANA name of an EDNS(0) option code, or OPTn.
func OptionName(c uint16) string {
	if n, ok := optionNames[c]; ok {
		return n
	}
	return "OPT" + strconv.Itoa(int(c))
}
