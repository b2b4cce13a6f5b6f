package query

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/dns"
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/sip"
	"pcaplens/analysis/tcp"
	"pcaplens/analysis/tls"
)

// Matcher runs one display filter over the frames of a capture, in file
// order. It keeps the state that fields need across frames (the TCP
// analysis, the previous frame's time, DNS queries awaiting their answer,
// the RTP endpoints SDP announced), and only the state the filter uses. A
// Matcher is not safe for concurrent use; it serves one pass over one
// capture.
type Matcher struct {
	flt  *filter.Filter
	src  source
	vals []filter.Value // AppendText's scratch

	// What the filter needs beyond the frame itself.
	needTracker bool // tcp.analysis.*, tcp.seq, tcp.ack, tcp.window_size
	needTFO     bool // tcp.analysis.tfo_*
	needDNS     bool // dns, mdns, dns.*: DNS over TCP is framed across segments
	needDNSTime bool // dns.time
	needRTP     bool // rtp: the endpoints SIP's SDP announced
	needSIP     bool // sip, sip.*, rtp: SIP over TCP is framed across segments
	needHTTP    bool // http, http.*: HTTP over reassembled TCP (http.go)
	needStreams bool // tcp.stream and udp.stream numbers
	needSDP     bool // udp.stream: the conversations SDP sets up have their own
	needTLS     bool // tls, tls.*: TLS over reassembled TCP, QUIC Initials

	tracker *tcp.Tracker
	// The TCP analysis of the current frame, set by the tracker's
	// OnPacket (tcpFrame is the frame it describes).
	tcpFrame    int
	tcpFlags    tcp.Flag
	tcpSeq      uint32
	tcpAck      uint32
	tcpWin      uint32
	tcpAnalysis bool // the frame has tshark's "SEQ/ACK analysis" tree
	tcpTFO      uint8
	// streams is the state of each tcp.stream the tracker saw.
	streams []streamState
	tfo     map[int]uint32 // tcp.stream -> length of the data its SYN carried

	// Times.
	seenFirst bool
	firstNs   int64
	prevNs    int64
	relNs     int64
	deltaNs   int64

	// DNS over TCP: the messages the current frame completes.
	framer      *dns.TCPFramer
	tcpDNS      [][]byte
	tcpDNSFrame int

	// dns.time: queries awaiting their response.
	dnsq map[dnsKey]dnsTxn
	// SIP over TCP, per direction.
	sipFramer *sip.TCPFramer
	// rtp: the endpoints announced by SDP, with the frame announcing them.
	rtp map[netip.AddrPort]int
	// assigner numbers the frames given to Match (SetStreams): the
	// conversations SDP sets up are announced to it.
	assigner *frame.StreamAssigner
	// tls: the dissector and the current frame's fields (tls.go).
	tlsDis  *tls.Dissector
	tlsVals *tls.FrameValues
	// http: the messages the current frame completes.
	http *httpState
}

// streamState is what a Matcher keeps per TCP stream and direction: the
// window shift in force after the last frame, and the sequence numbers at
// which the oldest and newest segments not yet acknowledged end.
type streamState struct {
	lo, hi [2]uint32
	pend   [2]bool
	shift  [2]int8
}

// Caps on the state a Matcher keeps; past one, the table is cleared (and
// fields relying on it may be missing on later frames).
const (
	maxDNSPending   = 1 << 16
	maxRTPEndpoints = 1 << 14
	maxTFOStreams   = 1 << 12
	maxDNSTCPFlows  = 4096
	maxStreamStates = 1 << 24
)

// NewMatcher compiles a Wireshark 4.0 display filter (an empty one selects
// every frame); a refused filter
// returns the filter package's *filter.Error unchanged.
func NewMatcher(expr string) (*Matcher, error) {
	flt, err := filter.Compile(expr)
	if err != nil {
		return nil, err
	}
	m := &Matcher{flt: flt}
	m.src.m = m
	m.Want(flt.Fields()...)
	return m, nil
}

// Want makes the Matcher keep, beyond what its filter reads, the state
// that fields ids need across frames (the TCP analysis, DNS over TCP, the
// DNS transactions, SIP over TCP, the RTP endpoints, stream numbers), so
// that Values and AppendText serve them for every frame. Call it before
// the first frame.
func (m *Matcher) Want(ids ...filter.FieldID) {
	for _, id := range ids {
		switch {
		case id == filter.TCPSeq || id == filter.TCPAck || id == filter.TCPWindowSize ||
			id == filter.TCPAnalysis || id == filter.TCPAnalysisFlags ||
			(id >= filter.TCPAnalysisRetransmission && id <= filter.TCPAnalysisTFOIgnored):
			m.needTracker = true
			if id >= filter.TCPAnalysisTFOSyn && id <= filter.TCPAnalysisTFOIgnored {
				m.needTFO = true
			}
		case id == filter.DNSTime:
			m.needDNSTime, m.needDNS = true, true
		case id == filter.DNS || id == filter.MDNS || id >= filter.DNSID && id <= filter.DNSAAAA:
			m.needDNS = true
		case id == filter.RTP:
			m.needRTP, m.needSIP = true, true
		case id == filter.SIP || id >= filter.SIPMethod && id <= filter.SIPCallID:
			m.needSIP = true
		case id == filter.TCPStream:
			m.needStreams = true
		case id == filter.UDPStream:
			// Wireshark numbers the RTP, RTCP and T.38 conversations SDP
			// sets up apart: SIP is read for them.
			m.needStreams, m.needSDP, m.needSIP = true, true, true
		case isTLSField(id):
			m.needTLS = true
		case id == filter.HTTP || id >= filter.HTTPRequest && id <= filter.HTTPServer:
			m.needHTTP = true
		}
	}
	// The TCP analysis, DNS and SIP over TCP follow connections by tcp.stream.
	m.needStreams = m.needStreams || m.needTracker || m.needDNS || m.needSIP || m.needTLS || m.needHTTP
	if m.needTracker && m.tracker == nil {
		m.tracker = tcp.NewTracker(0)
		m.tracker.OnPacket = m.onTCP
	}
	if m.needTFO && m.tfo == nil {
		m.tfo = map[int]uint32{}
	}
	if m.needDNS && m.framer == nil {
		m.framer = dns.NewTCPFramer(maxDNSTCPFlows)
	}
	if m.needDNSTime && m.dnsq == nil {
		m.dnsq = map[dnsKey]dnsTxn{}
	}
	if (m.needRTP || m.needSDP) && m.rtp == nil {
		m.rtp = map[netip.AddrPort]int{}
	}
	if m.needHTTP && m.http == nil {
		m.http = newHTTPState()
	}
	if m.needSIP && m.sipFramer == nil {
		m.sipFramer = sip.NewTCPFramer()
	}
}

// WantAll makes the Matcher serve every field of the registry (Want),
// except the tls fields: their dissector (TCP reassembly of every
// connection, QUIC decryption) would cost every frame of every pass, so
// they are served when the filter reads them or Want names them.
func (m *Matcher) WantAll() {
	for _, f := range filter.Registry() {
		if !isTLSField(f.ID) {
			m.Want(f.ID)
		}
	}
}

// Values appends the occurrences of field id in the frame last given to
// Match, as a filter sees them: the one extraction of field values, for
// filters, tshark-style field output and the packet detail. Strings and
// bytes refer to the frame's buffers and to the Matcher's scratch memory:
// they are valid until the next Match. Fields needing state across frames
// are served when the filter reads them or Want asked for them.
func (m *Matcher) Values(id filter.FieldID, buf []filter.Value) []filter.Value {
	if m.src.f == nil {
		return buf
	}
	return m.src.Values(id, buf)
}

// AppendText appends field id of the frame last given to Match as tshark
// 4.0 -T fields prints it (filter.AppendValues): every occurrence,
// separated by commas; nothing when the frame does not have the field.
func (m *Matcher) AppendText(dst []byte, id filter.FieldID) []byte {
	m.vals = m.Values(id, m.vals[:0])
	return filter.AppendValues(dst, id, m.vals)
}

// NeedsStreams reports whether the filter reads the stream numbers the
// engine's frame.StreamAssigner gives (tcp.stream, udp.stream, or an
// analysis following connections: tcp.analysis.*, DNS and SIP over TCP).
// A caller running the Matcher on its own may skip the assigner when it
// does not; Run does.
func (m *Matcher) NeedsStreams() bool { return m.needStreams }

// SetStreams tells the Matcher which stream assigner numbers the frames
// given to Match, so that the RTP, RTCP and T.38 endpoints a SIP
// message's session description announces are set up as conversations of
// their own from the next frame on (frame.StreamAssigner.AnnounceUDP), as
// Wireshark numbers udp.stream. Run does it; a caller running its own
// assigner calls it before the first frame.
func (m *Matcher) SetStreams(a *frame.StreamAssigner) { m.assigner = a }

// Filter returns the compiled filter.
func (m *Matcher) Filter() *filter.Filter { return m.flt }

// Match reports whether frame f passes the filter. Call it once per frame,
// in file order, after the engine's decoder, reassembler and stream
// assigner (frame.NewDecoder, frame.NewReassembler,
// frame.NewStreamAssigner), whether or not earlier frames matched: the
// state of the TCP analysis and of the other cross-frame fields is built
// from every frame.
func (m *Matcher) Match(f *frame.Frame) bool {
	s := &m.src
	s.reset(f)
	if !f.NoTime {
		if !m.seenFirst {
			m.seenFirst = true
			m.firstNs, m.prevNs = f.TimeNs, f.TimeNs
		}
		m.relNs = f.TimeNs - m.firstNs
		m.deltaNs = f.TimeNs - m.prevNs
		m.prevNs = f.TimeNs
	} else {
		m.relNs, m.deltaNs = 0, 0
	}
	if m.needTracker {
		m.tcpFrame = 0
		m.tracker.Packet(f)
	}
	if m.needDNS && f.Transport == frame.TransportTCP && (f.SrcPort == 53 || f.DstPort == 53) {
		m.tcpDNS, m.tcpDNSFrame = m.framer.Segment(f), f.Number
	}
	// SIP over TCP first: the payload's classification (which dnsTime
	// asks for) depends on the SIP messages the segment completes.
	if m.needSIP && f.Transport == frame.TransportTCP && f.TCPStream >= 0 {
		s.sipSegment()
	}
	if m.needHTTP {
		s.httpSegment()
	}
	if m.needDNSTime {
		s.dnsTime()
	}
	if m.needRTP || m.needSDP {
		s.rtpState()
	}
	if m.needTLS {
		m.tlsFrame(f)
	}
	return m.flt.Match(s)
}

// onTCP receives the tracker's analysis of the current frame.
func (m *Matcher) onTCP(c *tcp.Conn, dir int, f *frame.Frame, seglen int, fl tcp.Flag) {
	m.tcpFrame = f.Number
	m.tcpFlags = fl
	th := &f.TCP
	base, _ := m.tracker.BaseSeq(c, dir)
	m.tcpSeq = th.Seq - base
	// Without the ACK flag tshark shows the field as it is (non-zero in
	// some scans' SYNs), not relative.
	m.tcpAck = th.Ack
	if th.ACK {
		rbase, _ := m.tracker.BaseSeq(c, 1-dir)
		m.tcpAck = th.Ack - rbase
	}
	// The stream's state before this frame: the window shifts in force
	// (tshark scales the window before it reads the frame's options) and
	// the segments not acknowledged yet.
	var st *streamState
	if c.Stream >= 0 && c.Stream < maxStreamStates {
		for len(m.streams) <= c.Stream {
			m.streams = append(m.streams, streamState{shift: [2]int8{-1, -1}})
		}
		st = &m.streams[c.Stream]
	}
	m.tcpWin = uint32(th.Window)
	if st != nil && st.shift[dir] > 0 && !th.SYN {
		m.tcpWin <<= uint(st.shift[dir])
	}
	// tshark shows the SEQ/ACK analysis tree on a frame that has analysis
	// flags, carries data with bytes in flight, acknowledges beyond what the
	// other side was to have acknowledged (its check for ACKed unseen
	// segments ran, flag or not), or acknowledges a segment (data, SYN or
	// FIN) not acknowledged before.
	m.tcpAnalysis = fl != 0 || c.AckedBeyond()
	if seglen > 0 {
		_, ok := m.tracker.BytesInFlight(c, dir)
		m.tcpAnalysis = m.tcpAnalysis || ok
	}
	if st != nil {
		if rv := 1 - dir; th.ACK && st.pend[rv] && int32(th.Ack-st.lo[rv]) >= 0 {
			m.tcpAnalysis = true
			if int32(th.Ack-st.hi[rv]) >= 0 {
				st.pend[rv] = false
			} else {
				st.lo[rv] = th.Ack + 1
			}
		}
		if seglen > 0 || th.SYN || th.FIN {
			end := th.Seq + uint32(max(seglen, 0))
			if th.SYN || th.FIN {
				end++
			}
			switch {
			case !st.pend[dir]:
				st.lo[dir], st.hi[dir], st.pend[dir] = end, end, true
			case int32(end-st.hi[dir]) > 0:
				st.hi[dir] = end
			case int32(end-st.lo[dir]) < 0:
				st.lo[dir] = end
			}
		}
		st.shift[0], st.shift[1] = int8(m.tracker.WindowScale(c, 0)), int8(m.tracker.WindowScale(c, 1))
	}
	if f.TCPLen() < 0 {
		// A segment the tracker did not analyse, its length not in the IP
		// header: a whole one (an IPv6 jumbogram) has its data in flight in
		// tshark; a first fragment captured short is not analysed there
		// either.
		m.tcpAnalysis = seglen > 0 && !f.Truncated
	}
	if m.needTFO {
		m.tcpTFO = m.tfoFlags(f, c.Stream, seglen)
	}
}

// TCP Fast Open flags (tcp.analysis.tfo_syn, tfo_ack, tfo_ignored).
const (
	tfoSyn = 1 << iota
	tfoAck
	tfoIgnored
)

// tfoFlags gives a SYN carrying data and a Fast Open cookie (RFC 7413)
// tfo_syn, and the SYN/ACK of its connection tfo_ack when it acknowledges
// the data, tfo_ignored when it acknowledges only the SYN.
func (m *Matcher) tfoFlags(f *frame.Frame, stream, seglen int) uint8 {
	th := &f.TCP
	if !th.SYN {
		return 0
	}
	if !th.ACK {
		if seglen > 0 && hasTFOCookie(th.Contents) {
			if len(m.tfo) >= maxTFOStreams {
				clear(m.tfo)
			}
			m.tfo[stream] = uint32(seglen)
			return tfoSyn
		}
		return 0
	}
	n, ok := m.tfo[stream]
	if !ok {
		return 0
	}
	delete(m.tfo, stream)
	if m.tcpAck == 1 {
		return tfoIgnored
	}
	if m.tcpAck == 1+n {
		return tfoAck
	}
	return 0
}

// hasTFOCookie reports whether a TCP header carries a Fast Open option
// with a cookie (kind 34, or the experimental kind 254 with magic 0xF989).
func hasTFOCookie(h []byte) bool {
	if len(h) < 20 {
		return false
	}
	hl := int(h[12]>>4) * 4
	if hl > len(h) {
		hl = len(h)
	}
	for o := h[20:hl]; len(o) > 0; {
		switch o[0] {
		case 0:
			return false
		case 1:
			o = o[1:]
			continue
		}
		if len(o) < 2 || o[1] < 2 || int(o[1]) > len(o) {
			return false
		}
		n := int(o[1])
		if o[0] == 34 && n > 2 {
			return true
		}
		if o[0] == 254 && n > 4 && o[2] == 0xf9 && o[3] == 0x89 {
			return true
		}
		o = o[n:]
	}
	return false
}

// Frames reads a capture from r and calls fn, in file order, for each frame
// that passes the display filter expr (every frame when expr is empty). The
// frame and its buffers are reused: fn must copy what it keeps. A refused
// filter returns its *filter.Error; an error from fn stops the pass and is
// returned. A capture damaged or cut short after its start is read up to
// the damage, and the reading error is returned after fn has seen every
// frame before it.
func Frames(ctx context.Context, r io.Reader, expr string, fn func(f *frame.Frame) error) error {
	m, err := NewMatcher(expr)
	if err != nil {
		return err
	}
	return m.Run(ctx, r, fn)
}

// Run reads a capture from r with a new decoder, reassembler and stream
// assigner, as the engine does, and calls fn for each frame that passes
// m's filter (see Frames). A Matcher runs over one capture only.
func (m *Matcher) Run(ctx context.Context, r io.Reader, fn func(f *frame.Frame) error) error {
	rd, err := capture.Open(r)
	if err != nil {
		return err
	}
	p := frame.NewPipeline(rd, m.needStreams)
	m.SetStreams(p.Streams())
	for {
		if p.Frames()&1023 == 1023 && ctx.Err() != nil {
			return ctx.Err()
		}
		f, err := p.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("query: after %d frames: %w", p.Frames(), err)
		}
		if m.Match(f) {
			if err := fn(f); err != nil {
				return err
			}
		}
	}
}

// Count runs the display filter expr over the capture read from r and
// returns the numbers of the frames that pass it, and how many frames were
// read. Errors are those of Frames; on a reading error after the start, the
// frames read before it are returned with the error.
func Count(ctx context.Context, r io.Reader, expr string) (matches *Bitset, frames int, err error) {
	m, err := NewMatcher(expr)
	if err != nil {
		return nil, 0, err
	}
	bs := &Bitset{}
	err = m.Run(ctx, r, func(f *frame.Frame) error {
		bs.Set(f.Number)
		return nil
	})
	if m.src.f != nil {
		frames = m.src.f.Number
	}
	return bs, frames, err
}
