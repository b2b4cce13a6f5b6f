package dns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/golden"
	"pcaplens/analysis/report"
)

// listedMessages are messages of every kind the per-packet list shows:
// well-formed ones of many record types, mDNS with the cache-flush and
// unicast-response bits, and malformed ones that stop at each kind of
// error (a header cut short, bad names, records past the end, data that
// does not fit its type, a bad OPT).
func listedMessages() [][]byte {
	opts := cat(u16(8), u16(7), u16(1), []byte{24, 0, 192, 0, 2}, u16(10), u16(8), mustHex("0102030405060708"))
	rich := cat(header(7, 0x8580, 1, 3, 1, 1), question("www.example.com", 1),
		rr([]byte{0xc0, 12}, 5, 1, 60, cat(str("web"), []byte{0xc0, 16})),
		rr([]byte{0xc0, 33}, 1, 1, 60, []byte{192, 0, 2, 7}),
		rr([]byte{0xc0, 33}, 28, 1, 60, mustHex("20010db8000000000000000000000007")),
		rr([]byte{0xc0, 16}, 6, 1, 3600, cat(wireName("ns.example.com"), wireName("admin.example.com"), u32(1), u32(2), u32(3), u32(4), u32(5))),
		rr([]byte{0}, 41, 1232, 0x00008000, opts))
	q := header(1, 0, 1, 0, 0, 0)
	out := [][]byte{
		query(1, "a.example", 1),
		reply(1, "a.example", 1, 0, 192, 0, 2, 1),
		reply(2, "nx.example", 1, 3),
		rich,
		answer(15, cat(u16(10), wireName("mail.example.com"))),
		answer(16, cat(str("v=spf1 -all"), str("a \"quoted\" string"))),
		answer(33, cat(u16(1), u16(2), u16(443), wireName("srv.example.com"))),
		answer(65, cat(u16(1), wireName(""), u16(1), u16(3), str("h2"))),
		answer(46, cat(u16(1), []byte{8, 2}, u32(3600), u32(1), u32(2), u16(3), wireName("example.com"))),
		answer(50, cat([]byte{1, 0}, u16(10), []byte{2, 0xab, 0xcd}, []byte{2, 0xff, 0xff}, []byte{0, 1, 0x40})),
		answer(99, []byte{1, 2, 3}),
		answer(15, []byte{0}),              // MX data too short for its fields
		answer(5, []byte{0xc0, 200}),       // CNAME pointing past the message
		answer(1, []byte{192, 0, 2, 1, 5}), // A with 5 bytes
		cat(header(3, 0x8400, 1, 1, 0, 0), question("x", 1), rr([]byte{0xc0, 12}, 1, 255, 0, nil)), // UPDATE-style empty A
		// mDNS: a question asking for a unicast response and an answer with cache-flush.
		cat(header(0, 0, 1, 0, 0, 0), wireName("_http._tcp.local"), u16(12), u16(0x8001)),
		cat(header(0, 0x8400, 0, 1, 0, 0), rr(wireName("host.local"), 1, 0x8001, 120, []byte{169, 254, 0, 1})),
		// Malformed.
		{1, 2, 3, 4},
		{1, 2, 0x81, 0x83, 0, 1, 0},
		cat(q, []byte{0xc0, 12}, u16(1), u16(1)),
		cat(q, []byte{1, 'a', 0xc0, 16, 0xc0, 12}, u16(1), u16(1)),
		cat(q, []byte{0xc0, 200}, u16(1), u16(1)),
		cat(q, []byte{10, 'a', 'b'}),
		cat(q, []byte{0x40, 0}, u16(1), u16(1)),
		cat(q, wireName("a.example"), []byte{0}),
		cat(header(1, 0x8000, 1, 1, 0, 0), question("x", 1), rr([]byte{0xc0, 12}, 1, 1, 1, []byte{1, 2, 3})),
		cat(header(1, 0x8000, 1, 1, 0, 0), question("x", 28), rr([]byte{0xc0, 12}, 28, 1, 1, []byte{1, 2, 3, 4})),
		cat(header(1, 0x8000, 1, 0, 0, 1), question("example.com", 1), rr([]byte{0}, 41, 512, 0, cat(u16(8), u16(9), []byte{1}))),
		cat(query(9, "trailing.example", 1), []byte{0xde, 0xad}),
	}
	// The rich response cut short at many lengths: each stops somewhere else.
	for n := 4; n < len(rich); n += 7 {
		out = append(out, rich[:n])
	}
	return out
}

// TestListedPackets: the per-packet list of messages of every kind (and
// of the DNS test captures' payloads), over UDP on DNS's, mDNS's, LLMNR's
// and another port, over TCP on port 53 and another, and over IPv6, is the
// one recorded in testdata/listed.golden.json (recorded when each Packet
// was built as its message was met; they are now built at Finish).
func TestListedPackets(t *testing.T) {
	fd := newFeeder(&engine.Options{MaxPackets: 0})
	c6, s6 := netip.MustParseAddr("2001:db8::2"), netip.MustParseAddr("fe80::53")
	ns := int64(1_700_000_000_123_456_789)
	seq := uint32(1000)
	msgs := listedMessages()
	for i, b := range capturePayloads(t) {
		if i%8 == 0 {
			msgs = append(msgs, b)
		}
	}
	for _, b := range msgs {
		ns += 1_000_001
		fd.udp(ns, cli, srv, 40000, 53, b)
		fd.udp(ns+1, srv, cli, 5353, 5353, b)
		fd.udp(ns+2, c6, s6, 5355, 40001, b)
		fd.udp(ns+3, cli, srv, 40002, 9999, b)
		m := cat(u16(uint16(len(b))), b)
		fd.tcp(ns+4, c6, s6, 50000, 53, seq, false, false, m)
		fd.tcp(ns+5, cli, srv, 50001, 8053, seq, false, false, m)
		seq += uint32(len(m))
	}
	r := fd.report()
	if r.Packets.Len() < 300 || r.Statistics.Malformed < 40 || r.Statistics.Services["mdns"] == 0 || r.Statistics.Services["llmnr"] == 0 ||
		r.Statistics.Transports["tcp"] == 0 || r.Statistics.NonStandardPortPkts == 0 {
		t.Fatalf("%d packets listed, statistics %+v", r.Packets.Len(), r.Statistics)
	}
	golden.Check(t, filepath.Join("testdata", "listed.golden.json"), r.Packets)
	errorsAgree(t, r)
	// Made when read, from any goroutine at once (the MCP server answers
	// calls concurrently): the same packets each time (run with -race).
	want, _ := json.Marshal(r.Packets)
	got := make(chan []byte)
	for range 3 {
		go func() {
			b, _ := json.Marshal(r.Packets)
			got <- b
		}()
	}
	for range 3 {
		if b := <-got; !bytes.Equal(b, want) {
			t.Fatal("the packets read at once differ")
		}
	}
}

// TestListingAllocatesNothingPerPacket: listing a message during the pass
// allocates nothing of its own (its Packet is built at Finish), and a
// response kept for its transaction's answers is not copied again for the
// list.
func TestListingAllocatesNothingPerPacket(t *testing.T) {
	fs := benchFrames(10000)
	var arena, payloads int
	feed := func(maxPackets int) float64 {
		return testing.AllocsPerRun(1, func() {
			tap := New(&engine.Options{MaxPackets: maxPackets}).(*Tap)
			for i := range fs {
				tap.Packet(&fs[i])
			}
			arena = len(tap.arena)
		})
	}
	for i := range fs {
		payloads += len(fs[i].Payload)
	}
	unlisted := feed(1)
	listed := feed(len(fs))
	if per := (listed - unlisted) / float64(len(fs)); per > 0.01 {
		t.Errorf("%.2f allocations per listed message (%.0f listing all, %.0f listing one)", per, listed, unlisted)
	}
	if arena != payloads {
		t.Errorf("arena %d bytes, the messages %d", arena, payloads)
	}
}

// TestListBytesBound: the copies of the listed messages are bounded; the
// list ends at the first message that would pass the bound, and the cap
// says how many were left out.
func TestListBytesBound(t *testing.T) {
	fd := newFeeder(&engine.Options{MaxPackets: 0})
	big := cat(query(1, "big.example", 1), make([]byte, 60000))
	fit := maxListBytes / len(big)
	for i := 0; i < fit+3; i++ {
		fd.udp(int64(i), cli, srv, 40000, 53, big)
	}
	fd.udp(int64(fit+3), cli, srv, 40000, 53, query(2, "small.example", 1))
	r := fd.report()
	if r.Packets.Len() != fit || r.Statistics.Queries != fit+4 || len(r.Caps) != 1 ||
		r.Caps[0] != (report.Cap{What: capListBytes, Limit: maxListBytes, Dropped: 4}) {
		t.Errorf("%d listed of %d, caps %+v", r.Packets.Len(), r.Statistics.Queries, r.Caps)
	}
	if n := len(fd.tap.arena); n > maxListBytes {
		t.Errorf("arena %d bytes", n)
	}
}

// errorsAgree checks that the errors of the listed messages, found when
// their Packets are built at Finish, are those met during the pass (the
// malformed list, which also holds the messages too short to list, and
// only the first ones).
func errorsAgree(t *testing.T, r *Report) {
	t.Helper()
	if r.DNSPacketsAnalyzed < r.DNSMessages {
		return
	}
	var pass, finish []string
	for _, m := range r.Malformed {
		if m.Reason != ErrShort.Error() || m.Offset >= 4 {
			pass = append(pass, fmt.Sprintf("frame %d: %s at offset %d", m.Frame, m.Reason, m.Offset))
		}
	}
	for _, p := range r.Packets.All() {
		if p.Error != "" {
			finish = append(finish, fmt.Sprintf("frame %d: %s", p.PacketNumber, p.Error))
		}
	}
	if r.Statistics.Malformed > maxMalformed && len(finish) > len(pass) {
		finish = finish[:len(pass)] // the malformed list holds the first ones
	}
	if !slices.Equal(pass, finish) {
		t.Errorf("errors met during the pass:\n%s\nerrors of the Packets:\n%s", strings.Join(pass, "\n"), strings.Join(finish, "\n"))
	}
}

// TestAnswerTexts: a transaction's answers are each answer record's type
// and data as its Fields give them, for every kind of record the list
// shows (OPT and data that does not fit its type included), 8 at most.
func TestAnswerTexts(t *testing.T) {
	opt := rr([]byte{0}, 41, 1232, 0x00008000, cat(u16(10), u16(8), mustHex("0102030405060708")))
	msgs := append(listedMessages(),
		cat(header(5, 0x8180, 1, 2, 0, 0), question("x", 1), opt, rr([]byte{0xc0, 12}, 15, 1, 60, []byte{0})),
		cat(header(6, 0x8180, 1, 10, 0, 0), question("x", 1), bytes.Repeat(rr([]byte{0xc0, 12}, 1, 1, 60, []byte{192, 0, 2, 1}), 10)))
	var m, rec Message
	fl := Fields{}
	n := 0
	for _, b := range msgs {
		got := answerTexts(&m, b, fl)
		var want []string
		if rec.Parse(b) == nil || len(rec.RRs) > 0 {
			for i := range rec.RRs {
				if rec.RRs[i].Section != SectionAnswer {
					continue
				}
				if len(want) == 8 {
					want = append(want, "…")
					break
				}
				f := rec.Record(i, true)
				want = append(want, strings.TrimSuffix(f["type"].(string)+" "+f["data"].(string), " "))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%x: answers %q, want %q", b, got, want)
		}
		n += len(got)
	}
	if n < 40 {
		t.Errorf("%d answers in all", n)
	}
}
