package sip

import (
	"bytes"
	"context"
	"os"
	"testing"

	"pcaplens/analysis/engine"
)

// BenchmarkCallRTP runs the whole engine with the SIP tap over the RTP call capture.
func BenchmarkCallRTP(b *testing.B) {
	data, err := os.ReadFile(testdata + "/captures/sip-call-rtp.pcap")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{Tools: []string{"sip"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses one INVITE with an SDP body.
func BenchmarkParse(b *testing.B) {
	msg := []byte(crlf(invite))
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m, _, err := Parse(msg, false)
		if err != nil {
			b.Fatal(err)
		}
		ParseSDP(m.Body)
	}
}

// BenchmarkNonSIP runs the engine with the SIP tap over web traffic (no SIP):
// the cost of looking for SIP in every UDP and TCP payload.
func BenchmarkNonSIP(b *testing.B) {
	data, err := os.ReadFile(testdata + "/captures/chrissanders--http_espn.pcapng")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{Tools: []string{"sip"}}); err != nil {
			b.Fatal(err)
		}
	}
}
