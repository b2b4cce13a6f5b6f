package dns

import (
	"encoding/binary"
	"net/netip"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/tcpstream"
)

// DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by
// a two-byte length. tcpstream gives each direction's bytes in order
// (retransmissions dropped, early segments held until the hole fills,
// holes the peer acknowledged given up); this cuts them into messages. A
// gap discards the partial message, and the bytes after it are taken to
// start a new one.

// maxTCPBuffered bounds the bytes held in partial messages over all flows.
const maxTCPBuffered = 8 << 20

// tcpFlow is one direction's partial message.
type tcpFlow struct {
	buf []byte
}

// tcpReassembler frames the DNS messages of the TCP connections it is fed,
// bounded in connections (tcpstream's generations) and bytes.
type tcpReassembler struct {
	ra *tcpstream.Reassembler
	// shared, when set, gives the connections on DNS's ports from a
	// Reassembler shared with other consumers (share); ra then reads only
	// the ones recognised on other ports.
	shared *tcpstream.Consumer
	flows  map[[2]int]*tcpFlow // by tcp.stream and direction
	// capHit is set when a partial message was dropped for the byte bound.
	capHit bool
	// buffered is the number of bytes held in all flows' partial messages.
	buffered int
	gaps     int
	out      [][]byte
	// from is, for each message of out, the segment whose bytes completed
	// it, when it is not the frame being fed (held bytes of the other
	// direction given up when the peer acknowledged past a hole).
	from    []*tcpstream.Segment
	cur     *frame.Frame
	scratch []byte
	segs    []tcpstream.Segment
}

func newTCPReassembler(max int) *tcpReassembler {
	return &tcpReassembler{ra: tcpstream.New(tcpstream.Limits{Streams: max}), flows: map[[2]int]*tcpFlow{}}
}

// retransmissions counts segments whose bytes were all seen before.
func (t *tcpReassembler) retransmissions() int {
	n := t.ra.Retransmissions()
	if t.shared != nil {
		n += t.shared.Retransmissions()
	}
	return n
}

// segment feeds the TCP segment of f and returns the messages it
// completes, valid until the next call.
func (t *tcpReassembler) segment(f *frame.Frame) [][]byte {
	t.reset()
	t.cur = f
	t.ra.Packet(f, t)
	return t.out
}

// fed returns the messages the shared Reassembler's calls for f completed
// (share), valid until reset.
func (t *tcpReassembler) fed(f *frame.Frame) [][]byte {
	t.cur = f
	return t.out
}

// reset forgets the messages of the last frame.
func (t *tcpReassembler) reset() {
	t.out, t.from, t.segs = t.out[:0], t.from[:0], t.segs[:0]
	t.scratch = t.scratch[:0]
}

// share takes the connections on DNS's ports from a Reassembler shared
// with other consumers (engine.TCPReader), whose calls for a frame come
// before the tap's Packet (fed, then reset); the connections recognised
// as DNS on other ports stay with ra, fed from their first message on
// (segment).
func (t *tcpReassembler) share(add func(h tcpstream.Handler) *tcpstream.Consumer) {
	t.shared = add(dnsPorts{t})
}

// dnsPorts is the reassembler as the shared Reassembler's consumer: it
// follows the connections on DNS's ports.
type dnsPorts struct{ *tcpReassembler }

// Accept takes a connection on DNS's ports.
func (dnsPorts) Accept(f *frame.Frame) bool { return wellKnown(f.SrcPort, f.DstPort, true) != "" }

// source returns the frame message i of the last segment call is from: the
// frame fed, or the one whose held bytes completed it, with its direction's
// addresses.
func (t *tcpReassembler) source(i int, alt *frame.Frame) *frame.Frame {
	s := t.from[i]
	if s == nil {
		return t.cur
	}
	*alt = frame.Frame{Number: s.Frame, TimeNs: s.TimeNs, Transport: frame.TransportTCP, TCPStream: s.Stream,
		SrcIP: s.Src.Addr(), DstIP: s.Dst.Addr(), SrcPort: s.Src.Port(), DstPort: s.Dst.Port()}
	return alt
}

// Accept follows every connection the tap feeds: it feeds only DNS ones.
func (t *tcpReassembler) Accept(*frame.Frame) bool { return true }

// Data cuts a direction's in-order bytes into messages.
func (t *tcpReassembler) Data(s *tcpstream.Segment) {
	k := [2]int{s.Stream, s.Dir}
	fl := t.flows[k]
	if fl == nil {
		fl = &tcpFlow{}
		t.flows[k] = fl
	}
	before, n := len(fl.buf), len(t.out)
	t.consume(fl, s.Data)
	var from *tcpstream.Segment
	cur := t.cur
	if t.shared != nil {
		if f := t.shared.Frame(); f != nil {
			cur = f // called by the shared Reassembler
		}
	}
	if n < len(t.out) && s.Src != netip.AddrPortFrom(cur.SrcIP, cur.SrcPort) {
		t.segs = append(t.segs, *s)
		from = &t.segs[len(t.segs)-1]
	}
	for range t.out[n:] {
		t.from = append(t.from, from)
	}
	t.buffered += len(fl.buf) - before
	if t.buffered > maxTCPBuffered {
		// Too many partial messages held: drop this one.
		t.capHit = true
		t.buffered -= len(fl.buf)
		fl.buf = fl.buf[:0]
	}
}

// Gap drops the direction's partial message.
func (t *tcpReassembler) Gap(s *tcpstream.Segment) {
	t.gaps++
	if fl := t.flows[[2]int{s.Stream, s.Dir}]; fl != nil {
		t.buffered -= len(fl.buf)
		fl.buf = fl.buf[:0]
	}
}

// End forgets the connection's partial messages.
func (t *tcpReassembler) End(stream int) {
	for d := 0; d < 2; d++ {
		k := [2]int{stream, d}
		if fl := t.flows[k]; fl != nil {
			t.buffered -= len(fl.buf)
			delete(t.flows, k)
		}
	}
}

// consume appends payload to the flow and cuts out complete messages.
// Messages wholly inside payload are returned without copying.
func (t *tcpReassembler) consume(fl *tcpFlow, p []byte) {
	for len(fl.buf) > 0 && len(p) > 0 {
		// Complete the buffered message first.
		need := 2
		if len(fl.buf) >= 2 {
			need = 2 + int(binary.BigEndian.Uint16(fl.buf))
		}
		take := min(need-len(fl.buf), len(p))
		fl.buf = append(fl.buf, p[:take]...)
		p = p[take:]
		if len(fl.buf) >= 2 && len(fl.buf) == 2+int(binary.BigEndian.Uint16(fl.buf)) {
			// Copy out: the flow buffer is reused for what follows.
			start := len(t.scratch)
			t.scratch = append(t.scratch, fl.buf[2:]...)
			t.out = append(t.out, t.scratch[start:])
			fl.buf = fl.buf[:0]
		}
	}
	for len(p) >= 2 {
		n := int(binary.BigEndian.Uint16(p))
		if len(p) < 2+n {
			break
		}
		t.out = append(t.out, p[2:2+n])
		p = p[2+n:]
	}
	if len(p) > 0 {
		fl.buf = append(fl.buf, p...)
	}
}
