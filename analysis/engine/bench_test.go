package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
)

// benchCapture generates a pcap of n Ethernet/IPv4/UDP packets of about 60
// bytes, with ascending timestamps.
func benchCapture(n int) []byte {
	var b bytes.Buffer
	b.Grow(24 + n*(16+len(ethUDP)))
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
	rh := make([]byte, 16)
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(rh[0:], uint32(1_600_000_000+i/1000))
		binary.LittleEndian.PutUint32(rh[4:], uint32(i%1000)*1000)
		binary.LittleEndian.PutUint32(rh[8:], uint32(len(ethUDP)))
		binary.LittleEndian.PutUint32(rh[12:], uint32(len(ethUDP)))
		b.Write(rh)
		b.Write(ethUDP)
	}
	return b.Bytes()
}

// BenchmarkRun measures the reading path: reader, decoder and one trivial
// tap, over a generated capture of one million packets.
func BenchmarkRun(b *testing.B) {
	const n = 1_000_000
	file := benchCapture(n)
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"count_b"}})
		if err != nil || out["count_b"] != n {
			b.Fatalf("%v %v", err, out["count_b"])
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}
