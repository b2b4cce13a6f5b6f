package tls

import (
	"bytes"
	"context"
	"os"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
)

func benchCapture(b *testing.B, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
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
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{Tools: []string{"tls"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/packet")
}

// BenchmarkTLSHeavy runs the engine with the TLS tap over a browser's
// capture of TLS and QUIC connections (FoxIO's tls3.pcapng: 1,000 packets,
// 25 handshakes, certificates, QUIC Initials).
func BenchmarkTLSHeavy(b *testing.B) { benchCapture(b, "testdata/captures/ja4--tls3.pcapng") }

// BenchmarkHandshakes runs it over 84 handshakes with certificates and
// QUIC Initials (tls-handshake.pcapng).
func BenchmarkHandshakes(b *testing.B) {
	benchCapture(b, "testdata/captures/ja4--tls-handshake.pcapng")
}

// BenchmarkNonTLS runs it over plain HTTP: the cost of looking for TLS.
func BenchmarkNonTLS(b *testing.B) {
	benchCapture(b, testdata+"/captures/chrissanders--http_espn.pcapng")
}
