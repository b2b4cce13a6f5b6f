// Package frame decodes one packet record into a read-only view shared by
// every analyzer: link layer, network layer (IPv4/IPv6) and transport layer
// (TCP, UDP, ICMPv4, ICMPv6), decoded once, without allocating. Its
// Reassembler joins IP fragments into datagrams, as Wireshark does, so that
// the frame completing a datagram carries all of it (reassemble.go).
//
// Tunnels: only the outermost IP header is decoded. A packet whose IP payload
// is IP again (IP-in-IP, 6in4) or GRE stops at the outer IP layer; its
// Transport is TransportNone and Proto says what the payload was.
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

	// Network is one of the Net* kinds.
	Network int
	IPv4    layers.IPv4
	IPv6    layers.IPv6
	// SrcIP and DstIP are the outermost IP addresses (IPv4 addresses are 4-byte Addrs).
	SrcIP, DstIP netip.Addr
	// Proto is the IP protocol number of the IP payload (after IPv6 extension headers).
	Proto layers.IPProtocol
	// IPLen is the IP packet length claimed by its header (total length for IPv4,
	// 40 + payload length for IPv6).
	IPLen int
	// TTL is the IPv4 TTL or the IPv6 hop limit.
	TTL uint8
	// Fragment is true for an IPv4 or IPv6 fragment (an IPv6 atomic fragment,
	// offset 0 without more fragments, is a whole packet: RFC 6946). A
	// fragment has no transport layer, except in two cases, as in Wireshark:
	// the frame that completes a datagram (Reassembled), and an IPv4 first
	// fragment captured shorter than its IP length, which cannot be
	// reassembled and is decoded as far as it goes.
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
	// follow the fragment header). Fragments counts the fragments joined
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

	// Truncated is true when the packet was captured shorter than its headers say.
	Truncated bool
	// Anomaly names a decoding problem ("truncated_ipv4", "bad_tcp_header", …), or "".
	Anomaly string
}

// Time returns the frame time in seconds since the epoch, as a float.
func (f *Frame) Time() float64 { return float64(f.TimeNs) / 1e9 }

// IsTCP reports whether the frame carries a decoded TCP header.
func (f *Frame) IsTCP() bool { return f.Transport == TransportTCP }

// IsUDP reports whether the frame carries a decoded UDP header.
func (f *Frame) IsUDP() bool { return f.Transport == TransportUDP }
