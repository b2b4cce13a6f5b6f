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
//
// The options (server_ip, server_port, threshold, detailed) only shape the
// reports: the tap implements engine.Rebuilder, building the four reports
// again under other options from the connections it kept, with each
// connection's first frames of every analysis flag. Only when the connection
// cap closed connections out during the pass can it not rebuild under
// another server filter.
package tcp

import (
	"fmt"
	"math/bits"
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
	// rstConns are the first RST of each connection reset (Early).
	rstConns finding.Frames
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
	t := &Tap{tr: NewTracker(maxConns), io: report.NewGrid(mergeIO), evicted: newTotals()}
	t.tr.OnPacket = t.onPacket
	t.tr.OnEvict = t.onEvict
	t.setOptions(o)
	return t
}

// setOptions sets the options and the server filter they make.
func (t *Tap) setOptions(o *engine.Options) {
	t.opts = o
	t.filterIP, t.filterSet, t.badFilter = netip.Addr{}, false, ""
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
}

// sameFilter reports whether u selects the connections t selects.
func (t *Tap) sameFilter(u *Tap) bool {
	return t.filterSet == u.filterSet && t.filterIP == u.filterIP && t.opts.ServerPort == u.opts.ServerPort
}

// Tracker returns the tap's connection tracker.
func (t *Tap) Tracker() *Tracker { return t.tr }

// Packet implements engine.Tap.
func (t *Tap) Packet(f *frame.Frame) {
	t.cur = t.io.At(f.TimeNs)
	t.tr.Packet(f)
}

func (t *Tap) onPacket(c *Conn, dir int, f *frame.Frame, seglen int, fl Flag) {
	if t.traceConns < maxTraceConns && t.tracePoints < maxTraceTotal || t.tr.sideOf(c).trace != nil {
		t.record(c, dir, f, seglen, fl)
	}
	b := t.cur
	if b == nil { // the tracker driven without Packet
		b = t.io.At(f.TimeNs)
	}
	b.packets++
	if f.TCP.RST && t.tr.peek(c, 0).rst+t.tr.peek(c, 1).rst == 1 {
		t.rstConns.Add(f.Number) // the connection's first RST
	}
	if fl == 0 {
		return
	}
	t.tr.keepFlagged(c, f.Number, fl)
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

// keepFlagged keeps frame n, given flags fl, among the connection's first
// frames of each analysis flag (finding.MaxFrames of each), so that the
// first frames of a flag over any set of connections can be told after the
// pass (Rebuild). Called after count, so the counts include this frame.
func (t *Tracker) keepFlagged(c *Conn, n int, fl Flag) {
	if n <= 0 {
		return
	}
	fs := t.flagsOf(c)
	if fs == nil { // count was not given fl
		return
	}
	for b := counted(fl); b != 0; b &= b - 1 {
		if fs.total(bits.TrailingZeros32(uint32(b))) <= finding.MaxFrames {
			fs.frames = append(fs.frames, uint64(n)<<numFlags|uint64(fl))
			return
		}
	}
}

// Rebuild implements engine.Rebuilder: the four reports again under other
// options (server_ip, server_port, threshold, detailed), from the state the
// pass kept, without reading the capture again. They are the reports a pass
// run with o would build. It returns nil when the state kept cannot give
// them: the connection cap closed connections out during the pass (their
// rows are gone, only totals under the pass's filter are left) and o
// filters other connections than the pass's options did.
func (t *Tap) Rebuild(o *engine.Options, c *engine.Capture) map[string]any {
	u := *t
	u.setOptions(o)
	if !t.sameFilter(&u) {
		if t.tr.evictions > 0 {
			return nil
		}
		u.evicted = newTotals()
		u.flagFrames = [numFlags]finding.Frames{}
		for _, cn := range t.tr.all {
			if u.filterSet && !u.connMatches(cn) {
				continue
			}
			fs := t.tr.flagsOf(cn)
			if fs == nil {
				continue
			}
			for _, x := range fs.frames {
				n, fl := int(x>>numFlags), Flag(x&(1<<numFlags-1))
				if fl&anyRetransmission != 0 {
					u.flagFrames[0].Add(n)
				}
				for i := 1; i < numFlags; i++ {
					if fl&(1<<i) != 0 {
						u.flagFrames[i].Add(n)
					}
				}
			}
		}
	}
	return u.Finish(c)
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
