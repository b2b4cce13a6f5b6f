// Package http is the "http" tool: HTTP/1.x requests and responses read
// from reassembled TCP connections (analysis/tcpstream), paired per
// connection in order (pipelining included), with statistics keyed as
// tshark's fields and findings (credentials in clear text, executables
// downloaded, requests to bare addresses, unusual user agents, error
// bursts, very long URIs).
//
// Which connections are HTTP follows Wireshark 4.0's defaults: a TCP
// connection with either port among the HTTP dissector's ports (Ports), or
// whose first segment with data starts or ends its first line with
// "HTTP/1.1" (the dissector's heuristic). A message is counted on the frame
// that completes it, headers and body, as tshark with its default
// reassembly shows it.
package http

import (
	"bytes"
	"net/netip"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcpstream"
)

func init() {
	engine.Register(engine.Factory{Name: "http", Tools: []string{"http"}, Reports: map[string]any{"http": Report{}}, New: func(o *engine.Options) engine.Tap { return New(o) }})
}

// Ports are the TCP ports Wireshark 4.0 decodes as HTTP by default
// (tcp.port in `tshark -G decodes`: HTTP, IPP 631, SSDP 1900, DAAP 3689,
// WinRM 5985, proxies 3128/3132/8080/8088, HKP 11371, 2710, 2869).
var Ports = []uint16{80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371}

// Caps on what an attacker can grow.
const (
	maxConns        = 50_000 // connections with state at once
	maxQueued       = 64     // requests awaiting a response on one connection
	maxTransactions = 100_000
	maxStatKeys     = 10_000 // distinct keys per statistic
)

// Tap is the HTTP analyzer.
type Tap struct {
	opts  *engine.Options
	rs    *tcpstream.Reassembler
	conns map[int]*conn
	cur   *frame.Frame

	txns      []*txn
	txnsTotal int
	requests  int
	responses int
	unpaired  int // responses without a request
	lastFrame int
	nframes   int
	overflow  int
	skipped   int
	gaps      int

	st       stats
	timeline *report.Grid[bucket]
	caps     report.Caps
}

// conn is one HTTP connection.
type conn struct {
	stream int
	client netip.AddrPort
	server netip.AddrPort
	p      [2]Parser
	queue  []*txn // requests awaiting their response, oldest first
}

// New returns a fresh HTTP tap.
func New(o *engine.Options) *Tap {
	if o == nil {
		o = &engine.Options{}
	}
	return &Tap{
		opts:   o,
		rs:     tcpstream.New(tcpstream.Limits{}),
		conns:  map[int]*conn{},
		st:     newStats(),
	}
}

// Packet feeds one frame.
func (t *Tap) Packet(f *frame.Frame) {
	if f.Transport != frame.TransportTCP {
		return
	}
	t.cur = f
	t.rs.Packet(f, t)
	t.cur = nil
}

// Accept decides at a connection's first segment with data whether it is HTTP.
func (t *Tap) Accept(f *frame.Frame) bool {
	if !httpPort(f.SrcPort) && !httpPort(f.DstPort) && !heuristic(f.Payload) {
		return false
	}
	if len(t.conns) >= maxConns {
		t.caps.Hit("connections", maxConns)
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
func (t *Tap) conn(s *tcpstream.Segment) *conn {
	c := t.conns[s.Stream]
	if c == nil {
		c = &conn{stream: s.Stream}
		if s.Dir == 0 {
			c.client, c.server = s.Src, s.Dst
		} else {
			c.client, c.server = s.Dst, s.Src
		}
		for d := range c.p {
			c.p[d].state = stIdle
		}
		c.p[1].noBody = c.headPending
		t.conns[s.Stream] = c
	}
	return c
}

// headPending reports whether the response being read answers a HEAD
// request (which has no body, RFC 9110 section 9.3.2).
func (c *conn) headPending() bool {
	return len(c.queue) > 0 && c.queue[0].Method == "HEAD"
}

// Data reads a direction's bytes.
func (t *Tap) Data(s *tcpstream.Segment) {
	c := t.conn(s)
	p := &c.p[s.Dir&1]
	p.Segment()
	data := s.Data
	for len(data) > 0 {
		n, m := p.Feed(data)
		data = data[n:]
		if m != nil {
			t.message(c, s, m)
		}
	}
}

// Gap drops the message in progress in that direction.
func (t *Tap) Gap(s *tcpstream.Segment) {
	c := t.conn(s)
	p := &c.p[s.Dir&1]
	if p.Pending() {
		t.gaps++
	}
	p.Reset()
}

// End closes a connection: a response lasting until the close completes.
func (t *Tap) End(stream int) {
	c := t.conns[stream]
	if c == nil {
		return
	}
	delete(t.conns, stream)
	for d := range c.p {
		if m := c.p[d].Close(); m != nil && t.cur != nil {
			s := tcpstream.Segment{Stream: stream, Dir: d, Frame: t.cur.Number, TimeNs: t.cur.TimeNs}
			if d == 0 {
				s.Src, s.Dst = c.client, c.server
			} else {
				s.Src, s.Dst = c.server, c.client
			}
			t.message(c, &s, m)
		}
	}
	t.skipped += c.p[0].Skipped + c.p[1].Skipped
	t.overflow += c.p[0].Overflow + c.p[1].Overflow
}
