package http

import (
	"bytes"
	"net/netip"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcpstream"
)

// Ports are the TCP ports Wireshark 4.0 decodes as HTTP by default
// (tcp.port in `tshark -G decodes`: HTTP, IPP 631, SSDP 1900, DAAP 3689,
// WinRM 5985, proxies 3128/3132/8080/8088, HKP 11371, 2710, 2869).
var Ports = []uint16{80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371}

// ssdpPort is the UDP port Wireshark 4.0 decodes as HTTP (SSDP, HTTP over
// UDP: udp.port in `tshark -G decodes`).
const ssdpPort = 1900

// MaxConns is how many HTTP connections a Follower keeps state for at once.
const MaxConns = 50_000

// maxQueued is how many requests awaiting a response one connection remembers.
const maxQueued = 64

// Follower reads the HTTP messages of a capture's TCP connections: it runs
// tcpstream's reassembly and one Parser per direction, and calls Message
// for every message a frame completes. The tool's tap and the display
// filters' matcher (analysis/query) both read HTTP through it.
type Follower struct {
	// Message is called for each message, during the Packet call of the
	// frame that completes it; m is valid only during the call.
	Message func(c *Conn, s *tcpstream.Segment, m *Message)
	// Closed, when set, is called when a connection ends.
	Closed func(c *Conn)
	// Lost, when set, is called when missing bytes cut a message of
	// direction dir (0: client, 1: server) in progress: a response cut so
	// answers the oldest request awaiting one, which gets no response.
	Lost func(c *Conn, dir int)
	// Continuation, when set, is called for a segment of an HTTP
	// connection that starts where a message should and is none (what
	// Wireshark shows as "Continuation": the frame has the http protocol
	// and no message).
	Continuation func(s *tcpstream.Segment)

	tcp   tcpstream.Reader
	conns map[int]*Conn
	udp   Conn // the datagram being read (HTTP over UDP)
	caps  report.Caps
	// Skipped, Overflow and Incomplete add up the parsers' counts of the
	// connections closed so far (Totals adds the open ones).
	skipped, overflow, incomplete int
}

// Conn is one HTTP connection as a Follower sees it.
type Conn struct {
	// Stream is the connection's tcp.stream; Client and Server its ends.
	Stream         int
	Client, Server netip.AddrPort
	// UDP is true for HTTP over UDP (SSDP on port 1900): one message per
	// datagram, no connection, no pairing.
	UDP    bool
	p      [2]Parser
	heads  []uint8 // for each request awaiting a response: reqHead, reqConnect or 0
	tunnel bool    // a CONNECT was answered with 2xx: the rest is not HTTP
}

// Requests whose response is read differently.
const (
	reqHead    = 1 + iota // HEAD: the response has no body
	reqConnect            // CONNECT: a 2xx response has no body and opens a tunnel
)

// NewFollower returns a Follower with tcpstream's default limits.
func NewFollower() *Follower {
	fl := &Follower{conns: map[int]*Conn{}}
	fl.tcp.Own(tcpstream.Limits{}, fl)
	return fl
}

// Packet feeds one frame, in file order.
func (fl *Follower) Packet(f *frame.Frame) {
	if f.Transport == frame.TransportUDP && (f.SrcPort == ssdpPort || f.DstPort == ssdpPort) && len(f.Payload) > 0 {
		fl.datagram(f)
		return
	}
	if f.Transport != frame.TransportTCP {
		return
	}
	fl.tcp.Packet(f)
	if f.TCP.FIN {
		fl.fin(f)
	}
}

// Share makes the Follower read TCP connections as a consumer of a
// Reassembler shared with others (engine.TCPReader): add registers it. From
// then on Packet does not reassemble: the Reassembler's calls for a frame
// come before Packet's for the frame.
func (fl *Follower) Share(add func(h tcpstream.Handler) *tcpstream.Consumer) {
	fl.tcp.Share(add, fl)
}

// datagram reads HTTP over UDP: the datagram's messages, each complete in it.
func (fl *Follower) datagram(f *frame.Frame) {
	c := &fl.udp
	*c = Conn{Stream: -1, UDP: true, Client: netip.AddrPortFrom(f.SrcIP, f.SrcPort), Server: netip.AddrPortFrom(f.DstIP, f.DstPort), p: [2]Parser{{buf: c.p[0].buf}}}
	s := tcpstream.Segment{Stream: -1, Frame: f.Number, TimeNs: f.TimeNs, Src: c.Client, Dst: c.Server, Data: f.Payload}
	p := &c.p[0]
	p.Segment()
	data := f.Payload
	for len(data) > 0 {
		n, m := p.Feed(data)
		data = data[n:]
		if m != nil {
			fl.emit(c, &s, m)
		}
	}
	if m := p.Close(); m != nil {
		fl.emit(c, &s, m)
	}
	if p.Skipped > 0 && fl.Continuation != nil {
		fl.Continuation(&s)
	}
	fl.skipped += p.Skipped
	fl.overflow += p.Overflow
}

// fin completes, at the FIN of its sender, a response that lasts until the
// connection closes (tshark completes it there too).
func (fl *Follower) fin(f *frame.Frame) {
	c := fl.conns[f.TCPStream]
	if c == nil {
		return
	}
	d := 0
	if netip.AddrPortFrom(f.SrcIP, f.SrcPort) != c.Client {
		d = 1
	}
	if c.p[d].state != stUntilEnd {
		return
	}
	s := tcpstream.Segment{Stream: c.Stream, Dir: d, Frame: f.Number, TimeNs: f.TimeNs,
		Src: netip.AddrPortFrom(f.SrcIP, f.SrcPort), Dst: netip.AddrPortFrom(f.DstIP, f.DstPort)}
	if m := c.p[d].Close(); m != nil {
		fl.emit(c, &s, m)
	}
}

// Accept decides at a connection's first segment with data whether it is
// HTTP (tcpstream.Handler): a port of Ports, or Wireshark's heuristic.
func (fl *Follower) Accept(f *frame.Frame) bool {
	if !httpPort(f.SrcPort) && !httpPort(f.DstPort) && !heuristic(f.Payload) {
		return false
	}
	if len(fl.conns) >= MaxConns {
		fl.caps.Hit("HTTP connections", MaxConns)
		return false
	}
	return true
}

// httpPort reports whether p is one of Ports.
func httpPort(p uint16) bool {
	for _, q := range Ports {
		if p == q {
			return true
		}
	}
	return false
}

// heuristic is Wireshark 4.0's HTTP-over-TCP heuristic as tshark 4.0.17
// applies it: the segment's first line (it must end in the segment) starts
// or ends with an HTTP/1.x version ("HTTP/1.1", "HTTP/1.0"), in any case,
// and is more than that token.
func heuristic(p []byte) bool {
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		return false
	}
	line := trimCR(p[:i])
	const n = len("HTTP/1.1")
	if len(line) <= n {
		return false
	}
	return httpVersionFold(line[:n]) || httpVersionFold(line[len(line)-n:])
}

// httpVersionFold reports whether b is "HTTP/1.d" in any case.
func httpVersionFold(b []byte) bool {
	return eqFold(b[:7], "http/1.") && digit(b[7])
}

// conn returns the state of s's connection, making it.
func (fl *Follower) conn(s *tcpstream.Segment) *Conn {
	c := fl.conns[s.Stream]
	if c == nil {
		c = &Conn{Stream: s.Stream}
		if s.Dir == 0 {
			c.Client, c.Server = s.Src, s.Dst
		} else {
			c.Client, c.Server = s.Dst, s.Src
		}
		c.p[1].noBody = c.noBody
		fl.conns[s.Stream] = c
	}
	return c
}

// noBody reports whether the response being read, of status code, has no
// body because of its request: HEAD (RFC 9110 section 9.3.2) or a 2xx to
// CONNECT (section 9.3.6).
func (c *Conn) noBody(code int) bool {
	if len(c.heads) == 0 {
		return false
	}
	return c.heads[0] == reqHead || (c.heads[0] == reqConnect && code/100 == 2)
}

// Data reads a direction's bytes (tcpstream.Handler).
func (fl *Follower) Data(s *tcpstream.Segment) {
	c := fl.conn(s)
	if c.tunnel {
		return
	}
	p := &c.p[s.Dir&1]
	p.Segment()
	skipped := p.Skipped
	data := s.Data
	for len(data) > 0 {
		n, m := p.Feed(data)
		data = data[n:]
		if m != nil {
			fl.emit(c, s, m)
			if c.tunnel {
				return
			}
		}
	}
	if p.Skipped != skipped && fl.Continuation != nil {
		fl.Continuation(s)
	}
}

// emit keeps the request/response order and hands the message on.
func (fl *Follower) emit(c *Conn, s *tcpstream.Segment, m *Message) {
	if c.UDP {
		// One message per datagram, nothing to pair.
	} else if m.Request {
		if len(c.heads) >= maxQueued {
			c.heads = c.heads[1:]
		}
		var k uint8
		switch m.Method {
		case "HEAD":
			k = reqHead
		case "CONNECT":
			k = reqConnect
		}
		c.heads = append(c.heads, k)
	} else if len(c.heads) > 0 && m.Code/100 != 1 {
		if c.heads[0] == reqConnect && m.Code/100 == 2 {
			c.tunnel = true
		}
		c.heads = c.heads[1:]
	}
	if fl.Message != nil {
		fl.Message(c, s, m)
	}
}

// Gap drops the message in progress in that direction (tcpstream.Handler).
func (fl *Follower) Gap(s *tcpstream.Segment) {
	c := fl.conn(s)
	d := s.Dir & 1
	p := &c.p[d]
	if p.Pending() {
		fl.incomplete++
		if d == 1 && len(c.heads) > 0 {
			c.heads = c.heads[1:]
		}
		if fl.Lost != nil {
			fl.Lost(c, d)
		}
	}
	p.Reset()
}

// End closes a connection (tcpstream.Handler): a response lasting until
// the close completes, on the frame that closes it; any other message in
// progress is incomplete. The connection ends at a FIN each way, a reset,
// or its drop at the reassembler's cap.
func (fl *Follower) End(stream int) {
	c := fl.conns[stream]
	if c == nil {
		return
	}
	delete(fl.conns, stream)
	cur := fl.tcp.Frame()
	for d := range c.p {
		pending := c.p[d].Pending()
		m := c.p[d].Close()
		if m == nil && pending {
			// A message the close cuts short: as incomplete as one the
			// capture's end cuts (Totals).
			fl.incomplete++
		}
		if m != nil && cur != nil {
			s := tcpstream.Segment{Stream: stream, Dir: d, Frame: cur.Number, TimeNs: cur.TimeNs}
			if d == 0 {
				s.Src, s.Dst = c.Client, c.Server
			} else {
				s.Src, s.Dst = c.Server, c.Client
			}
			fl.emit(c, &s, m)
		}
	}
	fl.skipped += c.p[0].Skipped + c.p[1].Skipped
	fl.overflow += c.p[0].Overflow + c.p[1].Overflow
	if fl.Closed != nil {
		fl.Closed(c)
	}
}

// Totals returns, over every connection: the segments skipped where a
// message should have started, the header blocks over MaxHeaderBytes, and
// the messages cut short by missing bytes or by the end of the capture.
func (fl *Follower) Totals() (skipped, overflow, incomplete int) {
	skipped, overflow, incomplete = fl.skipped, fl.overflow, fl.incomplete
	for _, c := range fl.conns {
		for d := range c.p {
			skipped += c.p[d].Skipped
			overflow += c.p[d].Overflow
			if c.p[d].Pending() {
				incomplete++
			}
		}
	}
	return
}

// Caps lists the caps hit: connections not followed, and tcpstream's.
func (fl *Follower) Caps() []report.Cap {
	return append(fl.caps.List(), fl.tcp.Caps()...)
}
