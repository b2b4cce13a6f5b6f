// Package frame decodes one packet record into a read-only view shared by
// every analyzer: link layer, network layer (IPv4/IPv6) and transport layer
// (TCP, UDP, ICMPv4, ICMPv6), decoded once, without allocating, with the
// path of every header decoded (layers.go). Its StreamAssigner numbers TCP
// and UDP conversations as Wireshark does (streams.go). Its
// Reassembler joins IP fragments into datagrams, as Wireshark does, so that
// the frame completing a datagram carries all of it (reassemble.go).
//
// Tunnels: the decoder follows IP-in-IP (4in4, 6in4, 4in6, 6in6), GRE
// (versions 0 and 1, with ERSPAN, PPP, WCCP, MPLS and Aruba's 802.11),
// VXLAN (UDP 4789), Geneve (UDP 6081), GRE and MPLS in UDP (4754, 6635),
// GTP-U (UDP 2152), Teredo (UDP 3544) and AYIYA (UDP 5072) up to
// MaxTunnels levels, as Wireshark does, so the network and transport fields
// describe the innermost IP packet; Tunnel, Tunnels and
// OuterSrcIP/OuterDstIP say what carried it. Fragments inside a tunnel are
// reassembled.
package frame

import (
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// Network kinds.
const (
	NetNone = iota
	NetIPv4
	NetIPv6
	NetARP
	NetOther
)

// Transport kinds.
const (
	TransportNone = iota
	TransportTCP
	TransportUDP
	TransportICMPv4
	TransportICMPv6
	TransportOther
)

// Tunnel kinds (Frame.Tunnel).
const (
	TunnelNone = iota
	// TunnelIPIP is IP directly in IP (IP protocol 4 or 41).
	TunnelIPIP
	// TunnelGRE is GRE (IP protocol 47, or UDP port 4754), version 0 or 1
	// (PPTP's enhanced GRE), carrying IPv4, IPv6, Ethernet (transparent
	// Ethernet bridging, ERSPAN), PPP, MPLS, IPv4 after a WCCP redirect
	// header, or Aruba's 802.11 frames.
	TunnelGRE
	// TunnelVXLAN is VXLAN (RFC 7348, UDP port 4789) carrying Ethernet.
	TunnelVXLAN
	// TunnelGeneve is Geneve (RFC 8926, UDP port 6081).
	TunnelGeneve
	// TunnelGTP is GTPv1-U (UDP port 2152) carrying IPv4 or IPv6.
	TunnelGTP
	// TunnelTeredo is Teredo (RFC 4380, UDP port 3544) carrying IPv6.
	TunnelTeredo
	// TunnelAYIYA is AYIYA (UDP port 5072) carrying IPv4 or IPv6.
	TunnelAYIYA
	// TunnelMPLS is MPLS in UDP (RFC 7510, UDP port 6635).
	TunnelMPLS
	// TunnelPIM is a PIM version 2 Register message (IP protocol 103)
	// carrying IPv4 or IPv6.
	TunnelPIM
	// TunnelEthernet is an Ethernet frame directly in IP (IP protocol
	// 143, as SRv6 carries it: RFC 8986).
	TunnelEthernet
)

// MaxTunnels bounds how many nested encapsulations the decoder follows; a
// deeper one is left as the innermost layer's payload (TransportOther, or
// the UDP datagram carrying it).
const MaxTunnels = 4

// TunnelName names a tunnel kind as in reports ("ipip", "gre", "vxlan",
// "geneve"), or "" for TunnelNone.
func TunnelName(kind int) string {
	switch kind {
	case TunnelIPIP:
		return "ipip"
	case TunnelGRE:
		return "gre"
	case TunnelVXLAN:
		return "vxlan"
	case TunnelGeneve:
		return "geneve"
	case TunnelGTP:
		return "gtp"
	case TunnelTeredo:
		return "teredo"
	case TunnelAYIYA:
		return "ayiya"
	case TunnelMPLS:
		return "mpls"
	case TunnelPIM:
		return "pim"
	case TunnelEthernet:
		return "ethernet"
	}
	return ""
}

// Frame is the decoded view of one packet. The engine reuses one Frame and
// its buffers for every packet: an analyzer must copy whatever it keeps.
type Frame struct {
	// Number is the 1-based frame number, as in Wireshark.
	Number int
	// TimeNs is the timestamp in nanoseconds since the Unix epoch (UTC).
	TimeNs int64
	// NoTime is true when the record carries no timestamp (a pcapng simple
	// packet block); TimeNs is then 0.
	NoTime bool
	// CapLen is the captured length, OrigLen the length on the wire.
	CapLen, OrigLen int
	// Interface indexes the capture's interface list.
	Interface int
	// LinkType is the record's link type (LINKTYPE_ value).
	LinkType uint16
	// Data is the whole captured frame.
	Data []byte
	// Comments are the packet's pcapng comments.
	Comments []string

	// LinkDecoded is false when the link type is not one pcaplens decodes.
	LinkDecoded bool
	// HasMAC is true when SrcMAC/DstMAC are set (Ethernet, 802.11, SLL with an address).
	HasMAC         bool
	SrcMAC, DstMAC [6]byte
	// EtherType of the network layer (after VLAN tags).
	EtherType uint16
	// VLANs holds up to two VLAN IDs (outer first); NVLAN how many tags were seen.
	VLANs [2]uint16
	NVLAN int

	// Tunnel is the kind of the outermost encapsulation followed (Tunnel*
	// kinds), Tunnels how many were followed, nested (0 for a packet not
	// tunnelled). OuterSrcIP and OuterDstIP are the addresses of the
	// outermost IP header when Tunnels > 0 (zero Addrs otherwise). The link
	// fields above (MACs, VLANs) stay those of the captured frame; the
	// fields below describe the innermost layers: the IP header, transport
	// and payload inside the last tunnel (or, when what the last tunnel
	// carries is not IP, Network says what it is: NetARP, NetOther, or
	// NetNone with an anomaly when its header is cut short).
	Tunnel                 int
	Tunnels                int
	OuterSrcIP, OuterDstIP netip.Addr

	// Network is one of the Net* kinds.
	Network int
	IPv4    layers.IPv4
	IPv6    layers.IPv6
	// SrcIP and DstIP are the innermost IP addresses (IPv4 addresses are
	// 4-byte Addrs): the packet's own when it is not tunnelled.
	SrcIP, DstIP netip.Addr
	// Proto is the IP protocol number of the IP payload (after IPv6 extension headers).
	Proto layers.IPProtocol
	// IPLen is the IP packet length claimed by its header (total length for IPv4,
	// 40 + payload length for IPv6).
	IPLen int
	// TTL is the IPv4 TTL or the IPv6 hop limit.
	TTL uint8
	// Fragment is true when the innermost IP packet decoded is an IPv4 or
	// IPv6 fragment: the outermost one (then no tunnel inside it is
	// followed), or one inside a tunnel (an IPv6 atomic fragment,
	// offset 0 without more fragments, is a whole packet: RFC 6946). A
	// fragment has no transport layer and no tunnel followed, except in two
	// cases, as in Wireshark: the frame that completes a datagram
	// (Reassembled), and an IPv4 first fragment captured shorter than its IP
	// length, which cannot be reassembled and is decoded as far as it goes.
	// A fragment inside a tunnel is reassembled like an outer one, keyed
	// by the inner addresses.
	Fragment bool
	// FragOffset is a fragment's offset in its datagram in bytes,
	// MoreFragments its MF (IPv4) or M (IPv6) flag, FragID its
	// identification. These and the fields below up to Datagram are zero
	// unless Fragment is set.
	FragOffset    int
	MoreFragments bool
	FragID        uint32
	// Reassembled is true for the frame whose fragment completes a datagram
	// (usually its last fragment, not always when fragments arrive out of
	// order). Its transport layer, Payload and Datagram are decoded over the
	// whole reassembled datagram, held by the Reassembler until the next
	// frame; Data stays the captured frame and the IP layers this frame's own
	// headers (for IPv6, Proto becomes the protocol after the headers that
	// follow the fragment header), unless the datagram is a tunnel: the
	// tunnel is then followed in it, as in a whole packet, and the network
	// fields describe the inner packet (the fragment fields stay the outer
	// header's). Fragments counts the fragments joined
	// (duplicates included), FirstFragment is the lowest frame number among
	// them.
	Reassembled   bool
	Fragments     int
	FirstFragment int
	// Datagram is the reassembled IP payload of a Reassembled frame: what
	// follows the IPv4 header or the IPv6 fragment header, every fragment
	// joined. It is nil on other frames.
	Datagram []byte

	// fragData is a fragment's payload as captured (after the IPv6 fragment
	// header); fragWhole says it was captured whole, so it can be reassembled.
	fragData  []byte
	fragWhole bool

	// Transport is one of the Transport* kinds.
	Transport int
	TCP       layers.TCP
	UDP       layers.UDP
	ICMPv4    layers.ICMPv4
	ICMPv6    layers.ICMPv6
	// SrcPort and DstPort are set for TCP and UDP.
	SrcPort, DstPort uint16
	// Payload is the transport payload as captured (TCP/UDP data, ICMP body),
	// trimmed to the length the headers claim.
	Payload []byte

	// Layers is the layer path: every header decoded, outermost first
	// (layers.go); NLayers how many are set (Path returns them). LayersCut
	// is true when the frame had more than MaxLayers headers: the path
	// holds the outermost MaxLayers.
	Layers    [MaxLayers]Layer
	NLayers   int
	LayersCut bool

	// TCPStream is Wireshark's tcp.stream of the frame's (innermost) TCP
	// segment, UDPStream its udp.stream for a UDP datagram (or for the UDP
	// header an ICMP error quotes): conversation
	// numbers from 0 in order of first appearance, set by a
	// StreamAssigner (streams.go) after decoding and reassembly, before any
	// analyzer sees the frame. Both are -1 when the frame has no such
	// header, or when the assigner's table was full.
	TCPStream, UDPStream int
	// TCPOpen says whose SYN without ACK opened the frame's TCP stream, as
	// the StreamAssigner saw it (the first packet of its direction, or one
	// with the same sequence number): the frame's source (OpenBySrc), its
	// destination (OpenByDst), or none seen, or a RST since (OpenNone).
	// TCPOpenSeq is that SYN's sequence number. analysis/tcpstream holds
	// no state for a SYN nobody answered: it reads the SYN here when the
	// connection's first SYN/ACK or data comes.
	TCPOpen    Opener
	TCPOpenSeq uint32
	// TCPReused is true when the frame's SYN started a new TCP stream on
	// an address and port pair that had one (port reuse: a SYN without ACK
	// whose sequence number differs from its direction's base).
	TCPReused bool
	// OuterUDPStreams are the udp.stream numbers of the UDP headers that
	// carried a tunnel (VXLAN, Geneve), outermost first, other than the
	// one UDPStream holds (Wireshark numbers every UDP header it
	// dissects); NOuterUDP says how many are set. Set by a StreamAssigner.
	OuterUDPStreams [MaxTunnels]int32
	NOuterUDP       int

	// Truncated is true when the packet was captured shorter than its headers say.
	Truncated bool
	// Anomaly names a decoding problem (AnomalyTruncatedTCP, …), or is AnomalyNone.
	Anomaly Anomaly
}

// Time returns the frame time in seconds since the epoch, as a float.
func (f *Frame) Time() float64 { return float64(f.TimeNs) / 1e9 }

// IsTCP reports whether the frame carries a decoded TCP header.
func (f *Frame) IsTCP() bool { return f.Transport == TransportTCP }

// IsUDP reports whether the frame carries a decoded UDP header.
func (f *Frame) IsUDP() bool { return f.Transport == TransportUDP }

// Opener is whose SYN opened a TCP stream (Frame.TCPOpen).
type Opener uint8

// The values of Frame.TCPOpen.
const (
	OpenNone Opener = iota
	OpenBySrc
	OpenByDst
)
