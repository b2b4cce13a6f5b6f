package sip

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func sdpAt(addr string, port int) string {
	return crlf("v=0\no=- 1 1 IN IP4 " + addr + "\ns=-\nc=IN IP4 " + addr + "\nt=0 0\nm=audio " + strconv.Itoa(port) + " RTP/AVP 0\na=rtpmap:0 PCMU/8000\n")
}

// TestMediaByOfferAnswer (defect 2): two calls answered on the same port.
// Call 1 is 10.0.0.1:7000 ↔ 10.0.0.2:8000; while its RTP flows, call 2
// from 10.0.0.3:9000 is answered by 10.0.0.2 on port 8000 again. The
// streams of call 1, started before call 2's 200 OK, stay with call 1 (no
// false one-way media); call 2 gets the streams to and from 10.0.0.3.
func TestMediaByOfferAnswer(t *testing.T) {
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	g := &gen{w: w, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), t: t}
	A, B, C := "10.0.0.1", "10.0.0.2", "10.0.0.3"
	sip := func(src, dst string, msg string) { g.packet(src, dst, 5060, 5060, nil, []byte(msg)) }
	sip(A, B, sipMsg("INVITE sip:bob@10.0.0.2 SIP/2.0", "call-1", "1 INVITE", "", sdpAt(A, 7000)))
	sip(B, A, sipMsg("SIP/2.0 200 OK", "call-1", "1 INVITE", ";tag=b1", sdpAt(B, 8000)))
	sip(A, B, sipMsg("ACK sip:bob@10.0.0.2 SIP/2.0", "call-1", "1 ACK", ";tag=b1", ""))
	rtp := func(src, dst string, sp, dp uint16, ssrc byte, seq uint16) {
		p := rtpPacket(seq, uint32(seq)*160, seq == 0)
		p[1] &= 0x80
		p[11] = ssrc
		g.packet(src, dst, sp, dp, nil, p)
	}
	for i := uint16(0); i < 10; i++ {
		rtp(A, B, 7000, 8000, 1, i)
		rtp(B, A, 8000, 7000, 2, i)
	}
	sip(C, B, sipMsg("INVITE sip:bob@10.0.0.2 SIP/2.0", "call-2", "1 INVITE", "", sdpAt(C, 9000)))
	sip(B, C, sipMsg("SIP/2.0 200 OK", "call-2", "1 INVITE", ";tag=b2", sdpAt(B, 8000)))
	sip(C, B, sipMsg("ACK sip:bob@10.0.0.2 SIP/2.0", "call-2", "1 ACK", ";tag=b2", ""))
	for i := uint16(10); i < 20; i++ {
		rtp(A, B, 7000, 8000, 1, i)
		rtp(B, A, 8000, 7000, 2, i)
		rtp(C, B, 9000, 8000, 3, i)
		rtp(B, C, 8000, 9000, 4, i)
	}
	sip(A, B, sipMsg("BYE sip:bob@10.0.0.2 SIP/2.0", "call-1", "2 BYE", ";tag=b1", ""))
	sip(B, A, sipMsg("SIP/2.0 200 OK", "call-1", "2 BYE", ";tag=b1", ""))
	sip(C, B, sipMsg("BYE sip:bob@10.0.0.2 SIP/2.0", "call-2", "2 BYE", ";tag=b2", ""))
	sip(B, C, sipMsg("SIP/2.0 200 OK", "call-2", "2 BYE", ";tag=b2", ""))
	path := filepath.Join(t.TempDir(), "two-calls.pcap")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, path, nil)
	if len(r.Calls) != 2 || len(r.RTPStreams) != 4 {
		t.Fatalf("%d calls, %d streams", len(r.Calls), len(r.RTPStreams))
	}
	want := map[string]string{"0xdeadbe01": "call-1", "0xdeadbe02": "call-1", "0xdeadbe03": "call-2", "0xdeadbe04": "call-2"}
	for _, s := range r.RTPStreams {
		if s.CallID != want[s.SSRC] {
			t.Errorf("stream %s %s:%d → %s:%d given to %q, want %q", s.SSRC, s.Src, s.SrcPort, s.Dst, s.DstPort, s.CallID, want[s.SSRC])
		}
	}
	for _, f := range r.Findings {
		if f.Kind == "sip.one_way_media" || f.Kind == "sip.call_without_media" {
			t.Errorf("false finding %+v", f)
		}
	}
	if os.Getenv("PCAPLENS_KEEP") != "" {
		os.WriteFile(os.Getenv("PCAPLENS_KEEP"), out.Bytes(), 0o644)
	}
}
