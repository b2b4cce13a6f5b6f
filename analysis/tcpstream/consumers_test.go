package tcpstream_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/tcpstream"
)

// logger writes down every call a Reassembler makes to it, in order.
type logger struct {
	accept func(f *frame.Frame) bool
	log    []string
}

func (l *logger) Accept(f *frame.Frame) bool {
	ok := l.accept(f)
	l.log = append(l.log, fmt.Sprintf("accept %d at %d: %v", f.TCPStream, f.Number, ok))
	return ok
}

func (l *logger) Data(s *tcpstream.Segment) {
	l.log = append(l.log, fmt.Sprintf("data %d/%d at %d %v>%v %q", s.Stream, s.Dir, s.Frame, s.Src, s.Dst, s.Data))
	s.Data, s.Stream = nil, -5 // a consumer spoiling the Segment spoils it for no other
}

func (l *logger) Gap(s *tcpstream.Segment) {
	l.log = append(l.log, fmt.Sprintf("gap %d/%d at %d lost %d", s.Stream, s.Dir, s.Frame, s.Lost))
	s.Stream = -5
}

func (l *logger) End(stream int) { l.log = append(l.log, fmt.Sprintf("end %d", stream)) }

// acceptors are consumers that take different connections: all, none, by
// stream number, by the first byte.
var acceptors = []func(f *frame.Frame) bool{
	func(*frame.Frame) bool { return true },
	func(*frame.Frame) bool { return false },
	func(f *frame.Frame) bool { return f.TCPStream%2 == 0 },
	func(f *frame.Frame) bool { return f.Payload[0]&1 == 0 },
	func(f *frame.Frame) bool { return f.Payload[0]&3 == 1 || f.TCPStream == 3 },
}

// frames turns fuzz input into TCP segments over five streams.
func frames(in []byte) []*frame.Frame {
	var out []*frame.Frame
	for n := 1; len(in) >= 6; n++ {
		fl, st, seq, l := in[0], int(in[1]%5), uint32(in[2])<<8|uint32(in[3]), int(in[4]%32)
		in = in[5:]
		if l > len(in) {
			l = len(in)
		}
		fr := seg(n, fl&1 == 0, "", seq, uint32(in[0])*7, string(in[:l]))
		in = in[l:]
		fr.TCPStream = st
		fr.TCP.SYN, fr.TCP.ACK, fr.TCP.FIN, fr.TCP.RST = fl&2 != 0, fl&4 != 0, fl&8 != 0, fl&16 != 0
		out = append(out, fr)
	}
	return out
}

// sameAsAlone checks that each consumer of one Reassembler is told what
// it is told by a Reassembler of its own, with the same counts, below the
// bounds.
func sameAsAlone(t *testing.T, fs []*frame.Frame) {
	t.Helper()
	shared := tcpstream.New(tcpstream.Limits{})
	var together []*logger
	var cs []*tcpstream.Consumer
	for _, a := range acceptors {
		l := &logger{accept: a}
		together = append(together, l)
		cs = append(cs, shared.Add(l))
	}
	for _, f := range fs {
		shared.Feed(f)
	}
	for i, a := range acceptors {
		alone := &logger{accept: a}
		ra := tcpstream.New(tcpstream.Limits{})
		for _, f := range fs {
			ra.Packet(f, alone)
		}
		if !reflect.DeepEqual(together[i].log, alone.log) {
			t.Fatalf("consumer %d told:\n%s\nalone:\n%s", i, strings.Join(together[i].log, "\n"), strings.Join(alone.log, "\n"))
		}
		if a, b := cs[i].Retransmissions(), ra.Retransmissions(); a != b {
			t.Fatalf("consumer %d: %d retransmissions, alone %d", i, a, b)
		}
		if a, b := cs[i].Caps(), ra.Caps(); !reflect.DeepEqual(a, b) {
			t.Fatalf("consumer %d: caps %v, alone %v", i, a, b)
		}
	}
}

// FuzzConsumers: several consumers of one Reassembler are each told what a
// Reassembler of their own tells them.
func FuzzConsumers(f *testing.F) {
	f.Add([]byte("\x00\x01\x00\x00\x00\x05abcde\x01\x00\x00\x00\x10\x02"))
	f.Add([]byte("\x02\x03\x00\x00\x00\x00\x00\x04\x03\x00\x01\x04\x02xy\x19\x03\x00\x05\x00\x00\x0c\x03\x00\x05\x03bcd\x09\x03\x00\x01\x04abcd"))
	f.Fuzz(func(t *testing.T, in []byte) { sameAsAlone(t, frames(in)) })
}

func TestConsumersAsAlone(t *testing.T) {
	// One connection every kind of consumer is asked about, closed, then
	// carrying data again: the consumers that declined it go on declining
	// it, the others are asked again.
	fs := []*frame.Frame{
		seg(1, true, "S", 100, 0, ""),
		seg(2, false, "SA", 500, 101, ""),
		seg(3, true, "A", 101, 501, "\x00GET"),
		seg(4, true, "A", 109, 501, "late"), // held
		seg(5, true, "A", 105, 501, "abcd"), // fills the hole
		seg(6, true, "A", 105, 501, "abcd"), // retransmission
		seg(7, false, "A", 501, 113, "\x01ok"),
		seg(8, true, "FA", 113, 504, ""),
		seg(9, false, "FA", 504, 114, ""),
		seg(10, false, "A", 505, 114, ""),
		seg(11, true, "A", 114, 505, "\x02again"),
		seg(12, true, "R", 121, 0, ""),
	}
	sameAsAlone(t, fs)
	for i := range fs {
		fs[i].TCPStream = 3
	}
	sameAsAlone(t, fs)
}

// TestConsumers: each consumer is given its connections, in the order
// the consumers were added, and told of their end; a connection every
// consumer declined is given to none; counts are each consumer's.
func TestConsumers(t *testing.T) {
	ra := tcpstream.New(tcpstream.Limits{})
	var order []string
	all := &logger{accept: func(*frame.Frame) bool { return true }}
	none := &logger{accept: func(*frame.Frame) bool { return false }}
	odd := &logger{accept: func(f *frame.Frame) bool { return f.TCPStream == 1 }}
	ca, cn, co := ra.Add(&orderer{all, "all", &order}), ra.Add(&orderer{none, "none", &order}), ra.Add(&orderer{odd, "odd", &order})
	for st := 0; st < 2; st++ {
		for _, f := range []*frame.Frame{
			seg(1, true, "S", 0, 0, ""),
			seg(2, true, "A", 1, 1, "ab"),
			seg(3, true, "A", 1, 1, "ab"), // retransmission
			seg(4, true, "FA", 3, 1, ""),
			seg(5, false, "FA", 1, 4, ""),
		} {
			f.TCPStream = st
			ra.Feed(f)
		}
	}
	want := map[*logger][]string{
		all:  {"accept 0 at 2: true", `data 0/0 at 2 10.0.0.1:40000>10.0.0.2:80 "ab"`, "end 0", "accept 1 at 2: true", `data 1/0 at 2 10.0.0.1:40000>10.0.0.2:80 "ab"`, "end 1"},
		none: {"accept 0 at 2: false", "accept 1 at 2: false"},
		odd:  {"accept 0 at 2: false", "accept 1 at 2: true", `data 1/0 at 2 10.0.0.1:40000>10.0.0.2:80 "ab"`, "end 1"},
	}
	for l, w := range want {
		if !reflect.DeepEqual(l.log, w) {
			t.Errorf("got %q, want %q", l.log, w)
		}
	}
	if got := strings.Join(order, " "); got != "all none odd data:all end:all all none odd data:all data:odd end:all end:odd" {
		t.Errorf("order %s", got)
	}
	if a, n, o := ca.Retransmissions(), cn.Retransmissions(), co.Retransmissions(); a != 2 || n != 0 || o != 1 {
		t.Errorf("retransmissions %d, %d, %d, want 2, 0, 1", a, n, o)
	}
	if ca.Frame() != nil {
		t.Errorf("Frame outside Feed: %v", ca.Frame())
	}
}

// orderer notes which consumer is called, in order.
type orderer struct {
	*logger
	name  string
	order *[]string
}

func (o *orderer) Accept(f *frame.Frame) bool {
	*o.order = append(*o.order, o.name)
	return o.logger.Accept(f)
}
func (o *orderer) Data(s *tcpstream.Segment) {
	*o.order = append(*o.order, "data:"+o.name)
	o.logger.Data(s)
}
func (o *orderer) End(n int) {
	*o.order = append(*o.order, "end:"+o.name)
	o.logger.End(n)
}

// TestConsumerCaps: the connections forgotten at the bound are told and
// counted to the consumers that had them only; the bytes held are bounded
// per consumer, over its own connections.
func TestConsumerCaps(t *testing.T) {
	ra := tcpstream.New(tcpstream.Limits{Streams: 4, HeldBytes: 10})
	zero := &logger{accept: func(f *frame.Frame) bool { return f.TCPStream == 0 }}
	rest := &logger{accept: func(f *frame.Frame) bool { return f.TCPStream != 0 }}
	cz, cr := ra.Add(zero), ra.Add(rest)
	// Stream 0 holds 6 bytes ahead of a hole; so does stream 1: each
	// consumer holds 6, under its bound of 10 (one bound over both would
	// be over).
	for st := 0; st < 2; st++ {
		for _, f := range []*frame.Frame{seg(1, true, "S", 0, 0, ""), seg(2, true, "A", 1, 1, "a"), seg(3, true, "A", 5, 1, "bbbbbb")} {
			f.TCPStream = st
			ra.Feed(f)
		}
	}
	if len(cz.Caps()) != 0 || len(cr.Caps()) != 0 {
		t.Fatalf("caps %v, %v before any bound", cz.Caps(), cr.Caps())
	}
	// Two more streams for rest: the generation is full, stream 0 and 1
	// are forgotten: each told to its own consumer.
	for st := 2; st < 5; st++ {
		f := seg(10+st, true, "A", 1, 1, "c")
		f.TCPStream = st
		ra.Feed(f)
	}
	if got := zero.log[len(zero.log)-2:]; got[0] != "end 0" {
		t.Errorf("zero: %q", got)
	}
	if n := strings.Count(strings.Join(rest.log, "\n"), "end 1"); n != 1 || strings.Contains(strings.Join(rest.log, "\n"), "end 0") {
		t.Errorf("rest: %q", rest.log)
	}
	if c := cz.Caps(); len(c) != 1 || c[0].What != "tcp reassembly connections" || c[0].Dropped != 1 {
		t.Errorf("zero's caps %v", c)
	}
	if c := cr.Caps(); len(c) != 1 || c[0].What != "tcp reassembly connections" || c[0].Dropped != 1 {
		t.Errorf("rest's caps %v", c)
	}
}

// TestConsumersHoldOnce: a segment held for several consumers is copied
// once.
func TestConsumersHoldOnce(t *testing.T) {
	allocs := func(consumers int) float64 {
		ra := tcpstream.New(tcpstream.Limits{})
		for range consumers {
			ra.Add(&nullHandler{})
		}
		n := 0
		return testing.AllocsPerRun(100, func() {
			n++
			// a new stream: SYN, one segment held, the hole filled
			for _, f := range []*frame.Frame{seg(1, true, "S", 0, 0, ""), seg(2, true, "A", 1000, 1, strings.Repeat("x", 500)), seg(3, true, "A", 1, 1, strings.Repeat("y", 999))} {
				f.TCPStream = n
				ra.Feed(f)
			}
		})
	}
	one, five := allocs(1), allocs(5)
	if five != one {
		t.Errorf("%v allocations for five consumers, %v for one", five, one)
	}
}

// TestConsumersBound: a Reassembler serves MaxConsumers consumers at most,
// and one used with Packet takes none.
func TestConsumersBound(t *testing.T) {
	ra := tcpstream.New(tcpstream.Limits{})
	for i := range tcpstream.MaxConsumers {
		if ra.Add(&nullHandler{}) == nil {
			t.Fatalf("consumer %d refused", i)
		}
	}
	if ra.Add(&nullHandler{}) != nil {
		t.Errorf("consumer %d taken", tcpstream.MaxConsumers+1)
	}
	alone := tcpstream.New(tcpstream.Limits{})
	alone.Packet(seg(1, true, "S", 0, 0, ""), &nullHandler{})
	if alone.Add(&nullHandler{}) != nil {
		t.Error("a consumer added to a Reassembler used with Packet")
	}
}

// framer is a consumer that notes the frame its Reader says is being fed.
type framer struct {
	logger
	rd *tcpstream.Reader
}

func (f *framer) Data(s *tcpstream.Segment) {
	f.log = append(f.log, fmt.Sprintf("data at %d, feeding %d", s.Frame, f.rd.Frame().Number))
}

// TestReader: a Reader of its own reassembles what Packet gives it; a
// Reader sharing a Reassembler is fed by the Reassembler's owner, not by its
// Packet; either way Frame is the frame being fed and the counts are the
// consumer's.
func TestReader(t *testing.T) {
	frames := []*frame.Frame{
		seg(1, true, "S", 100, 0, ""), seg(2, false, "SA", 500, 101, ""),
		seg(3, true, "A", 101, 501, "abc"), seg(4, true, "A", 101, 501, "abc"), seg(5, false, "A", 501, 104, "xy"),
	}
	var own tcpstream.Reader
	a := &framer{logger: logger{accept: func(*frame.Frame) bool { return true }}, rd: &own}
	own.Own(tcpstream.Limits{}, a)
	for _, f := range frames {
		own.Packet(f)
	}
	want := []string{"accept 0 at 3: true", "data at 3, feeding 3", "data at 5, feeding 5"}
	if !reflect.DeepEqual(a.log, want) || own.Retransmissions() != 1 || own.Frame() != nil {
		t.Errorf("own: log %q, retransmissions %d, frame %v; want %q, 1, nil", a.log, own.Retransmissions(), own.Frame(), want)
	}

	r := tcpstream.New(tcpstream.Limits{})
	var shared tcpstream.Reader
	b := &framer{logger: logger{accept: func(*frame.Frame) bool { return true }}, rd: &shared}
	shared.Own(tcpstream.Limits{}, b)
	shared.Share(r.Add, b)
	for _, f := range frames {
		shared.Packet(f) // fed by the owner only
	}
	if len(b.log) != 0 {
		t.Fatalf("a shared Reader's Packet fed it: %q", b.log)
	}
	for _, f := range frames {
		r.Feed(f)
	}
	if !reflect.DeepEqual(b.log, want) || shared.Retransmissions() != 1 {
		t.Errorf("shared: log %q, retransmissions %d; want %q, 1", b.log, shared.Retransmissions(), want)
	}
}
