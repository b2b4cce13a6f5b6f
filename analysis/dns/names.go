package dns

import "strconv"

// RR types (IANA "Resource Record (RR) TYPEs"), named once: every test of
// a type in this package uses these.
const (
	TypeA          uint16 = 1
	TypeNS         uint16 = 2
	TypeMD         uint16 = 3
	TypeMF         uint16 = 4
	TypeCNAME      uint16 = 5
	TypeSOA        uint16 = 6
	TypeMB         uint16 = 7
	TypeMG         uint16 = 8
	TypeMR         uint16 = 9
	TypeNULL       uint16 = 10
	TypeWKS        uint16 = 11
	TypePTR        uint16 = 12
	TypeHINFO      uint16 = 13
	TypeMINFO      uint16 = 14
	TypeMX         uint16 = 15
	TypeTXT        uint16 = 16
	TypeRP         uint16 = 17
	TypeAFSDB      uint16 = 18
	TypeX25        uint16 = 19
	TypeISDN       uint16 = 20
	TypeRT         uint16 = 21
	TypeNSAP       uint16 = 22
	TypeNSAPPTR    uint16 = 23
	TypeSIG        uint16 = 24
	TypeKEY        uint16 = 25
	TypePX         uint16 = 26
	TypeGPOS       uint16 = 27
	TypeAAAA       uint16 = 28
	TypeLOC        uint16 = 29
	TypeNXT        uint16 = 30
	TypeEID        uint16 = 31
	TypeNIMLOC     uint16 = 32
	TypeSRV        uint16 = 33
	TypeATMA       uint16 = 34
	TypeNAPTR      uint16 = 35
	TypeKX         uint16 = 36
	TypeCERT       uint16 = 37
	TypeA6         uint16 = 38
	TypeDNAME      uint16 = 39
	TypeSINK       uint16 = 40
	TypeOPT        uint16 = 41
	TypeAPL        uint16 = 42
	TypeDS         uint16 = 43
	TypeSSHFP      uint16 = 44
	TypeIPSECKEY   uint16 = 45
	TypeRRSIG      uint16 = 46
	TypeNSEC       uint16 = 47
	TypeDNSKEY     uint16 = 48
	TypeDHCID      uint16 = 49
	TypeNSEC3      uint16 = 50
	TypeNSEC3PARAM uint16 = 51
	TypeTLSA       uint16 = 52
	TypeSMIMEA     uint16 = 53
	TypeHIP        uint16 = 55
	TypeNINFO      uint16 = 56
	TypeRKEY       uint16 = 57
	TypeTALINK     uint16 = 58
	TypeCDS        uint16 = 59
	TypeCDNSKEY    uint16 = 60
	TypeOPENPGPKEY uint16 = 61
	TypeCSYNC      uint16 = 62
	TypeZONEMD     uint16 = 63
	TypeSVCB       uint16 = 64
	TypeHTTPS      uint16 = 65
	TypeSPF        uint16 = 99
	TypeUINFO      uint16 = 100
	TypeUID        uint16 = 101
	TypeGID        uint16 = 102
	TypeUNSPEC     uint16 = 103
	TypeNID        uint16 = 104
	TypeL32        uint16 = 105
	TypeL64        uint16 = 106
	TypeLP         uint16 = 107
	TypeEUI48      uint16 = 108
	TypeEUI64      uint16 = 109
	TypeTKEY       uint16 = 249
	TypeTSIG       uint16 = 250
	TypeIXFR       uint16 = 251
	TypeAXFR       uint16 = 252
	TypeMAILB      uint16 = 253
	TypeMAILA      uint16 = 254
	TypeANY        uint16 = 255
	TypeURI        uint16 = 256
	TypeCAA        uint16 = 257
	TypeAVC        uint16 = 258
	TypeDOA        uint16 = 259
	TypeAMTRELAY   uint16 = 260
	TypeRESINFO    uint16 = 261
	TypeTA         uint16 = 32768
	TypeDLV        uint16 = 32769
)

// typeNames are the IANA names of DNS RR types, with ANY for type 255 as
// Wireshark and dig write it.
var typeNames = map[uint16]string{
	TypeA:          "A",
	TypeNS:         "NS",
	TypeMD:         "MD",
	TypeMF:         "MF",
	TypeCNAME:      "CNAME",
	TypeSOA:        "SOA",
	TypeMB:         "MB",
	TypeMG:         "MG",
	TypeMR:         "MR",
	TypeNULL:       "NULL",
	TypeWKS:        "WKS",
	TypePTR:        "PTR",
	TypeHINFO:      "HINFO",
	TypeMINFO:      "MINFO",
	TypeMX:         "MX",
	TypeTXT:        "TXT",
	TypeRP:         "RP",
	TypeAFSDB:      "AFSDB",
	TypeX25:        "X25",
	TypeISDN:       "ISDN",
	TypeRT:         "RT",
	TypeNSAP:       "NSAP",
	TypeNSAPPTR:    "NSAP-PTR",
	TypeSIG:        "SIG",
	TypeKEY:        "KEY",
	TypePX:         "PX",
	TypeGPOS:       "GPOS",
	TypeAAAA:       "AAAA",
	TypeLOC:        "LOC",
	TypeNXT:        "NXT",
	TypeEID:        "EID",
	TypeNIMLOC:     "NIMLOC",
	TypeSRV:        "SRV",
	TypeATMA:       "ATMA",
	TypeNAPTR:      "NAPTR",
	TypeKX:         "KX",
	TypeCERT:       "CERT",
	TypeA6:         "A6",
	TypeDNAME:      "DNAME",
	TypeSINK:       "SINK",
	TypeOPT:        "OPT",
	TypeAPL:        "APL",
	TypeDS:         "DS",
	TypeSSHFP:      "SSHFP",
	TypeIPSECKEY:   "IPSECKEY",
	TypeRRSIG:      "RRSIG",
	TypeNSEC:       "NSEC",
	TypeDNSKEY:     "DNSKEY",
	TypeDHCID:      "DHCID",
	TypeNSEC3:      "NSEC3",
	TypeNSEC3PARAM: "NSEC3PARAM",
	TypeTLSA:       "TLSA",
	TypeSMIMEA:     "SMIMEA",
	TypeHIP:        "HIP",
	TypeNINFO:      "NINFO",
	TypeRKEY:       "RKEY",
	TypeTALINK:     "TALINK",
	TypeCDS:        "CDS",
	TypeCDNSKEY:    "CDNSKEY",
	TypeOPENPGPKEY: "OPENPGPKEY",
	TypeCSYNC:      "CSYNC",
	TypeZONEMD:     "ZONEMD",
	TypeSVCB:       "SVCB",
	TypeHTTPS:      "HTTPS",
	TypeSPF:        "SPF",
	TypeUINFO:      "UINFO",
	TypeUID:        "UID",
	TypeGID:        "GID",
	TypeUNSPEC:     "UNSPEC",
	TypeNID:        "NID",
	TypeL32:        "L32",
	TypeL64:        "L64",
	TypeLP:         "LP",
	TypeEUI48:      "EUI48",
	TypeEUI64:      "EUI64",
	TypeTKEY:       "TKEY",
	TypeTSIG:       "TSIG",
	TypeIXFR:       "IXFR",
	TypeAXFR:       "AXFR",
	TypeMAILB:      "MAILB",
	TypeMAILA:      "MAILA",
	TypeANY:        "ANY",
	TypeURI:        "URI",
	TypeCAA:        "CAA",
	TypeAVC:        "AVC",
	TypeDOA:        "DOA",
	TypeAMTRELAY:   "AMTRELAY",
	TypeRESINFO:    "RESINFO",
	TypeTA:         "TA",
	TypeDLV:        "DLV",
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

// RCODEs (IANA "DNS RCODEs"; 16 and up are extended RCODEs, RFC 6891 §6.1.3).
const (
	RcodeNOERROR   uint16 = 0
	RcodeFORMERR   uint16 = 1
	RcodeSERVFAIL  uint16 = 2
	RcodeNXDOMAIN  uint16 = 3
	RcodeNOTIMP    uint16 = 4
	RcodeREFUSED   uint16 = 5
	RcodeYXDOMAIN  uint16 = 6
	RcodeYXRRSET   uint16 = 7
	RcodeNXRRSET   uint16 = 8
	RcodeNOTAUTH   uint16 = 9
	RcodeNOTZONE   uint16 = 10
	RcodeDSOTYPENI uint16 = 11
	RcodeBADVERS   uint16 = 16
	RcodeBADKEY    uint16 = 17
	RcodeBADTIME   uint16 = 18
	RcodeBADMODE   uint16 = 19
	RcodeBADNAME   uint16 = 20
	RcodeBADALG    uint16 = 21
	RcodeBADTRUNC  uint16 = 22
	RcodeBADCOOKIE uint16 = 23
)

var rcodeNames = [...]string{
	RcodeNOERROR:   "NOERROR",
	RcodeFORMERR:   "FORMERR",
	RcodeSERVFAIL:  "SERVFAIL",
	RcodeNXDOMAIN:  "NXDOMAIN",
	RcodeNOTIMP:    "NOTIMP",
	RcodeREFUSED:   "REFUSED",
	RcodeYXDOMAIN:  "YXDOMAIN",
	RcodeYXRRSET:   "YXRRSET",
	RcodeNXRRSET:   "NXRRSET",
	RcodeNOTAUTH:   "NOTAUTH",
	RcodeNOTZONE:   "NOTZONE",
	RcodeDSOTYPENI: "DSOTYPENI",
	RcodeBADVERS:   "BADVERS",
	RcodeBADKEY:    "BADKEY",
	RcodeBADTIME:   "BADTIME",
	RcodeBADMODE:   "BADMODE",
	RcodeBADNAME:   "BADNAME",
	RcodeBADALG:    "BADALG",
	RcodeBADTRUNC:  "BADTRUNC",
	RcodeBADCOOKIE: "BADCOOKIE",
}

// RcodeName returns the IANA name of a (possibly extended) RCODE, or RCODEn.
func RcodeName(r uint16) string {
	if int(r) < len(rcodeNames) && rcodeNames[r] != "" {
		return rcodeNames[r]
	}
	return "RCODE" + strconv.Itoa(int(r))
}

// Opcodes (IANA "DNS OpCodes").
const (
	OpcodeQuery  uint8 = 0
	OpcodeIQuery uint8 = 1
	OpcodeStatus uint8 = 2
	OpcodeNotify uint8 = 4
	OpcodeUpdate uint8 = 5
	OpcodeDSO    uint8 = 6 // RFC 8490
)

var opcodeNames = [...]string{
	OpcodeQuery: "QUERY", OpcodeIQuery: "IQUERY", OpcodeStatus: "STATUS",
	OpcodeNotify: "NOTIFY", OpcodeUpdate: "UPDATE", OpcodeDSO: "DSO",
}

// OpcodeName returns the IANA name of an opcode, or OPCODEn.
func OpcodeName(o uint8) string {
	if int(o) < len(opcodeNames) && opcodeNames[o] != "" {
		return opcodeNames[o]
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
