package query

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"testing"

	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/fraggen"
)

// TestUDPStreamSDPConversations checks udp.stream and rtp on datagrams of
// endpoints a session description announced, against tshark 4.0.17 on the
// same frames (written by PCAPLENS_SDP_PCAP=file go test -run
// TestUDPStreamSDPConversations): each direction of an RTP stream is its
// own conversation (the source endpoint's first), an RTP or T.38
// announcement starts a new one, an RTCP one (the next port) keeps its
// own, a pair numbered before the announcement keeps its stream, and
// TCP/RTP/AVP or a lowercase rtp/avp sets up nothing.
func TestUDPStreamSDPConversations(t *testing.T) {
	a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	c, d, e := netip.MustParseAddr("10.0.0.3"), netip.MustParseAddr("10.0.0.4"), netip.MustParseAddr("10.0.0.5")
	seq, call := 0, 0
	udp := func(src, dst netip.Addr, sp, dp uint16, payload []byte) []byte {
		d := fraggen.Datagram{Src: src, Dst: dst, Proto: 17, TTL: 64, Payload: fraggen.UDP(src, dst, sp, dp, payload)}
		return d.Whole()
	}
	sdp := func(from, to netip.Addr, media string) []byte {
		call += 10
		body := fmt.Sprintf("v=0\r\no=- 1 %d IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n%s", call, from, from, media)
		msg := fraggen.SIP("INVITE sip:bob@"+to.String()+" SIP/2.0", "INVITE", call, from, to, "application/sdp", []byte(body))
		return udp(from, to, 5060, 5060, msg)
	}
	rtp := func(src netip.Addr, sp uint16, dst netip.Addr, dp uint16) []byte {
		seq++
		p := make([]byte, 12+160)
		p[0], p[1] = 0x80, 0
		binary.BigEndian.PutUint16(p[2:], uint16(seq))
		binary.BigEndian.PutUint32(p[4:], uint32(seq*160))
		binary.BigEndian.PutUint32(p[8:], 0x1000+uint32(sp))
		return udp(src, dst, sp, dp, p)
	}
	frames := []struct {
		b      []byte
		stream string
		rtp    bool
	}{
		{sdp(a, b, "m=audio 6000 RTP/AVP 0\r\n"), "0", false},           // 1
		{rtp(b, 6200, a, 6000), "1", true},                              // 2 to an announced endpoint
		{sdp(b, a, "m=audio 6200 RTP/AVP 0\r\n"), "0", false},           // 3
		{rtp(b, 6200, a, 6000), "2", true},                              // 4 the source's conversation first
		{rtp(a, 6000, b, 6200), "1", true},                              // 5
		{rtp(a, 6001, b, 6201), "3", false},                             // 6 RTCP, each direction its own
		{rtp(b, 6201, a, 6001), "4", false},                             // 7
		{sdp(a, b, "m=audio 6000 RTP/AVP 0\r\n"), "0", false},           // 8 announced again
		{rtp(a, 6000, b, 6200), "5", true},                              // 9 a new conversation
		{rtp(a, 6001, b, 6201), "3", false},                             // 10 RTCP keeps its own
		{rtp(c, 7000, d, 7002), "6", false},                             // 11 a pair before its announcement
		{sdp(c, d, "m=audio 7000 RTP/SAVP 0\r\n"), "7", false},          // 12
		{rtp(c, 7000, d, 7002), "6", true},                              // 13 keeps its stream
		{rtp(c, 7000, e, 7002), "8", true},                              // 14
		{rtp(e, 9000, a, 6000), "5", true},                              // 15 the destination's
		{sdp(a, b, "m=image 6100 udptl t38\r\n"), "0", false},           // 16
		{rtp(a, 6100, b, 9), "9", false},                                // 17 T.38
		{rtp(a, 6100, b, 10), "9", false},                               // 18
		{rtp(a, 6101, b, 9), "10", false},                               // 19 no RTCP for T.38
		{rtp(a, 6101, b, 10), "11", false},                              // 20
		{sdp(a, b, "m=audio 6110 TCP/RTP/AVP 0\r\n"), "0", false},       // 21
		{rtp(a, 6110, b, 9), "12", false},                               // 22
		{rtp(a, 6110, b, 10), "13", false},                              // 23
		{sdp(a, b, "m=audio 6120 rtp/avp 0\r\n"), "0", false},           // 24
		{rtp(a, 6120, b, 9), "14", false},                               // 25
		{rtp(a, 6120, b, 10), "15", false},                              // 26
		{sdp(a, b, "m=audio 6130 UDP/TLS/RTP/SAVPF 0\r\n"), "0", false}, // 27
		{rtp(a, 6130, b, 9), "16", true},                                // 28
		{rtp(a, 6130, b, 10), "16", true},                               // 29
	}
	p := fraggen.NewPcap(1e18)
	for i, f := range frames {
		p.Frame(i, fraggen.Ethernet(f.b))
	}
	if out := os.Getenv("PCAPLENS_SDP_PCAP"); out != "" {
		if err := os.WriteFile(out, p.Buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := NewMatcher("")
	if err != nil {
		t.Fatal(err)
	}
	m.Want(filter.UDPStream, filter.RTP)
	var buf []byte
	err = m.Run(context.Background(), bytes.NewReader(p.Buf), func(f *frame.Frame) error {
		w := frames[f.Number-1]
		buf = m.AppendText(buf[:0], filter.UDPStream)
		rtp := len(m.Values(filter.RTP, nil)) > 0
		if string(buf) != w.stream || rtp != w.rtp {
			t.Errorf("frame %d: udp.stream %s rtp %v, tshark %s %v", f.Number, buf, rtp, w.stream, w.rtp)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTCPAnalysisShortFirstFragment: a TCP segment in a first IPv4
// fragment captured short is not analysed, by the tracker nor by tshark
// 4.0, which shows no SEQ/ACK analysis tree on it (bgp_pmsi_tunnel-oobr.pcap
// of the tcpdump tests); a whole data segment has it.
func TestTCPAnalysisShortFirstFragment(t *testing.T) {
	a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	seg := fraggen.TCP(a, b, 40000, 179, 1000, 0, 0x18, make([]byte, 200))
	d := fraggen.Datagram{Src: a, Dst: b, Proto: 6, TTL: 64, ID: 7, Payload: seg}
	p := fraggen.NewPcap(1e18)
	whole := fraggen.Ethernet(d.Whole())
	p.Frame(0, whole)
	short := fraggen.Ethernet(d.Fragment(0, 104, true))
	p.Short(1, short, 14+20+60)
	m, err := NewMatcher("tcp.analysis")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	if err := m.Run(context.Background(), bytes.NewReader(p.Buf), func(f *frame.Frame) error {
		got = append(got, f.Number)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1]" {
		t.Errorf("tcp.analysis on frames %v, want [1]", got)
	}
}
