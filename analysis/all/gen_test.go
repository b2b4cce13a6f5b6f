package all

import (
	"bufio"
	"encoding/binary"
	"io"
	"strconv"
)

// pcapWriter writes a classic pcap (microsecond timestamps, Ethernet) to w.
type pcapWriter struct {
	w   *bufio.Writer
	hdr [16]byte
}

func newPCAPWriter(w io.Writer) (*pcapWriter, error) {
	p := &pcapWriter{w: bufio.NewWriterSize(w, 1<<16)}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], 1) // LINKTYPE_ETHERNET
	_, err := p.w.Write(h[:])
	return p, err
}

// packet writes one record at usec microseconds after the epoch.
func (p *pcapWriter) packet(usec int64, data []byte) error {
	binary.LittleEndian.PutUint32(p.hdr[0:], uint32(usec/1e6))
	binary.LittleEndian.PutUint32(p.hdr[4:], uint32(usec%1e6))
	binary.LittleEndian.PutUint32(p.hdr[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(p.hdr[12:], uint32(len(data)))
	if _, err := p.w.Write(p.hdr[:]); err != nil {
		return err
	}
	_, err := p.w.Write(data)
	return err
}

func (p *pcapWriter) flush() error { return p.w.Flush() }

// frameBuilder assembles Ethernet/IPv4/{TCP,UDP} frames in one reused buffer.
type frameBuilder struct{ buf []byte }

// ipv4 appends Ethernet and IPv4 headers for a payload of n bytes after them.
func (b *frameBuilder) ipv4(src, dst [4]byte, proto byte, n int) {
	b.buf = append(b.buf[:0],
		0x02, 0, 0, 0, 0, 2, // destination MAC
		0x02, 0, 0, 0, 0, 1, // source MAC
		0x08, 0x00) // IPv4
	ip := []byte{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, proto, 0, 0}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+n))
	ip = append(ip, src[:]...)
	ip = append(ip, dst[:]...)
	binary.BigEndian.PutUint16(ip[10:], checksum(ip))
	b.buf = append(b.buf, ip...)
}

func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

// tcpSYN is a SYN from src:sport to dst:dport.
func (b *frameBuilder) tcpSYN(src, dst [4]byte, sport, dport uint16, seq uint32) []byte {
	b.ipv4(src, dst, 6, 20)
	t := make([]byte, 20)
	binary.BigEndian.PutUint16(t[0:], sport)
	binary.BigEndian.PutUint16(t[2:], dport)
	binary.BigEndian.PutUint32(t[4:], seq)
	t[12] = 5 << 4
	t[13] = 0x02 // SYN
	binary.BigEndian.PutUint16(t[14:], 64240)
	b.buf = append(b.buf, t...)
	return b.buf
}

// dnsQuery is a standard query for name (type A) from src:sport to dst:53.
func (b *frameBuilder) dnsQuery(src, dst [4]byte, sport, id uint16, name string) []byte {
	q := []byte{byte(id >> 8), byte(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	for len(name) > 0 {
		i := 0
		for i < len(name) && name[i] != '.' {
			i++
		}
		q = append(q, byte(i))
		q = append(q, name[:i]...)
		if i < len(name) {
			i++
		}
		name = name[i:]
	}
	q = append(q, 0, 0, 1, 0, 1)
	return b.udp(src, dst, sport, 53, q)
}

// udp is a UDP datagram from src:sport to dst:dport.
func (b *frameBuilder) udp(src, dst [4]byte, sport, dport uint16, payload []byte) []byte {
	b.ipv4(src, dst, 17, 8+len(payload))
	u := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(u[0:], sport)
	binary.BigEndian.PutUint16(u[2:], dport)
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(payload)))
	b.buf = append(b.buf, append(u, payload...)...)
	return b.buf
}

// tcp is a segment from src:sport to dst:dport with the given flags.
func (b *frameBuilder) tcp(src, dst [4]byte, sport, dport uint16, seq, ack uint32, flags byte) []byte {
	b.tcpSYN(src, dst, sport, dport, seq)
	t := b.buf[len(b.buf)-20:]
	binary.BigEndian.PutUint32(t[8:], ack)
	t[13] = flags
	return b.buf
}

// writeFlows writes n packets, each opening a distinct flow: three in five
// are TCP SYNs to 192.0.2.1:80, the others DNS queries to 192.0.2.53 for a
// distinct name. Sources are 10.0.0.0/8 addresses with distinct ports, one
// packet a microsecond.
func writeFlows(w io.Writer, n int) error {
	p, err := newPCAPWriter(w)
	if err != nil {
		return err
	}
	var b frameBuilder
	web, resolver := [4]byte{192, 0, 2, 1}, [4]byte{192, 0, 2, 53}
	name := make([]byte, 0, 64)
	for i := range n {
		src := [4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}
		sport := uint16(1024 + i%60000)
		var data []byte
		if i%5 < 3 {
			data = b.tcpSYN(src, web, sport, 80, uint32(i)*7919)
		} else {
			name = strconv.AppendInt(append(name[:0], 'h'), int64(i), 10)
			name = append(name, ".example.com"...)
			data = b.dnsQuery(src, resolver, sport, uint16(i), string(name))
		}
		if err := p.packet(1_700_000_000_000_000+int64(i), data); err != nil {
			return err
		}
	}
	return p.flush()
}

// writePairs writes n flows of two packets each, one each way: even flows a
// TCP SYN to 192.0.2.1:80 and its SYN/ACK, odd ones a UDP datagram to
// 192.0.2.53:53 and its reply, from distinct 10.0.0.0/8 sources.
func writePairs(w io.Writer, n int) error {
	p, err := newPCAPWriter(w)
	if err != nil {
		return err
	}
	var b frameBuilder
	web, resolver := [4]byte{192, 0, 2, 1}, [4]byte{192, 0, 2, 53}
	payload := []byte("0123456789abcdef")
	us := int64(1_700_000_000_000_000)
	for i := range n {
		src := [4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}
		sport := uint16(1024 + i%60000)
		var out, back []byte
		if i%2 == 0 {
			out = append(out, b.tcp(src, web, sport, 80, uint32(i), 0, 0x02)...)
			back = b.tcp(web, src, 80, sport, 1000, uint32(i)+1, 0x12)
		} else {
			out = append(out, b.udp(src, resolver, sport, 53, payload)...)
			back = b.udp(resolver, src, 53, sport, payload)
		}
		if err := p.packet(us, out); err != nil {
			return err
		}
		if err := p.packet(us+1, back); err != nil {
			return err
		}
		us += 2
	}
	return p.flush()
}
