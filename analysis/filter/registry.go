package filter

import (
	"sort"
	"strings"
)

// Type is a field's Wireshark type (the FT_* names of tshark -G fields).
type Type uint8

// The field types the registry uses.
const (
	TypeNone         Type = iota // FT_NONE: a label, only its presence can be tested
	TypeProtocol                 // FT_PROTOCOL: a protocol name (eth, ip, tcp, …)
	TypeBoolean                  // FT_BOOLEAN
	TypeUint8                    // FT_UINT8
	TypeUint16                   // FT_UINT16
	TypeUint24                   // FT_UINT24
	TypeUint32                   // FT_UINT32
	TypeUint64                   // FT_UINT64
	TypeInt32                    // FT_INT32
	TypeInt64                    // FT_INT64
	TypeFrameNum                 // FT_FRAMENUM: a frame number
	TypeDouble                   // FT_DOUBLE
	TypeRelativeTime             // FT_RELATIVE_TIME: seconds, kept in nanoseconds
	TypeIPv4                     // FT_IPv4
	TypeIPv6                     // FT_IPv6
	TypeEther                    // FT_ETHER: a MAC address
	TypeString                   // FT_STRING (and FT_STRINGZ)
	TypeBytes                    // FT_BYTES
	numTypes
)

var typeInfo = [numTypes]struct {
	ft   string // tshark -G fields' name
	desc string // the name tshark's messages use
}{
	TypeNone:         {"FT_NONE", "Label"},
	TypeProtocol:     {"FT_PROTOCOL", "Protocol"},
	TypeBoolean:      {"FT_BOOLEAN", "Boolean"},
	TypeUint8:        {"FT_UINT8", "Unsigned integer (1 byte)"},
	TypeUint16:       {"FT_UINT16", "Unsigned integer (2 bytes)"},
	TypeUint24:       {"FT_UINT24", "Unsigned integer (3 bytes)"},
	TypeUint32:       {"FT_UINT32", "Unsigned integer (4 bytes)"},
	TypeUint64:       {"FT_UINT64", "Unsigned integer (8 bytes)"},
	TypeInt32:        {"FT_INT32", "Signed integer (4 bytes)"},
	TypeInt64:        {"FT_INT64", "Signed integer (8 bytes)"},
	TypeFrameNum:     {"FT_FRAMENUM", "Frame number"},
	TypeDouble:       {"FT_DOUBLE", "Floating point (double-precision)"},
	TypeRelativeTime: {"FT_RELATIVE_TIME", "Time offset"},
	TypeIPv4:         {"FT_IPv4", "IPv4 address"},
	TypeIPv6:         {"FT_IPv6", "IPv6 address"},
	TypeEther:        {"FT_ETHER", "Ethernet or other MAC address"},
	TypeString:       {"FT_STRING", "Character string"},
	TypeBytes:        {"FT_BYTES", "Byte sequence"},
}

// String returns the FT_* name tshark -G fields prints for t.
func (t Type) String() string {
	if t >= numTypes {
		return "FT_?"
	}
	return typeInfo[t].ft
}

// Description returns the type's name as tshark's filter messages print it,
// e.g. "Unsigned integer (2 bytes)".
func (t Type) Description() string {
	if t >= numTypes {
		return "?"
	}
	return typeInfo[t].desc
}

// maxUint is the largest value an unsigned type holds (0 for other types).
func (t Type) maxUint() uint64 {
	switch t {
	case TypeUint8:
		return 0xff
	case TypeUint16:
		return 0xffff
	case TypeUint24:
		return 0xffffff
	case TypeUint32, TypeFrameNum:
		return 0xffffffff
	case TypeUint64:
		return ^uint64(0)
	case TypeBoolean:
		return ^uint64(0)
	}
	return 0
}

func (t Type) isUint() bool {
	switch t {
	case TypeUint8, TypeUint16, TypeUint24, TypeUint32, TypeUint64, TypeFrameNum:
		return true
	}
	return false
}

func (t Type) isInt() bool { return t == TypeInt32 || t == TypeInt64 }

// FieldID names one field or protocol of the registry. The zero FieldID is
// no field. IDs are stable within a build, not across versions: keep names,
// not IDs, outside the process.
type FieldID uint16

// Field is one entry of the registry: a Wireshark display-filter name and
// its type.
type Field struct {
	ID   FieldID
	Name string // Wireshark's abbreviation, e.g. "ip.src"
	Type Type
}

// The registry's fields and protocols. Every one of them must be served by
// the Source a filter runs over: a registered field the Source never returns
// would make filters silently false.
const (
	_ FieldID = iota

	// Protocols.
	Frame
	Eth
	VLAN
	ARP
	IP
	IPv6
	ICMP
	ICMPv6
	TCP
	UDP
	DNS
	MDNS
	DHCP
	DHCPv6
	SIP
	HTTP
	RTP
	GRE
	VXLAN
	Geneve

	// frame.*
	FrameNumber
	FrameTimeRelative
	FrameTimeDelta
	FrameLen
	FrameCapLen

	// eth.*, vlan.*
	EthSrc
	EthDst
	EthAddr
	EthType
	VLANID

	// ip.*
	IPSrc
	IPDst
	IPAddr
	IPProto
	IPTTL
	IPLen
	IPID
	IPFlagsDF
	IPFlagsMF
	IPFragOffset

	// ipv6.*
	IPv6Src
	IPv6Dst
	IPv6Addr
	IPv6Nxt
	IPv6Hlim

	// tcp.*
	TCPSrcPort
	TCPDstPort
	TCPPort
	TCPStream
	TCPLen
	TCPSeq
	TCPAck
	TCPFlags
	TCPFlagsSyn
	TCPFlagsAck
	TCPFlagsFin
	TCPFlagsReset
	TCPFlagsPush
	TCPFlagsUrg
	TCPWindowSize
	TCPAnalysis
	TCPAnalysisFlags
	TCPAnalysisRetransmission
	TCPAnalysisFastRetransmission
	TCPAnalysisSpuriousRetransmission
	TCPAnalysisOutOfOrder
	TCPAnalysisDuplicateACK
	TCPAnalysisLostSegment
	TCPAnalysisACKLostSegment
	TCPAnalysisZeroWindow
	TCPAnalysisZeroWindowProbe
	TCPAnalysisZeroWindowProbeACK
	TCPAnalysisWindowFull
	TCPAnalysisWindowUpdate
	TCPAnalysisKeepAlive
	TCPAnalysisKeepAliveACK
	TCPAnalysisReusedPorts
	TCPAnalysisTFOSyn
	TCPAnalysisTFOAck
	TCPAnalysisTFOIgnored

	// udp.*
	UDPSrcPort
	UDPDstPort
	UDPPort
	UDPLength
	UDPStream

	// icmp.*, icmpv6.*
	ICMPType
	ICMPCode
	ICMPv6Type
	ICMPv6Code

	// dns.*
	DNSID
	DNSFlagsResponse
	DNSFlagsRcode
	DNSQryName
	DNSQryType
	DNSA
	DNSAAAA
	DNSTime

	// dhcp.*
	DHCPID
	DHCPOptionDHCP
	DHCPHWMacAddr

	// dhcpv6.*
	DHCPv6XID

	// sip.*
	SIPMethod
	SIPStatusCode
	SIPCallID

	// http.*
	HTTPRequest
	HTTPResponse
	HTTPRequestMethod
	HTTPRequestURI
	HTTPHost
	HTTPResponseCode
	HTTPUserAgent
	HTTPContentType
	HTTPServer

	// arp.*
	ARPOpcode
	ARPSrcProtoIPv4
	ARPDstProtoIPv4

	// tls (analysis/tls: TLS over TCP and in QUIC Initials)
	TLS
	TLSRecordVersion
	TLSHandshakeType
	TLSHandshakeVersion
	TLSHandshakeCiphersuite
	TLSHandshakeExtensionsServerName
	TLSHandshakeJA3
	TLSHandshakeJA3S
	TLSHandshakeJA4
	TLSAlertMessageDesc

	numFields
)

// fields is the registry: one row per FieldID, the one table of display
// filter names (the packet detail and field extraction use the same names).
// The types are tshark 4.0's (tshark -G fields), checked by a test against
// testdata/fields.golden.tsv.
var fields = [numFields]struct {
	name string
	typ  Type
}{
	Frame:  {"frame", TypeProtocol},
	Eth:    {"eth", TypeProtocol},
	VLAN:   {"vlan", TypeProtocol},
	ARP:    {"arp", TypeProtocol},
	IP:     {"ip", TypeProtocol},
	IPv6:   {"ipv6", TypeProtocol},
	ICMP:   {"icmp", TypeProtocol},
	ICMPv6: {"icmpv6", TypeProtocol},
	TCP:    {"tcp", TypeProtocol},
	UDP:    {"udp", TypeProtocol},
	DNS:    {"dns", TypeProtocol},
	MDNS:   {"mdns", TypeProtocol},
	DHCP:   {"dhcp", TypeProtocol},
	DHCPv6: {"dhcpv6", TypeProtocol},
	SIP:    {"sip", TypeProtocol},
	HTTP:   {"http", TypeProtocol},
	RTP:    {"rtp", TypeProtocol},
	GRE:    {"gre", TypeProtocol},
	VXLAN:  {"vxlan", TypeProtocol},
	Geneve: {"geneve", TypeProtocol},

	FrameNumber:       {"frame.number", TypeUint32},
	FrameTimeRelative: {"frame.time_relative", TypeRelativeTime},
	FrameTimeDelta:    {"frame.time_delta", TypeRelativeTime},
	FrameLen:          {"frame.len", TypeUint32},
	FrameCapLen:       {"frame.cap_len", TypeUint32},

	EthSrc:  {"eth.src", TypeEther},
	EthDst:  {"eth.dst", TypeEther},
	EthAddr: {"eth.addr", TypeEther},
	EthType: {"eth.type", TypeUint16},
	VLANID:  {"vlan.id", TypeUint16},

	IPSrc:        {"ip.src", TypeIPv4},
	IPDst:        {"ip.dst", TypeIPv4},
	IPAddr:       {"ip.addr", TypeIPv4},
	IPProto:      {"ip.proto", TypeUint8},
	IPTTL:        {"ip.ttl", TypeUint8},
	IPLen:        {"ip.len", TypeUint16},
	IPID:         {"ip.id", TypeUint16},
	IPFlagsDF:    {"ip.flags.df", TypeBoolean},
	IPFlagsMF:    {"ip.flags.mf", TypeBoolean},
	IPFragOffset: {"ip.frag_offset", TypeUint16},

	IPv6Src:  {"ipv6.src", TypeIPv6},
	IPv6Dst:  {"ipv6.dst", TypeIPv6},
	IPv6Addr: {"ipv6.addr", TypeIPv6},
	IPv6Nxt:  {"ipv6.nxt", TypeUint8},
	IPv6Hlim: {"ipv6.hlim", TypeUint8},

	TCPSrcPort:                        {"tcp.srcport", TypeUint16},
	TCPDstPort:                        {"tcp.dstport", TypeUint16},
	TCPPort:                           {"tcp.port", TypeUint16},
	TCPStream:                         {"tcp.stream", TypeUint32},
	TCPLen:                            {"tcp.len", TypeUint32},
	TCPSeq:                            {"tcp.seq", TypeUint32},
	TCPAck:                            {"tcp.ack", TypeUint32},
	TCPFlags:                          {"tcp.flags", TypeUint16},
	TCPFlagsSyn:                       {"tcp.flags.syn", TypeBoolean},
	TCPFlagsAck:                       {"tcp.flags.ack", TypeBoolean},
	TCPFlagsFin:                       {"tcp.flags.fin", TypeBoolean},
	TCPFlagsReset:                     {"tcp.flags.reset", TypeBoolean},
	TCPFlagsPush:                      {"tcp.flags.push", TypeBoolean},
	TCPFlagsUrg:                       {"tcp.flags.urg", TypeBoolean},
	TCPWindowSize:                     {"tcp.window_size", TypeUint32},
	TCPAnalysis:                       {"tcp.analysis", TypeNone},
	TCPAnalysisFlags:                  {"tcp.analysis.flags", TypeNone},
	TCPAnalysisRetransmission:         {"tcp.analysis.retransmission", TypeNone},
	TCPAnalysisFastRetransmission:     {"tcp.analysis.fast_retransmission", TypeNone},
	TCPAnalysisSpuriousRetransmission: {"tcp.analysis.spurious_retransmission", TypeNone},
	TCPAnalysisOutOfOrder:             {"tcp.analysis.out_of_order", TypeNone},
	TCPAnalysisDuplicateACK:           {"tcp.analysis.duplicate_ack", TypeNone},
	TCPAnalysisLostSegment:            {"tcp.analysis.lost_segment", TypeNone},
	TCPAnalysisACKLostSegment:         {"tcp.analysis.ack_lost_segment", TypeNone},
	TCPAnalysisZeroWindow:             {"tcp.analysis.zero_window", TypeNone},
	TCPAnalysisZeroWindowProbe:        {"tcp.analysis.zero_window_probe", TypeNone},
	TCPAnalysisZeroWindowProbeACK:     {"tcp.analysis.zero_window_probe_ack", TypeNone},
	TCPAnalysisWindowFull:             {"tcp.analysis.window_full", TypeNone},
	TCPAnalysisWindowUpdate:           {"tcp.analysis.window_update", TypeNone},
	TCPAnalysisKeepAlive:              {"tcp.analysis.keep_alive", TypeNone},
	TCPAnalysisKeepAliveACK:           {"tcp.analysis.keep_alive_ack", TypeNone},
	TCPAnalysisReusedPorts:            {"tcp.analysis.reused_ports", TypeNone},
	TCPAnalysisTFOSyn:                 {"tcp.analysis.tfo_syn", TypeNone},
	TCPAnalysisTFOAck:                 {"tcp.analysis.tfo_ack", TypeNone},
	TCPAnalysisTFOIgnored:             {"tcp.analysis.tfo_ignored", TypeNone},

	UDPSrcPort: {"udp.srcport", TypeUint16},
	UDPDstPort: {"udp.dstport", TypeUint16},
	UDPPort:    {"udp.port", TypeUint16},
	UDPLength:  {"udp.length", TypeUint16},
	UDPStream:  {"udp.stream", TypeUint32},

	ICMPType:   {"icmp.type", TypeUint8},
	ICMPCode:   {"icmp.code", TypeUint8},
	ICMPv6Type: {"icmpv6.type", TypeUint8},
	ICMPv6Code: {"icmpv6.code", TypeUint8},

	DNSID:            {"dns.id", TypeUint16},
	DNSFlagsResponse: {"dns.flags.response", TypeBoolean},
	DNSFlagsRcode:    {"dns.flags.rcode", TypeUint16},
	DNSQryName:       {"dns.qry.name", TypeString},
	DNSQryType:       {"dns.qry.type", TypeUint16},
	DNSA:             {"dns.a", TypeIPv4},
	DNSAAAA:          {"dns.aaaa", TypeIPv6},
	DNSTime:          {"dns.time", TypeRelativeTime},

	DHCPID:         {"dhcp.id", TypeUint32},
	DHCPOptionDHCP: {"dhcp.option.dhcp", TypeUint8},
	DHCPHWMacAddr:  {"dhcp.hw.mac_addr", TypeEther},

	DHCPv6XID: {"dhcpv6.xid", TypeUint24},

	SIPMethod:     {"sip.Method", TypeString},
	SIPStatusCode: {"sip.Status-Code", TypeUint32},
	SIPCallID:     {"sip.Call-ID", TypeString},

	HTTPRequest:       {"http.request", TypeBoolean},
	HTTPResponse:      {"http.response", TypeBoolean},
	HTTPRequestMethod: {"http.request.method", TypeString},
	HTTPRequestURI:    {"http.request.uri", TypeString},
	HTTPHost:          {"http.host", TypeString},
	HTTPResponseCode:  {"http.response.code", TypeUint16},
	HTTPUserAgent:     {"http.user_agent", TypeString},
	HTTPContentType:   {"http.content_type", TypeString},
	HTTPServer:        {"http.server", TypeString},

	ARPOpcode:       {"arp.opcode", TypeUint16},
	ARPSrcProtoIPv4: {"arp.src.proto_ipv4", TypeIPv4},
	ARPDstProtoIPv4: {"arp.dst.proto_ipv4", TypeIPv4},

	TLS:                              {"tls", TypeProtocol},
	TLSRecordVersion:                 {"tls.record.version", TypeUint16},
	TLSHandshakeType:                 {"tls.handshake.type", TypeUint8},
	TLSHandshakeVersion:              {"tls.handshake.version", TypeUint16},
	TLSHandshakeCiphersuite:          {"tls.handshake.ciphersuite", TypeUint16},
	TLSHandshakeExtensionsServerName: {"tls.handshake.extensions_server_name", TypeString},
	TLSHandshakeJA3:                  {"tls.handshake.ja3", TypeString},
	TLSHandshakeJA3S:                 {"tls.handshake.ja3s", TypeString},
	TLSHandshakeJA4:                  {"tls.handshake.ja4", TypeString}, // Wireshark 4.2+; not in 4.0
	TLSAlertMessageDesc:              {"tls.alert_message.desc", TypeUint8},
}

var byName = func() map[string]FieldID {
	m := make(map[string]FieldID, numFields)
	for id := FieldID(1); id < numFields; id++ {
		m[fields[id].name] = id
	}
	return m
}()

var protocolOf = func() [numFields]FieldID {
	var p [numFields]FieldID
	for id := FieldID(1); id < numFields; id++ {
		name := fields[id].name
		if i := strings.IndexByte(name, '.'); i >= 0 {
			name = name[:i]
		}
		p[id] = byName[name]
	}
	return p
}()

// Protocol returns the protocol field id belongs to (the protocol of its
// name's first part: ip for ip.src), or id itself for a protocol; 0 if id
// is not a field. The layer operator counts the headers of that protocol.
func (id FieldID) Protocol() FieldID {
	if id >= numFields {
		return 0
	}
	return protocolOf[id]
}

// Lookup returns the registry's field or protocol with the given Wireshark
// name (case-sensitive, as Wireshark's are).
func Lookup(name string) (Field, bool) {
	id, ok := byName[name]
	if !ok {
		return Field{}, false
	}
	return id.Field(), true
}

// Field returns the registry entry of id (the zero Field if id is not one).
func (id FieldID) Field() Field {
	if id == 0 || id >= numFields {
		return Field{}
	}
	return Field{ID: id, Name: fields[id].name, Type: fields[id].typ}
}

// String returns the field's Wireshark name.
func (id FieldID) String() string {
	if id == 0 || id >= numFields {
		return "?"
	}
	return fields[id].name
}

// Registry returns every field and protocol, sorted by name.
func Registry() []Field {
	out := make([]Field, 0, numFields-1)
	for id := FieldID(1); id < numFields; id++ {
		out = append(out, id.Field())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
