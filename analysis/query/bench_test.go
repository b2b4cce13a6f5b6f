package query

import (
	"bytes"
	"context"
	"encoding/binary"
	"sync"
	"testing"

	"pcaplens/analysis/frame"
)

const (
	benchConns   = 100_000
	benchPerConn = 10 // SYN, SYN/ACK, ACK, 2 × (data, ACK), FIN, FIN, ACK (+1 retransmission every 20th)
)

var (
	benchOnce sync.Once
	benchCap  []byte
	benchN    int
)

// benchPcap writes Ethernet/IPv4/TCP packets into a pcap in memory.
type benchPcap struct {
	buf []byte
	n   int
}

func (p *benchPcap) tcp(usec int64, src, dst [4]byte, sp, dp uint16, seq, ack uint32, flags byte, payload int) {
	const hdr = 14 + 20 + 20
	l := hdr + payload
	var rec [16]byte
	binary.LittleEndian.PutUint32(rec[0:], uint32(usec/1e6))
	binary.LittleEndian.PutUint32(rec[4:], uint32(usec%1e6))
	binary.LittleEndian.PutUint32(rec[8:], uint32(l))
	binary.LittleEndian.PutUint32(rec[12:], uint32(l))
	p.buf = append(p.buf, rec[:]...)
	b := p.buf[len(p.buf):]
	b = append(b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00)
	b = append(b, 0x45, 0, byte((l-14)>>8), byte(l-14), 0, 0, 0x40, 0, 64, 6, 0, 0)
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	b = binary.BigEndian.AppendUint16(b, sp)
	b = binary.BigEndian.AppendUint16(b, dp)
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, ack)
	b = append(b, 5<<4, flags, 0xff, 0xff, 0, 0, 0, 0)
	b = append(b, make([]byte, payload)...)
	p.buf = p.buf[:len(p.buf)+len(b)]
	p.n++
}

// benchCapture is about 1,000,000 packets over 100,000 interleaved TCP
// connections from 10.0.0.0/8 to 192.0.2.0/29 port 443 (one in twenty
// with a retransmitted data segment), one packet a microsecond.
func benchCapture() ([]byte, int) {
	benchOnce.Do(func() {
		p := &benchPcap{buf: make([]byte, 0, benchConns*benchPerConn*90)}
		p.buf = append(p.buf, 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0)
		now := int64(1_700_000_000) * 1e6
		type conv struct {
			c, s       [4]byte
			cp         uint16
			cseq, sseq uint32
		}
		convs := make([]conv, benchConns)
		for i := range convs {
			convs[i] = conv{c: [4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}, s: [4]byte{192, 0, 2, byte(i % 7)},
				cp: uint16(1024 + i%50000), cseq: uint32(i) * 7919, sseq: uint32(i) * 104729}
		}
		const syn, ack, psh, fin = 0x02, 0x10, 0x08, 0x01
		step := func(f func(i int, c *conv)) {
			for i := range convs {
				now++
				f(i, &convs[i])
			}
		}
		step(func(_ int, c *conv) { p.tcp(now, c.c, c.s, c.cp, 443, c.cseq, 0, syn, 0) })
		step(func(_ int, c *conv) { p.tcp(now, c.s, c.c, 443, c.cp, c.sseq, c.cseq+1, syn|ack, 0) })
		step(func(_ int, c *conv) { p.tcp(now, c.c, c.s, c.cp, 443, c.cseq+1, c.sseq+1, ack, 0) })
		for k := uint32(0); k < 2; k++ {
			step(func(_ int, c *conv) { p.tcp(now, c.s, c.c, 443, c.cp, c.sseq+1+64*k, c.cseq+1, ack|psh, 64) })
			step(func(_ int, c *conv) { p.tcp(now, c.c, c.s, c.cp, 443, c.cseq+1, c.sseq+1+64*(k+1), ack, 0) })
		}
		step(func(i int, c *conv) {
			if i%20 == 0 {
				p.tcp(now, c.s, c.c, 443, c.cp, c.sseq+65, c.cseq+1, ack|psh, 64)
			}
		})
		step(func(_ int, c *conv) { p.tcp(now, c.c, c.s, c.cp, 443, c.cseq+1, c.sseq+129, fin|ack, 0) })
		step(func(_ int, c *conv) { p.tcp(now, c.s, c.c, 443, c.cp, c.sseq+129, c.cseq+2, fin|ack, 0) })
		step(func(_ int, c *conv) { p.tcp(now, c.c, c.s, c.cp, 443, c.cseq+2, c.sseq+130, ack, 0) })
		benchCap, benchN = p.buf, p.n
	})
	return benchCap, benchN
}

// BenchmarkFilterPass is the whole filter pass over about 1,000,000
// packets: reading, decoding, reassembly, stream numbers and the matcher.
func BenchmarkFilterPass(b *testing.B) {
	data, n := benchCapture()
	for _, c := range []struct{ name, expr string }{
		{"address_port", "ip.addr == 10.1.0.0/16 and tcp.port == 443"},
		{"retransmission", "tcp.analysis.retransmission"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			packets, matched := 0, 0
			for b.Loop() {
				err := Frames(context.Background(), bytes.NewReader(data), c.expr, func(*frame.Frame) error {
					matched++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				packets += n
			}
			if matched == 0 {
				b.Fatal("no frame matched")
			}
			b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
		})
	}
}

// BenchmarkMatch is Matcher.Match alone over frames decoded beforehand.
func BenchmarkMatch(b *testing.B) {
	frames := decodeAll(b, "../../testdata/captures/chrissanders--http_espn.pcapng")
	for _, expr := range []string{
		"ip.addr == 10.0.0.0/8 and tcp.port == 80",
		"tcp.analysis.retransmission",
		"dns.qry.name contains \"espn\"",
	} {
		b.Run(expr, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				m, err := NewMatcher(expr)
				if err != nil {
					b.Fatal(err)
				}
				for i := range frames {
					m.Match(&frames[i])
				}
				n += len(frames)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "packets/s")
		})
	}
}
