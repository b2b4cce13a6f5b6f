// Package fraggen builds fragmented IPv4 and IPv6 datagrams and pcap files
// for the tests of IP reassembly. Checksums (IPv4 header, UDP, TCP, ICMP)
// are computed so that any tool reading the files sees valid packets.
package fraggen

import (
	"encoding/binary"
	"net/netip"
)

// Pcap is a pcap file being written (Ethernet, microsecond timestamps).
type Pcap struct {
	Buf []byte
	// T0 is the time of frame 0 in nanoseconds since the epoch.
	T0 int64
}

// NewPcap returns a pcap file with its header written.
func NewPcap(t0 int64) *Pcap {
	p := &Pcap{T0: t0}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], 1)
	p.Buf = append(p.Buf, h[:]...)
	return p
}

// Frame appends one record at ms milliseconds after T0, captured whole.
func (p *Pcap) Frame(ms int, data []byte) { p.Short(ms, data, len(data)) }

// Short appends one record captured up to caplen bytes of data.
func (p *Pcap) Short(ms int, data []byte, caplen int) {
	caplen = min(caplen, len(data))
	ns := p.T0 + int64(ms)*1e6
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(ns/1e9))
	binary.LittleEndian.PutUint32(h[4:], uint32(ns%1e9/1e3))
	binary.LittleEndian.PutUint32(h[8:], uint32(caplen))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(data)))
	p.Buf = append(p.Buf, h[:]...)
	p.Buf = append(p.Buf, data[:caplen]...)
}

// Ethernet returns an Ethernet II frame around payload (EtherType from the IP version).
func Ethernet(ip []byte) []byte {
	et := byte(0x00)
	hi := byte(0x08)
	if len(ip) > 0 && ip[0]>>4 == 6 {
		hi, et = 0x86, 0xdd
	}
	b := []byte{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, hi, et}
	return append(b, ip...)
}

// VLAN returns an Ethernet frame with one 802.1Q tag around an IP packet.
func VLAN(id uint16, ip []byte) []byte {
	e := Ethernet(ip)
	tag := []byte{0x81, 0x00, byte(id >> 8), byte(id), e[12], e[13]}
	return append(append(append([]byte(nil), e[:12]...), tag...), e[14:]...)
}

// Datagram is one IP datagram to send whole or in fragments.
type Datagram struct {
	Src, Dst netip.Addr
	Proto    uint8
	ID       uint32 // IPv4 identification (16 bits) or IPv6 fragment identification
	TTL      uint8
	// Payload is the transport header and data (see UDP, TCP, ICMP).
	Payload []byte
}

// Whole returns the unfragmented IP packet.
func (d *Datagram) Whole() []byte {
	if d.Src.Is6() {
		return ipv6(d, d.Proto, d.Payload)
	}
	return ipv4(d, 0, false, d.Payload)
}

// Fragment returns the IP packet of the fragment at byte offset off (a
// multiple of 8) of n bytes of the payload; more sets MF (IPv4) or M (IPv6).
// n < 0 means up to the end.
func (d *Datagram) Fragment(off, n int, more bool) []byte {
	end := len(d.Payload)
	if n >= 0 && off+n < end {
		end = off + n
	}
	data := d.Payload[off:end]
	if d.Src.Is6() {
		fh := make([]byte, 8, 8+len(data))
		fh[0] = d.Proto
		fo := uint16(off) &^ 7
		if more {
			fo |= 1
		}
		binary.BigEndian.PutUint16(fh[2:], fo)
		binary.BigEndian.PutUint32(fh[4:], d.ID)
		return ipv6(d, 44, append(fh, data...))
	}
	return ipv4(d, off, more, data)
}

// Split returns the fragments of the datagram in pieces of at most size
// bytes (a multiple of 8), in order.
func (d *Datagram) Split(size int) [][]byte {
	var out [][]byte
	for off := 0; off < len(d.Payload); off += size {
		out = append(out, d.Fragment(off, size, off+size < len(d.Payload)))
	}
	return out
}

func ipv4(d *Datagram, off int, more bool, data []byte) []byte {
	h := make([]byte, 20, 20+len(data))
	h[0] = 0x45
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(data)))
	binary.BigEndian.PutUint16(h[4:], uint16(d.ID))
	fo := uint16(off / 8)
	if more {
		fo |= 0x2000
	}
	binary.BigEndian.PutUint16(h[6:], fo)
	h[8] = d.TTL
	if h[8] == 0 {
		h[8] = 64
	}
	h[9] = d.Proto
	a, b := d.Src.As4(), d.Dst.As4()
	copy(h[12:], a[:])
	copy(h[16:], b[:])
	binary.BigEndian.PutUint16(h[10:], ^sum(0, h))
	return append(h, data...)
}

func ipv6(d *Datagram, next uint8, data []byte) []byte {
	h := make([]byte, 40, 40+len(data))
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(data)))
	h[6] = next
	h[7] = d.TTL
	if h[7] == 0 {
		h[7] = 64
	}
	a, b := d.Src.As16(), d.Dst.As16()
	copy(h[8:], a[:])
	copy(h[24:], b[:])
	return append(h, data...)
}

// sum adds b to a ones'-complement sum.
func sum(s uint32, b []byte) uint16 {
	for len(b) >= 2 {
		s += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return uint16(s)
}

// pseudo is the pseudo-header sum for a transport checksum.
func pseudo(src, dst netip.Addr, proto uint8, n int) uint32 {
	var s uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			s += uint32(binary.BigEndian.Uint16(b[i:]))
		}
	}
	if src.Is4() {
		a, b := src.As4(), dst.As4()
		add(a[:])
		add(b[:])
	} else {
		a, b := src.As16(), dst.As16()
		add(a[:])
		add(b[:])
	}
	s += uint32(proto) + uint32(n)
	return s
}

// UDP returns a UDP header and payload with its checksum.
func UDP(src, dst netip.Addr, sport, dport uint16, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint16(b[4:], uint16(8+len(payload)))
	b = append(b, payload...)
	c := ^sum(pseudo(src, dst, 17, len(b)), b)
	if c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(b[6:], c)
	return b
}

// TCP flags.
const (
	FIN = 0x01
	SYN = 0x02
	PSH = 0x08
	ACK = 0x10
)

// TCP returns a TCP header (no options) and payload with its checksum.
func TCP(src, dst netip.Addr, sport, dport uint16, seq, ack uint32, flags uint8, payload []byte) []byte {
	b := make([]byte, 20, 20+len(payload))
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], ack)
	b[12] = 5 << 4
	b[13] = flags
	binary.BigEndian.PutUint16(b[14:], 65535)
	b = append(b, payload...)
	binary.BigEndian.PutUint16(b[16:], ^sum(pseudo(src, dst, 6, len(b)), b))
	return b
}

// Echo returns an ICMP (v4) or ICMPv6 echo request or reply with its checksum.
func Echo(src, dst netip.Addr, request bool, id, seq uint16, data []byte) []byte {
	b := make([]byte, 8, 8+len(data))
	switch {
	case src.Is4() && request:
		b[0] = 8
	case src.Is4():
		b[0] = 0
	case request:
		b[0] = 128
	default:
		b[0] = 129
	}
	binary.BigEndian.PutUint16(b[4:], id)
	binary.BigEndian.PutUint16(b[6:], seq)
	b = append(b, data...)
	var s uint32
	if src.Is6() {
		s = pseudo(src, dst, 58, len(b))
	}
	binary.BigEndian.PutUint16(b[2:], ^sum(s, b))
	return b
}

// Pattern returns n bytes of printable filler.
func Pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}
