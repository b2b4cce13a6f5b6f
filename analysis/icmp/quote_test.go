package icmp

import (
	"net"
	"net/netip"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

func serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		panic(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func TestParseQuoted(t *testing.T) {
	ip4 := func(p layers.IPProtocol) *layers.IPv4 {
		return &layers.IPv4{Version: 4, IHL: 5, TTL: 1, Id: 77, Protocol: p, SrcIP: net.IP{10, 0, 0, 1}, DstIP: net.IP{10, 0, 0, 5}}
	}
	ip6 := func(p layers.IPProtocol) *layers.IPv6 {
		return &layers.IPv6{Version: 6, HopLimit: 3, NextHeader: p, SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::5")}
	}
	udp4 := serialize(ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 4000, DstPort: 53}, gopacket.Payload("query"))
	tcp4 := serialize(ip4(layers.IPProtocolTCP), &layers.TCP{SrcPort: 4001, DstPort: 443, Seq: 1}, gopacket.Payload(""))
	echo4 := serialize(ip4(layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 7, Seq: 9}, gopacket.Payload("x"))
	udp6 := serialize(ip6(layers.IPProtocolUDP), &layers.UDP{SrcPort: 4002, DstPort: 123}, gopacket.Payload("ntp"))
	// IPv6 with a destination-options header before UDP.
	dst6 := serialize(ip6(layers.IPProtocolIPv6Destination), gopacket.Payload([]byte{17, 0, 1, 4, 0, 0, 0, 0}), gopacket.Payload([]byte{0x0f, 0xa3, 0, 53, 0, 8, 0, 0}))
	// Non-first IPv4 fragment: no transport header.
	frag := append([]byte(nil), udp4...)
	frag[6], frag[7] = 0, 10

	tests := []struct {
		name      string
		b         []byte
		endpoint  string
		truncated bool
		ttl       int
	}{
		{"udp4", udp4, "UDP 10.0.0.5:53", false, 1},
		{"tcp4", tcp4, "TCP 10.0.0.5:443", false, 1},
		{"icmp echo", echo4, "ICMP 10.0.0.5 (echo id 7 seq 9)", false, 1},
		{"udp6", udp6, "UDP [2001:db8::5]:123", false, 3},
		{"udp6 after destination options", dst6, "UDP [2001:db8::5]:53", false, 3},
		{"non-first fragment", frag, "UDP 10.0.0.5", false, 1},
		{"udp4 cut after ports", udp4[:24], "UDP 10.0.0.5:53", true, 1},
		{"udp4 cut inside ports", udp4[:22], "UDP 10.0.0.5", true, 1},
		{"udp4 cut after IP header", udp4[:20], "UDP 10.0.0.5", true, 1},
		{"ipv4 cut inside header", udp4[:19], "unknown (quote too short)", true, 0},
		{"icmp echo cut after type", echo4[:22], "ICMP 10.0.0.5", true, 1},
		{"udp6 cut inside header", udp6[:39], "unknown (quote too short)", true, 0},
		{"udp6 cut after header", udp6[:40], "UDP 2001:db8::5", true, 3},
		{"empty", nil, "unknown (quote too short)", true, 0},
		{"not IP", []byte{0x55, 1, 2, 3}, "unknown (quote too short)", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := ParseQuoted(tc.b)
			if got := q.Endpoint(); got != tc.endpoint {
				t.Errorf("Endpoint() = %q, want %q", got, tc.endpoint)
			}
			if q.Truncated != tc.truncated || q.TTL != tc.ttl {
				t.Errorf("truncated %v ttl %d, want %v %d", q.Truncated, q.TTL, tc.truncated, tc.ttl)
			}
		})
	}
	// Every prefix of every quote decodes without panicking.
	for _, b := range [][]byte{udp4, tcp4, echo4, udp6, dst6} {
		for n := range b {
			ParseQuoted(b[:n])
		}
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		v6         bool
		typ, code  uint8
		tname, cnm string
	}{
		{false, 3, 3, "Destination Unreachable", "Port Unreachable"},
		{false, 3, 4, "Destination Unreachable", "Fragmentation Needed and Don't Fragment was Set"},
		{false, 11, 0, "Time Exceeded", "Time to Live exceeded in Transit"},
		{false, 5, 1, "Redirect", "Redirect Datagram for the Host"},
		{false, 8, 0, "Echo Request", "No Code"},
		{false, 25, 0, "Reserved (for Robustness Experiment)", "No Code"},
		{false, 100, 2, "Unassigned (100)", "Unassigned code (2)"},
		{false, 3, 16, "Destination Unreachable", "Unassigned code (16)"},
		{true, 1, 4, "Destination Unreachable", "Port unreachable"},
		{true, 2, 0, "Packet Too Big", "No Code"},
		{true, 135, 0, "Neighbor Solicitation", "No Code"},
		{true, 143, 0, "Version 2 Multicast Listener Report", "No Code"},
		{true, 155, 2, "RPL Control Message", "Destination Advertisement Object"},
	}
	for _, tc := range tests {
		if n := TypeName(tc.v6, tc.typ); n != tc.tname {
			t.Errorf("TypeName(%v, %d) = %q, want %q", tc.v6, tc.typ, n, tc.tname)
		}
		if n := CodeName(tc.v6, tc.typ, tc.code); n != tc.cnm {
			t.Errorf("CodeName(%v, %d, %d) = %q, want %q", tc.v6, tc.typ, tc.code, n, tc.cnm)
		}
	}
}

func TestPayloadHeuristics(t *testing.T) {
	inc := make([]byte, 200)
	for i := range inc {
		inc[i] = byte(i)
	}
	win := []byte{}
	for len(win) < 200 {
		win = append(win, "abcdefghijklmnopqrstuvwabcdefghi"...)
	}
	rnd := make([]byte, 512)
	x := uint32(2463534242)
	for i := range rnd {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		rnd[i] = byte(x)
	}
	if !patterned(inc) || !patterned(win) || patterned(rnd) {
		t.Errorf("patterned: inc %v win %v rnd %v", patterned(inc), patterned(win), patterned(rnd))
	}
	if e := entropy(rnd); e < 7.0 {
		t.Errorf("entropy of random data %f", e)
	}
	if e := entropy(make([]byte, 100)); e != 0 {
		t.Errorf("entropy of zeros %f", e)
	}
}

// TestPendingEviction: with the pending table full, requests older than two
// minutes are forgotten (and stay unanswered) so that new ones are paired.
func TestPendingEviction(t *testing.T) {
	old := maxPending
	maxPending = 10
	defer func() { maxPending = old }()
	tap := New(nil)
	var f frame.Frame
	f.Network, f.Transport, f.IPv4.Version = frame.NetIPv4, frame.TransportICMPv4, 4
	f.SrcIP, f.DstIP, f.TTL = netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), 64
	send := func(n int, sec int64, typ uint8, seq uint16) {
		f.Number, f.TimeNs = n, sec*1e9
		f.ICMPv4.TypeCode = layers.CreateICMPv4TypeCode(typ, 0)
		f.ICMPv4.Seq = seq
		f.ICMPv4.Checksum = 0x1000 - seq
		if typ == 0 {
			f.ICMPv4.Checksum += 0x0800
		}
		tap.Packet(&f)
	}
	for i := 0; i < 10; i++ { // ten unanswered requests at t=0
		send(i+1, 0, 8, uint16(i))
	}
	send(11, 1, 8, 100) // table full, nothing old enough: not tracked
	send(12, 300, 8, 101)
	send(13, 300, 0, 101) // paired after eviction
	r := tap.Finish(&engine.Capture{})["icmp"].(*Report)
	if s := r.Statistics; s.EchoRequests != 12 || s.EchoReplies != 1 || s.UnansweredRequests != 11 || s.RTT.Count != 1 {
		t.Errorf("stats %+v", s.FamilyStats)
	}
	if len(r.Echo.Unanswered) != 10 {
		t.Errorf("unanswered list %d", len(r.Echo.Unanswered))
	}
	if len(r.Caps) != 1 || r.Caps[0].What != "echo requests waiting for a reply" {
		t.Errorf("caps %v", r.Caps)
	}
}

// TestSourcesCapCountsMessages: past 10,000 sources, the cap counts the
// messages of the sources left out, and says so.
func TestSourcesCapCountsMessages(t *testing.T) {
	tap := New(nil)
	var f frame.Frame
	f.Network, f.Transport, f.IPv4.Version = frame.NetIPv4, frame.TransportICMPv4, 4
	f.DstIP, f.TTL = netip.MustParseAddr("192.0.2.1"), 64
	f.ICMPv4.TypeCode = layers.CreateICMPv4TypeCode(8, 0)
	n := 0
	for i := 0; i < maxSources+10; i++ {
		f.SrcIP = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		for k := 0; k < 3; k++ { // three requests from each source
			n++
			f.Number, f.TimeNs = n, int64(n)*1e6
			f.ICMPv4.Seq = uint16(k)
			tap.Packet(&f)
		}
	}
	r := tap.Finish(&engine.Capture{})["icmp"].(*Report)
	for _, c := range r.Caps {
		if c.What == "sources" {
			if c.Unit != "messages" || c.Dropped != 30 {
				t.Errorf("%+v: want 30 messages", c)
			}
			return
		}
	}
	t.Errorf("caps %+v: no sources cap", r.Caps)
}
