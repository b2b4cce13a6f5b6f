package frame

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// MaxIPv6Extensions bounds the IPv6 extension headers walked in one header
// chain (the decoder's, and analysis/icmp's over a quoted datagram).
const MaxIPv6Extensions = 8

// IP protocol numbers of the IPv6 extension headers (RFC 8200 section 4,
// RFC 4302, RFC 6275, RFC 7401, RFC 5533), beside gopacket's.
const (
	protoMobility = 135
	protoHIP      = 139
	protoShim6    = 140
)

// IPv6ExtensionLen returns the length n of the IPv6 extension header of type
// next (an IP protocol number) at the start of b. n is 0 when next is not an
// extension header (an upper-layer protocol, ESP, or no next header). ok is
// false when b is shorter than the header: n is then at least 8, the length
// known so far. The lengths are in 8-byte units not counting the first 8
// (hop-by-hop, routing, destination options, mobility, HIP, shim6), fixed
// at 8 (fragment), or in 4-byte units not counting the first 8 (AH, RFC
// 4302 section 2.2). Every header is at least 8 bytes, so a walk always
// moves on.
func IPv6ExtensionLen(next uint8, b []byte) (n int, ok bool) {
	switch layers.IPProtocol(next) {
	case layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing, layers.IPProtocolIPv6Destination, protoMobility, protoHIP, protoShim6:
		if len(b) < 2 {
			return 8, false
		}
		n = (int(b[1]) + 1) * 8
	case layers.IPProtocolIPv6Fragment:
		n = 8
	case layers.IPProtocolAH:
		if len(b) < 2 {
			return 8, false
		}
		n = (int(b[1]) + 2) * 4
		if n < 8 {
			n = 8
		}
	default:
		return 0, true
	}
	return n, n <= len(b)
}

// IPv6AtomicFragment reports whether b starts with a fragment header of
// offset 0 without the M flag (RFC 6946): the packet is whole.
func IPv6AtomicFragment(b []byte) bool {
	return len(b) >= 8 && binary.BigEndian.Uint16(b[2:4])&0xfff9 == 0
}

// ipv6ExtLayer is the layer kind of an IPv6 extension header.
func ipv6ExtLayer(next layers.IPProtocol) LayerKind {
	switch next {
	case layers.IPProtocolIPv6HopByHop:
		return LayerIPv6HopByHop
	case layers.IPProtocolIPv6Routing:
		return LayerIPv6Routing
	case layers.IPProtocolIPv6Fragment:
		return LayerIPv6Fragment
	case layers.IPProtocolIPv6Destination:
		return LayerIPv6Destination
	case layers.IPProtocolAH:
		return LayerAH
	}
	return LayerIPv6Extension
}
