package sip

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"pcaplens/analysis/frame"
)

// FuzzParse feeds arbitrary bytes to the SIP and SDP parsers and to the tap
// as UDP and as TCP payloads: no panic, and the stream buffer stays bounded.
func FuzzParse(f *testing.F) {
	f.Add([]byte(crlf(invite)))
	f.Add([]byte("SIP/2.0 200 OK\r\nl: 3\r\nc: application/sdp\r\n\r\nv=0"))
	f.Add([]byte("REGISTER sip:r SIP/2.0\r\n x\r\nbad\r\n\r\n"))
	// Seeds: every SIP payload of the test captures is long to extract here;
	// the captures' first messages are enough as seeds.
	caps, _ := filepath.Glob("../../testdata/captures/sip-*.pcap")
	for _, c := range caps {
		if b, err := os.ReadFile(c); err == nil && len(b) > 24+16+42 {
			// Skip the pcap headers and an Ethernet/IPv4/UDP header.
			f.Add(b[24+16+42 : min(len(b), 24+16+42+900)])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, _, err := Parse(b, false); err == nil && m != nil {
			_ = m.Get("Call-ID")
			ParseSDP(m.Body)
		}
		Parse(b, true)
		LooksLikeSIP(b, true)
		tp := New(nil)
		uf := &frame.Frame{Number: 1, Transport: frame.TransportUDP, SrcIP: netip.MustParseAddr("10.0.0.1"), DstIP: netip.MustParseAddr("10.0.0.2"), SrcPort: 5060, DstPort: 5060, Payload: b}
		tp.Packet(uf)
		for i := 0; i+1 < len(b) && i < 8; i++ {
			// The same bytes as a TCP stream cut in two at i.
			tp.Packet(tcpFrame(2, 100, 5060, b[:i+1]))
			tp.Packet(tcpFrame(3, 100+uint32(i+1), 5060, b[i+1:]))
		}
		for _, fl := range tp.tcp.flows {
			if len(fl.buf) > MaxMessageSize+4096+len(b) {
				t.Fatalf("stream buffer %d bytes", len(fl.buf))
			}
		}
		tp.Report(nil)
	})
}
