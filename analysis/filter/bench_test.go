package filter

import (
	"net/netip"
	"testing"
)

const benchFilter = "ip.addr == 10.0.0.0/8 and tcp.port in {80, 443, 8000..8100} and not tcp.analysis.retransmission"

// benchSource serves a typical TCP/IPv4 frame without allocating.
type benchSource struct{}

var (
	benchSrc = Addr(netip.MustParseAddr("192.168.1.10"))
	benchDst = Addr(netip.MustParseAddr("10.2.3.4"))
)

func (benchSource) Values(id FieldID, buf []Value) []Value {
	switch id {
	case IPAddr:
		return append(buf, benchSrc, benchDst)
	case IPSrc:
		return append(buf, benchSrc)
	case IPDst:
		return append(buf, benchDst)
	case TCPPort:
		return append(buf, Uint(51000), Uint(443))
	case TCP, IP, Eth, Frame:
		return append(buf, Present())
	}
	return buf
}

func BenchmarkMatch(b *testing.B) {
	for _, expr := range []string{
		"ip.addr == 10.2.3.4",
		"ip.addr == 10.2.3.4 and tcp.port == 443",
		benchFilter,
	} {
		b.Run(expr, func(b *testing.B) {
			f, err := Compile(expr)
			if err != nil {
				b.Fatal(err)
			}
			src := &benchSource{}
			b.ReportAllocs()
			for b.Loop() {
				if !f.Match(src) {
					b.Fatal("no match")
				}
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(benchFilter); err != nil {
			b.Fatal(err)
		}
	}
}
