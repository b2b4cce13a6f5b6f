// Package tcp follows TCP connections the way Wireshark does (tcp.stream,
// tcp.analysis.* flags) and builds four reports in one pass:
// tcp_connections, tcp_anomalies, tcp_retransmissions and traffic_flow.
//
// Tunnels: the frame decoder follows IP-in-IP, GRE, VXLAN and Geneve, so TCP
// inside a tunnel is tracked (the innermost TCP header); TCP quoted inside
// ICMP errors is not tracked. Connections are numbered once per frame by
// frame.StreamAssigner (Frame.TCPStream), not here.
package tcp

import (
	"fmt"
	"net/netip"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
)

// Tool names.
const (
	ToolConnections     = "tcp_connections"
	ToolAnomalies       = "tcp_anomalies"
	ToolRetransmissions = "tcp_retransmissions"
	ToolTrafficFlow     = "traffic_flow"
)

func init() {
	engine.Register(engine.Factory{
		Name:    "tcp",
		Tools:   []string{ToolConnections, ToolAnomalies, ToolRetransmissions, ToolTrafficFlow},
		Reports: map[string]any{ToolConnections: ConnectionsReport{}, ToolAnomalies: AnomaliesReport{}, ToolRetransmissions: RetransReport{}, ToolTrafficFlow: FlowReport{}},
		New:     func(o *engine.Options) engine.Tap { return New(o, 0) },
	})
}

// maxSeconds caps the per-second retransmission series.
const maxSeconds = 100_000

// second is one bucket of the per-second series.
type second struct {
	packets, retrans, fast, spurious int
}

// Tap is the TCP analyzer.
type Tap struct {
	opts    *engine.Options
	tr      *Tracker
	seconds map[int64]*second
	secCap  bool
	// lastSec and lastSecB are the second of the previous TCP packet and
	// its bucket (nil before the first), which saves a lookup per packet.
	lastSec  int64
	lastSecB *second
	// evicted totals the connections closed out by the cap.
	evicted   *totals
	filterIP  netip.Addr
	filterSet bool
	badFilter string
	// tracePoints counts the packets kept in connections' traces.
	tracePoints int
	// traceConns counts the connections given a trace.
	traceConns int
}

// New returns a TCP tap tracking at most maxConns connections at once
// (DefaultMaxConns when 0).
func New(o *engine.Options, maxConns int) *Tap {
	if o == nil {
		o = &engine.Options{}
	}
	t := &Tap{opts: o, tr: NewTracker(maxConns), seconds: map[int64]*second{}, evicted: newTotals()}
	t.tr.OnPacket = t.onPacket
	t.tr.OnEvict = t.onEvict
	if o.ServerIP != "" {
		t.filterSet = true
		a, err := netip.ParseAddr(strings.TrimSpace(o.ServerIP))
		if err != nil {
			t.badFilter = fmt.Sprintf("server_ip %q is not an IP address: no connection matches", o.ServerIP)
		}
		t.filterIP = a.Unmap()
	}
	if o.ServerPort != 0 {
		t.filterSet = true
	}
	return t
}

// Tracker returns the tap's connection tracker.
func (t *Tap) Tracker() *Tracker { return t.tr }

// Packet implements engine.Tap.
func (t *Tap) Packet(f *frame.Frame) { t.tr.Packet(f) }

func (t *Tap) onPacket(c *Conn, dir int, f *frame.Frame, seglen int, fl Flag) {
	if c.trace != nil || t.traceConns < maxTraceConns && t.tracePoints < maxTraceTotal {
		t.record(c, dir, f, seglen, fl)
	}
	s := f.TimeNs / 1e9
	if f.TimeNs < 0 && f.TimeNs%1e9 != 0 {
		s--
	}
	b := t.lastSecB
	if b == nil || s != t.lastSec {
		b = t.seconds[s]
		if b == nil {
			if len(t.seconds) >= maxSeconds {
				t.secCap = true
				return
			}
			b = &second{}
			t.seconds[s] = b
		}
		t.lastSec, t.lastSecB = s, b
	}
	b.packets++
	if fl&anyRetransmission != 0 {
		b.retrans++
	}
	if fl&FlagFastRetransmission != 0 {
		b.fast++
	}
	if fl&FlagSpuriousRetransmission != 0 {
		b.spurious++
	}
}

// Finish implements engine.Tap.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	b := t.build(c)
	return map[string]any{
		ToolConnections:     b.connections(),
		ToolAnomalies:       b.anomalies(),
		ToolRetransmissions: b.retransmissions(),
		ToolTrafficFlow:     b.trafficFlow(),
	}
}
