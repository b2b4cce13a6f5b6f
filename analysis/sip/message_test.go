package sip

import (
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/frame"
)

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

const invite = `INVITE sip:bob@biloxi.example.com SIP/2.0
v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1
Max-Forwards: 70
t: Bob <sip:bob@biloxi.example.com>
f: Alice <sip:alice@atlanta.example.com>;tag=1928301774
i: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
m: <sip:alice@pc33.atlanta.example.com>
Subject: a long
  folded subject
c: application/sdp
l: 166

v=0
o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com
s=-
c=IN IP4 192.0.2.101
t=0 0
m=audio 49172 RTP/AVP 0 101
a=rtpmap:101 telephone-event/8000
`

func TestParseHeaders(t *testing.T) {
	msg := crlf(invite)
	m, n, err := Parse([]byte(msg), false)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(msg) || !m.Request || m.Method != "INVITE" || m.RequestURI != "sip:bob@biloxi.example.com" || m.Version != "SIP/2.0" {
		t.Fatalf("start line: %+v", m)
	}
	for _, c := range []struct{ name, want string }{
		{"Call-ID", "a84b4c76e66710@pc33.atlanta.example.com"},
		{"From", "Alice <sip:alice@atlanta.example.com>;tag=1928301774"},
		{"To", "Bob <sip:bob@biloxi.example.com>"},
		{"Contact", "<sip:alice@pc33.atlanta.example.com>"},
		{"Content-Type", "application/sdp"},
		{"Content-Length", "166"},
		{"Subject", "a long folded subject"},
		{"Max-Forwards", "70"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := m.Get(c.name); got != c.want {
				t.Errorf("%s = %q, want %q", c.name, got, c.want)
			}
		})
	}
	if got := m.All("Via"); !reflect.DeepEqual(got, []string{"SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1"}) {
		t.Errorf("Via in order: %q", got)
	}
	if Param(m.Get("From"), "tag") != "1928301774" || URI(m.Get("From")) != "sip:alice@atlanta.example.com" || User(URI(m.Get("To"))) != "bob" {
		t.Error("From/To helpers")
	}
	if n, meth := CSeq(m.Get("CSeq")); n != 314159 || meth != "INVITE" {
		t.Errorf("CSeq %d %s", n, meth)
	}
	if len(m.Body) != 166 {
		t.Errorf("body %d bytes", len(m.Body))
	}
}

func TestParseStatusAndErrors(t *testing.T) {
	m, _, err := Parse([]byte("SIP/2.0 486 Busy Here\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"), false)
	if err != nil || m.Request || m.StatusCode != 486 || m.Reason != "Busy Here" {
		t.Fatalf("%+v %v", m, err)
	}
	for _, c := range []struct{ name, msg string }{
		{"bad code", "SIP/2.0 4x6 Busy\r\n\r\n"},
		{"bad request line", "INVITE\r\n\r\n"},
		{"bad content length", "SIP/2.0 200 OK\r\nContent-Length: -4\r\n\r\n"},
		{"content length past the end", "SIP/2.0 200 OK\r\nContent-Length: 40\r\n\r\nabc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Parse([]byte(c.msg), false)
			if _, ok := err.(*ParseError); !ok {
				t.Errorf("err = %v, want a ParseError", err)
			}
		})
	}
	// A header line without a colon is skipped and noted, the message kept (as Wireshark does).
	m, _, err = Parse([]byte("REGISTER sip:r SIP/2.0\r\nCall-ID: y\r\nalice[authentication]\r\nCSeq: 2 REGISTER\r\n\r\n"), false)
	if err != nil || m.Get("CSeq") != "2 REGISTER" || len(m.Problems) != 1 {
		t.Fatalf("%+v %v", m, err)
	}
}

func TestLooksLikeSIP(t *testing.T) {
	for _, c := range []struct {
		in   string
		any  bool
		want bool
	}{
		{"INVITE sip:a@b SIP/2.0\r\n", false, true},
		{"PUBLISH sip:a@b SIP/2.0\r\n", false, true},
		{"FOO sip:a@b SIP/2.0\r\n", false, false},
		{"FOO sip:a@b SIP/2.0\r\n", true, true},
		{"SIP/2.0 200 OK\r\n", false, true},
		{"SIP/2.0 2000 OK\r\n", false, false},
		{"GET / HTTP/1.1\r\n", true, false},
		{"HTTP/1.1 200 OK\r\n", true, false},
		{"INVITE sip:a@b SIP/2.0", false, false},
		{"", true, false},
	} {
		if got := LooksLikeSIP([]byte(c.in), c.any); got != c.want {
			t.Errorf("LooksLikeSIP(%q, %v) = %v", c.in, c.any, got)
		}
	}
}

func TestSDP(t *testing.T) {
	s := ParseSDP([]byte(crlf("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 8 0 96 101\na=rtpmap:96 opus/48000/2\na=rtpmap:101 telephone-event/8000\na=sendonly\nm=video 0 RTP/AVP 34\nc=IN IP4 10.0.0.2\n")))
	if len(s.Media) != 2 {
		t.Fatalf("%+v", s)
	}
	a := s.Media[0]
	want := []Codec{{8, "PCMA", 8000}, {0, "PCMU", 8000}, {96, "opus", 48000}, {101, "telephone-event", 8000}}
	if a.Address != "10.0.0.1" || a.Port != 4000 || a.Direction != "sendonly" || !reflect.DeepEqual(a.Codecs, want) {
		t.Errorf("audio %+v", a)
	}
	if v := s.Media[1]; v.Address != "10.0.0.2" || v.Port != 0 {
		t.Errorf("video %+v", v)
	}
	if _, ok := s.Media[1].endpoint(); ok {
		t.Error("port 0 is a rejected stream, not an endpoint")
	}
}

func rtpPacket(seq uint16, ts uint32, marker bool) []byte {
	b := make([]byte, 12+160)
	b[0] = 0x80
	b[1] = 8
	if marker {
		b[1] |= 0x80
	}
	b[2], b[3] = byte(seq>>8), byte(seq)
	b[4], b[5], b[6], b[7] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	b[8], b[9], b[10], b[11] = 0xde, 0xad, 0xbe, 0xef
	return b
}

func TestRTPSequenceWrap(t *testing.T) {
	info := func(pt uint8) (string, int) { return "PCMA", 8000 }
	var s rtpStats
	seq := uint16(65530)
	ts := uint32(0xffffff00)
	now := 0.0
	for i := 0; i < 20; i++ {
		if i == 8 || i == 12 { // two lost, one of them just after the wrap
			seq++
			ts += 160
			now += 20
			continue
		}
		h, ok := parseRTP(rtpPacket(seq, ts, false))
		if !ok {
			t.Fatal("not RTP")
		}
		s.add(h, now, i+1, info)
		seq++
		ts += 160
		now += 20
	}
	if s.total != 18 || s.expected() != 20 || s.lost() != 2 || s.seqCycles != 1 {
		t.Errorf("total %d expected %d lost %d cycles %d", s.total, s.expected(), s.lost(), s.seqCycles)
	}
	if s.maxJitter > 1e-9 || s.maxDelta != 40 {
		t.Errorf("jitter %f max delta %f", s.maxJitter, s.maxDelta)
	}
	// A late packet counts as out of order and as a sequence error, not as lost.
	late, _ := parseRTP(rtpPacket(seq-5, ts-5*160, false))
	s.add(late, now, 21, info)
	if s.outOfOrder != 1 || s.sequenceErrors < 3 {
		t.Errorf("out of order %d, sequence errors %d", s.outOfOrder, s.sequenceErrors)
	}
	if _, ok := parseRTP([]byte{0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}); ok {
		t.Error("RTCP sender report taken for RTP")
	}
}

// tcpFrame builds a TCP frame from 127.0.0.1:40000 to 127.0.0.1:port.
func tcpFrame(n int, seq uint32, port uint16, payload []byte) *frame.Frame {
	f := &frame.Frame{Number: n, TimeNs: int64(n) * 1e6, Transport: frame.TransportTCP,
		SrcIP: netip.MustParseAddr("127.0.0.1"), DstIP: netip.MustParseAddr("127.0.0.1"),
		SrcPort: 40000, DstPort: port, Payload: payload}
	f.TCP.Seq = seq
	return f
}

func TestTCPFraming(t *testing.T) {
	msg1 := crlf(invite)
	msg2 := crlf("ACK sip:bob@b SIP/2.0\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\nCSeq: 314159 ACK\nContent-Length: 0\n\n")
	msg3 := crlf("BYE sip:bob@b SIP/2.0\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\nCSeq: 314160 BYE\nContent-Length: 5\n\nabcde")
	stream := msg1 + msg2 + "\r\n\r\n" + msg3
	for _, port := range []uint16{5060, 15060} {
		for _, cut := range [][]int{
			{len(stream)},                    // everything in one segment
			{10, len(msg1) - 3, len(stream)}, // start line split, body split
			{len(msg1) + 5, len(stream) - 2}, // second message split
		} {
			tp := New(nil)
			seq := uint32(1000)
			prev := 0
			for i, c := range cut {
				seg := []byte(stream[prev:c])
				tp.Packet(tcpFrame(i+1, seq, port, seg))
				// A retransmission of the same segment changes nothing.
				tp.Packet(tcpFrame(i+1, seq, port, seg))
				seq += uint32(len(seg))
				prev = c
			}
			if prev < len(stream) {
				tp.Packet(tcpFrame(9, seq, port, []byte(stream[prev:])))
			}
			r := tp.Report(nil)
			if r.SIPMessages != 3 || r.Statistics.Methods["INVITE"] != 1 || r.Statistics.Methods["ACK"] != 1 || r.Statistics.Methods["BYE"] != 1 || r.MalformedTotal != 0 {
				t.Errorf("port %d cuts %v: %d messages %v, malformed %v", port, cut, r.SIPMessages, r.Statistics.Methods, r.Malformed)
			}
		}
	}
	// A huge Content-Length is refused, not allocated.
	tp := New(nil)
	tp.Packet(tcpFrame(1, 1, 5060, []byte("INVITE sip:a@b SIP/2.0\r\nContent-Length: 999999999\r\n\r\nxx")))
	if r := tp.Report(nil); r.MalformedTotal != 1 {
		t.Errorf("malformed %d", r.MalformedTotal)
	}
}

func udpFrame(n int, src, dst string, sport, dport uint16, payload string) *frame.Frame {
	return &frame.Frame{Number: n, TimeNs: int64(n) * 1e8, Transport: frame.TransportUDP,
		SrcIP: netip.MustParseAddr(src), DstIP: netip.MustParseAddr(dst), SrcPort: sport, DstPort: dport, Payload: []byte(payload)}
}

// TestCallAfterChallenge: an INVITE challenged with 407 and sent again with
// credentials is one answered call, its delays measured from the second INVITE.
func TestCallAfterChallenge(t *testing.T) {
	msg := func(start, cseq, to string) string {
		return crlf(start + "\nVia: SIP/2.0/UDP 10.0.0.1\nFrom: <sip:a@x>;tag=1\nTo: <sip:b@x>" + to + "\nCall-ID: c1\nCSeq: " + cseq + "\nContent-Length: 0\n\n")
	}
	tp := New(nil)
	for i, p := range []struct {
		fromCaller bool
		m          string
	}{
		{true, msg("INVITE sip:b@x SIP/2.0", "1 INVITE", "")},
		{false, msg("SIP/2.0 407 Proxy Authentication Required", "1 INVITE", ";tag=p")},
		{true, msg("ACK sip:b@x SIP/2.0", "1 ACK", ";tag=p")},
		{true, msg("INVITE sip:b@x SIP/2.0", "2 INVITE", "")},
		{false, msg("SIP/2.0 180 Ringing", "2 INVITE", ";tag=2")},
		{false, msg("SIP/2.0 200 OK", "2 INVITE", ";tag=2")},
		{true, msg("ACK sip:b@x SIP/2.0", "2 ACK", ";tag=2")},
		{false, msg("BYE sip:a@x SIP/2.0", "1 BYE", ";tag=2")},
	} {
		if p.fromCaller {
			tp.Packet(udpFrame(i+1, "10.0.0.1", "10.0.0.2", 5060, 5060, p.m))
		} else {
			tp.Packet(udpFrame(i+1, "10.0.0.2", "10.0.0.1", 5060, 5060, p.m))
		}
	}
	r := tp.Report(nil)
	if len(r.Calls) != 1 {
		t.Fatalf("%d calls", len(r.Calls))
	}
	c := r.Calls[0]
	if c.State != "answered" || c.AuthChallenges != 1 || c.PostDialDelayMs == nil || *c.PostDialDelayMs != 100 || *c.AnswerTimeMs != 200 || c.HungUpBy != "callee" || len(c.Flow) != 8 || c.Flow[7].OffsetMs != 700 {
		t.Errorf("%+v", c)
	}
}

// TestOneWayMedia: an answered call whose RTP flows one way only.
func TestOneWayMedia(t *testing.T) {
	sdp := func(port string) string {
		return crlf("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio " + port + " RTP/AVP 0\n")
	}
	msg := func(start, cseq, to, body string) string {
		return crlf(start+"\nFrom: <sip:a@x>;tag=1\nTo: <sip:b@x>"+to+"\nCall-ID: c2\nCSeq: "+cseq+"\nContent-Type: application/sdp\nContent-Length: "+strconv.Itoa(len(body))+"\n\n") + body
	}
	tp := New(nil)
	tp.Packet(udpFrame(1, "10.0.0.1", "10.0.0.2", 5060, 5060, msg("INVITE sip:b@x SIP/2.0", "1 INVITE", "", sdp("4000"))))
	ans := strings.ReplaceAll(sdp("5000"), "10.0.0.1", "10.0.0.2")
	tp.Packet(udpFrame(2, "10.0.0.2", "10.0.0.1", 5060, 5060, msg("SIP/2.0 200 OK", "1 INVITE", ";tag=2", ans)))
	for i := 0; i < 10; i++ {
		p := rtpPacket(uint16(i), uint32(i*160), false)
		p[1] = 0
		f := udpFrame(3+i, "10.0.0.1", "10.0.0.2", 4000, 5000, string(p))
		tp.Packet(f)
	}
	r := tp.Report(nil)
	if kinds(r) != "one_way_media" || len(r.RTPStreams) != 1 || r.RTPStreams[0].Packets != 10 || r.RTPStreams[0].CallID != "c2" {
		t.Errorf("observations %q, streams %+v", kinds(r), r.RTPStreams)
	}
}

// TestTCPOutOfOrder: over TCP a retransmitted message is read once, and a
// message whose segment arrives before the one ahead of it is read after
// it, at the frame that fills the hole.
func TestTCPOutOfOrder(t *testing.T) {
	m := func(method string, cseq int) string {
		return crlf(method + " sip:b@x SIP/2.0\nCall-ID: ooo\nCSeq: " + strconv.Itoa(cseq) + " " + method + "\nContent-Length: 0\n\n")
	}
	m1, m2, m3 := m("INVITE", 1), m("ACK", 1), m("BYE", 2)
	s1, s2, s3 := uint32(1000), 1000+uint32(len(m1)), 1000+uint32(len(m1)+len(m2))
	tp := New(nil)
	tp.Packet(tcpFrame(1, s1, 5060, []byte(m1)))
	tp.Packet(tcpFrame(2, s1, 5060, []byte(m1))) // retransmission
	tp.Packet(tcpFrame(3, s3, 5060, []byte(m3))) // ahead of a hole
	tp.Packet(tcpFrame(4, s2, 5060, []byte(m2))) // fills it
	tp.Packet(tcpFrame(5, s3, 5060, []byte(m3))) // retransmission
	r := tp.Report(nil)
	if r.SIPMessages != 3 || r.MalformedTotal != 0 {
		t.Fatalf("%d messages, malformed %v", r.SIPMessages, r.Malformed)
	}
	var got []string
	for _, p := range r.Packets {
		got = append(got, strconv.Itoa(p.PacketNumber)+" "+p.Method)
	}
	if len(got) != 3 || !strings.HasPrefix(got[0], "1 INVITE") || !strings.HasPrefix(got[1], "4 ACK") || !strings.HasPrefix(got[2], "4 BYE") {
		t.Errorf("packets %q", got)
	}
}

// TestTCPGivenUpHole: when the peer acknowledges bytes never captured, the
// message held after the hole is read, at its own frame and with its own
// direction, not at the peer's frame that gave the hole up; the partial
// message before the hole is reported malformed at the segment after it.
func TestTCPGivenUpHole(t *testing.T) {
	m1 := crlf("INVITE sip:b@x SIP/2.0\nCall-ID: gap\nCSeq: 1 INVITE\nContent-Length: 0\n\n")
	m3 := crlf("BYE sip:b@x SIP/2.0\nCall-ID: gap\nCSeq: 2 BYE\nContent-Length: 0\n\n")
	tp := New(nil)
	tp.Packet(tcpFrame(1, 1000, 5060, []byte(m1[:20])))
	tp.Packet(tcpFrame(2, 1000+uint32(len(m1)), 5060, []byte(m3))) // after a hole
	ack := tcpFrame(3, 1, 40000, nil)
	ack.SrcPort = 5060
	ack.TCP.ACK, ack.TCP.Ack = true, 1000+uint32(len(m1)+len(m3))
	tp.Packet(ack)
	r := tp.Report(nil)
	if r.SIPMessages != 1 || len(r.Packets) != 1 || r.Packets[0].PacketNumber != 2 || r.Packets[0].SourcePort != 40000 || r.Packets[0].Method != "BYE" {
		t.Fatalf("%d messages, packets %+v", r.SIPMessages, r.Packets)
	}
	if r.MalformedTotal != 1 || r.Malformed[0].Frame != 2 {
		t.Errorf("malformed %+v", r.Malformed)
	}
}

// TestTCPBufferedCap: the bytes held in partial SIP-over-TCP messages are
// bounded over all connections, and the cap is reported.
func TestTCPBufferedCap(t *testing.T) {
	part := append([]byte("INVITE sip:a@b SIP/2.0\r\nContent-Length: 60000\r\n\r\n"), make([]byte, 50000)...)
	tp := New(nil)
	n := maxTCPBuffered/len(part) + 10
	for i := 0; i < n; i++ {
		f := tcpFrame(i+1, 1, 5060, part)
		f.TCPStream = i
		tp.Packet(f)
		if tp.tcp.buffered > maxTCPBuffered {
			t.Fatalf("%d bytes buffered", tp.tcp.buffered)
		}
	}
	r := tp.Report(nil)
	found := false
	for _, c := range r.Caps {
		if c.What == "bytes of partial SIP-over-TCP messages" && c.Dropped > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("caps %+v", r.Caps)
	}
}
