package http_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"testing"

	_ "pcaplens/analysis/all"
	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
)

// pcapWriter builds a little-endian pcap of Ethernet/IPv4 frames.
type pcapWriter struct {
	buf bytes.Buffer
	n   int
	ns  int64
}

func newPcap() *pcapWriter {
	w := &pcapWriter{ns: 1_700_000_000e9}
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr, 0xa1b23c4d) // nanosecond pcap
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	w.buf.Write(hdr)
	return w
}

// tcp writes one TCP segment (flags: the TCP flag byte).
func (w *pcapWriter) tcp(src, dst [4]byte, sp, dp uint16, seq, ack uint32, flags byte, payload []byte) {
	w.ns += 200_000
	w.n++
	l := 14 + 20 + 20 + len(payload)
	rec := make([]byte, 16+l)
	binary.LittleEndian.PutUint32(rec, uint32(w.ns/1e9))
	binary.LittleEndian.PutUint32(rec[4:], uint32(w.ns%1e9))
	binary.LittleEndian.PutUint32(rec[8:], uint32(l))
	binary.LittleEndian.PutUint32(rec[12:], uint32(l))
	f := rec[16:]
	f[12], f[13] = 0x08, 0x00
	ip := f[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+20+len(payload)))
	ip[8], ip[9] = 64, 6
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	t := ip[20:]
	binary.BigEndian.PutUint16(t, sp)
	binary.BigEndian.PutUint16(t[2:], dp)
	binary.BigEndian.PutUint32(t[4:], seq)
	binary.BigEndian.PutUint32(t[8:], ack)
	t[12] = 5 << 4
	t[13] = flags
	binary.BigEndian.PutUint16(t[14:], 65535)
	copy(t[20:], payload)
	w.buf.Write(rec)
}

const (
	fin = 0x01
	syn = 0x02
	psh = 0x08
	ack = 0x10
)

// conn writes one TCP connection: handshake, the client's and the server's
// data in turns (each split in segments of at most 1,400 bytes), and the close.
func (w *pcapWriter) conn(i int, port uint16, turns [][]byte) {
	c := [4]byte{10, 1, byte(i >> 8), byte(i)}
	s := [4]byte{10, 0, 0, byte(1 + i%20)}
	cp := uint16(20000 + i%40000)
	cs, ss := uint32(1000), uint32(5000)
	w.tcp(c, s, cp, port, cs, 0, syn, nil)
	w.tcp(s, c, port, cp, ss, cs+1, syn|ack, nil)
	cs++
	ss++
	w.tcp(c, s, cp, port, cs, ss, ack, nil)
	for k, data := range turns {
		for len(data) > 0 {
			n := min(1400, len(data))
			if k%2 == 0 {
				w.tcp(c, s, cp, port, cs, ss, psh|ack, data[:n])
				cs += uint32(n)
			} else {
				w.tcp(s, c, port, cp, ss, cs, psh|ack, data[:n])
				ss += uint32(n)
			}
			data = data[n:]
		}
	}
	w.tcp(c, s, cp, port, cs, ss, fin|ack, nil)
	w.tcp(s, c, port, cp, ss, cs+1, fin|ack, nil)
	w.tcp(c, s, cp, port, cs+1, ss+1, ack, nil)
}

// httpCapture is HTTP-heavy: conns connections of three requests each
// (responses of 500 bytes, 4 KB chunked, 20 KB).
func httpCapture(conns int) *pcapWriter {
	w := newPcap()
	body := bytes.Repeat([]byte("x"), 20000)
	for i := 0; i < conns; i++ {
		var turns [][]byte
		for j, size := range []int{500, 4000, 20000} {
			turns = append(turns, []byte(fmt.Sprintf("GET /page/%d/%d HTTP/1.1\r\nHost: site%d.example\r\nUser-Agent: Mozilla/5.0 bench\r\nAccept: */*\r\n\r\n", i, j, i%50)))
			if j == 1 {
				turns = append(turns, []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", size, body[:size])))
				continue
			}
			turns = append(turns, []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", size, body[:size])))
		}
		w.conn(i, 80, turns)
	}
	return w
}

// otherCapture is TCP that is not HTTP (ports 22 and 5001, bulk data both ways).
func otherCapture(conns int) *pcapWriter {
	w := newPcap()
	data := bytes.Repeat([]byte{0x5a, 0x17, 0x03, 0x03}, 4000)
	for i := 0; i < conns; i++ {
		port := uint16(22)
		if i%2 == 1 {
			port = 5001
		}
		w.conn(i, port, [][]byte{data[:300], data[:9000], data[:200], data[:6000]})
	}
	return w
}

func run(b *testing.B, data []byte, packets int, tools []string) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{Tools: tools, MaxPackets: 100}); err != nil {
			b.Fatal(err)
		}
		n += packets
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/packet")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "packets/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(cpu*1e9/float64(n), "cpu-ns/packet")
	}
}

// BenchmarkHTTPHeavy is the http tool's cost per packet on HTTP-heavy
// traffic (the engine's reading and decoding included; "icmp" alone, a tap
// that ignores TCP, is the baseline to subtract), and on a real capture named by
// $PCAPLENS_HTTP_CAPTURE.
func BenchmarkHTTPHeavy(b *testing.B) {
	w := httpCapture(2000)
	b.Run("http", func(b *testing.B) { run(b, w.buf.Bytes(), w.n, []string{"http"}) })
	b.Run("icmp", func(b *testing.B) { run(b, w.buf.Bytes(), w.n, []string{"icmp"}) })
	if p := os.Getenv("PCAPLENS_HTTP_CAPTURE"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		r, err := capture.Open(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		var rec capture.Record
		n := 0
		for r.Next(&rec) == nil {
			n++
		}
		b.Run("real/http", func(b *testing.B) { run(b, data, n, []string{"http"}) })
		b.Run("real/icmp", func(b *testing.B) { run(b, data, n, []string{"icmp"}) })
	}
}

// BenchmarkEngineNonHTTP is the whole engine, every tool with and without
// http, on TCP traffic that is not HTTP (docs/benchmarks.md).
func BenchmarkEngineNonHTTP(b *testing.B) {
	w := otherCapture(3000)
	var others []string
	for _, name := range engine.ToolNames() {
		if name != "http" {
			others = append(others, name)
		}
	}
	for i := 0; i < 3; i++ {
		b.Run("without_http", func(b *testing.B) { run(b, w.buf.Bytes(), w.n, others) })
		b.Run("with_http", func(b *testing.B) { run(b, w.buf.Bytes(), w.n, nil) })
	}
}
