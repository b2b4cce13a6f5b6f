package icmp

import (
	"encoding/binary"
	"net/netip"

	"pcaplens/analysis/frame"
)

// Fragmented ICMP: Wireshark reassembles IP fragments and dissects the ICMP
// message at the frame that completes the datagram. pcaplens does not
// reassemble data; it keeps the first fragment's ICMP header (and the first
// bytes after it) and reports the message at the last fragment, with that
// frame's number and time, which gives the same counts and response times.

const (
	maxFrags = 1024
	fragKeep = 192
)

type fragKey struct {
	src, dst netip.Addr
	id       uint32
	v6       bool
}

type fragHead struct {
	n    int
	head [fragKeep]byte
}

// fragment handles one IP fragment carrying ICMP; it returns the message when
// f is the last fragment of a datagram whose first fragment was seen.
func (t *Tap) fragment(f *frame.Frame) (msg, bool) {
	var (
		k      fragKey
		off    int
		more   bool
		data   []byte
		isICMP bool
	)
	k.src, k.dst = f.SrcIP, f.DstIP
	switch f.Network {
	case frame.NetIPv4:
		ip := &f.IPv4
		isICMP = ip.Protocol == 1
		k.id = uint32(ip.Id)
		off = int(ip.FragOffset)
		more = ip.Flags&0x1 != 0 // MF
		data = ip.Payload
	case frame.NetIPv6:
		k.v6 = true
		ip := &f.IPv6
		next := uint8(ip.NextHeader)
		if ip.HopByHop != nil {
			next = uint8(ip.HopByHop.NextHeader)
		}
		p := ip.Payload
		for i := 0; i < 8; i++ {
			if next == 43 || next == 60 {
				if len(p) < 8 || 8+int(p[1])*8 > len(p) {
					return msg{}, false
				}
				next, p = p[0], p[8+int(p[1])*8:]
				continue
			}
			break
		}
		if next != 44 || len(p) < 8 {
			return msg{}, false
		}
		isICMP = p[0] == 58
		fo := binary.BigEndian.Uint16(p[2:])
		off, more = int(fo>>3), fo&1 != 0
		k.id = binary.BigEndian.Uint32(p[4:])
		data = p[8:]
	default:
		return msg{}, false
	}
	if !isICMP {
		return msg{}, false
	}
	if off == 0 {
		if len(t.frags) >= maxFrags {
			if _, ok := t.frags[k]; !ok {
				t.limit("icmp_fragments")
				return msg{}, false
			}
		}
		h := &fragHead{}
		h.n = copy(h.head[:], data)
		t.frags[k] = h
		return msg{}, false
	}
	if more {
		return msg{}, false
	}
	h := t.frags[k]
	if h == nil {
		return msg{}, false
	}
	delete(t.frags, k)
	return msgFromBytes(k.v6, h.head[:h.n])
}

// msgFromBytes decodes an ICMP or ICMPv6 message header from raw bytes.
func msgFromBytes(v6 bool, b []byte) (msg, bool) {
	var m msg
	if len(b) < 4 {
		return m, false
	}
	m.v6 = v6
	m.typ, m.code = b[0], b[1]
	m.cksum = binary.BigEndian.Uint16(b[2:])
	if len(b) >= 8 {
		m.word = b[4:8]
		m.id = binary.BigEndian.Uint16(b[4:])
		m.seq = binary.BigEndian.Uint16(b[6:])
		m.rest = b[8:]
	} else if !v6 {
		return m, false
	}
	if v6 {
		m.echo = (m.typ == 128 || m.typ == 129) && len(b) >= 8
		m.request = m.typ == 128
	} else {
		m.echo = m.typ == 0 || m.typ == 8
		m.request = m.typ == 8
	}
	return m, true
}
