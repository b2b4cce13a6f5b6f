package tcp

import (
	"fmt"
	"iter"
	"net/netip"
	"sort"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Filter is the server_ip/server_port restriction of the reports.
type Filter struct {
	ServerIP   string `json:"server_ip,omitempty"`
	ServerPort int    `json:"server_port,omitempty"`
}

// matches reports whether a connection involves the filtered server: one
// endpoint has server_ip, and (when set) that endpoint or, without an IP,
// either endpoint uses server_port (as the seed filters packets).
func (t *Tap) matches(b *brief) bool {
	return t.matchEnds(b.client(), b.server(), b.clientPort(), b.serverPort())
}

// connMatches is matches for a connection being tracked, with the roles
// known so far.
func (t *Tap) connMatches(c *Conn) bool {
	ci, _ := c.serverSide()
	return t.matchEnds(c.addr(ci), c.addr(1-ci), c.port(ci), c.port(1-ci))
}

func (t *Tap) matchEnds(client, server netip.Addr, cport, sport uint16) bool {
	ip, port := t.filterIP, t.opts.ServerPort
	if !t.filterSet {
		return true
	}
	if !ip.IsValid() {
		return port == 0 || int(sport) == port || int(cport) == port
	}
	if server == ip && (port == 0 || int(sport) == port) {
		return true
	}
	return client == ip && (port == 0 || int(cport) == port)
}

// builder holds what the four reports share.
type builder struct {
	t        *Tap
	cap      *engine.Capture
	rows     []brief // live (not evicted) connections matching the filter
	tot      *totals
	warnings []string
	caps     report.Caps
	found    []finding.Finding
	filter   Filter
	// servers are all connections' servers by packets, before filtering.
	servers map[netip.Addr]int
}

func (t *Tap) build(c *engine.Capture) *builder {
	b := &builder{t: t, cap: c, tot: t.evicted.clone(), servers: map[netip.Addr]int{}}
	b.filter = Filter{ServerIP: t.opts.ServerIP, ServerPort: t.opts.ServerPort}
	b.warnings = append([]string{}, c.Warnings...)
	if t.badFilter != "" {
		b.warnings = append(b.warnings, t.badFilter)
	}
	b.rows = make([]brief, 0, len(t.tr.all))
	for _, cn := range t.tr.all {
		r := newBrief(t.tr, cn)
		if len(b.servers) < maxSources || b.servers[r.server()] > 0 {
			b.servers[r.server()] += r.packets()
		}
		if !t.matches(&r) {
			continue
		}
		b.tot.add(&r)
		b.rows = append(b.rows, r)
	}
	if t.tr.evictions > 0 {
		// Closed-out connections are counted in the totals but not listed,
		// and a later packet on the same ports starts a new connection.
		b.caps.HitN("connections tracked at once", t.tr.maxConns, t.tr.evictions)
	}
	if b.tot.sourcesDropped > 0 {
		b.caps.HitN("RST source addresses", maxSources, b.tot.sourcesDropped)
	}
	b.found = b.findings() // before the warnings: it may hit caps
	b.warnings = append(b.warnings, b.caps.Warnings()...)
	return b
}

func (t *Tap) onEvict(c *Conn) {
	if r := newBrief(t.tr, c); t.matches(&r) {
		t.evicted.add(&r)
	}
}

// rate is a / b, or nil (null) when there is nothing to divide by.
func rate(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ConnectionsSummary is tcp_connections.summary.
type ConnectionsSummary struct {
	TotalConnections int `json:"total_connections"`
	// ConnectionAttempts counts the connections that began with a client's
	// SYN: SuccessfulHandshakes + FailedHandshakes, the denominator of both.
	ConnectionAttempts     int            `json:"connection_attempts"`
	SuccessfulHandshakes   int            `json:"successful_handshakes"`
	FailedHandshakes       int            `json:"failed_handshakes"`
	EstablishedConnections int            `json:"established_connections"`
	ResetConnections       int            `json:"reset_connections"`
	NormalClose            int            `json:"normal_close"`
	ActiveConnections      int            `json:"active_connections"`
	ListedConnections      int            `json:"listed_connections"`
	TotalPackets           int            `json:"total_packets"`
	ConnStates             map[string]int `json:"conn_states"`
	AnalysisFlags          map[string]int `json:"analysis_flags"`
}

// ConnectionsReport is the tcp_connections report.
type ConnectionsReport struct {
	File        string               `json:"file"`
	Filter      Filter               `json:"filter"`
	Summary     ConnectionsSummary   `json:"summary"`
	Connections report.Rows[ConnRow] `json:"connections"`
	// Servers compares both directions of the busiest servers (top 20).
	Servers  []ServerFlow `json:"servers"`
	Caps     []report.Cap `json:"caps"`
	Warnings []string     `json:"warnings"`
}

// interest ranks a connection for the short list: failed, reset,
// retransmitting, zero-window, then slowest handshake.
func interest(r *brief) int {
	state, _ := r.state()
	switch {
	case r.failedHandshake():
		return 5
	case state == "reset":
		return 4
	case r.retransmissions() > 0:
		return 3
	case r.flagCount(7) > 0: // zero window
		return 2
	}
	return 0
}

// shortList is how many connections are listed without detailed (seed: 10).
const shortList = 10

func (b *builder) connections() any {
	listed := b.rows // every row, in order: the builder's, which the other reports only read
	if !b.t.opts.Detailed {
		type key struct {
			interest, retrans int
			rtt               int64
			i                 int32
		}
		keys := make([]key, len(b.rows))
		for i := range b.rows {
			r := &b.rows[i]
			keys[i] = key{interest(r), r.retransmissions(), r.rtt(), int32(i)}
		}
		sort.Slice(keys, func(i, j int) bool {
			a, c := &keys[i], &keys[j]
			if a.interest != c.interest {
				return a.interest > c.interest
			}
			if a.retrans != c.retrans {
				return a.retrans > c.retrans
			}
			if a.rtt != c.rtt {
				return a.rtt > c.rtt
			}
			return b.rows[a.i].stream() < b.rows[c.i].stream()
		})
		listed = make([]brief, min(len(keys), shortList))
		for i := range listed {
			listed[i] = b.rows[keys[i].i]
		}
	}
	rows := report.MakeRows(len(listed), func(i int, dst *ConnRow) {
		a := rowAllocs.Get().(*rowAlloc)
		listed[i].row(dst, a)
		a.flush()
		rowAllocs.Put(a)
	})
	tot := b.tot
	rep := &ConnectionsReport{
		File:   b.cap.FileName,
		Filter: b.filter,
		Summary: ConnectionsSummary{
			TotalConnections:       tot.conns,
			ConnectionAttempts:     tot.attempts(),
			SuccessfulHandshakes:   tot.handshakeOK,
			FailedHandshakes:       tot.handshakeFailed,
			EstablishedConnections: tot.established,
			ResetConnections:       tot.reset,
			NormalClose:            tot.normal,
			ActiveConnections:      tot.active,
			ListedConnections:      rows.Len(),
			TotalPackets:           tot.packets,
			ConnStates:             tot.connStates,
			AnalysisFlags:          tot.flags.Map(),
		},
		Connections: rows,
		Servers:     b.serverFlows(),
		Caps:        b.caps.List(),
		Warnings:    b.warnings,
	}
	return rep
}

// AnomalyStatistics is tcp_anomalies.statistics.
type AnomalyStatistics struct {
	TotalConnections int             `json:"total_connections"`
	TotalPackets     int             `json:"total_packets"`
	Handshake        map[string]int  `json:"handshake"`
	Flags            map[string]int  `json:"flags"`
	RSTDistribution  RSTDistribution `json:"rst_distribution"`
	Retransmissions  RetransStats    `json:"retransmissions"`
	ConnectionStates map[string]int  `json:"connection_states"`
	ConnStates       map[string]int  `json:"conn_states"`
	AnalysisFlags    map[string]int  `json:"analysis_flags"`
}

// RSTDistribution says who sent the RSTs.
type RSTDistribution struct {
	// BySource counts RST packets by sender address (the 20 busiest).
	BySource map[string]int `json:"by_source"`
	// ByDirection counts RST packets: "to_server" (sent by the client),
	// "from_server" (sent by the server).
	ByDirection map[string]int `json:"by_direction"`
	// ConnectionsWithRST counts the connections with a RST (reset_connections).
	ConnectionsWithRST int `json:"connections_with_rst"`
	// ResetBy splits those connections by who sent a RST: "client" (only
	// the client), "server" (only the server), "both"; the three add up to
	// ConnectionsWithRST.
	ResetBy map[string]int `json:"reset_by"`
}

// RetransStats is tcp_anomalies.statistics.retransmissions.
type RetransStats struct {
	Total        int            `json:"total"`
	ByConnection map[string]int `json:"by_connection"`
	// Rate is Total / TCP packets; null without TCP packets.
	Rate *float64 `json:"rate"`
}

// AnomaliesReport is the tcp_anomalies report: the statistics behind the
// TCP findings, and the findings.
type AnomaliesReport struct {
	File       string            `json:"file"`
	Filter     Filter            `json:"filter"`
	Statistics AnomalyStatistics `json:"statistics"`
	// Findings are every TCP finding, most serious first.
	Findings []finding.Finding `json:"findings"`
	Caps     []report.Cap      `json:"caps"`
	Warnings []string          `json:"warnings"`
}

// FindingList implements finding.Lister.
func (r *AnomaliesReport) FindingList() []finding.Finding { return r.Findings }

func addrMap(m map[netip.Addr]int) map[string]int {
	out := make(map[string]int, len(m))
	for a, n := range m {
		out[a.String()] = n
	}
	return out
}

func topMap(m map[string]int, n int) map[string]int {
	if len(m) <= n {
		return m
	}
	type kv struct {
		k string
		v int
	}
	l := make([]kv, 0, len(m))
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool {
		if l[i].v != l[j].v {
			return l[i].v > l[j].v
		}
		return l[i].k < l[j].k
	})
	out := make(map[string]int, n)
	for _, e := range l[:n] {
		out[e.k] = e.v
	}
	return out
}

func (b *builder) anomalies() any {
	tot := b.tot
	byConn := map[string]int{}
	for i := range b.rows {
		if r := &b.rows[i]; r.retransmissions() > 0 {
			byConn[r.name()] += r.retransmissions()
		}
	}
	rep := &AnomaliesReport{
		File:   b.cap.FileName,
		Filter: b.filter,
		Statistics: AnomalyStatistics{
			TotalConnections: tot.conns,
			TotalPackets:     tot.packets,
			Handshake:        map[string]int{"successful": tot.handshakeOK, "failed": tot.handshakeFailed},
			Flags:            map[string]int{"syn": tot.syn, "syn_ack": tot.synAck, "rst": tot.rst, "fin": tot.fin, "ack": tot.ack},
			RSTDistribution: RSTDistribution{
				BySource:           topMap(addrMap(tot.rstBySource), 20),
				ByDirection:        map[string]int{"to_server": tot.rstToServer, "from_server": tot.rstFromServer},
				ConnectionsWithRST: tot.connsWithRST,
				ResetBy:            map[string]int{"client": tot.resetBy[0], "server": tot.resetBy[1], "both": tot.resetBy[2]},
			},
			Retransmissions: RetransStats{
				Total:        tot.flags[0],
				ByConnection: topMap(byConn, 20),
				Rate:         rate(tot.flags[0], tot.packets),
			},
			ConnectionStates: tot.closedStates,
			ConnStates:       tot.connStates,
			AnalysisFlags:    tot.flags.Map(),
		},
		Findings: b.found,
		Caps:     b.caps.List(),
		Warnings: b.warnings,
	}
	return rep
}

// RetransConn is one row of tcp_retransmissions.by_connection.
type RetransConn struct {
	Connection   string  `json:"connection"`
	Stream       int     `json:"stream"`
	RetransCount int     `json:"retrans_count"`
	TotalPackets int     `json:"total_packets"`
	RetransRate  float64 `json:"retrans_rate"`
	Fast         int     `json:"fast"`
	Spurious     int     `json:"spurious"`
	Timeout      int     `json:"timeout"`
	DataSegments int     `json:"data_segments"`
	RetransData  int     `json:"retransmitted_data_segments"`
}

// IOGraph is tcp_retransmissions.io_graph: per bucket, TCP packets and the
// retransmissions among them. Its axis is the overview's (report.Grid fed
// every frame's time), so the two line up bucket for bucket.
type IOGraph struct {
	report.Axis
	Packets         []int `json:"packets"`
	Retransmissions []int `json:"retransmissions"`
	Fast            []int `json:"fast"`
	Spurious        []int `json:"spurious"`
}

// RetransSummary is tcp_retransmissions.summary.
type RetransSummary struct {
	WorstConnection           string  `json:"worst_connection"`
	WorstRetransRate          float64 `json:"worst_retrans_rate"`
	ConnectionsAboveThreshold int     `json:"connections_above_threshold"`
	ConnectionsWithRetrans    int     `json:"connections_with_retransmissions"`
}

// RetransReport is the tcp_retransmissions report.
type RetransReport struct {
	File                 string `json:"file"`
	Filter               Filter `json:"filter"`
	TotalPackets         int    `json:"total_packets"`
	TotalRetransmissions int    `json:"total_retransmissions"`
	// RetransmissionRate and DataRetransmissionRate are null when there
	// is nothing to divide by (no TCP packets, no data segments).
	RetransmissionRate        *float64                 `json:"retransmission_rate"`
	DataSegments              int                      `json:"data_segments"`
	RetransmittedDataSegments int                      `json:"retransmitted_data_segments"`
	DataRetransmissionRate    *float64                 `json:"data_retransmission_rate"`
	Threshold                 float64                  `json:"threshold"`
	ExceedsThreshold          bool                     `json:"exceeds_threshold"`
	ByKind                    map[string]int           `json:"by_kind"`
	ByConnection              report.Rows[RetransConn] `json:"by_connection"`
	Summary                   RetransSummary           `json:"summary"`
	// IOGraph covers every TCP packet; it is empty (no buckets) when a
	// server filter is set.
	IOGraph  IOGraph      `json:"io_graph"`
	Caps     []report.Cap `json:"caps"`
	Warnings []string     `json:"warnings"`
}

// DefaultThreshold is the seed's retransmission-rate threshold.
const DefaultThreshold = 0.02

// threshold is the options' retransmission-rate threshold, DefaultThreshold when unset.
func (t *Tap) threshold() float64 {
	if t.opts.Threshold <= 0 {
		return DefaultThreshold
	}
	return t.opts.Threshold
}

func (b *builder) retransmissions() any {
	tot := b.tot
	th := b.t.threshold()
	rep := &RetransReport{
		File:                      b.cap.FileName,
		Filter:                    b.filter,
		TotalPackets:              tot.packets,
		TotalRetransmissions:      tot.flags[0],
		RetransmissionRate:        rate(tot.flags[0], tot.packets),
		DataSegments:              tot.dataSegments,
		RetransmittedDataSegments: tot.retransData,
		DataRetransmissionRate:    rate(tot.retransData, tot.dataSegments),
		Threshold:                 th,
		ByKind:                    map[string]int{"timeout": tot.timeout, "fast": tot.fast, "spurious": tot.spurious},
		IOGraph:                   b.ioGraph(),
		Caps:                      b.caps.List(),
		Warnings:                  b.warnings,
	}
	rep.ExceedsThreshold = rep.RetransmissionRate != nil && *rep.RetransmissionRate > th
	// The rows are made when read: on a capture whose connections all
	// retransmit, one made for each was about 140 bytes and a name.
	var retrans []brief
	for i := range b.rows {
		r := &b.rows[i]
		if r.retransmissions() == 0 {
			continue
		}
		retrans = append(retrans, *r)
		if ratio(r.retransmissions(), r.packets()) > th {
			rep.Summary.ConnectionsAboveThreshold++
		}
	}
	rep.Summary.ConnectionsWithRetrans = len(retrans)
	sort.Slice(retrans, func(i, j int) bool {
		a, c := &retrans[i], &retrans[j]
		ra, rc := ratio(a.retransmissions(), a.packets()), ratio(c.retransmissions(), c.packets())
		if ra != rc {
			return ra > rc
		}
		if a.retransmissions() != c.retransmissions() {
			return a.retransmissions() > c.retransmissions()
		}
		return a.stream() < c.stream()
	})
	if len(retrans) > 0 {
		rep.Summary.WorstConnection = retrans[0].name()
		rep.Summary.WorstRetransRate = ratio(retrans[0].retransmissions(), retrans[0].packets())
	}
	if !b.t.opts.Detailed && len(retrans) > shortList {
		retrans = retrans[:shortList]
	}
	rep.ByConnection = report.MakeRows(len(retrans), func(i int, dst *RetransConn) { retrans[i].retransConn(dst) })
	return rep
}

// retransConn makes the connection's row of tcp_retransmissions.by_connection
// into dst.
func (r *brief) retransConn(dst *RetransConn) {
	n := r.retransmissions()
	fast, spurious := r.flagCount(1), r.flagCount(2)
	*dst = RetransConn{
		Connection: r.name(), Stream: r.stream(), RetransCount: n,
		TotalPackets: r.packets(), RetransRate: ratio(n, r.packets()),
		Fast: fast, Spurious: spurious, Timeout: n - fast - spurious,
		DataSegments: r.dataPackets(), RetransData: r.retransData(),
	}
}

func (b *builder) ioGraph() IOGraph {
	g := IOGraph{Packets: []int{}, Retransmissions: []int{}, Fast: []int{}, Spurious: []int{}}
	if b.t.filterSet {
		return g
	}
	g.Axis = b.t.io.Axis()
	for _, v := range b.t.io.Buckets() {
		g.Packets = append(g.Packets, v.packets)
		g.Retransmissions = append(g.Retransmissions, v.retrans)
		g.Fast = append(g.Fast, v.fast)
		g.Spurious = append(g.Spurious, v.spurious)
	}
	return g
}

// FlowDirection is one direction of traffic_flow.
type FlowDirection struct {
	PacketCount     uint64         `json:"packet_count"`
	ByteCount       uint64         `json:"byte_count"`
	PayloadBytes    uint64         `json:"payload_bytes"`
	SynCount        int            `json:"syn_count"`
	RstCount        int            `json:"rst_count"`
	FinCount        int            `json:"fin_count"`
	DataPackets     uint32         `json:"data_packets"`
	Retransmissions int            `json:"retransmissions"`
	AnalysisFlags   map[string]int `json:"analysis_flags"`
}

// FlowTiming is traffic_flow.timing.
type FlowTiming struct {
	Connections        int            `json:"connections"`
	HandshakesComplete int            `json:"handshakes_completed"`
	InitialRTT         *report.Spread `json:"initial_rtt_seconds"`
	SynToSynAck        *report.Spread `json:"syn_to_syn_ack_seconds"`
	FirstResponse      *report.Spread `json:"first_response_seconds"`
}

// FlowAnalysis is traffic_flow.analysis.
type FlowAnalysis struct {
	AsymmetryRatio    float64 `json:"asymmetry_ratio"`
	PrimaryRSTSource  string  `json:"primary_rst_source"`
	DataFlowDirection string  `json:"data_flow_direction"`
	Interpretation    string  `json:"interpretation"`
}

// FlowComparison compares both directions of one server: traffic_flow's
// figures, also given per busy server in tcp_connections.servers.
type FlowComparison struct {
	ClientToServer FlowDirection `json:"client_to_server"`
	ServerToClient FlowDirection `json:"server_to_client"`
	Analysis       FlowAnalysis  `json:"analysis"`
	Timing         FlowTiming    `json:"timing"`
}

// FlowReport is the traffic_flow report.
type FlowReport struct {
	File       string `json:"file"`
	Server     string `json:"server"`
	ServerPort int    `json:"server_port,omitempty"`
	FlowComparison
	Caps     []report.Cap `json:"caps"`
	Warnings []string     `json:"warnings"`
}

// busiest names the servers with the most packets.
func (b *builder) busiest(n int) string {
	type kv struct {
		a netip.Addr
		n int
	}
	l := make([]kv, 0, len(b.servers))
	for a, c := range b.servers {
		l = append(l, kv{a, c})
	}
	sort.Slice(l, func(i, j int) bool {
		if l[i].n != l[j].n {
			return l[i].n > l[j].n
		}
		return l[i].a.Less(l[j].a)
	})
	if len(l) > n {
		l = l[:n]
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = fmt.Sprintf("%s (%s)", e.a, report.Plural(e.n, "packet", "packets"))
	}
	if len(parts) == 0 {
		return "no TCP servers were seen"
	}
	return "busiest servers: " + strings.Join(parts, ", ")
}

func (b *builder) trafficFlow() any {
	o := b.t.opts
	if o.ServerIP == "" {
		return engine.ErrorReport{Error: "traffic_flow needs server_ip; " + b.busiest(5), File: b.cap.FileName}
	}
	if !b.t.filterIP.IsValid() {
		return engine.ErrorReport{Error: fmt.Sprintf("traffic_flow: server_ip %q is not an IP address; %s", o.ServerIP, b.busiest(5)), File: b.cap.FileName}
	}
	if b.tot.conns == 0 {
		return engine.ErrorReport{Error: fmt.Sprintf("traffic_flow: no TCP traffic to or from %s in the capture; %s", b.filterDesc(), b.busiest(5)), File: b.cap.FileName}
	}
	rows := func(yield func(*brief) bool) {
		for i := range b.rows {
			if !yield(&b.rows[i]) {
				return
			}
		}
	}
	return &FlowReport{File: b.cap.FileName, Server: o.ServerIP, ServerPort: o.ServerPort,
		FlowComparison: compare(b.t.filterIP, rows), Caps: b.caps.List(), Warnings: b.warnings}
}

// compare builds the two-direction comparison of server ip over rows, each
// oriented by ip: in a row where ip is the client, its "client" direction is
// the one from ip.
func compare(ip netip.Addr, rows iter.Seq[*brief]) FlowComparison {
	var rep FlowComparison
	var d [2]struct {
		s   DirStats
		fc  FlagCounts
		syn int
		rst int
		fin int
	}
	var rtts, synack, resp []float64
	for r := range rows {
		c2s, s2c := 0, 1
		if r.server() != ip && r.client() == ip {
			c2s, s2c = 1, 0
		}
		dirs := [2]DirStats{r.dirStats(0), r.dirStats(1)}
		d[0].s.add(&dirs[c2s])
		d[1].s.add(&dirs[s2c])
		if fs := r.ext.flags; fs != nil {
			// The connection's directions are its endpoints'; the row's
			// client is endpoint r.ci.
			ends := [2]int8{r.ci, r.si}
			fs.addTo(&d[0].fc, int(ends[c2s]))
			fs.addTo(&d[1].fc, int(ends[s2c]))
		}
		d[0].syn += r.synCount(c2s)
		d[1].syn += r.synCount(s2c)
		d[0].rst += r.rstCount(c2s)
		d[1].rst += r.rstCount(s2c)
		d[0].fin += r.finCount(c2s)
		d[1].fin += r.finCount(s2c)
		rep.Timing.Connections++
		if r.handshakeDone() {
			rep.Timing.HandshakesComplete++
		}
		if d := r.rtt(); d > 0 {
			rtts = append(rtts, secs(d))
		}
		if d := r.synAckDelay(); d >= 0 {
			synack = append(synack, secs(d))
		}
		if c2s, s2c := r.dir(0).firstData, r.dir(1).firstData; c2s != 0 && s2c != 0 && s2c >= c2s {
			resp = append(resp, secs(s2c-c2s))
		}
	}
	rep.Timing.InitialRTT = report.Summarize(rtts)
	rep.Timing.SynToSynAck = report.Summarize(synack)
	rep.Timing.FirstResponse = report.Summarize(resp)
	mk := func(i int) FlowDirection {
		m := map[string]int{}
		for j, n := range d[i].fc {
			if n > 0 {
				m[FlagNames[j]] = n
			}
		}
		return FlowDirection{
			PacketCount: d[i].s.Packets, ByteCount: d[i].s.IPBytes, PayloadBytes: d[i].s.PayloadBytes,
			SynCount: d[i].syn, RstCount: d[i].rst, FinCount: d[i].fin,
			DataPackets: d[i].s.DataPackets, Retransmissions: d[i].fc[0], AnalysisFlags: m,
		}
	}
	rep.ClientToServer, rep.ServerToClient = mk(0), mk(1)
	a := &rep.Analysis
	cb, sb := float64(rep.ClientToServer.ByteCount), float64(rep.ServerToClient.ByteCount)
	if sb > 0 {
		a.AsymmetryRatio = cb / sb
	}
	cr, sr := rep.ClientToServer.RstCount, rep.ServerToClient.RstCount
	switch {
	case cr == 0 && sr == 0:
		a.PrimaryRSTSource = "none"
	case cr > sr:
		a.PrimaryRSTSource = "client"
	case sr > cr:
		a.PrimaryRSTSource = "server"
	default:
		a.PrimaryRSTSource = "balanced"
	}
	cp, sp := float64(rep.ClientToServer.PayloadBytes), float64(rep.ServerToClient.PayloadBytes)
	switch {
	case cp > 2*sp:
		a.DataFlowDirection = "client_heavy"
	case sp > 2*cp:
		a.DataFlowDirection = "server_heavy"
	default:
		a.DataFlowDirection = "balanced"
	}
	var parts []string
	switch a.DataFlowDirection {
	case "server_heavy":
		parts = append(parts, fmt.Sprintf("The server sent most of the payload (%s of %s bytes).", report.Count(int(sp)), report.Count(int(cp+sp))))
	case "client_heavy":
		parts = append(parts, fmt.Sprintf("Clients sent most of the payload (%s of %s bytes).", report.Count(int(cp)), report.Count(int(cp+sp))))
	default:
		parts = append(parts, fmt.Sprintf("Payload is balanced between directions (%s to the server, %s from it).", report.Plural(int(cp), "byte", "bytes"), report.Plural(int(sp), "byte", "bytes")))
	}
	if cr+sr > 0 {
		parts = append(parts, fmt.Sprintf("RST packets: %s from clients, %s from the server.", report.Count(cr), report.Count(sr)))
	}
	if n := rep.ClientToServer.Retransmissions + rep.ServerToClient.Retransmissions; n > 0 {
		parts = append(parts, fmt.Sprintf("Retransmissions: %s towards the server, %s from it.", report.Count(rep.ClientToServer.Retransmissions), report.Count(rep.ServerToClient.Retransmissions)))
	}
	a.Interpretation = strings.Join(parts, " ")
	return rep
}

// maxServerFlows is how many servers tcp_connections.servers compares.
const maxServerFlows = 20

// ServerFlow is one row of tcp_connections.servers: a server among the
// busiest and its traffic_flow comparison, as traffic_flow would give it
// with server_ip set to that address (within the report's filter).
type ServerFlow struct {
	Server string `json:"server"`
	// Packets counts the packets of the connections where it is the server (the ranking).
	Packets int `json:"packets"`
	FlowComparison
}

// serverFlows compares both directions of the busiest servers (by packets
// of the connections where the address is the server) among the listed
// rows; ties go to the lower address.
func (b *builder) serverFlows() []ServerFlow {
	out := []ServerFlow{}
	// Bounded by the tracked connections (the rows).
	byServer := map[netip.Addr]int{}
	for i := range b.rows {
		r := &b.rows[i]
		byServer[r.server()] += r.packets()
	}
	type kv struct {
		a netip.Addr
		n int
	}
	top := make([]kv, 0, len(byServer))
	for a, n := range byServer {
		top = append(top, kv{a, n})
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].n != top[j].n {
			return top[i].n > top[j].n
		}
		return top[i].a.Less(top[j].a)
	})
	if len(top) > maxServerFlows {
		top = top[:maxServerFlows]
	}
	// One pass assigns each row to the chosen addresses it involves.
	slot := make(map[netip.Addr]int, len(top))
	for i, e := range top {
		slot[e.a] = i
	}
	members := make([][]int32, len(top))
	for i := range b.rows {
		r := &b.rows[i]
		s, okS := slot[r.server()]
		c, okC := slot[r.client()]
		if okS {
			members[s] = append(members[s], int32(i))
		}
		if okC && (!okS || c != s) {
			members[c] = append(members[c], int32(i))
		}
	}
	for i, e := range top {
		idx := members[i]
		rows := func(yield func(*brief) bool) {
			for _, k := range idx {
				if !yield(&b.rows[k]) {
					return
				}
			}
		}
		out = append(out, ServerFlow{Server: e.a.String(), Packets: e.n, FlowComparison: compare(e.a, rows)})
	}
	return out
}

func (b *builder) filterDesc() string {
	if b.t.opts.ServerPort != 0 {
		return fmt.Sprintf("%s port %d", b.t.opts.ServerIP, b.t.opts.ServerPort)
	}
	return b.t.opts.ServerIP
}
