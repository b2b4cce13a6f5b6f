package tcpstream_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/packets"
	"pcaplens/analysis/tcpstream"
)

// recorder keeps what a Reassembler gives, per stream and direction, with
// gaps written as "<gap N>".
type recorder struct {
	accept func(f *frame.Frame) bool
	got    map[int]*[2]bytes.Buffer
	gaps   map[int]int
	ends   []int
	limit  int
}

func newRecorder() *recorder {
	return &recorder{got: map[int]*[2]bytes.Buffer{}, gaps: map[int]int{}, limit: 1 << 20}
}

func (r *recorder) Accept(f *frame.Frame) bool {
	if r.accept != nil {
		return r.accept(f)
	}
	return true
}

func (r *recorder) buf(s *tcpstream.Segment) *bytes.Buffer {
	b := r.got[s.Stream]
	if b == nil {
		b = new([2]bytes.Buffer)
		r.got[s.Stream] = b
	}
	return &b[s.Dir]
}

func (r *recorder) Data(s *tcpstream.Segment) {
	if b := r.buf(s); b.Len() < r.limit {
		b.Write(s.Data)
	}
}

func (r *recorder) Gap(s *tcpstream.Segment) {
	r.gaps[s.Stream]++
	fmt.Fprintf(r.buf(s), "<gap %d>", s.Lost)
}

func (r *recorder) End(stream int) { r.ends = append(r.ends, stream) }

var (
	cli = netip.MustParseAddr("10.0.0.1")
	srv = netip.MustParseAddr("10.0.0.2")
)

// seg builds a TCP frame of stream 0: from the client when c2s.
func seg(n int, c2s bool, flags string, seq, ack uint32, data string) *frame.Frame {
	f := &frame.Frame{Number: n, Transport: frame.TransportTCP, TCPStream: 0}
	f.SrcIP, f.DstIP, f.SrcPort, f.DstPort = cli, srv, 40000, 80
	if !c2s {
		f.SrcIP, f.DstIP, f.SrcPort, f.DstPort = srv, cli, 80, 40000
	}
	f.TCP.Seq, f.TCP.Ack = seq, ack
	f.TCP.SYN = strings.Contains(flags, "S")
	f.TCP.ACK = strings.Contains(flags, "A")
	f.TCP.FIN = strings.Contains(flags, "F")
	f.TCP.RST = strings.Contains(flags, "R")
	f.Payload = []byte(data)
	return f
}

func run(r *recorder, fs ...*frame.Frame) {
	ra := tcpstream.New(tcpstream.Limits{})
	for _, f := range fs {
		ra.Packet(f, r)
	}
}

func TestInOrderRetransmitOverlap(t *testing.T) {
	r := newRecorder()
	run(r,
		seg(1, true, "S", 100, 0, ""),
		seg(2, false, "SA", 500, 101, ""),
		seg(3, true, "A", 101, 501, "GET "),
		seg(4, true, "A", 101, 501, "GET "),  // retransmission
		seg(5, true, "A", 103, 501, "T /x"),  // overlap: "/x" is new
		seg(6, false, "A", 501, 107, "HTTP"), // server
		seg(7, true, "FA", 107, 505, ""),     // client FIN
		seg(8, false, "FA", 505, 108, ""),    // server FIN
	)
	b := r.got[0]
	if b == nil || b[0].String() != "GET /x" || b[1].String() != "HTTP" {
		t.Fatalf("got %+v", b)
	}
	if len(r.ends) != 1 || r.ends[0] != 0 {
		t.Fatalf("ends %v, want [0] after both FINs", r.ends)
	}
}

func TestOutOfOrderHeldThenFilled(t *testing.T) {
	r := newRecorder()
	run(r,
		seg(1, true, "S", 0, 0, ""),
		seg(2, true, "A", 1, 1, "aaaa"),
		seg(3, true, "A", 9, 1, "cccc"), // ahead of a hole
		seg(4, true, "A", 5, 1, "bbbb"), // fills it
	)
	if got := r.got[0][0].String(); got != "aaaabbbbcccc" || r.gaps[0] != 0 {
		t.Fatalf("got %q, %d gaps", got, r.gaps[0])
	}
}

func TestHoleAckedByPeerIsAGap(t *testing.T) {
	r := newRecorder()
	run(r,
		seg(1, true, "S", 0, 0, ""),
		seg(2, true, "A", 1, 1, "aaaa"),
		seg(3, true, "A", 9, 1, "cccc"), // bytes 5..8 never captured
		seg(4, false, "A", 1, 13, "ok"), // the server has all of them
		seg(5, true, "A", 13, 3, "dd"),
	)
	if got := r.got[0][0].String(); got != "aaaa<gap 4>ccccdd" {
		t.Fatalf("got %q", got)
	}
}

func TestUncapturedBytesAckedWithoutHeldData(t *testing.T) {
	r := newRecorder()
	run(r,
		seg(1, true, "A", 1, 1, "aaaa"),
		seg(2, false, "A", 1, 20, "x"), // acks 15 bytes never seen
		seg(3, true, "A", 20, 2, "zz"),
	)
	if got := r.got[0][0].String(); got != "aaaa<gap 15>zz" {
		t.Fatalf("got %q", got)
	}
}

func TestDeclinedStreamHoldsNothing(t *testing.T) {
	r := newRecorder()
	asked := 0
	r.accept = func(*frame.Frame) bool { asked++; return false }
	run(r,
		seg(1, true, "A", 1, 1, "aaaa"),
		seg(2, true, "A", 9, 1, "cccc"),
		seg(3, true, "A", 5, 1, "bbbb"),
	)
	if asked != 1 || len(r.got) != 0 {
		t.Fatalf("asked %d times, got %v", asked, r.got)
	}
}

func TestResetEndsAndFlushes(t *testing.T) {
	r := newRecorder()
	run(r,
		seg(1, true, "A", 1, 1, "aaaa"),
		seg(2, true, "A", 9, 1, "cccc"),
		seg(3, false, "R", 1, 0, ""),
	)
	if got := r.got[0][0].String(); got != "aaaa<gap 4>cccc" || len(r.ends) != 1 {
		t.Fatalf("got %q, ends %v", got, r.ends)
	}
}

func TestHeldBytesBounded(t *testing.T) {
	r := newRecorder()
	ra := tcpstream.New(tcpstream.Limits{HeldBytes: 10})
	for _, f := range []*frame.Frame{
		seg(1, true, "A", 1, 1, "a"),
		seg(2, true, "A", 10, 1, "bbbbbbbb"),
		seg(3, true, "A", 30, 1, "cccccccc"), // would hold 16 > 10
	} {
		ra.Packet(f, r)
	}
	if got := r.got[0][0].String(); got != "a<gap 8>bbbbbbbb<gap 12>cccccccc" {
		t.Fatalf("got %q", got)
	}
	if caps := ra.Caps(); len(caps) != 1 {
		t.Fatalf("caps %+v", caps)
	}
}

func TestStreamsBounded(t *testing.T) {
	r := newRecorder()
	ra := tcpstream.New(tcpstream.Limits{Streams: 4})
	for i := 0; i < 1000; i++ {
		f := seg(i+1, true, "A", 1, 1, "x")
		f.TCPStream = i
		ra.Packet(f, r)
	}
	if len(r.ends) < 990 || len(ra.Caps()) != 1 {
		t.Fatalf("%d ends, caps %+v", len(r.ends), ra.Caps())
	}
}

// TestUnansweredSYNsHoldNothing: fed every frame (the engine's shared
// Reassembler), SYNs without data that nobody answers (a scan) hold no
// state and take no room among the connections tracked at once, so a
// connection open before them is not dropped; a connection's SYN is read
// when its first data comes (Frame.TCPOpen, from the stream assigner), so
// the client's first segment captured beyond the SYN's next byte is held
// for the one before it, as when the SYN was held; after a RST the SYN is
// forgotten, as the connection was.
func TestUnansweredSYNsHoldNothing(t *testing.T) {
	r := newRecorder()
	ra := tcpstream.New(tcpstream.Limits{Streams: 4})
	ra.EveryFrame()
	ra.Add(r)
	sa := frame.NewStreamAssigner(0)
	feed := func(f *frame.Frame) {
		sa.Assign(f)
		ra.Feed(f)
	}
	from := func(port uint16, f *frame.Frame) *frame.Frame {
		if f.SrcIP == cli {
			f.SrcPort = port
		} else {
			f.DstPort = port
		}
		return f
	}
	feed(seg(1, true, "S", 100, 0, ""))
	feed(seg(2, true, "A", 105, 0, "/x/ ")) // beyond the SYN's next byte: held
	feed(from(30000, seg(3, true, "S", 700, 0, "")))
	feed(from(30000, seg(4, true, "R", 701, 0, "")))
	feed(from(30000, seg(5, true, "A", 900, 0, "late"))) // the SYN forgotten: read from here
	for i := range 1000 {
		feed(from(uint16(1024+i), seg(6+i, true, "S", uint32(i), 0, "")))
	}
	feed(seg(2000, true, "A", 101, 0, "GET "))      // fills the hole
	feed(seg(2001, true, "A", 109, 0, "HTTP"))      // in order
	feed(seg(2002, false, "A", 501, 113, "200 ok")) // the server
	if caps := ra.Caps(); len(caps) != 0 {
		t.Fatalf("caps %+v: unanswered SYNs took room", caps)
	}
	if len(r.ends) != 0 {
		t.Fatalf("ends %v, want none", r.ends)
	}
	if b := r.got[0]; b == nil || b[0].String() != "GET /x/ HTTP" || b[1].String() != "200 ok" || r.gaps[0] != 0 {
		t.Fatalf("got %+v, %d gaps", b, r.gaps[0])
	}
	if b := r.got[1]; b == nil || b[0].String() != "late" {
		t.Fatalf("after a RST got %+v", b)
	}
	if len(r.got) != 2 {
		t.Fatalf("%d connections given data, want 2", len(r.got))
	}
}

// TestStreamGenerations pins which connections the cap drops: with room
// for 4 (two generations of 2), a connection looked up again moves to the
// current generation and survives; the one left in the old generation when
// the current one fills is dropped (End, one cap hit) and, when it sends
// again, is a new connection (Accept asked again).
func TestStreamGenerations(t *testing.T) {
	r := newRecorder()
	accepted := map[int]int{}
	r.accept = func(f *frame.Frame) bool { accepted[f.TCPStream]++; return true }
	ra := tcpstream.New(tcpstream.Limits{Streams: 4})
	n, next := 0, map[int]uint32{}
	send := func(stream int, data string) {
		n++
		f := seg(n, true, "A", 1+next[stream], 1, data)
		next[stream] += uint32(len(data))
		f.TCPStream = stream
		ra.Packet(f, r)
	}
	send(0, "a") // current {0}
	send(1, "b") // current {0 1}
	send(2, "c") // full: current {2}, old {0 1}
	send(0, "d") // 0 moves: current {2 0}, old {1}
	if len(r.ends) != 0 {
		t.Fatalf("ends %v before the second rotation", r.ends)
	}
	send(3, "e") // full: 1 dropped; current {3}, old {2 0}
	if fmt.Sprint(r.ends) != "[1]" {
		t.Fatalf("ends %v, want [1]", r.ends)
	}
	if caps := ra.Caps(); len(caps) != 1 || caps[0].Dropped != 1 {
		t.Fatalf("caps %+v, want one connection dropped", caps)
	}
	send(2, "f") // 2 moves: current {3 2}, old {0}
	send(1, "g") // 1 is new; full: 0 dropped; current {1}, old {3 2}
	if fmt.Sprint(r.ends) != "[1 0]" || accepted[1] != 2 || accepted[0] != 1 || accepted[2] != 1 {
		t.Fatalf("ends %v, accepted %v", r.ends, accepted)
	}
	if got := r.got[2][0].String(); got != "cf" {
		t.Fatalf("stream 2 got %q", got)
	}
}

// TestDeclinedGenerations: a connection the consumer declined moves
// between generations like any other, is not asked about again while held,
// gets no End when the cap drops it, and is asked about again after.
func TestDeclinedGenerations(t *testing.T) {
	r := newRecorder()
	asked := map[int]int{}
	r.accept = func(f *frame.Frame) bool { asked[f.TCPStream]++; return f.TCPStream != 9 }
	ra := tcpstream.New(tcpstream.Limits{Streams: 4})
	n := 0
	send := func(stream int) {
		n++
		f := seg(n, true, "A", uint32(1+n), 1, "x")
		f.TCPStream = stream
		ra.Packet(f, r)
	}
	send(9) // current {9}
	send(0) // current {9 0}
	send(1) // full: current {1}, old {9 0}
	send(9) // 9 moves: current {1 9}, old {0}
	if asked[9] != 1 {
		t.Fatalf("declined stream asked %d times while held", asked[9])
	}
	send(2) // full: 0 dropped; current {2}, old {1 9}
	send(3) // current {2 3}
	send(4) // full: 1 and 9 dropped; current {4}, old {2 3}
	if fmt.Sprint(r.ends) != "[0 1]" {
		t.Fatalf("ends %v, want [0 1]", r.ends)
	}
	send(9)
	if asked[9] != 2 {
		t.Fatalf("declined stream asked %d times after it was dropped, want 2", asked[9])
	}
}

// TestFollowAgreement: on every test capture, each TCP stream's bytes per
// direction equal what packets.Follow (tshark's follow,tcp,raw, checked
// against tshark by the packets tests) gives, for every stream the
// reassembler saw whole (no gap).
func TestFollowAgreement(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/captures/*")
	if g := os.Getenv("TCPSTREAM_GLOB"); g != "" {
		files, _ = filepath.Glob(g)
	}
	if testing.Short() && len(files) > 20 {
		files = files[:20]
	}
	streams := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".md") {
			continue
		}
		r := newRecorder()
		r.limit = 1 << 30
		ra := tcpstream.New(tcpstream.Limits{})
		if err := scan(path, func(f *frame.Frame) {
			ra.Packet(f, r)
		}); err != nil {
			continue
		}
		n := 0
		for st, got := range r.got {
			if r.gaps[st] > 0 || n >= 30 || got[0].Len()+got[1].Len() > 4<<20 {
				continue
			}
			n++
			conv, err := follow(path, st)
			if err != nil {
				t.Fatalf("%s stream %d: %v", filepath.Base(path), st, err)
			}
			var want [2]bytes.Buffer
			for _, c := range conv.Chunks {
				want[c.Node].Write(c.Data)
			}
			// Follow's node 0 is the first packet's sender; ours the client.
			if !bytes.Equal(got[0].Bytes(), want[0].Bytes()) || !bytes.Equal(got[1].Bytes(), want[1].Bytes()) {
				if bytes.Equal(got[0].Bytes(), want[1].Bytes()) && bytes.Equal(got[1].Bytes(), want[0].Bytes()) {
					continue
				}
				t.Errorf("%s tcp.stream %d: got %d+%d bytes, follow %d+%d", filepath.Base(path), st,
					got[0].Len(), got[1].Len(), want[0].Len(), want[1].Len())
			}
			streams++
		}
	}
	if streams < 50 {
		t.Fatalf("only %d streams compared", streams)
	}
	t.Logf("%d streams agree with Follow", streams)
}

func scan(path string, fn func(*frame.Frame)) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	s, err := packets.NewScanner(fh, 0)
	if err != nil {
		return err
	}
	for {
		f, err := s.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return nil // a damaged capture: what was read
		}
		fn(f)
	}
}

func follow(path string, stream int) (*packets.Conversation, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	s, err := packets.NewScanner(fh, 0)
	if err != nil {
		return nil, err
	}
	return packets.Follow(s, packets.FollowTCP, stream, 0)
}

// FuzzReassembler feeds segments whose numbers, flags and order come from
// the input: never a panic, and the bytes held stay within the limit. Then
// the same segments as the engine's shared Reassembler is fed them: every
// frame, the streams numbered and their SYNs told by the stream assigner
// (EveryFrame, Frame.TCPOpen).
func FuzzReassembler(f *testing.F) {
	f.Add([]byte("\x00\x01\x00\x00\x00\x05abcde\x01\x00\x00\x00\x10\x02"))
	f.Add([]byte("\x02\x01\x00\x10\x00\x00\x00\x01\x00\x12\x00\x00\x04\x00\x11\x00\x03abc\x10\x01\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := newRecorder()
		ra := tcpstream.New(tcpstream.Limits{Streams: 8, HeldBytes: 64})
		for _, fr := range frames(in) {
			ra.Packet(fr, r)
		}
		sa := frame.NewStreamAssigner(0)
		ev := tcpstream.New(tcpstream.Limits{Streams: 8, HeldBytes: 64})
		ev.EveryFrame()
		ev.Add(newRecorder())
		for _, fr := range frames(in) {
			if p := uint16(40000 + fr.TCPStream); fr.SrcPort == 80 {
				fr.DstPort = p
			} else {
				fr.SrcPort = p
			}
			sa.Assign(fr)
			ev.Feed(fr)
		}
	})
}

func BenchmarkInOrder(b *testing.B) {
	r := newRecorder()
	r.limit = 0
	ra := tcpstream.New(tcpstream.Limits{})
	payload := strings.Repeat("x", 1400)
	b.ReportAllocs()
	f := seg(1, true, "A", 1, 1, payload)
	for i := 0; i < b.N; i++ {
		ra.Packet(f, r)
		f.Number++
		f.TCP.Seq += 1400
	}
}

// nullHandler accepts every connection and counts what it is given.
type nullHandler struct{ bytes, gaps, ends int }

func (h *nullHandler) Accept(*frame.Frame) bool  { return true }
func (h *nullHandler) Data(s *tcpstream.Segment) { h.bytes += len(s.Data) }
func (h *nullHandler) Gap(*tcpstream.Segment)    { h.gaps++ }
func (h *nullHandler) End(int)                   { h.ends++ }

// BenchmarkManyStreams is one packet per op over 80,000 interleaved
// connections (a SYN, then segments of 100 bytes in order, each round
// visiting every connection): the cost of finding a stream's state among
// many.
func BenchmarkManyStreams(b *testing.B) {
	const streams = 80_000
	h := &nullHandler{}
	ra := tcpstream.New(tcpstream.Limits{})
	f := seg(1, true, "", 0, 0, strings.Repeat("x", 100))
	data := f.Payload
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s, round := i%streams, i/streams
		f.Number, f.TCPStream = i+1, s
		f.SrcPort = uint16(1024 + s%60000)
		f.SrcIP = netip.AddrFrom4([4]byte{10, byte(s >> 16), byte(s >> 8), byte(s)})
		f.TCP.SYN = round == 0
		f.TCP.Seq = uint32(s) + uint32(round-1)*100
		if round == 0 {
			f.TCP.Seq = uint32(s) - 1
			f.Payload = nil
		} else {
			f.Payload = data
		}
		ra.Packet(f, h)
	}
}
