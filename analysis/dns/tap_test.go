package dns

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/tcpstream"
)

var (
	cli  = netip.MustParseAddr("10.0.0.2")
	srv  = netip.MustParseAddr("10.0.0.53")
	srv2 = netip.MustParseAddr("10.0.0.54")
)

type feeder struct {
	tap     *Tap
	n       int
	streams map[[2]uint16]int
	// ra, when set, is a Reassembler the tap shares (as in the engine's
	// run), fed each frame before the tap.
	ra *tcpstream.Reassembler
}

// newSharedFeeder is newFeeder with the tap reading TCP connections
// through a Reassembler shared with another consumer, fed as the engine
// feeds it.
func newSharedFeeder(o *engine.Options) *feeder {
	fd := newFeeder(o)
	fd.ra = tcpstream.New(tcpstream.Limits{})
	fd.ra.Add(&otherConsumer{})
	fd.tap.ShareTCP(func(h tcpstream.Handler) *tcpstream.Consumer { return fd.ra.Add(h) })
	return fd
}

// otherConsumer takes every connection, as another tap would.
type otherConsumer struct{}

func (otherConsumer) Accept(*frame.Frame) bool { return true }
func (otherConsumer) Data(*tcpstream.Segment)  {}
func (otherConsumer) Gap(*tcpstream.Segment)   {}
func (otherConsumer) End(int)                  {}

// feeders are the two ways the tap reads TCP: its own Reassembler, a
// shared one.
var feeders = map[string]func(o *engine.Options) *feeder{"own": newFeeder, "shared": newSharedFeeder}

// packet hands f to the tap (after the shared Reassembler, if any).
func (fd *feeder) packet(f *frame.Frame) {
	if fd.ra != nil {
		fd.ra.Feed(f)
	}
	fd.tap.Packet(f)
}

func newFeeder(o *engine.Options) *feeder {
	if o == nil {
		o = &engine.Options{}
	}
	return &feeder{tap: New(o).(*Tap)}
}

func (fd *feeder) udp(ns int64, src, dst netip.Addr, sp, dp uint16, payload []byte) {
	fd.n++
	f := &frame.Frame{Number: fd.n, TimeNs: ns, Transport: frame.TransportUDP, SrcIP: src, DstIP: dst, SrcPort: sp, DstPort: dp, Payload: payload}
	fd.tap.Packet(f)
}

func (fd *feeder) tcp(ns int64, src, dst netip.Addr, sp, dp uint16, seq uint32, syn, fin bool, payload []byte) {
	fd.n++
	f := &frame.Frame{Number: fd.n, TimeNs: ns, Transport: frame.TransportTCP, SrcIP: src, DstIP: dst, SrcPort: sp, DstPort: dp, Payload: payload}
	f.TCP.Seq, f.TCP.SYN, f.TCP.FIN = seq, syn, fin
	f.TCPStream = fd.stream(sp, dp)
	fd.packet(f)
}

// ack feeds a segment without data that acknowledges ack.
func (fd *feeder) ack(ns int64, src, dst netip.Addr, sp, dp uint16, seq, ack uint32) {
	fd.n++
	f := &frame.Frame{Number: fd.n, TimeNs: ns, Transport: frame.TransportTCP, SrcIP: src, DstIP: dst, SrcPort: sp, DstPort: dp}
	f.TCP.Seq, f.TCP.ACK, f.TCP.Ack = seq, true, ack
	f.TCPStream = fd.stream(sp, dp)
	fd.packet(f)
}

// stream numbers connections by their port pair, as tcp.stream would.
func (fd *feeder) stream(sp, dp uint16) int {
	k := [2]uint16{min(sp, dp), max(sp, dp)}
	if fd.streams == nil {
		fd.streams = map[[2]uint16]int{}
	}
	n, ok := fd.streams[k]
	if !ok {
		n = len(fd.streams)
		fd.streams[k] = n
	}
	return n
}

func (fd *feeder) report() *Report {
	return fd.tap.Finish(&engine.Capture{Packets: fd.n})["dns"].(*Report)
}

func query(id uint16, name string, typ uint16) []byte {
	return cat(header(id, 0x0100, 1, 0, 0, 0), question(name, typ))
}

func reply(id uint16, name string, typ uint16, rcode uint16, addr ...byte) []byte {
	if len(addr) == 0 {
		return cat(header(id, 0x8180|rcode, 1, 0, 0, 0), question(name, typ))
	}
	return cat(header(id, 0x8180|rcode, 1, 1, 0, 0), question(name, typ), rr([]byte{0xc0, 12}, 1, 1, 60, addr))
}

func TestTransactions(t *testing.T) {
	fd := newFeeder(nil)
	ms := int64(1e6)
	fd.udp(0, cli, srv, 40000, 53, query(1, "a.example", 1))
	fd.udp(1000*ms, cli, srv, 40000, 53, query(1, "a.example", 1)) // retry within 5 s
	fd.udp(1020*ms, srv, cli, 53, 40000, reply(1, "a.example", 1, 0, 192, 0, 2, 1))
	fd.udp(1030*ms, srv, cli, 53, 40000, reply(1, "a.example", 1, 0, 192, 0, 2, 1)) // retransmitted response
	fd.udp(2000*ms, cli, srv, 40001, 53, query(2, "nx.example", 1))
	fd.udp(2010*ms, srv, cli, 53, 40001, reply(2, "nx.example", 1, 3))
	fd.udp(3000*ms, cli, srv, 40002, 53, query(3, "lost.example", 28))
	fd.udp(4000*ms, srv2, cli, 53, 40002, reply(3, "lost.example", 28, 0)) // answer from a server not asked
	r := fd.report()
	s := r.Statistics
	if s.Queries != 4 || s.Responses != 4 {
		t.Errorf("queries/responses %d/%d", s.Queries, s.Responses)
	}
	// tshark: the retransmitted query (frame 2) has no dns.response_in.
	if s.UnansweredQueries != 2 || s.RetransmittedQueries != 1 || s.RetransmittedResps != 1 || s.ResponsesWithoutQry != 1 {
		t.Errorf("unanswered %d retrans q %d r %d unsolicited %d", s.UnansweredQueries, s.RetransmittedQueries, s.RetransmittedResps, s.ResponsesWithoutQry)
	}
	// tshark: dns.time on the first response to id 1, measured from the
	// first query; none on the retransmitted response.
	if s.ResponseTime == nil || s.ResponseTime.Count != 2 || s.ResponseTime.Min != 0.01 || s.ResponseTime.Max != 1.02 || s.ResponseTime.Median != 0.515 {
		t.Errorf("response time %+v", s.ResponseTime)
	}
	if s.Rcodes["NXDOMAIN"] != 1 || s.Rcodes["NOERROR"] != 3 || s.Qtypes["A"] != 3 || s.Qtypes["AAAA"] != 1 {
		t.Errorf("rcodes %v qtypes %v", s.Rcodes, s.Qtypes)
	}
	if s.NXDOMAINRatio != 0.25 {
		t.Errorf("nxdomain ratio %v", s.NXDOMAINRatio)
	}
	if len(r.Transactions) != 4 {
		t.Fatalf("%d transactions", len(r.Transactions))
	}
	tx := r.Transactions[0]
	if tx.QueryFrame != 1 || tx.ResponseFrame != 3 || tx.Retries != 1 || tx.Status != "answered" || *tx.ResponseTime != 1.02 || tx.Answers[0] != "A 192.0.2.1" {
		t.Errorf("first transaction %+v", tx)
	}
	if r.Transactions[2].Status != "unanswered" || r.Transactions[3].Status != "no_query" {
		t.Errorf("statuses %q %q", r.Transactions[2].Status, r.Transactions[3].Status)
	}
	if f := findingOf(r, "dns.answer_from_unasked_server"); f == nil {
		t.Errorf("no answer_from_unasked_server in %v", kinds(r))
	} else if f.Filter != "dns.flags.response == 1 && ip.src == 10.0.0.54 && ip.dst == 10.0.0.2 && dns.id == 3" || fmt.Sprint(f.Frames) != "[8]" {
		t.Errorf("answer_from_unasked_server %+v", f)
	}
}

func findingOf(r *Report, kind string) *finding.Finding {
	for i := range r.Findings {
		if r.Findings[i].Kind == kind {
			return &r.Findings[i]
		}
	}
	return nil
}

func hasObs(r *Report, kind string) bool { return findingOf(r, kind) != nil }

func kinds(r *Report) []string {
	var k []string
	for _, o := range r.Findings {
		k = append(k, o.Kind)
	}
	return k
}

func TestNewTransactionAfterTimer(t *testing.T) {
	fd := newFeeder(nil)
	fd.udp(0, cli, srv, 40000, 53, query(9, "a.example", 1))
	fd.udp(6e9, cli, srv, 40000, 53, query(9, "a.example", 1)) // 6 s later: a new transaction
	fd.udp(6.1e9, srv, cli, 53, 40000, reply(9, "a.example", 1, 0))
	s := fd.report().Statistics
	if s.Transactions != 2 || s.UnansweredQueries != 1 || s.RetransmittedQueries != 0 {
		t.Errorf("transactions %d unanswered %d retrans %d", s.Transactions, s.UnansweredQueries, s.RetransmittedQueries)
	}
	if s.ResponseTime == nil || s.ResponseTime.Min != 0.1 {
		t.Errorf("response time %+v", s.ResponseTime)
	}
}

// TestTCPFraming: several messages in one segment, one message across
// segments, a retransmitted segment counted once.
func TestTCPFraming(t *testing.T) {
	for name, newFeeder := range feeders {
		t.Run(name, func(t *testing.T) { testTCPFraming(t, newFeeder(nil)) })
	}
}

func testTCPFraming(t *testing.T, fd *feeder) {
	q1, q2, q3 := query(1, "one.example", 1), query(2, "two.example", 1), query(3, "three.example", 1)
	lp := func(m []byte) []byte { return cat(u16(uint16(len(m))), m) }
	fd.tcp(0, cli, srv, 50000, 53, 1000, true, false, nil)
	stream := cat(lp(q1), lp(q2), lp(q3))
	split := len(lp(q1)) + len(lp(q2)) + 5
	fd.tcp(1e6, cli, srv, 50000, 53, 1001, false, false, stream[:split])                      // q1, q2 and 5 bytes of q3
	fd.tcp(2e6, cli, srv, 50000, 53, 1001, false, false, stream[:split])                      // retransmission
	fd.tcp(3e6, cli, srv, 50000, 53, 1001+uint32(split), false, false, stream[split:split+1]) // one byte
	fd.tcp(4e6, cli, srv, 50000, 53, 1001+uint32(split+1), false, false, stream[split+1:])
	// Responses in reverse direction, the length prefix split from its message.
	r1 := lp(reply(1, "one.example", 1, 0, 1, 2, 3, 4))
	fd.tcp(5e6, srv, cli, 53, 50000, 7000, false, false, r1[:1])
	fd.tcp(6e6, srv, cli, 53, 50000, 7001, false, false, r1[1:])
	r := fd.report()
	s := r.Statistics
	if s.Queries != 3 || s.Responses != 1 || s.Transports["tcp"] != 4 || s.Malformed != 0 {
		t.Errorf("queries %d responses %d transports %v malformed %d", s.Queries, s.Responses, s.Transports, s.Malformed)
	}
	if s.TCPReassembly.RetransmittedSegments != 1 {
		t.Errorf("retransmitted segments %d", s.TCPReassembly.RetransmittedSegments)
	}
	var frames []int
	for _, p := range r.Packets.All() {
		frames = append(frames, p.PacketNumber)
	}
	if fmt.Sprint(frames) != "[2 2 5 7]" {
		t.Errorf("messages completed in frames %v", frames)
	}
	if s.ResponseTime == nil || s.ResponseTime.Count != 1 || s.ResponseTime.Min != 0.005 {
		t.Errorf("response time %+v", s.ResponseTime)
	}
}

func TestNonStandardPort(t *testing.T) {
	fd := newFeeder(nil)
	fd.udp(0, cli, srv, 40000, 5300, query(1, "a.example", 1))
	fd.udp(1, cli, srv, 40000, 5300, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	fd.udp(2, cli, srv, 40000, 5300, []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0}) // trailing byte
	r := fd.report()
	if r.Statistics.Queries != 1 || r.Statistics.NonStandardPortPkts != 1 || !hasObs(r, "dns.non_standard_port") {
		t.Errorf("queries %d non-standard %d obs %v", r.Statistics.Queries, r.Statistics.NonStandardPortPkts, kinds(r))
	}
}

// TestTCPNonStandardPort: DNS over TCP on another port is read from its
// first segment that holds one DNS message, DNS's port from the connection's
// start, alike with the tap's own Reassembler and a shared one (where the
// shared one gives only the connections on DNS's port).
func TestTCPNonStandardPort(t *testing.T) {
	for name, newFeeder := range feeders {
		t.Run(name, func(t *testing.T) {
			fd := newFeeder(nil)
			lp := func(m []byte) []byte { return cat(u16(uint16(len(m))), m) }
			q1, q2 := lp(query(1, "one.example", 1)), lp(query(2, "two.example", 1))
			fd.tcp(0, cli, srv, 50000, 5300, 99, true, false, nil)
			fd.tcp(1e6, cli, srv, 50000, 5300, 100, false, false, []byte("hello"))    // not DNS: not read
			fd.tcp(2e6, cli, srv, 50000, 5300, 105, false, false, q1)                 // one message: read from here
			fd.tcp(3e6, cli, srv, 50000, 5300, 105, false, false, q1)                 // retransmission
			fd.tcp(4e6, cli, srv, 50000, 5300, 105+uint32(len(q1)), false, false, q2) // read
			fd.tcp(5e6, cli, srv, 50001, 53, 99, true, false, nil)
			fd.tcp(6e6, cli, srv, 50001, 53, 100, false, false, cat(q1, q2[:3]))
			fd.tcp(7e6, cli, srv, 50001, 53, 100, false, false, cat(q1, q2[:3])) // retransmission
			fd.tcp(8e6, cli, srv, 50001, 53, 100+uint32(len(q1)+3), false, false, q2[3:])
			r := fd.report()
			s := r.Statistics
			if s.Queries != 4 || s.Transports["tcp"] != 4 || s.NonStandardPortPkts != 2 || s.TCPReassembly.RetransmittedSegments != 2 {
				t.Errorf("queries %d transports %v non-standard %d retransmitted %d", s.Queries, s.Transports, s.NonStandardPortPkts, s.TCPReassembly.RetransmittedSegments)
			}
			var frames []int
			for _, p := range r.Packets.All() {
				frames = append(frames, p.PacketNumber)
			}
			if fmt.Sprint(frames) != "[3 5 7 9]" {
				t.Errorf("messages in frames %v", frames)
			}
		})
	}
}

func TestObservations(t *testing.T) {
	fd := newFeeder(nil)
	ns := int64(0)
	id := uint16(0)
	ask := func(name string, typ uint16, rcode uint16) {
		id++
		fd.udp(ns, cli, srv, 40000+id, 53, query(id, name, typ))
		fd.udp(ns+1e6, srv, cli, 53, 40000+id, reply(id, name, typ, rcode))
		ns += 1e8
	}
	for i := 0; i < 60; i++ {
		ask(fmt.Sprintf("x%08x.tunnel.example", i*2654435761), 16, 0)
	}
	for i := 0; i < 12; i++ {
		ask(fmt.Sprintf("no%d.example", i), 1, 3)
	}
	ask("q7zk2x9vlm4wp8rj3h6t.dga.example", 1, 3)
	ask("contoso.com", 252, 0)
	for i := 0; i < 8; i++ { // every 30 s
		ns = int64(1000+30*i) * 1e9
		ask("beacon.example", 1, 0)
	}
	for i, s := range []string{"10.0.0.60", "10.0.0.61", "10.0.0.62", "10.0.0.63"} {
		fd.udp(ns, cli, netip.MustParseAddr(s), 41000, 53, query(uint16(900+i), "www.example", 1))
	}
	r := fd.report()
	for _, k := range []string{"many_subdomains", "txt_heavy", "nxdomain_burst", "high_entropy_label", "zone_transfer", "periodic_queries", "many_resolvers"} {
		if !hasObs(r, "dns."+k) {
			t.Errorf("no %s in %v", k, kinds(r))
		}
	}
	for _, f := range r.Findings {
		if f.Severity == "" || f.Summary == "" || f.Count == 0 || f.Tool != "dns" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	if f := findingOf(r, "dns.periodic_queries"); f == nil || !strings.Contains(f.Summary, "beacon.example every 30.0 s from 10.0.0.2 (8 queries)") ||
		f.Filter != `dns.flags.response == 0 && ip.src == 10.0.0.2 && dns.qry.name == "beacon.example"` {
		t.Errorf("periodic %+v", f)
	}
	if f := findingOf(r, "dns.many_subdomains"); f == nil || f.Filter != `dns.qry.name matches "(^|\\.)tunnel\\.example$"` {
		t.Errorf("many_subdomains %+v", f)
	}
	if f := findingOf(r, "dns.zone_transfer"); f == nil || f.Severity != finding.High || f.Count != 1 || f.Frames[0] != 147 {
		t.Errorf("zone_transfer %+v", f)
	}
	if f := findingOf(r, "dns.nxdomain_burst"); f == nil || f.Count != 13 || len(f.Frames) != 10 || f.Frames[0] != 122 {
		t.Errorf("nxdomain_burst %+v", f)
	}
	if r.TopDomains[0].Domain != "tunnel.example" || r.TopDomains[0].UniqueNames != 60 {
		t.Errorf("top domain %+v", r.TopDomains[0])
	}
}

func TestMaxPackets(t *testing.T) {
	fd := newFeeder(&engine.Options{MaxPackets: 2})
	for i := 0; i < 5; i++ {
		fd.udp(int64(i), cli, srv, 40000, 53, query(uint16(i), "a.example", 1))
	}
	r := fd.report()
	if r.Packets.Len() != 2 || r.DNSPacketsAnalyzed != 2 || r.Statistics.Queries != 5 ||
		fmt.Sprint(r.Caps) != "[{per-packet list (max_packets) 2 3 }]" || len(r.Warnings) != 1 {
		t.Errorf("packets %d analyzed %d queries %d caps %v warnings %q", r.Packets.Len(), r.DNSPacketsAnalyzed, r.Statistics.Queries, r.Caps, r.Warnings)
	}
	// 0 is no limit.
	fd = newFeeder(&engine.Options{MaxPackets: 0})
	for i := 0; i < 10005; i++ {
		fd.udp(int64(i), cli, srv, 40000, 53, query(uint16(i), "a.example", 1))
	}
	if r := fd.report(); r.Packets.Len() != 10005 || len(r.Caps) != 0 {
		t.Errorf("max_packets 0: %d packets listed, caps %v", r.Packets.Len(), r.Caps)
	}
}

// TestNoResponseTime: with nothing answered there is no response-time
// summary (null), not a median of 0.
func TestNoResponseTime(t *testing.T) {
	fd := newFeeder(nil)
	fd.udp(0, cli, srv, 40000, 53, query(1, "a.example", 1))
	r := fd.report()
	if r.Statistics.ResponseTime != nil {
		t.Errorf("response time %+v", r.Statistics.ResponseTime)
	}
	b, _ := json.Marshal(r.Statistics)
	if !strings.Contains(string(b), `"response_time":null`) {
		t.Errorf("statistics %s", b)
	}
}

// TestFailedAnswers (defect 4): 18 of 19 answers are errors; that is a
// finding of high severity, by RCODE, server and name.
func TestFailedAnswers(t *testing.T) {
	fd := newFeeder(nil)
	id := uint16(0)
	ns := int64(0)
	ask := func(server netip.Addr, name string, rcode uint16) {
		id++
		fd.udp(ns, cli, server, 40000+id, 53, query(id, name, 1))
		fd.udp(ns+1e6, server, cli, 53, 40000+id, reply(id, name, 1, rcode))
		ns += 1e9
	}
	for i := 0; i < 9; i++ {
		ask(srv, "corp.example", RcodeREFUSED)
	}
	for i := 0; i < 5; i++ {
		ask(srv, "broken.example", RcodeSERVFAIL)
	}
	for i := 0; i < 3; i++ {
		ask(srv2, fmt.Sprintf("nx%d.example", i), RcodeNXDOMAIN)
	}
	ask(srv2, "upd.example", RcodeNOTIMP)
	ask(srv2, "ok.example", RcodeNOERROR)
	r := fd.report()
	f := findingOf(r, "dns.failed_answers")
	if f == nil {
		t.Fatalf("no dns.failed_answers in %v", kinds(r))
	}
	want := "18 of 19 responses were errors: 9 REFUSED, 5 SERVFAIL, 3 NXDOMAIN, 1 NOTIMP; most from 10.0.0.53 (14); names corp.example (9), broken.example (5), nx0.example (1) and 3 others"
	if f.Summary != want || f.Count != 18 || f.Severity != finding.High {
		t.Errorf("finding %q count %d severity %s\nwant %q", f.Summary, f.Count, f.Severity, want)
	}
	if f.Filter != "dns.flags.response == 1 && dns.flags.rcode != 0" || fmt.Sprint(f.Frames) != "[2 4 6 8 10 12 14 16 18 20]" {
		t.Errorf("filter %q frames %v", f.Filter, f.Frames)
	}
	if f.Subjects[0] != "server 10.0.0.53" || f.Subjects[2] != "corp.example" {
		t.Errorf("subjects %q", f.Subjects)
	}
	// One error in many answers is worth knowing, not urgent.
	fd = newFeeder(nil)
	id, ns = 0, 0
	for i := 0; i < 30; i++ {
		ask(srv, "ok.example", RcodeNOERROR)
	}
	ask(srv, "typo.example", RcodeNXDOMAIN)
	if f := findingOf(fd.report(), "dns.failed_answers"); f == nil || f.Severity != finding.Low || f.Summary[:31] != "1 of 31 responses was an error:" {
		t.Errorf("one failure: %+v", f)
	}
}

func TestRegistered(t *testing.T) {
	for in, want := range map[string]string{
		"www.example.co.uk": "example.co.uk", "a.b.github.io": "b.github.io", "example.com": "example.com",
		"4.3.2.1.in-addr.arpa": "in-addr.arpa", "<Root>": "<Root>", "com": "com",
	} {
		if got := registered(in); got != want {
			t.Errorf("registered(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzTap feeds arbitrary bytes as UDP and TCP payloads, cut into
// segments, through the whole tap and builds the report.
func FuzzTap(f *testing.F) {
	f.Add(query(1, "a.example", 1), uint8(3), uint32(7))
	f.Add(cat(u16(20), reply(1, "a.example", 1, 0, 1, 2, 3, 4)), uint8(5), uint32(0xfffffff0))
	f.Fuzz(func(t *testing.T, b []byte, cut uint8, seq uint32) {
		fd := newFeeder(nil)
		fd.udp(0, cli, srv, 40000, 53, b)
		fd.udp(1, srv, cli, 53, 40000, b)
		fd.udp(2, cli, srv, 40000, 9999, b)
		step := int(cut%16) + 1
		for i := 0; i < len(b); i += step {
			j := min(i+step, len(b))
			fd.tcp(int64(3+i), cli, srv, 50000, 53, seq+uint32(i), false, false, b[i:j])
			fd.tcp(int64(3+i), srv, cli, 53, 50000, seq-uint32(i), false, false, b[i:j])
		}
		fd.tcp(1e9, cli, srv, 50001, 8053, seq, false, false, b)
		errorsAgree(t, fd.report())
	})
}

// TestTCPReordered: a message whose second half arrives first, and lost
// segments that force a resynchronisation.
func TestTCPReordered(t *testing.T) {
	for name, newFeeder := range feeders {
		t.Run(name, func(t *testing.T) { testTCPReordered(t, newFeeder(nil)) })
	}
}

func testTCPReordered(t *testing.T, fd *feeder) {
	q1, q2 := query(1, "one.example", 1), query(2, "two.example", 1)
	lp := func(m []byte) []byte { return cat(u16(uint16(len(m))), m) }
	s := cat(lp(q1), lp(q2))
	fd.tcp(0, cli, srv, 50000, 53, 99, true, false, nil)
	fd.tcp(1e6, cli, srv, 50000, 53, 100+10, false, false, s[10:]) // early
	fd.tcp(2e6, cli, srv, 50000, 53, 100, false, false, s[:10])    // fills the gap: both messages
	// Another connection loses a segment: what follows the hole is held
	// until the server acknowledges past it, then the partial message is
	// given up and the next whole one read.
	fd.tcp(3e6, cli, srv, 50001, 53, 500, false, false, lp(q1)[:5])
	fd.tcp(5e6, cli, srv, 50001, 53, 10000, false, false, lp(q2))
	fd.ack(6e6, srv, cli, 53, 50001, 1, 10000+uint32(len(lp(q2))))
	r := fd.report()
	st := r.Statistics
	if st.Queries != 3 || st.TCPReassembly.Gaps != 1 || st.Malformed != 0 {
		t.Errorf("queries %d gaps %d malformed %d", st.Queries, st.TCPReassembly.Gaps, st.Malformed)
	}
	if r.Packets.Len() != 3 || r.Packets.All()[0].PacketNumber != 3 || r.Packets.All()[1].PacketNumber != 3 || r.Packets.All()[2].PacketNumber != 5 {
		t.Errorf("packets %+v", r.Packets.All())
	}
}

// TestRcodeHeaderAndExtended keys rcodes by the header's 4 bits
// (dns.flags.rcode) and reports the OPT-extended RCODE beside it: BADVERS
// has header RCODE 0 and extended bits 1, BADCOOKIE header 7 (YXRRSET).
func TestRcodeHeaderAndExtended(t *testing.T) {
	fd := newFeeder(nil)
	opt := func(ext byte) []byte { return rr([]byte{0}, 41, 1232, uint32(ext)<<24, nil) }
	fd.udp(0, cli, srv, 40000, 53, cat(header(1, 0x0100, 1, 0, 0, 1), question("a.example", 1), opt(0)))
	fd.udp(1e6, srv, cli, 53, 40000, cat(header(1, 0x8180, 1, 0, 0, 1), question("a.example", 1), opt(1)))
	fd.udp(2e6, cli, srv, 40001, 53, cat(header(2, 0x0100, 1, 0, 0, 1), question("b.example", 1), opt(0)))
	fd.udp(3e6, srv, cli, 53, 40001, cat(header(2, 0x8187, 1, 0, 0, 1), question("b.example", 1), opt(1)))
	fd.udp(4e6, cli, srv, 40002, 53, query(3, "c.example", 1))
	fd.udp(5e6, srv, cli, 53, 40002, reply(3, "c.example", 1, 3))
	r := fd.report()
	s := r.Statistics
	if fmt.Sprint(s.Rcodes) != "map[NOERROR:1 NXDOMAIN:1 YXRRSET:1]" || fmt.Sprint(s.ExtendedRcodes) != "map[BADCOOKIE:1 BADVERS:1]" {
		t.Errorf("rcodes %v extended %v", s.Rcodes, s.ExtendedRcodes)
	}
	// BADVERS is a failure that dns.flags.rcode does not show.
	f := findingOf(r, "dns.failed_answers")
	if f == nil || f.Count != 3 || f.Filter != "dns.flags.response == 1 && (dns.flags.rcode != 0 || dns.resp.ext_rcode != 0)" {
		t.Errorf("failed answers %+v", f)
	}
}

// TestRetransmittedResponseNotTimed: tshark gives a retransmitted response
// neither dns.response_to nor dns.time (checked on tshark 4.0.17, one pass
// and two), so its time is not a sample.
func TestRetransmittedResponseNotTimed(t *testing.T) {
	fd := newFeeder(nil)
	fd.udp(0, cli, srv, 40000, 53, query(1, "a.example", 1))
	fd.udp(20e6, srv, cli, 53, 40000, reply(1, "a.example", 1, 0, 192, 0, 2, 1))
	fd.udp(90e6, srv, cli, 53, 40000, reply(1, "a.example", 1, 0, 192, 0, 2, 1))
	s := fd.report().Statistics
	if s.Responses != 2 || s.RetransmittedResps != 1 || s.ResponseTime == nil || s.ResponseTime.Count != 1 || s.ResponseTime.Max != 0.02 {
		t.Errorf("responses %d retransmitted %d time %+v", s.Responses, s.RetransmittedResps, s.ResponseTime)
	}
}

// TestNonStandardPortNotNBNS: NetBIOS name service (UDP 137) has DNS's
// message format and a plausible query, but tshark decodes it as NBNS:
// DNS is looked for by content only when both ports are 1024 or above.
func TestNonStandardPortNotNBNS(t *testing.T) {
	fd := newFeeder(nil)
	nb := cat(header(0x8001, 0x0110, 1, 0, 0, 0), question("ECEJEMEFCACACACACACACACACACACAAA", 32))
	fd.udp(0, cli, srv, 137, 137, nb)
	fd.udp(1e6, cli, srv, 50000, 137, nb)
	fd.udp(2e6, cli, srv, 50000, 8053, query(7, "a.example", 1)) // DNS on a port of no protocol
	s := fd.report().Statistics
	if s.Queries != 1 || s.Qtypes["A"] != 1 || s.NonStandardPortPkts != 1 {
		t.Errorf("queries %d qtypes %v non-standard %d", s.Queries, s.Qtypes, s.NonStandardPortPkts)
	}
}

// TestShortHeader: a message of 4 to 11 bytes has its ID and flags, which
// tshark shows, so it counts as a query or response (malformed); it takes no
// part in matching, as tshark stops before it tracks the transaction (the
// query has no dns.response_in: unanswered).
func TestShortHeader(t *testing.T) {
	fd := newFeeder(nil)
	fd.udp(0, cli, srv, 40000, 53, []byte{0x30, 0x9f, 0x10, 0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa})
	fd.udp(1e6, srv, cli, 53, 40000, []byte{0x30, 0x9f, 0x81, 0x83})
	fd.udp(2e6, cli, srv, 40000, 53, []byte{0x30, 0x9f, 0x10})
	s := fd.report().Statistics
	if s.Queries != 1 || s.Responses != 1 || s.Rcodes["NXDOMAIN"] != 1 || s.UnansweredQueries != 1 || s.ResponsesWithoutQry != 0 || s.Malformed != 3 {
		t.Errorf("queries %d responses %d rcodes %v unanswered %d unsolicited %d malformed %d",
			s.Queries, s.Responses, s.Rcodes, s.UnansweredQueries, s.ResponsesWithoutQry, s.Malformed)
	}
}
