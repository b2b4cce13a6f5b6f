// Package tcp follows TCP connections the way Wireshark does (tcp.stream,
// tcp.analysis.* flags) and builds four reports in one pass:
// tcp_connections, tcp_anomalies, tcp_retransmissions and traffic_flow.
//
// Every finding (retransmissions, resets, zero windows, failed handshakes,
// scans, …) is in tcp_anomalies.findings, as finding.Finding.
//
// Tunnels: TCP inside IP-in-IP, GRE, VXLAN or Geneve is tracked by its
// innermost IP header, as Wireshark does; TCP quoted inside ICMP errors is
// not tracked (Wireshark gives it a stream but does not analyse it). Connections are numbered once per frame by
// frame.StreamAssigner (Frame.TCPStream), not here.
package tcp

import (
	"fmt"
	"net/netip"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
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
		Descriptions: map[string]string{
			ToolConnections:     "TCP connections, as Wireshark's tcp.stream numbers them: per connection its client and server, state (Zeek conn_state and history), handshake, resets and closes, data packets, retransmissions and initial round-trip time; a summary of handshakes and states. Use it for connections that fail, are refused or reset.",
			ToolAnomalies:       "TCP behaviour in one report: flag counts, where resets come from, handshake completion, retransmission rate and patterns such as port scans, SYN floods, unanswered SYNs and one-sided resets, each with the frames and a Wireshark filter.",
			ToolRetransmissions: "TCP retransmissions as Wireshark's expert analysis flags them (retransmission, fast and spurious retransmission, out-of-order, duplicate ACKs, lost segments, zero windows): the overall and per-connection rates against a threshold, the worst connections first.",
			ToolTrafficFlow:     "Traffic to and from one server (server_ip, optionally server_port): packets, bytes, SYNs, resets, FINs, data packets and retransmissions in each direction, and which side sends more and resets more.",
		},
	})
}

// ioBucket is one bucket of the TCP I/O graph.
type ioBucket struct {
	packets, retrans, fast, spurious int
}

func mergeIO(into, from *ioBucket) {
	into.packets += from.packets
	into.retrans += from.retrans
	into.fast += from.fast
	into.spurious += from.spurious
}

// Tap is the TCP analyzer.
type Tap struct {
	opts *engine.Options
	tr   *Tracker
	// io is the I/O graph of retransmissions, fed every frame's time (TCP or
	// not) so that its buckets line up with the overview's.
	io *report.Grid[ioBucket]
	// cur is the current frame's bucket of io.
	cur *ioBucket
	// evicted totals the connections closed out by the cap.
	evicted   *totals
	filterIP  netip.Addr
	filterSet bool
	badFilter string
	// flagFrames are the first frames carrying each analysis flag (index as
	// FlagNames; 0 is any retransmission), within the filter.
	flagFrames [numFlags]finding.Frames
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
	t := &Tap{opts: o, tr: NewTracker(maxConns), io: report.NewGrid(mergeIO), evicted: newTotals()}
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
func (t *Tap) Packet(f *frame.Frame) {
	t.cur = t.io.At(f.TimeNs)
	t.tr.Packet(f)
}

func (t *Tap) onPacket(c *Conn, dir int, f *frame.Frame, seglen int, fl Flag) {
	if c.trace != nil || t.traceConns < maxTraceConns && t.tracePoints < maxTraceTotal {
		t.record(c, dir, f, seglen, fl)
	}
	b := t.cur
	if b == nil { // the tracker driven without Packet
		b = t.io.At(f.TimeNs)
	}
	b.packets++
	if fl == 0 {
		return
	}
	if fl&anyRetransmission != 0 {
		b.retrans++
	}
	if fl&FlagFastRetransmission != 0 {
		b.fast++
	}
	if fl&FlagSpuriousRetransmission != 0 {
		b.spurious++
	}
	if t.filterSet && !t.connMatches(c) {
		return
	}
	if fl&anyRetransmission != 0 {
		t.flagFrames[0].Add(f.Number)
	}
	for i := 1; i < numFlags; i++ {
		if fl&(1<<i) != 0 {
			t.flagFrames[i].Add(f.Number)
		}
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
