// Package pktgen builds Ethernet/IP/TCP frames and pcap files for the TCP
// analyzer's tests and benchmarks. It writes only what the tests need:
// checksums are left zero (Wireshark does not check them by default).
package pktgen

import (
	"encoding/binary"
	"net/netip"
)

// TCP flag bits.
const (
	FIN = 0x01
	SYN = 0x02
	RST = 0x04
	PSH = 0x08
	ACK = 0x10
)

// Seg is one TCP segment to build.
type Seg struct {
	TimeNs           int64
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	Flags            uint8
	Window           uint16
	Len              int    // payload length (zero bytes)
	Options          []byte // raw TCP options, padded to 4 bytes by Append
}

// Append appends the Ethernet frame of s to dst.
func Append(dst []byte, s *Seg) []byte {
	opt := len(s.Options)
	optPad := (opt + 3) &^ 3
	tcpLen := 20 + optPad + s.Len
	v6 := s.Src.Is6()
	et := uint16(0x0800)
	if v6 {
		et = 0x86dd
	}
	// Ethernet.
	dst = append(dst, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, byte(et>>8), byte(et))
	if v6 {
		var h [40]byte
		h[0] = 0x60
		binary.BigEndian.PutUint16(h[4:], uint16(tcpLen))
		h[6] = 6
		h[7] = 64
		a, b := s.Src.As16(), s.Dst.As16()
		copy(h[8:], a[:])
		copy(h[24:], b[:])
		dst = append(dst, h[:]...)
	} else {
		var h [20]byte
		h[0] = 0x45
		binary.BigEndian.PutUint16(h[2:], uint16(20+tcpLen))
		h[6] = 0x40
		h[8] = 64
		h[9] = 6
		a, b := s.Src.As4(), s.Dst.As4()
		copy(h[12:], a[:])
		copy(h[16:], b[:])
		dst = append(dst, h[:]...)
	}
	var t [20]byte
	binary.BigEndian.PutUint16(t[0:], s.SrcPort)
	binary.BigEndian.PutUint16(t[2:], s.DstPort)
	binary.BigEndian.PutUint32(t[4:], s.Seq)
	binary.BigEndian.PutUint32(t[8:], s.Ack)
	t[12] = byte((20+optPad)/4) << 4
	t[13] = s.Flags
	binary.BigEndian.PutUint16(t[14:], s.Window)
	dst = append(dst, t[:]...)
	dst = append(dst, s.Options...)
	for i := opt; i < optPad; i++ {
		dst = append(dst, 0) // end of option list
	}
	for i := 0; i < s.Len; i++ {
		dst = append(dst, 'x')
	}
	return dst
}

// Pcap writes a pcap file (nanosecond timestamps, Ethernet).
type Pcap struct {
	Buf   []byte
	frame []byte
}

// NewPcap returns a pcap file with its header written.
func NewPcap() *Pcap {
	p := &Pcap{}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b23c4d) // nanosecond resolution
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], 1)
	p.Buf = append(p.Buf, h[:]...)
	return p
}

// Add appends one segment as a record.
func (p *Pcap) Add(s *Seg) {
	p.frame = Append(p.frame[:0], s)
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(s.TimeNs/1e9))
	binary.LittleEndian.PutUint32(h[4:], uint32(s.TimeNs%1e9))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(p.frame)))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(p.frame)))
	p.Buf = append(p.Buf, h[:]...)
	p.Buf = append(p.Buf, p.frame...)
}

// Options helpers.

// MSS is the MSS option.
func MSS(v uint16) []byte { return []byte{2, 4, byte(v >> 8), byte(v)} }

// WScale is the window scale option (with a leading NOP).
func WScale(v uint8) []byte { return []byte{1, 3, 3, v} }

// SACKPerm is the SACK-permitted option (with two NOPs).
func SACKPerm() []byte { return []byte{1, 1, 4, 2} }

// SACK is a SACK option with one block (with two NOPs).
func SACK(l, r uint32) []byte {
	b := []byte{1, 1, 5, 10, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[4:], l)
	binary.BigEndian.PutUint32(b[8:], r)
	return b
}

// Cat concatenates options.
func Cat(opts ...[]byte) []byte {
	var b []byte
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}
