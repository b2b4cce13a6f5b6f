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
	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcpstream"
)

func init() {
	engine.Register(engine.Factory{Name: "http", Tools: []string{"http"}, Reports: map[string]any{"http": Report{}}, New: func(o *engine.Options) engine.Tap { return New(o) }})
}

// Caps on what an attacker can grow.
const (
	maxTransactions = 100_000
	maxStatKeys     = 10_000 // distinct keys per statistic
)

// Tap is the HTTP analyzer.
type Tap struct {
	opts   *engine.Options
	fl     *Follower
	queues map[int][]*txn // per tcp.stream: requests awaiting their response

	txns      []*txn
	txnsTotal int
	requests  int
	responses int
	unpaired  int // responses without a request
	lastFrame int
	nframes   int

	st       stats
	timeline *report.Grid[bucket]
	caps     report.Caps
	// early counts what Early tells as the messages come: the requests
	// sending credentials (hdr in authorization headers, form in forms or
	// query strings) and the responses carrying an executable.
	early struct {
		creds, exes finding.Frames
		hdr, form   int
	}
}

// New returns a fresh HTTP tap.
func New(o *engine.Options) *Tap {
	if o == nil {
		o = &engine.Options{}
	}
	t := &Tap{opts: o, fl: NewFollower(), queues: map[int][]*txn{}, st: newStats()}
	t.fl.Message = t.message
	t.fl.Closed = func(c *Conn) { delete(t.queues, c.Stream) }
	t.fl.Lost = func(c *Conn, dir int) {
		// The response to the oldest request was cut: it stays unanswered.
		if q := t.queues[c.Stream]; dir == 1 && len(q) > 0 {
			q[0] = nil
			t.queues[c.Stream] = q[1:]
		}
	}
	return t
}

// Packet feeds one frame.
func (t *Tap) Packet(f *frame.Frame) { t.fl.Packet(f) }

// ShareTCP reads the TCP connections through the run's Reassembler
// (engine.TCPReader).
func (t *Tap) ShareTCP(add func(h tcpstream.Handler) *tcpstream.Consumer) { t.fl.Share(add) }

var _ engine.TCPReader = (*Tap)(nil)

var _ tcpstream.Handler = (*Follower)(nil)
