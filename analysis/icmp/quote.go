package icmp

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket/layers"

	"pcaplens/analysis/frame"
)

// Quoted is the original datagram quoted in an ICMP error (RFC 792: the IP
// header and at least 64 bits of data; RFC 4443 section 2.4: as much as fits).
type Quoted struct {
	// Version is 4 or 6, 0 when the quote holds no IP header at all.
	Version int    `json:"ip_version"`
	Src     string `json:"src_ip"`
	Dst     string `json:"dst_ip"`
	// Protocol is the IP protocol number; ProtocolName its name.
	Protocol     int    `json:"protocol"`
	ProtocolName string `json:"protocol_name"`
	TTL          int    `json:"ttl"`
	// IPID is the IPv4 identification.
	IPID int `json:"ip_id,omitempty"`
	// SrcPort/DstPort for TCP, UDP, SCTP, DCCP, UDP-Lite.
	SrcPort int `json:"src_port,omitempty"`
	DstPort int `json:"dst_port,omitempty"`
	// ICMP fields when the quoted datagram is itself ICMP (an echo probe).
	ICMPType int  `json:"icmp_type,omitempty"`
	ICMPCode int  `json:"icmp_code,omitempty"`
	ICMPID   int  `json:"icmp_id,omitempty"`
	ICMPSeq  int  `json:"icmp_seq,omitempty"`
	HasPorts bool `json:"-"`
	HasICMP  bool `json:"-"`
	// Truncated is true when the quote stops before the transport header's first 8 bytes.
	Truncated bool `json:"truncated"`

	src, dst netip.Addr
}

// ParseQuoted decodes a quoted datagram. It never fails: what cannot be read
// is left zero and Truncated is set.
func ParseQuoted(b []byte) Quoted {
	var q Quoted
	if len(b) < 1 {
		q.Truncated = true
		return q
	}
	var l4 []byte
	switch b[0] >> 4 {
	case 4:
		if len(b) < 20 {
			q.Truncated = true
			return q
		}
		ihl := int(b[0]&0x0f) * 4
		q.Version = 4
		q.src = netip.AddrFrom4([4]byte(b[12:16]))
		q.dst = netip.AddrFrom4([4]byte(b[16:20]))
		q.Protocol = int(b[9])
		q.TTL = int(b[8])
		q.IPID = int(binary.BigEndian.Uint16(b[4:]))
		if ihl < 20 || ihl > len(b) {
			q.Truncated = true
			break
		}
		// A non-first fragment carries no transport header.
		if binary.BigEndian.Uint16(b[6:])&0x1fff != 0 {
			break
		}
		l4 = b[ihl:]
	case 6:
		if len(b) < 40 {
			q.Truncated = true
			return q
		}
		q.Version = 6
		q.src = netip.AddrFrom16([16]byte(b[8:24]))
		q.dst = netip.AddrFrom16([16]byte(b[24:40]))
		q.TTL = int(b[7])
		next, off := int(b[6]), 40
		// Extension headers (RFC 8200 section 4): the frame decoder's walker.
		for i := 0; i < frame.MaxIPv6Extensions; i++ {
			n, ok := frame.IPv6ExtensionLen(uint8(next), b[off:])
			if n == 0 {
				break
			}
			if !ok {
				q.Truncated = true
				q.Protocol = next
				q.setNames()
				return q
			}
			frag := next == int(layers.IPProtocolIPv6Fragment) && binary.BigEndian.Uint16(b[off+2:])>>3 != 0
			next, off = int(b[off]), off+n
			if frag {
				// A non-first fragment carries no transport header.
				q.Protocol = next
				q.setNames()
				return q
			}
		}
		q.Protocol = next
		if off > len(b) {
			q.Truncated = true
			break
		}
		l4 = b[off:]
	default:
		q.Truncated = true
		return q
	}
	q.setNames()
	if l4 == nil {
		return q
	}
	switch q.Protocol {
	case 6, 17, 33, 132, 136: // TCP, UDP, DCCP, SCTP, UDP-Lite: ports first
		if len(l4) < 4 {
			q.Truncated = true
			return q
		}
		q.SrcPort = int(binary.BigEndian.Uint16(l4))
		q.DstPort = int(binary.BigEndian.Uint16(l4[2:]))
		q.HasPorts = true
		if len(l4) < 8 {
			q.Truncated = true
		}
	case 1, 58:
		if len(l4) < 2 {
			q.Truncated = true
			return q
		}
		q.ICMPType, q.ICMPCode = int(l4[0]), int(l4[1])
		q.HasICMP = true
		if len(l4) < 8 {
			q.Truncated = true
			return q
		}
		q.ICMPID = int(binary.BigEndian.Uint16(l4[4:]))
		q.ICMPSeq = int(binary.BigEndian.Uint16(l4[6:]))
	default:
		if len(l4) < 8 {
			q.Truncated = true
		}
	}
	return q
}

func (q *Quoted) setNames() {
	if q.src.IsValid() {
		q.Src, q.Dst = q.src.String(), q.dst.String()
	}
	q.ProtocolName = frame.IPProtocolName(uint8(q.Protocol))
}

// Endpoint describes the quoted datagram's destination: "UDP 10.0.0.5:53",
// "ICMP 10.0.0.5 (echo id 1 seq 2)", "TCP [2001:db8::1]:443".
func (q *Quoted) Endpoint() string {
	if q.Version == 0 {
		return "unknown (quote too short)"
	}
	host := q.Dst
	if q.HasPorts {
		if q.Version == 6 {
			host = "[" + host + "]"
		}
		return q.ProtocolName + " " + host + ":" + strconv.Itoa(q.DstPort)
	}
	if q.HasICMP && (q.ICMPType == 8 || q.ICMPType == 128) && !q.Truncated {
		return q.ProtocolName + " " + host + " (echo id " + strconv.Itoa(q.ICMPID) + " seq " + strconv.Itoa(q.ICMPSeq) + ")"
	}
	return q.ProtocolName + " " + host
}
