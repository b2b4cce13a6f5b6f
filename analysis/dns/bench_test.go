package dns

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
)

// benchFrames builds n query/response pairs (2n frames) over 1,000 names,
// 50 clients and 4 servers.
func benchFrames(n int) []frame.Frame {
	fs := make([]frame.Frame, 0, 2*n)
	for i := 0; i < n; i++ {
		c := netip.AddrFrom4([4]byte{10, 1, 0, byte(i % 50)})
		s := netip.AddrFrom4([4]byte{10, 0, 0, byte(53 + i%4)})
		name := fmt.Sprintf("host%d.example%d.com", i%1000, i%7)
		id, port := uint16(i), uint16(1024+i%60000)
		ns := int64(i) * 1e5
		fs = append(fs,
			frame.Frame{Number: 2*i + 1, TimeNs: ns, Transport: frame.TransportUDP, SrcIP: c, DstIP: s, SrcPort: port, DstPort: 53, Payload: query(id, name, 1)},
			frame.Frame{Number: 2*i + 2, TimeNs: ns + 2e6, Transport: frame.TransportUDP, SrcIP: s, DstIP: c, SrcPort: 53, DstPort: port,
				Payload: reply(id, name, 1, 0, 192, 0, 2, byte(i))})
	}
	return fs
}

// BenchmarkTap runs the tap over DNS messages; one op is one message.
// The "msgs/s" metric is the figure for docs/benchmarks.md.
func BenchmarkTap(b *testing.B) {
	fs := benchFrames(50000)
	o := &engine.Options{MaxPackets: 100}
	b.ReportAllocs()
	b.ResetTimer()
	var tap *Tap
	for i := 0; i < b.N; i++ {
		j := i % len(fs)
		if j == 0 {
			tap = New(o).(*Tap)
		}
		f := fs[j]
		tap.Packet(&f)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkMillion runs one million messages through the tap and builds the report.
func BenchmarkMillion(b *testing.B) {
	fs := benchFrames(500000)
	o := &engine.Options{MaxPackets: 100}
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		tap := New(o).(*Tap)
		for j := range fs {
			tap.Packet(&fs[j])
		}
		tap.Finish(&engine.Capture{Packets: len(fs)})
	}
	b.ReportMetric(float64(b.N*len(fs))/b.Elapsed().Seconds(), "msgs/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N*len(fs))/cpu, "msgs/cpu-s")
	}
}

func BenchmarkParse(b *testing.B) {
	msg := reply(1, "www.example.com", 1, 0, 192, 0, 2, 1)
	var m Message
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.Parse(msg)
	}
}

// pcapOf writes frames as an Ethernet/IPv4/UDP pcap in memory.
func pcapOf(fs []frame.Frame) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = binary.LittleEndian.AppendUint32(b, 65535)
	b = binary.LittleEndian.AppendUint32(b, 1)
	for i := range fs {
		f := &fs[i]
		n := 14 + 20 + 8 + len(f.Payload)
		b = binary.LittleEndian.AppendUint32(b, uint32(f.TimeNs/1e9))
		b = binary.LittleEndian.AppendUint32(b, uint32(f.TimeNs%1e9/1e3))
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
		b = append(b, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00)
		s, d := f.SrcIP.As4(), f.DstIP.As4()
		ip := []byte{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0}
		binary.BigEndian.PutUint16(ip[2:], uint16(20+8+len(f.Payload)))
		b = append(b, ip...)
		b = append(b, s[:]...)
		b = append(b, d[:]...)
		b = binary.BigEndian.AppendUint16(b, f.SrcPort)
		b = binary.BigEndian.AppendUint16(b, f.DstPort)
		b = binary.BigEndian.AppendUint16(b, uint16(8+len(f.Payload)))
		b = append(b, 0, 0)
		b = append(b, f.Payload...)
	}
	return b
}

// BenchmarkEngineMillion runs the whole engine (reader, SHA-256 and SHA-1
// of the input, frame decoder, dns tap) over a pcap of one million DNS messages.
func BenchmarkEngineMillion(b *testing.B) {
	fs := benchFrames(500000)
	pc := pcapOf(fs)
	b.SetBytes(int64(len(pc)))
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		out, err := engine.Run(context.Background(), bytes.NewReader(pc), &engine.Options{Tools: []string{"dns"}, MaxPackets: 100})
		if err != nil {
			b.Fatal(err)
		}
		if q := out["dns"].(*Report).Statistics.Queries; q != len(fs)/2 {
			b.Fatalf("%d queries", q)
		}
	}
	b.ReportMetric(float64(b.N*len(fs))/b.Elapsed().Seconds(), "msgs/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N*len(fs))/cpu, "msgs/cpu-s")
	}
}
