// Package tcpstream delivers the payload of each direction of a TCP
// connection in sequence order, for the analyzers that read an application
// protocol over TCP (HTTP, TLS, …).
//
// A connection is Wireshark's tcp.stream (frame.Frame.TCPStream, numbered
// once by the engine). For each one a consumer accepts, at its first segment
// with data, the Reassembler tracks the next expected sequence number of
// each direction and:
//   - hands in-order bytes to the consumer straight from the frame, without
//     copying (a segment that overlaps bytes already delivered gives only its
//     new bytes; a retransmission gives nothing);
//   - holds a copy of a segment that arrives ahead of a hole, until the hole
//     fills;
//   - declares a gap when the bytes cannot come any more: the other side
//     acknowledged them, the direction holds too much, the connection ends, or
//     a frame was captured short. The consumer hears Gap, then the bytes that
//     follow the hole.
//
// Memory is bounded: the connections tracked (two generations; the ones idle
// the longest are dropped first, each with End) and the bytes held ahead of
// holes (over all connections). What the caps dropped is counted in Caps.
// Connections the consumer declines cost one small entry each, in the same
// bounded tables.
//
// One Reassembler may serve several consumers (Add, then Feed): the
// analyzers of one pass share one table of connections instead of each
// keeping its own. Each consumer is asked about a connection once, at its
// first segment with data; a connection every consumer declined is held
// without state; the in-order bytes, gaps and ends are given to each
// consumer that accepted the connection, in the order the consumers were
// added; a held segment is kept once. Each consumer sees what it would
// have seen with a Reassembler of its own, with its own counts (Consumer's
// Caps and Retransmissions) and its own bound on the bytes held, except
// where a bound is reached: the connections tracked are bounded over all
// consumers together, and a direction given up for the bytes held is
// given up for every consumer of its connection.
package tcpstream

import (
	"net/netip"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/streamtab"
	"pcaplens/analysis/report"
)

// Defaults of Limits.
const (
	// DefaultStreams is how many connections are tracked at once.
	DefaultStreams = 200_000
	// DefaultHeldBytes bounds the bytes held ahead of holes, over all
	// connections.
	DefaultHeldBytes = 32 << 20
	// maxHeldSegments bounds the segments one direction holds ahead of a
	// hole; past it the hole is declared a gap.
	maxHeldSegments = 256
	// MaxConsumers is how many Handlers one Reassembler serves (Add).
	MaxConsumers = 8
)

// Limits bound a Reassembler; a zero field takes its default.
type Limits struct {
	// Streams is how many connections are tracked at once.
	Streams int
	// HeldBytes bounds the bytes held ahead of holes, over all connections.
	HeldBytes int
}

// Segment is what a Handler is given: the Reassembler reuses one, so it is
// valid only during the call.
type Segment struct {
	// Stream is the connection's tcp.stream.
	Stream int
	// Dir is 0 for the client (the sender of the SYN without ACK; without
	// one seen, the sender of the first segment with data, or the receiver of
	// a SYN-ACK), 1 for the server.
	Dir int
	// Frame and TimeNs are the frame whose segment carries Data (for a Gap,
	// the frame at which the hole was known for one).
	Frame  int
	TimeNs int64
	// Src and Dst are the direction's sender and receiver.
	Src, Dst netip.AddrPort
	// Data are the in-order bytes, valid only during the call. For a Gap it is
	// nil.
	Data []byte
	// Lost is, for a Gap, how many bytes are missing (0 when not known).
	Lost int
}

// Handler consumes the connections it accepts.
type Handler interface {
	// Accept is asked once per connection, at its first segment with data
	// (f is that frame); false ignores the connection for good.
	Accept(f *frame.Frame) bool
	// Data is called with a direction's bytes in sequence order.
	Data(s *Segment)
	// Gap says bytes of s.Dir are missing before what Data gives next.
	Gap(s *Segment)
	// End is called once when an accepted connection is over: both
	// directions closed (FIN), a reset, or the connection dropped by the
	// cap. Nothing more comes for that stream number.
	End(stream int)
}

// Reassembler reassembles the connections of one pass, for one Handler
// (Packet) or for several (Add, then Feed); a Reassembler is used one way
// or the other, not both.
type Reassembler struct {
	lim Limits
	// conns holds the connections of two generations: the current one
	// (marked gen), counted in ncur, and the one before. A lookup moves a
	// connection of the old generation to the current one; when the
	// current one is full, the old one is dropped. A connection every
	// consumer declined is held without state (nil).
	conns streamtab.Table[conn]
	gen   uint32
	ncur  int
	// everyFrame: fed every frame, a SYN is read from its connection's
	// next frames (EveryFrame).
	everyFrame bool
	seg        Segment // the one Segment handed to the Handlers
	cur        *frame.Frame
	curStream  int // the stream being fed
	curFrame   int // the frame being fed, for gaps known at it
	curTimeNs  int64
	// hs are the consumers, bit i of a mask standing for hs[i]; all has a
	// bit for each. Packet's one Handler is hs[0].
	hs  []Handler
	all uint8
	one [1]Handler
	// What each consumer is owed: its bytes held ahead of holes (over the
	// connections it accepted), its caps hit, its retransmissions.
	held    [MaxConsumers]int
	caps    [MaxConsumers]report.Caps
	retrans [MaxConsumers]int
}

// Consumer is one Handler of a Reassembler fed with Feed: its own counts.
type Consumer struct {
	r *Reassembler
	i int
}

type held struct {
	seq    uint32
	frame  int
	timeNs int64
	data   []byte
}

type direction struct {
	next   uint32 // next sequence number expected
	synced bool   // next is known
	fin    bool   // a FIN was seen at finSeq
	finSeq uint32
	closed bool
}

type conn struct {
	// asked has a bit for each consumer asked about the connection (Accept),
	// accepted for each that took it: a consumer asked and not accepted
	// has declined it. A connection every consumer declined is not held as
	// a conn (nil in the table, the declined conn on lookup).
	asked, accepted uint8
	// idle is a connection over (FIN both ways, or reset) that some
	// consumers had declined: they still decline it, while for the others
	// it is as if not tracked (its state starts afresh at the next SYN or
	// segment with data), as with a Reassembler of their own.
	idle bool
	// client is the client's address (As16) and port, without netip.Addr's
	// pointer: the state is scanned by the garbage collector.
	client     [16]byte
	clientPort uint16
	clientOK   bool
	dir        [2]direction
	// pending holds each direction's segments ahead of its next byte, by
	// sequence number: nil while none is held (most connections a
	// consumer is asked about never hold one, and many are never asked
	// about: a SYN/ACK and no payload), so a connection is 64 bytes, not
	// 112.
	pending *[2][]held
}

// pend is direction d's held segments.
func (c *conn) pend(d int) []held {
	if c.pending == nil {
		return nil
	}
	return c.pending[d]
}

// setPend sets direction d's held segments, dropping the pair when both
// are nil.
func (c *conn) setPend(d int, p []held) {
	if c.pending == nil {
		if p == nil {
			return
		}
		c.pending = new([2][]held)
	}
	c.pending[d] = p
	if c.pending[0] == nil && c.pending[1] == nil {
		c.pending = nil
	}
}

// New returns a Reassembler bounded by l.
func New(l Limits) *Reassembler {
	if l.Streams <= 0 {
		l.Streams = DefaultStreams
	}
	if l.Streams < 2 {
		l.Streams = 2
	}
	if l.HeldBytes <= 0 {
		l.HeldBytes = DefaultHeldBytes
	}
	return &Reassembler{lim: l}
}

// Caps says what the bounds dropped, for Packet's Handler (the first
// consumer): connections forgotten while still open ("tcp reassembly
// connections"), directions whose held segments were given up as gaps
// because the bytes held reached the limit ("tcp reassembly bytes held").
func (r *Reassembler) Caps() []report.Cap { return r.caps[0].List() }

// Retransmissions counts, for Packet's Handler (the first consumer), the
// segments with data whose bytes had all been given already (dropped).
func (r *Reassembler) Retransmissions() int { return r.retrans[0] }

// Add registers h as a consumer of the connections Feed is given, after
// the ones added before; it returns nil when MaxConsumers are registered.
// Consumers are added before the first Feed.
func (r *Reassembler) Add(h Handler) *Consumer {
	if len(r.hs) >= MaxConsumers || r.hs != nil && &r.hs[0] == &r.one[0] {
		return nil
	}
	r.hs = append(r.hs, h)
	r.all = r.all<<1 | 1
	return &Consumer{r: r, i: len(r.hs) - 1}
}

// Caps says what the bounds dropped of the connections the consumer
// accepted (Reassembler.Caps).
func (c *Consumer) Caps() []report.Cap { return c.r.caps[c.i].List() }

// Retransmissions counts the segments with data of the connections the
// consumer accepted whose bytes had all been given already.
func (c *Consumer) Retransmissions() int { return c.r.retrans[c.i] }

// Frame is the frame being fed, during Feed (the Handler's calls); nil
// otherwise.
func (c *Consumer) Frame() *frame.Frame { return c.r.cur }

// Reader is an analyzer's end of TCP reassembly: a Reassembler of its own
// (Own), or one shared with the other analyzers of a pass (Share,
// engine.TCPReader). Its counts and the frame being fed read the same
// either way, so the analyzer does not tell the two apart.
type Reader struct {
	c   *Consumer
	own bool
}

// Own makes h read through a Reassembler of its own, bounded by l.
func (rd *Reader) Own(l Limits, h Handler) {
	rd.c, rd.own = New(l).Add(h), true
}

// Share makes h read through a Reassembler shared with others: add
// registers it (engine.TCPReader). When the shared one has no room, h keeps
// the one it owns.
func (rd *Reader) Share(add func(h Handler) *Consumer, h Handler) {
	if c := add(h); c != nil {
		rd.c, rd.own = c, false
	}
}

// Packet feeds f to a Reassembler of the Reader's own; a shared one is fed
// by its owner (the engine, before the analyzers' Packet).
func (rd *Reader) Packet(f *frame.Frame) {
	if rd.own {
		rd.c.r.Feed(f)
	}
}

// Caps is Consumer.Caps.
func (rd *Reader) Caps() []report.Cap { return rd.c.Caps() }

// Retransmissions is Consumer.Retransmissions.
func (rd *Reader) Retransmissions() int { return rd.c.Retransmissions() }

// Frame is Consumer.Frame: the frame being fed, during the Handler's calls.
func (rd *Reader) Frame() *frame.Frame { return rd.c.Frame() }

// declined stands for every connection every consumer declined.
var declined = &conn{asked: 1<<MaxConsumers - 1}

// idles stand for the connections over that some consumers had declined,
// by the mask of those (conn.idle): they hold no state, so one of each is
// shared (and never changed).
var idles = func() (cs [1 << MaxConsumers]conn) {
	for m := range cs {
		cs[m] = conn{asked: uint8(m), idle: true}
	}
	return
}()

// lookup finds stream n's state, moving it to the current generation.
func (r *Reassembler) lookup(n int) *conn {
	c, gen, ok := r.conns.Find(n)
	if !ok {
		return nil
	}
	if *gen != r.gen {
		*gen = r.gen
		r.ncur++
	}
	if c == nil {
		return declined
	}
	return c
}

// add starts tracking stream n; when the current generation is full, the
// old one is dropped (its accepted connections get End).
func (r *Reassembler) add(n int, c *conn) {
	if r.ncur >= r.lim.Streams/2 {
		r.conns.Keep(func(k int, oc *conn, gen uint32) bool {
			if gen == r.gen {
				return true
			}
			if oc != nil && oc.accepted != 0 {
				m := oc.accepted
				for i := range r.hs {
					if m&(1<<i) != 0 {
						r.caps[i].Hit("tcp reassembly connections", r.lim.Streams)
					}
				}
				r.release(oc)
				r.end(m, k)
			}
			return false
		})
		r.gen++
		r.ncur = 0
	}
	r.ncur++
	r.conns.Put(n, c, r.gen)
}

// drop forgets stream n, looked up for the packet being fed (so in the
// current generation). The consumers that had declined it go on declining
// it: it stays, idle, for them.
func (r *Reassembler) drop(n int, c *conn) {
	r.release(c)
	if d := c.asked &^ c.accepted; d != 0 {
		r.conns.Put(n, &idles[d], r.gen)
		return
	}
	r.ncur--
	r.conns.Delete(n)
}

// release gives up c's held segments.
func (r *Reassembler) release(c *conn) {
	if c.pending != nil {
		for d := range c.pending {
			for _, p := range c.pending[d] {
				r.unhold(c.accepted, len(p.data))
			}
		}
		c.pending = nil
	}
}

// unhold takes n bytes off the bytes held of the consumers of mask m.
func (r *Reassembler) unhold(m uint8, n int) {
	for i := range r.hs {
		if m&(1<<i) != 0 {
			r.held[i] -= n
		}
	}
}

// Packet feeds one frame, in file order, for h alone (a Reassembler used
// with Add and Feed ignores it). Frames without a numbered TCP segment cost
// one comparison.
func (r *Reassembler) Packet(f *frame.Frame, h Handler) {
	if r.hs == nil {
		r.hs, r.all = r.one[:], 1
	}
	if &r.hs[0] != &r.one[0] {
		return
	}
	r.one[0] = h
	r.Feed(f)
}

// EveryFrame tells r that it is fed every frame of the capture, in file
// order (the engine's shared Reassembler): the SYN without ACK that opened
// a connection is then read from the frame of its SYN/ACK or first data
// (Frame.TCPOpen, from the stream assigner), as if it had been held. So the
// SYNs nobody answered, most of the connections of real traffic with scans
// in it (185,237 of 213,621 on a real 1 M frame capture), hold no state and
// take no room from the connections tracked at once (Limits.Streams). A
// Reassembler fed some frames only (an analyzer's own, which may start
// feeding a connection mid-stream) holds a SYN as it comes.
func (r *Reassembler) EveryFrame() { r.everyFrame = true }

// Feed feeds one frame, in file order, for every consumer (Add). Frames
// without a numbered TCP segment cost one comparison.
func (r *Reassembler) Feed(f *frame.Frame) {
	if f.Transport != frame.TransportTCP || f.TCPStream < 0 || r.all == 0 {
		return
	}
	r.cur = f
	r.feed(f)
	r.cur = nil
}

func (r *Reassembler) feed(f *frame.Frame) {
	th := &f.TCP
	n := f.TCPStream
	c := r.lookup(n)
	fresh := c == nil
	if fresh {
		// Nothing to learn until a SYN or data; fed every frame, until a
		// SYN/ACK or data (EveryFrame).
		if len(f.Payload) == 0 && (!th.SYN || r.everyFrame && !th.ACK) {
			return
		}
		c = &conn{}
		r.add(n, c)
		if r.everyFrame && f.TCPOpen != frame.OpenNone {
			from := f.SrcIP
			c.clientPort = f.SrcPort
			if f.TCPOpen == frame.OpenByDst {
				from, c.clientPort = f.DstIP, f.DstPort
			}
			c.client, c.clientOK = from.As16(), true
			c.dir[0].next, c.dir[0].synced = f.TCPOpenSeq+1, true
		}
	} else if c.idle {
		if len(f.Payload) == 0 && !th.SYN {
			return // as if not tracked, until a SYN or data
		}
		c = &conn{asked: c.asked}
		r.conns.Put(n, c, r.gen)
	}
	if c == declined {
		return
	}
	src := netip.AddrPortFrom(f.SrcIP, f.SrcPort)
	dst := netip.AddrPortFrom(f.DstIP, f.DstPort)
	if !c.clientOK {
		switch {
		case th.SYN && th.ACK:
			c.client, c.clientPort = f.DstIP.As16(), f.DstPort
		default:
			c.client, c.clientPort = f.SrcIP.As16(), f.SrcPort
		}
		c.clientOK = true
	}
	d := 0
	if f.SrcPort != c.clientPort || f.SrcIP.As16() != c.client {
		d = 1
	}
	fw := &c.dir[d]
	seq := th.Seq
	if th.SYN {
		if !fw.synced {
			fw.next, fw.synced = seq+1, true
		}
		seq++
	}
	if un := r.all &^ c.asked; un != 0 && len(f.Payload) > 0 {
		c.asked |= un
		for i, h := range r.hs {
			if un&(1<<i) != 0 && h.Accept(f) {
				c.accepted |= 1 << i
			}
		}
		if c.accepted == 0 {
			// Held without state from now on (its generation is current).
			r.release(c)
			r.conns.Put(n, nil, r.gen)
			return
		}
	}
	if c.accepted == 0 {
		return // not asked yet
	}
	r.curStream, r.curFrame, r.curTimeNs = n, f.Number, f.TimeNs
	// An acknowledgment of bytes the other direction never delivered: they
	// were sent and received, only not captured. Give up the hole.
	if th.ACK {
		rv := &c.dir[1-d]
		if rv.synced && !rv.closed && seqGT(th.Ack, rv.next) {
			r.flushTo(c, 1-d, th.Ack, dst, src)
		}
	}
	if len(f.Payload) > 0 && !fw.closed {
		r.data(c, d, seq, f, src, dst)
	}
	if th.FIN && !fw.fin {
		fw.fin = true
		fw.finSeq = seq + uint32(len(f.Payload))
		if l := f.TCPLen(); l > len(f.Payload) {
			fw.finSeq = seq + uint32(l)
		}
		if !fw.synced {
			fw.next, fw.synced = fw.finSeq, true
		}
	}
	for dd := range c.dir {
		if x := &c.dir[dd]; x.fin && !seqLT(x.next, x.finSeq) {
			x.closed = true
		}
	}
	if th.RST || (c.dir[0].closed && c.dir[1].closed) {
		for dd := range c.dir {
			if ps := c.pend(dd); len(ps) > 0 {
				s, t := src, dst
				if dd != d {
					s, t = dst, src
				}
				r.flushTo(c, dd, ps[len(ps)-1].seq, s, t)
				r.drain(c, dd, s, t)
			}
		}
		m := c.accepted
		r.drop(n, c)
		r.end(m, n)
	}
}

// end tells the consumers of mask m that stream n is over.
func (r *Reassembler) end(m uint8, n int) {
	for i, h := range r.hs {
		if m&(1<<i) != 0 {
			h.End(n)
		}
	}
}

// data handles the payload of one segment of direction d.
func (r *Reassembler) data(c *conn, d int, seq uint32, f *frame.Frame, src, dst netip.AddrPort) {
	fw := &c.dir[d]
	p := f.Payload
	if !fw.synced {
		fw.next, fw.synced = seq, true
	}
	// Bytes the frame did not capture: the segment's claimed length.
	short := 0
	if l := f.TCPLen(); l > len(p) {
		short = l - len(p)
	}
	switch {
	case seq == fw.next:
	case seqLT(seq, fw.next):
		skip := fw.next - seq
		if uint64(skip) >= uint64(len(p)) {
			for i := range r.hs {
				if c.accepted&(1<<i) != 0 {
					r.retrans[i]++
				}
			}
			return // a retransmission of bytes already given
		}
		p = p[skip:]
		seq = fw.next
	default:
		r.hold(c, d, seq, f, p, src, dst)
		return
	}
	r.give(c.accepted, d, f.Number, f.TimeNs, p, src, dst)
	fw.next = seq + uint32(len(p))
	if short > 0 {
		r.gap(c.accepted, d, f.Number, f.TimeNs, short, src, dst)
		fw.next += uint32(short)
	}
	r.drain(c, d, src, dst)
}

// hold keeps a copy of a segment ahead of the next expected byte.
func (r *Reassembler) hold(c *conn, d int, seq uint32, f *frame.Frame, p []byte, src, dst netip.AddrPort) {
	ps := c.pend(d)
	full := false
	for i := range r.hs {
		if c.accepted&(1<<i) != 0 && r.held[i]+len(p) > r.lim.HeldBytes {
			full = true
		}
	}
	if full || len(ps) >= maxHeldSegments {
		// Too much ahead of this hole: give it up and go on from here (for
		// every consumer of the connection).
		if full {
			for i := range r.hs {
				if c.accepted&(1<<i) != 0 {
					r.caps[i].Hit("tcp reassembly bytes held", r.lim.HeldBytes)
				}
			}
		}
		r.flushTo(c, d, seq, src, dst)
		r.data(c, d, seq, f, src, dst)
		return
	}
	i := len(ps)
	for i > 0 && seqGT(ps[i-1].seq, seq) {
		i--
	}
	ps = append(ps, held{})
	copy(ps[i+1:], ps[i:])
	ps[i] = held{seq: seq, frame: f.Number, timeNs: f.TimeNs, data: append([]byte(nil), p...)}
	c.setPend(d, ps)
	r.unhold(c.accepted, -len(p))
}

// drain gives the held segments that are now in order.
func (r *Reassembler) drain(c *conn, d int, src, dst netip.AddrPort) {
	fw := &c.dir[d]
	ps := c.pend(d)
	k := 0
	for ; k < len(ps); k++ {
		p := ps[k]
		if seqGT(p.seq, fw.next) {
			break
		}
		r.unhold(c.accepted, len(p.data))
		b := p.data
		if skip := fw.next - p.seq; uint64(skip) < uint64(len(b)) {
			b = b[skip:]
			r.give(c.accepted, d, p.frame, p.timeNs, b, src, dst)
			fw.next += uint32(len(b))
		}
	}
	if k > 0 {
		n := copy(ps, ps[k:])
		clear(ps[n:])
		ps = ps[:n]
	}
	if len(ps) == 0 {
		ps = nil
	}
	c.setPend(d, ps)
}

// flushTo declares the bytes of direction d before seq lost: the held
// segments before seq are given, each after a gap for the hole before it.
func (r *Reassembler) flushTo(c *conn, d int, seq uint32, src, dst netip.AddrPort) {
	fw := &c.dir[d]
	for ps := c.pend(d); len(ps) > 0 && !seqGT(ps[0].seq, seq); ps = c.pend(d) {
		p := ps[0]
		if seqGT(p.seq, fw.next) {
			r.gap(c.accepted, d, p.frame, p.timeNs, int(p.seq-fw.next), src, dst)
			fw.next = p.seq
		}
		r.drain(c, d, src, dst)
	}
	if seqGT(seq, fw.next) {
		r.gap(c.accepted, d, r.curFrame, r.curTimeNs, int(seq-fw.next), src, dst)
		fw.next = seq
		r.drain(c, d, src, dst)
	}
}

// give hands b to the consumers of mask m, in order, each given the
// Segment afresh.
func (r *Reassembler) give(m uint8, d, frameNo int, ts int64, b []byte, src, dst netip.AddrPort) {
	if len(b) == 0 {
		return
	}
	s, n := &r.seg, r.curStream
	for i, h := range r.hs {
		if m&(1<<i) != 0 {
			*s = Segment{Stream: n, Dir: d, Frame: frameNo, TimeNs: ts, Src: src, Dst: dst, Data: b}
			h.Data(s)
		}
	}
	s.Data = nil
}

// gap tells the consumers of mask m, in order, of lost bytes.
func (r *Reassembler) gap(m uint8, d, frameNo int, ts int64, lost int, src, dst netip.AddrPort) {
	s, n := &r.seg, r.curStream
	for i, h := range r.hs {
		if m&(1<<i) != 0 {
			*s = Segment{Stream: n, Dir: d, Frame: frameNo, TimeNs: ts, Src: src, Dst: dst, Lost: lost}
			h.Gap(s)
		}
	}
}

func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
