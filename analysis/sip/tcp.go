package sip

import (
	"errors"
	"net/netip"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcpstream"
)

// SIP over TCP (RFC 3261 section 18.3): tcpstream gives each direction's
// bytes in order (retransmissions dropped, early segments held until the
// hole fills, holes the peer acknowledged given up); this frames them into
// messages by Content-Length. A connection is followed when its first
// segment with data is on port 5060 or 5061, or starts a SIP message. A
// direction is read from a segment that starts a SIP message; a gap drops
// the partial message, and so does a message that cannot be framed (no
// start line, no end of headers within 64 KiB, a Content-Length over
// 64 KiB): the direction then waits for a segment that starts a SIP message
// again. An invalid Content-Length (not a number, negative) reads as no
// body: the next message starts after the headers.

// tcpItem is one message (or malformed one) a segment call completed.
type tcpItem struct {
	msg    *Message // nil when nothing could be parsed
	reason string   // why it is malformed, or ""
	from   int      // index in segs of the segment it came from, or -1: the frame fed
	// stream is set for a problem of the stream (bytes missing, a message
	// too large), not of a message: its frame does not count as SIP.
	stream bool
}

// tcpFlow is one direction's partial message.
type tcpFlow struct {
	synced bool // reading: the direction started a SIP message
	buf    []byte
}

// tcpReader frames the SIP messages of the TCP connections it is fed,
// bounded in connections and bytes.
type tcpReader struct {
	rd       tcpstream.Reader
	flows    map[[2]int]*tcpFlow // by tcp.stream and direction
	conns    int                 // connections accepted and not ended
	refused  int                 // connections not followed: maxTCPFlows reached
	dropped  int                 // partial messages dropped: maxTCPBuffered reached
	buffered int                 // bytes held in all flows' partial messages
	out      []tcpItem
	segs     []tcpstream.Segment
	cur      *frame.Frame
	alt      frame.Frame // the frame source returns for a message not of cur
	scratch  []byte
}

func newTCPReader() *tcpReader {
	t := &tcpReader{flows: map[[2]int]*tcpFlow{}}
	t.rd.Own(tcpstream.Limits{}, t)
	return t
}

// segment feeds the TCP segment of f (to a Reassembler of the reader's
// own: a shared one's calls for f came before); the messages it completes
// are in t.out until reset, which the caller calls once it has read them.
func (t *tcpReader) segment(f *frame.Frame) {
	t.cur = f
	t.rd.Packet(f)
}

// reset forgets what the last segment call completed.
func (t *tcpReader) reset() {
	t.out, t.segs, t.scratch = t.out[:0], t.segs[:0], t.scratch[:0]
}

// source returns the frame item i of the last segment call is from: the
// frame fed when it carried the data's direction, else the segment's own
// frame (held bytes given up when the peer acknowledged past a hole), with
// its direction's addresses (valid until the next call).
func (t *tcpReader) source(i int) *frame.Frame {
	k := t.out[i].from
	if k < 0 {
		return t.cur
	}
	s := &t.segs[k]
	alt := &t.alt
	*alt = frame.Frame{Number: s.Frame, TimeNs: s.TimeNs, Transport: frame.TransportTCP, TCPStream: s.Stream,
		SrcIP: s.Src.Addr(), DstIP: s.Dst.Addr(), SrcPort: s.Src.Port(), DstPort: s.Dst.Port()}
	return alt
}

// caps are what the bounds dropped.
func (t *tcpReader) caps() []report.Cap {
	c := t.rd.Caps()
	if t.refused > 0 {
		c = append(c, report.Cap{What: capNames["tcp_flows"].what, Limit: maxTCPFlows, Dropped: t.refused})
	}
	if t.dropped > 0 {
		c = append(c, report.Cap{What: capNames["tcp_buffered"].what, Limit: maxTCPBuffered, Dropped: t.dropped})
	}
	return c
}

// Accept follows a connection on a SIP port or whose first data starts a
// SIP message, up to maxTCPFlows at once.
func (t *tcpReader) Accept(f *frame.Frame) bool {
	p := f.Payload
	if !knownPort(f.SrcPort) && !knownPort(f.DstPort) && !LooksLikeSIP(p, false) && !mayStartSIP(p) {
		return false
	}
	if t.conns >= maxTCPFlows {
		t.refused++
		return false
	}
	t.conns++
	return true
}

// End forgets the connection's partial messages.
func (t *tcpReader) End(stream int) {
	t.conns--
	for d := 0; d < 2; d++ {
		k := [2]int{stream, d}
		if fl := t.flows[k]; fl != nil {
			t.buffered -= len(fl.buf)
			delete(t.flows, k)
		}
	}
}

// Gap drops the direction's partial message; the direction waits for a new
// start line.
func (t *tcpReader) Gap(s *tcpstream.Segment) {
	fl := t.flows[[2]int{s.Stream, s.Dir}]
	if fl == nil {
		return
	}
	if len(fl.buf) > 0 {
		t.bad(s, "TCP data missing before this segment; partial SIP message dropped")
	}
	t.buffered -= len(fl.buf)
	fl.buf = fl.buf[:0]
	fl.synced = false
}

// from returns the item source of a segment: -1 when it is the frame fed's
// direction, else its index in segs (added once per segment).
func (t *tcpReader) from(s *tcpstream.Segment) int {
	cur := t.rd.Frame()
	if s.Src == netip.AddrPortFrom(cur.SrcIP, cur.SrcPort) && s.Dst == netip.AddrPortFrom(cur.DstIP, cur.DstPort) {
		return -1
	}
	if n := len(t.segs); n > 0 && t.segs[n-1].Frame == s.Frame && t.segs[n-1].Src == s.Src {
		return n - 1
	}
	t.segs = append(t.segs, *s)
	t.segs[len(t.segs)-1].Data = nil
	return len(t.segs) - 1
}

func (t *tcpReader) bad(s *tcpstream.Segment, reason string) {
	t.out = append(t.out, tcpItem{reason: reason, from: t.from(s), stream: true})
}

// Data frames a direction's in-order bytes.
func (t *tcpReader) Data(s *tcpstream.Segment) {
	k := [2]int{s.Stream, s.Dir}
	fl := t.flows[k]
	if fl == nil {
		fl = &tcpFlow{}
		t.flows[k] = fl
	}
	p := s.Data
	if !fl.synced {
		known := knownPort(s.Src.Port()) || knownPort(s.Dst.Port())
		if !LooksLikeSIP(p, known) && !mayStartSIP(p) {
			return
		}
		fl.synced = true
	}
	before := len(fl.buf)
	data := p
	fromBuf := false
	if len(fl.buf) > 0 {
		if len(fl.buf)+len(p) > MaxMessageSize+4096 {
			t.bad(s, "SIP message over TCP larger than 64 KiB; stream skipped")
			t.buffered -= before
			fl.buf = fl.buf[:0]
			fl.synced = false
			return
		}
		fl.buf = append(fl.buf, p...)
		data = fl.buf
		fromBuf = true
	}
	for len(data) > 0 {
		// Keep-alives (RFC 5626 section 3.5.1) and stray line ends between messages.
		for len(data) > 0 && (data[0] == '\r' || data[0] == '\n') {
			data = data[1:]
		}
		if len(data) == 0 {
			break
		}
		m, n, err := Parse(data, true /* stream */)
		if errors.Is(err, errIncomplete) {
			break
		}
		it := tcpItem{msg: m, from: t.from(s)}
		var pe *ParseError
		if errors.As(err, &pe) {
			it.reason = pe.Reason
		}
		if m == nil {
			// Cannot find the next message boundary: wait for a later start line.
			t.out = append(t.out, it)
			data = nil
			fl.synced = false
			break
		}
		if fromBuf && len(m.Body) > 0 {
			// The flow's buffer is reused: the body is copied out.
			start := len(t.scratch)
			t.scratch = append(t.scratch, m.Body...)
			m.Body = t.scratch[start:len(t.scratch):len(t.scratch)]
		}
		t.out = append(t.out, it)
		data = data[n:]
	}
	// Keep the unparsed rest (copied: data may alias the frame).
	switch {
	case len(data) == 0:
		fl.buf = fl.buf[:0]
	case fromBuf:
		fl.buf = fl.buf[:copy(fl.buf, data)]
	default:
		fl.buf = append(fl.buf[:0], data...)
	}
	t.buffered += len(fl.buf) - before
	if t.buffered > maxTCPBuffered {
		// Too many partial messages held: drop this one and read on from
		// the next start line.
		t.dropped++
		t.buffered -= len(fl.buf)
		fl.buf = fl.buf[:0]
		fl.synced = false
	}
}

// TCPFramer finds the SIP messages carried over TCP, following each
// direction of each connection across segments as the tap does (over
// tcpstream): framed by Content-Length, bounded in connections and bytes,
// retransmitted bytes dropped, early segments held until the hole fills.
type TCPFramer struct {
	r   *tcpReader
	out []*Message
}

// NewTCPFramer returns a framer.
func NewTCPFramer() *TCPFramer { return &TCPFramer{r: newTCPReader()} }

// Segment feeds the TCP segment of f and returns the SIP messages it
// completes (malformed ones included when they parsed). They are valid until
// the next call.
func (t *TCPFramer) Segment(f *frame.Frame) []*Message {
	t.out = t.out[:0]
	t.r.segment(f)
	for _, it := range t.r.out {
		if it.msg != nil {
			t.out = append(t.out, it.msg)
		}
	}
	t.r.reset()
	return t.out
}

// segment handles one TCP segment in the tap.
func (t *Tap) segment(f *frame.Frame) {
	r := t.tcp
	r.segment(f)
	counted := -1
	for i := range r.out {
		src := r.source(i)
		it := &r.out[i]
		if it.stream {
			t.bad(src, it.reason)
			continue
		}
		if src.Number != counted {
			t.frames++
			counted = src.Number
		}
		if it.reason != "" {
			t.bad(src, it.reason)
		}
		if it.msg != nil {
			t.cur = src
			t.handle(it.msg, src, "TCP")
		}
	}
	t.cur = f
	r.reset()
}

// ShareTCP reads the TCP connections through the run's Reassembler
// (engine.TCPReader).
func (t *Tap) ShareTCP(add func(h tcpstream.Handler) *tcpstream.Consumer) { t.tcp.rd.Share(add, t.tcp) }

var _ engine.TCPReader = (*Tap)(nil)
