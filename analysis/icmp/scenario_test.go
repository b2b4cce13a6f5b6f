package icmp_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/icmp"
)

func runBytes(t testing.TB, b []byte, o *engine.Options) *icmp.Report {
	t.Helper()
	if o == nil {
		o = &engine.Options{}
	}
	o.Tools = []string{"icmp"}
	out, err := engine.Run(context.Background(), bytes.NewReader(b), o)
	if err != nil {
		t.Fatal(err)
	}
	return out["icmp"].(*icmp.Report)
}

// TestObservations builds a ping sweep, a flood, large and random echo
// payloads, an echo to a broadcast address and a router sending many
// unreachables, and checks each is reported with its evidence.
func TestObservations(t *testing.T) {
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	g := &gen{w: w}
	small := []byte("abcdefghijklmnopqrstuvwabcdefghi")
	ms := 0
	for i := 1; i <= 12; i++ { // sweep: 10.1.0.1 … 10.1.0.12
		g.echo4(ms, "10.0.0.7", fmt.Sprintf("10.1.0.%d", i), 8, 1, uint16(i), 64, small)
		ms += 10
	}
	ms = 10000
	for i := 0; i < 150; i++ { // flood: 150 requests in 0.75 s
		g.echo4(ms+i*5, "10.0.0.8", "10.0.0.2", 8, 2, uint16(i), 64, small)
	}
	big := bytes.Repeat([]byte{0x42}, 1200)
	g.echo4(20000, "10.0.0.9", "10.0.0.2", 8, 3, 1, 64, big)
	rnd := make([]byte, 256)
	x := uint32(88172645)
	for i := range rnd {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		rnd[i] = byte(x >> 3)
	}
	g.echo4(20100, "10.0.0.9", "10.0.0.2", 8, 3, 2, 64, rnd)
	g.echo4(20200, "10.0.0.10", "10.0.0.255", 8, 4, 1, 64, small)
	for i := 0; i < 12; i++ {
		g.err4(30000+i, "10.0.9.1", "10.0.0.1", 3, 1, [4]byte{}, quote4(28, udp4("10.0.0.1", fmt.Sprintf("192.0.2.%d", i), 64, uint16(i), 5000, 53, small)...))
	}
	r := runBytes(t, out.Bytes(), nil)
	got := map[string]finding.Finding{}
	for _, o := range r.Findings {
		if o.Tool != "icmp" || o.Severity == "" || o.Summary == "" || o.Count == 0 {
			t.Errorf("incomplete finding %+v", o)
		}
		got[o.Kind] = o
	}
	checks := map[string]func(o finding.Finding) bool{
		"icmp.ping_sweep": func(o finding.Finding) bool {
			return o.Severity == finding.High && o.Count == 1 && o.Subjects[0] == "10.0.0.7: 12 destinations in 0.1 s" &&
				o.Filter == "icmp.type == 8 && ip.src == 10.0.0.7" && len(o.Frames) == 10 && o.Frames[0] == 1
		},
		"icmp.flood": func(o finding.Finding) bool {
			return strings.HasPrefix(o.Subjects[0], "10.0.0.8: ") && o.Filter == "icmp && ip.src == 10.0.0.8" && o.Frames[0] == 13
		},
		"icmp.large_payload": func(o finding.Finding) bool {
			return len(o.Frames) == 1 && o.Frames[0] == 163 && o.Filter == "(icmp.type == 8 || icmpv6.type == 128) && data.len >= 1024"
		},
		"icmp.high_entropy_payload": func(o finding.Finding) bool {
			return len(o.Frames) == 1 && o.Frames[0] == 164 && o.Filter == "frame.number == 164"
		},
		"icmp.echo_to_broadcast": func(o finding.Finding) bool { return len(o.Frames) == 1 && o.Frames[0] == 165 },
		"icmp.many_unreachables": func(o finding.Finding) bool {
			return o.Subjects[0] == "10.0.9.1 (12)" && o.Count == 12 && o.Filter == "icmp.type == 3 && ip.src == 10.0.9.1"
		},
	}
	for k, ok := range checks {
		o, found := got[k]
		if !found {
			t.Errorf("no %s observation", k)
			continue
		}
		if !ok(o) {
			t.Errorf("%s: unexpected evidence %+v", k, o)
		}
	}
	if len(r.Unreachables) != 12 || r.Statistics.UnreachableDestinationsCt != 12 {
		t.Errorf("unreachables %d, destinations %d", len(r.Unreachables), r.Statistics.UnreachableDestinationsCt)
	}
	if r.Statistics.EchoRequests != 165 || r.Statistics.UnansweredRequests != 165 {
		t.Errorf("echo requests %d unanswered %d", r.Statistics.EchoRequests, r.Statistics.UnansweredRequests)
	}
}

// TestEdges checks the pairing and error decoding on the generated capture in
// detail (tshark's counts for it are checked by TestTshark).
func TestEdges(t *testing.T) {
	r := runBytes(t, edges(), &engine.Options{MaxPackets: 100})
	p := r.Packets
	if p[0].ResponseIn != 2 || p[1].ResponseTo != 1 || p[1].ResponseTime == nil || *p[1].ResponseTime != 0.01 {
		t.Errorf("frames 1-2: %+v %+v", p[0], p[1])
	}
	if p[2].ResponseTo != 0 || p[4].ResponseTo != 0 || p[9].ResponseTo != 0 || p[10].ResponseTo != 0 {
		t.Error("frames 3, 5, 10, 11 must stay unmatched")
	}
	if p[7].ResponseTo != 7 || p[5].ResponseIn != 0 {
		t.Errorf("frame 8 must answer 7, not 6: %+v", p[7])
	}
	if s := r.Statistics; s.DuplicateReplies != 1 || s.UnmatchedReplies != 3 || s.UnansweredRequests != 4 {
		t.Errorf("v4 stats %+v", s.FamilyStats)
	}
	un := []int{}
	for _, u := range r.Echo.Unanswered {
		un = append(un, u.Frame)
	}
	if fmt.Sprint(un) != "[4 6 9 12 20]" {
		t.Errorf("unanswered frames %v", un)
	}
	want := map[int]string{
		26: "UDP 10.0.0.3:33436 port unreachable",
		27: "UDP 192.0.2.7:443 needs fragmentation: next-hop MTU 1400",
		28: "redirect for UDP 192.0.2.8:53: use gateway 10.0.9.2 (Redirect Datagram for the Host)",
		30: "UDP 192.0.2.10 host unreachable",
		31: "unknown (quote too short) communication administratively prohibited",
		32: "UDP [2001:db8::9]:443: packet too big, MTU 1280",
		33: "UDP [2001:db8::9]:53 port unreachable",
	}
	for _, e := range r.Errors {
		if w, ok := want[e.Frame]; ok && e.Summary != w {
			t.Errorf("frame %d: %q, want %q", e.Frame, e.Summary, w)
		}
	}
	if len(r.PathMTU) != 2 || r.PathMTU[0].MTU != 1400 || r.PathMTU[1].MTU != 1280 {
		t.Errorf("path mtu %+v", r.PathMTU)
	}
	if len(r.Redirects) != 1 || r.Redirects[0].Gateway != "10.0.9.2" {
		t.Errorf("redirects %+v", r.Redirects)
	}
	if len(r.Traceroutes) != 1 || len(r.Traceroutes[0].Hops) != 2 || !r.Traceroutes[0].Reached || r.Traceroutes[0].ReachedTTL != 3 ||
		r.Traceroutes[0].Hops[1].Routers[0].Address != "10.0.9.2" || r.Traceroutes[0].Hops[1].Routers[0].RTTMin != 0.005 {
		t.Errorf("traceroute %+v", r.Traceroutes)
	}
	nd := r.ICMPv6.NeighborDiscovery
	if nd.DADProbes != 1 || len(nd.Routers) != 1 || nd.Routers[0].Prefixes[0].Prefix != "2001:db8:1::/64" || nd.Routers[0].MTU != 1500 {
		t.Errorf("nd %+v", nd)
	}
	if m := r.ICMPv6.MLD; m.ReportsV2 != 1 || len(m.Groups) != 1 || m.Groups[0].Group != "ff02::fb" {
		t.Errorf("mld %+v", m)
	}
}

// BenchmarkEnginePing runs the whole engine with the icmp tool over 200,000
// generated frames: 100,000 echo requests to 100 destinations and their
// replies. It reports frames per second.
func BenchmarkEnginePing(b *testing.B) {
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	g := &gen{w: w}
	p := []byte("abcdefghijklmnopqrstuvwabcdefghi")
	const pairs = 100000
	for i := 0; i < pairs; i++ {
		dst := fmt.Sprintf("10.2.%d.%d", i%100/250, i%100+1)
		g.echo4(i*2, "10.0.0.1", dst, 8, uint16(i/65536), uint16(i), 64, p)
		g.echo4(i*2+1, dst, "10.0.0.1", 0, uint16(i/65536), uint16(i), 64, p)
	}
	data := out.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := runBytes(b, data, &engine.Options{MaxPackets: 1000})
		if r.Statistics.UnansweredRequests != 0 {
			b.Fatal(r.Statistics.FamilyStats)
		}
	}
	b.ReportMetric(float64(2*pairs)*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// TestEveryError: each ICMP and ICMPv6 error type with a whole quote and with
// a quote cut inside the transport header decodes the quoted datagram.
func TestEveryError(t *testing.T) {
	small := []byte("payload!")
	q4 := quote4(0, udp4("10.0.0.1", "192.0.2.1", 64, 5, 1111, 53, small)...)
	ip6 := ip6("2001:db8::1", "2001:db8::2", 64, layers.IPProtocolUDP)
	u6 := &layers.UDP{SrcPort: 2222, DstPort: 123}
	u6.SetNetworkLayerForChecksum(ip6)
	q6 := quote4(0, ip6, u6, gopacket.Payload(small))
	type tc struct {
		v6        bool
		typ, code uint8
		word      [4]byte
	}
	cases := []tc{
		{false, 3, 0, [4]byte{}}, {false, 3, 3, [4]byte{}}, {false, 3, 4, [4]byte{0, 0, 2, 0}}, {false, 3, 13, [4]byte{}},
		{false, 4, 0, [4]byte{}}, {false, 5, 0, [4]byte{10, 0, 0, 254}}, {false, 11, 0, [4]byte{}}, {false, 11, 1, [4]byte{}},
		{false, 12, 0, [4]byte{8, 0, 0, 0}},
		{true, 1, 0, [4]byte{}}, {true, 1, 4, [4]byte{}}, {true, 2, 0, [4]byte{0, 0, 5, 0}}, {true, 3, 0, [4]byte{}},
		{true, 4, 1, [4]byte{0, 0, 0, 6}},
	}
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	g := &gen{w: w}
	ms := 0
	for _, c := range cases {
		for _, cut := range []int{0, 1} {
			if c.v6 {
				q := q6
				if cut == 1 {
					q = q6[:42] // 2 bytes of UDP
				}
				g.icmp6(ms, "2001:db8::ff", "2001:db8::1", c.typ, c.code, append(c.word[:], q...))
			} else {
				q := q4
				if cut == 1 {
					q = q4[:22]
				}
				g.err4(ms, "10.0.9.9", "10.0.0.1", c.typ, c.code, c.word, q)
			}
			ms++
		}
	}
	r := runBytes(t, out.Bytes(), nil)
	if len(r.Errors) != 2*len(cases) {
		t.Fatalf("%d errors, want %d", len(r.Errors), 2*len(cases))
	}
	for i, e := range r.Errors {
		c := cases[i/2]
		whole := i%2 == 0
		name := fmt.Sprintf("v6=%v %d/%d whole=%v", c.v6, c.typ, c.code, whole)
		q := e.Quoted
		wantDst, wantPort := "192.0.2.1", 53
		if c.v6 {
			wantDst, wantPort = "2001:db8::2", 123
		}
		if e.Type != int(c.typ) || e.Code != int(c.code) || q.Dst != wantDst || q.ProtocolName != "UDP" || q.Truncated == whole {
			t.Errorf("%s: %+v", name, e)
		}
		if whole && q.DstPort != wantPort || !whole && q.DstPort != 0 {
			t.Errorf("%s: port %d", name, q.DstPort)
		}
		if e.Summary == "" || e.TypeName == "" || e.CodeName == "" {
			t.Errorf("%s: names %q %q %q", name, e.Summary, e.TypeName, e.CodeName)
		}
		switch {
		case !c.v6 && c.typ == 3 && c.code == 4, c.v6 && c.typ == 2:
			if e.MTU != 512 && e.MTU != 1280 {
				t.Errorf("%s: mtu %d", name, e.MTU)
			}
		case !c.v6 && c.typ == 5:
			if e.Gateway != "10.0.0.254" {
				t.Errorf("%s: gateway %q", name, e.Gateway)
			}
		case c.typ == 12 || c.v6 && c.typ == 4:
			if e.Pointer == nil || (*e.Pointer != 8 && *e.Pointer != 6) {
				t.Errorf("%s: pointer %v", name, e.Pointer)
			}
		}
	}
}

// TestTracerouteIsNotLoss (defect 5): the probes of a real traceroute,
// answered by time exceeded, are not lost pings: they are counted apart,
// with what answered them, and the loss figure leaves them out.
func TestTracerouteIsNotLoss(t *testing.T) {
	r := run(t, "../../testdata/captures/chrissanders--icmp_traceroute.pcapng")
	if len(r.Echo.Destinations) != 1 {
		t.Fatalf("destinations %+v", r.Echo.Destinations)
	}
	d := r.Echo.Destinations[0]
	if d.Transmitted != 27 || d.Received != 3 || d.AnsweredByError != 24 || d.LossPercent != 0 ||
		d.ErrorAnswers["time to live exceeded in transit"] != 24 {
		t.Errorf("destination %+v", d)
	}
	if len(r.Echo.Unanswered) != 0 || len(r.Echo.AnsweredByError) != 24 {
		t.Fatalf("unanswered %d, answered by an error %d", len(r.Echo.Unanswered), len(r.Echo.AnsweredByError))
	}
	if a := r.Echo.AnsweredByError[0]; a.Frame != 1 || a.ErrorFrame != 2 || a.AnsweredBy != "time to live exceeded in transit from 192.168.100.1" {
		t.Errorf("first answered by an error %+v", a)
	}
	// tshark's figure stays: 24 requests without an echo reply.
	if r.Statistics.UnansweredRequests != 24 {
		t.Errorf("unanswered requests %d", r.Statistics.UnansweredRequests)
	}
}
