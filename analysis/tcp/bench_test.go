package tcp_test

import (
	"bytes"
	"context"
	"net/netip"
	"runtime"
	"sync"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/tcp"
	"pcaplens/analysis/tcp/internal/pktgen"
)

const (
	benchConns   = 100_000
	benchPerConn = 10 // SYN, SYN/ACK, ACK, 2 × (data, ACK), FIN, FIN, ACK
)

var (
	benchOnce sync.Once
	benchCap  []byte
)

// benchCapture is 1,000,000 packets over 100,000 interleaved connections
// (each connection's packets are spread over the whole capture).
func benchCapture() []byte {
	benchOnce.Do(func() {
		p := pktgen.NewPcap()
		p.Buf = append(make([]byte, 0, benchConns*benchPerConn*100), p.Buf...)
		convs := make([]pktgen.Conv, benchConns)
		for i := range convs {
			a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
			convs[i] = pktgen.Conv{P: p, C: a, S: netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 7)}),
				CP: uint16(1024 + i%50000), SP: 443, CSeq: uint32(i) * 7919, SSeq: uint32(i) * 104729, CWin: 65535, SWin: 65535}
		}
		now := int64(1_700_000_000) * 1e9
		step := func(f func(c *pktgen.Conv)) {
			for i := range convs {
				now += 1000
				convs[i].Now = now
				f(&convs[i])
			}
		}
		step(func(c *pktgen.Conv) { c.Client(pktgen.SYN, 0, pktgen.MSS(1460), pktgen.WScale(7)) })
		step(func(c *pktgen.Conv) { c.Server(pktgen.SYN|pktgen.ACK, 0, pktgen.MSS(1460), pktgen.WScale(7)) })
		step(func(c *pktgen.Conv) { c.Client(pktgen.ACK, 0) })
		for k := 0; k < 2; k++ {
			step(func(c *pktgen.Conv) { c.Server(pktgen.ACK|pktgen.PSH, 64) })
			step(func(c *pktgen.Conv) { c.Client(pktgen.ACK, 0) })
		}
		step(func(c *pktgen.Conv) { c.Client(pktgen.FIN|pktgen.ACK, 0) })
		step(func(c *pktgen.Conv) { c.Server(pktgen.FIN|pktgen.ACK, 0) })
		step(func(c *pktgen.Conv) { c.Client(pktgen.ACK, 0) })
		benchCap = p.Buf
	})
	return benchCap
}

// BenchmarkTCPPass is the whole TCP pass through the engine: reading,
// decoding, tracking and the four reports.
func BenchmarkTCPPass(b *testing.B) {
	data := benchCapture()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		o := &engine.Options{Tools: []string{tcp.ToolConnections, tcp.ToolAnomalies, tcp.ToolRetransmissions, tcp.ToolTrafficFlow}}
		if _, err := engine.Run(context.Background(), bytes.NewReader(data), o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchConns*benchPerConn*b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(benchConns*benchPerConn*b.N)/(cpuTime()-cpu0).Seconds(), "packets/cpu-s")
}

// BenchmarkTracker is the tracker alone on frames decoded in the loop
// (reader and decoder included, no reports).
func BenchmarkTracker(b *testing.B) {
	data := benchCapture()
	b.ResetTimer()
	cpu0 := cpuTime()
	var perConn float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tr := tcp.NewTracker(0)
		eachFrame(b, bytes.NewReader(data), false, tr.Packet)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		perConn = float64(after.HeapAlloc-before.HeapAlloc) / benchConns
		runtime.KeepAlive(tr)
		b.StartTimer()
	}
	b.ReportMetric(float64(benchConns*benchPerConn*b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(benchConns*benchPerConn*b.N)/(cpuTime()-cpu0).Seconds(), "packets/cpu-s")
	b.ReportMetric(perConn, "heapB/conn")
}

// BenchmarkDecodeOnly is the baseline: reading and decoding without the tracker.
func BenchmarkDecodeOnly(b *testing.B) {
	data := benchCapture()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		eachFrame(b, bytes.NewReader(data), false, func(*frame.Frame) {})
	}
	b.ReportMetric(float64(benchConns*benchPerConn*b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(benchConns*benchPerConn*b.N)/(cpuTime()-cpu0).Seconds(), "packets/cpu-s")
}
