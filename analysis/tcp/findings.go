package tcp

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Thresholds of the scan and flood findings.
const (
	scanMinTargets  = 10
	scanFailedShare = 0.8
	floodMinSYNs    = 100
	floodMaxDone    = 0.2
)

// maxStreamRanges bounds the "tcp.stream in {…}" filters: a set needing more
// ranges than this gives no filter rather than an unwieldy one.
const maxStreamRanges = 100

// flagKind is one finding raised from an analysis flag: its kind, severity
// and how its summary names the packets.
type flagKind struct {
	idx      int // index in FlagNames
	kind     string
	severity finding.Severity
	// what names the packets ("packet was a retransmission"), singular and plural.
	one, many string
}

// flagKinds are the findings raised from analysis flags, with Wireshark's
// expert severity mapped as Warning → medium, Note → low, Chat → info.
// Window updates, keep-alive ACKs and zero-window probe ACKs are normal
// replies and raise none (their counts stay in analysis_flags).
var flagKinds = []flagKind{
	// Retransmissions are a Note in Wireshark: low, raised to medium when
	// their rate exceeds the report's threshold (see findings).
	{0, "tcp.retransmissions", finding.Low, "packet was a retransmission", "packets were retransmissions"},
	{3, "tcp.out_of_order", finding.Medium, "segment arrived out of order", "segments arrived out of order"},
	{5, "tcp.previous_segment_not_captured", finding.Medium, "segment followed a gap in the sequence numbers (previous segment not captured)", "segments followed a gap in the sequence numbers (previous segment not captured)"},
	{6, "tcp.acked_unseen_segment", finding.Medium, "packet acknowledged data the capture does not hold (the capture missed it)", "packets acknowledged data the capture does not hold (the capture missed it)"},
	{7, "tcp.zero_window", finding.Medium, "packet advertised a zero receive window", "packets advertised a zero receive window"},
	{10, "tcp.window_full", finding.Medium, "segment filled the receiver's window", "segments filled the receiver's window"},
	{4, "tcp.duplicate_acks", finding.Low, "duplicate ACK", "duplicate ACKs"},
	{8, "tcp.zero_window_probes", finding.Low, "zero-window probe", "zero-window probes"},
	{14, "tcp.reused_ports", finding.Low, "SYN reused the ports of an earlier connection", "SYNs reused the ports of an earlier connection"},
	// Keep-alives are a Note in Wireshark but are normal traffic: info.
	{12, "tcp.keep_alives", finding.Info, "keep-alive", "keep-alives"},
}

// summary is the summary and severity of the finding of k seen in n
// packets: in conns connections (0: not told), and for retransmissions
// their share of packets TCP packets, fast and spurious ones among them
// (not told when packets is 0), the severity raised to medium when the
// share is over the threshold th.
func (k *flagKind) summary(n, conns, packets, fast, spurious int, th float64) (string, finding.Severity) {
	sum := report.Count(n) + " " + k.many
	if n == 1 {
		sum = "1 " + k.one
	}
	sum += inConns(conns)
	sev := k.severity
	if k.idx == 0 && packets > 0 {
		rate := ratio(n, packets)
		sum += fmt.Sprintf(" (%.2f %% of %s TCP packets", 100*rate, report.Count(packets))
		var kinds []string
		if fast > 0 {
			kinds = append(kinds, report.Count(fast)+" fast")
		}
		if spurious > 0 {
			kinds = append(kinds, report.Count(spurious)+" spurious")
		}
		if len(kinds) > 0 {
			sum += "; " + strings.Join(kinds, ", ")
		}
		sum += ")"
		if rate > th {
			sev = finding.Medium
		}
	}
	return sum + ".", sev
}

// resetSummary is the summary of n of conns connections reset, with who
// reset them when by (connections reset by the client, the server, both)
// is given.
func resetSummary(n, conns int, by *[3]int) string {
	sum := report.Plural(n, "connection was", "connections were") + " reset"
	if by != nil {
		who := []string{"by the client", "by the server", "by both sides"}
		var parts []string
		for i, k := range by {
			if k > 0 {
				parts = append(parts, who[i]+" in "+report.Count(k))
			}
		}
		for i, k := range by {
			if k == n {
				sum += " " + who[i] // one side only: the parts are the whole
				parts = nil
			}
		}
		if len(parts) > 0 {
			sum += ": " + strings.Join(parts, ", ")
		}
	}
	return sum + fmt.Sprintf(" (%s of %s).", report.Count(n), report.Plural(conns, "connection", "connections"))
}

// Early implements engine.Early: the findings of the analysis flags seen so
// far, from the counts kept as the packets go (the number of connections
// each was seen in is known at Finish only, and left out), and the
// connections reset so far (who reset them is known at Finish). Under a
// server filter the retransmission rate, the filters and the resets are
// left out: the connections it selects are known at Finish.
func (t *Tap) Early(*engine.Capture) []finding.Finding {
	th := t.threshold()
	packets := t.tr.packets
	if t.filterSet {
		packets = 0
	}
	var out []finding.Finding
	for i := range flagKinds {
		k := &flagKinds[i]
		fs := &t.flagFrames[k.idx]
		n := fs.Count()
		if n == 0 {
			continue
		}
		sum, sev := k.summary(n, 0, packets, t.flagFrames[1].Count(), t.flagFrames[2].Count(), th)
		f := finding.Finding{Kind: k.kind, Severity: sev, Tool: ToolAnomalies, Summary: sum, Count: n, Frames: fs.List()}
		if !t.filterSet {
			f.Filter = "tcp.analysis." + FlagNames[k.idx]
		}
		out = append(out, f)
	}
	if n := t.rstConns.Count(); n > 0 && !t.filterSet {
		out = append(out, finding.Finding{Kind: "tcp.resets", Severity: finding.Medium, Tool: ToolAnomalies,
			Summary: resetSummary(n, len(t.tr.all)+t.tr.evictions, nil), Count: n,
			Frames: t.rstConns.List(), Filter: "tcp.flags.reset == 1"})
	}
	return out
}

// streamFilter is a display filter selecting the streams, with ranges
// ("tcp.stream in {0..3, 7}"), or "" when they need more than
// maxStreamRanges ranges or there are none. It sorts streams in place.
func streamFilter(streams []int) string {
	if len(streams) == 0 {
		return ""
	}
	sort.Ints(streams)
	var parts []string
	for i := 0; i < len(streams); {
		j := i
		for j+1 < len(streams) && streams[j+1] <= streams[j]+1 {
			j++
		}
		if len(parts) == maxStreamRanges {
			return ""
		}
		if streams[j] == streams[i] {
			parts = append(parts, strconv.Itoa(streams[i]))
		} else {
			parts = append(parts, strconv.Itoa(streams[i])+".."+strconv.Itoa(streams[j]))
		}
		i = j + 1
	}
	if len(parts) == 1 && !strings.Contains(parts[0], "..") {
		return "tcp.stream == " + parts[0]
	}
	return "tcp.stream in {" + strings.Join(parts, ", ") + "}"
}

// and joins two display filters with "&&" ("" when either is "").
func and(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	return a + " && " + b
}

// scope restricts a filter to the listed connections of streams when a
// server filter is set (the analysis flags and RSTs of other connections are
// not counted then); without one it is the filter itself.
func (b *builder) scope(filter string, streams []int) string {
	if !b.t.filterSet {
		return filter
	}
	return and(filter, streamFilter(streams))
}

// subjects names the connections with the most of something, most first
// (ties by stream number), and counts the connections with any; with
// wantStreams it also lists their streams. Only the first
// finding.MaxSubjects are kept while the rows are read: there is one row per
// connection.
func subjects(rows []brief, count func(r *brief) int, wantStreams bool) (subj []string, nconns int, streams []int) {
	type sc struct {
		r *brief
		n int
	}
	before := func(a, b sc) bool {
		if a.n != b.n {
			return a.n > b.n
		}
		return a.r.stream() < b.r.stream()
	}
	var top [finding.MaxSubjects]sc
	ntop := 0
	for i := range rows {
		n := count(&rows[i])
		if n <= 0 {
			continue
		}
		nconns++
		if wantStreams {
			streams = append(streams, rows[i].stream())
		}
		x := sc{&rows[i], n}
		if ntop == len(top) && !before(x, top[ntop-1]) {
			continue
		}
		if ntop < len(top) {
			ntop++
		}
		j := ntop - 1
		for ; j > 0 && before(x, top[j-1]); j-- {
			top[j] = top[j-1]
		}
		top[j] = x
	}
	for _, t := range top[:ntop] {
		subj = append(subj, fmt.Sprintf("stream %d (%s)", t.r.stream(), t.r.name()))
	}
	return subj, nconns, streams
}

// inConns says in how many connections, when there are several.
func inConns(n int) string {
	if n <= 1 {
		return ""
	}
	return " in " + report.Count(n) + " connections"
}

func (b *builder) findings() []finding.Finding {
	tot := b.tot
	out := []finding.Finding{}
	add := func(f finding.Finding) {
		f.Tool = ToolAnomalies
		f.Frames = report.NonNil(f.Frames)
		out = append(out, f)
	}
	th := b.t.threshold()

	for _, k := range flagKinds {
		n := tot.flags[k.idx]
		if n == 0 {
			continue
		}
		subj, nconns, streams := subjects(b.rows, func(r *brief) int { return r.flagCount(k.idx) }, b.t.filterSet)
		sum, sev := k.summary(n, nconns, tot.packets, tot.fast, tot.spurious, th)
		add(finding.Finding{
			Kind: k.kind, Severity: sev, Summary: sum, Count: n,
			Frames:   b.t.flagFrames[k.idx].List(),
			Filter:   b.scope("tcp.analysis."+FlagNames[k.idx], streams),
			Subjects: subj,
		})
	}

	if tot.handshakeFailed > 0 {
		subj, _, _ := subjects(b.rows, func(r *brief) int {
			if r.failedHandshake() {
				return 1
			}
			return 0
		}, false)
		add(finding.Finding{
			Kind: "tcp.failed_handshakes", Severity: finding.Medium,
			Summary: fmt.Sprintf("%s of %s did not complete the three-way handshake.",
				report.Count(tot.handshakeFailed), report.Plural(tot.attempts(), "connection attempt", "connection attempts")),
			Count: tot.handshakeFailed, Frames: tot.failedFrames.List(),
			Filter: streamFilter(append([]int(nil), tot.failedStreams...)), Subjects: subj,
		})
	}

	if tot.connsWithRST > 0 {
		// Connection reset (RST) is a Warning in Wireshark.
		subj, _, streams := subjects(b.rows, func(r *brief) int { return r.rsts() }, b.t.filterSet)
		add(finding.Finding{
			Kind: "tcp.resets", Severity: finding.Medium, Summary: resetSummary(tot.connsWithRST, tot.conns, &tot.resetBy),
			Count: tot.connsWithRST, Frames: tot.rstFrames.List(),
			Filter: b.scope("tcp.flags.reset == 1", streams), Subjects: subj,
		})
	}

	b.scans(add)
	b.floods(add)
	finding.Rank(out)
	return out
}

// scans raises a finding per source probing many ports or hosts, mostly
// unanswered or rejected.
func (b *builder) scans(add func(finding.Finding)) {
	type scan struct {
		targets, failed int
		frames          finding.Frames
	}
	scans := map[netip.Addr]*scan{}
	for i := range b.rows {
		r := &b.rows[i]
		if syn, _ := r.syns(); syn == 0 || r.inferred {
			continue
		}
		s := scans[r.client()]
		if s == nil {
			if len(scans) >= maxSources {
				b.caps.HitUnits("scan sources", "connections", maxSources, 1) // the source's connections go uncounted
				continue
			}
			s = &scan{}
			scans[r.client()] = s
		}
		s.targets++
		if !r.handshakeDone() || r.connState() == "REJ" {
			s.failed++
			s.frames.Add(r.firstFrame())
		}
	}
	srcs := make([]netip.Addr, 0, len(scans))
	for a, s := range scans {
		if s.targets >= scanMinTargets && float64(s.failed) >= scanFailedShare*float64(s.targets) {
			srcs = append(srcs, a)
		}
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].Less(srcs[j]) })
	for _, a := range srcs {
		s := scans[a]
		add(finding.Finding{
			Kind: "tcp.port_scan", Severity: finding.High,
			Summary: fmt.Sprintf("%s sent SYNs for %s to many ports or hosts; %s unanswered, rejected or not completed.",
				a, report.Plural(s.targets, "connection", "connections"), report.Plural(s.failed, "was", "were")),
			Count: s.targets, Frames: s.frames.List(),
			Filter:   ipField(a, "src") + " == " + a.String() + " && tcp.flags.syn == 1 && tcp.flags.ack == 0",
			Subjects: []string{a.String()},
		})
	}
}

// floods raises a finding per service sent many SYNs, few of them completed.
func (b *builder) floods(add func(finding.Finding)) {
	type svc struct {
		a netip.Addr
		p uint16
	}
	type flood struct {
		syns, done int
		frames     finding.Frames
	}
	floods := map[svc]*flood{}
	for i := range b.rows {
		r := &b.rows[i]
		syn, _ := r.syns()
		if syn == 0 {
			continue
		}
		k := svc{r.server(), r.serverPort()}
		fl := floods[k]
		if fl == nil {
			if len(floods) >= maxSources {
				b.caps.HitUnits("flood services", "connections", maxSources, 1) // the service's connections go uncounted
				continue
			}
			fl = &flood{}
			floods[k] = fl
		}
		fl.syns += syn
		if r.handshakeDone() {
			fl.done++
		} else {
			fl.frames.Add(r.firstFrame())
		}
	}
	svcs := make([]svc, 0)
	for k, fl := range floods {
		if fl.syns >= floodMinSYNs && float64(fl.done) < floodMaxDone*float64(fl.syns) {
			svcs = append(svcs, k)
		}
	}
	sort.Slice(svcs, func(i, j int) bool {
		if svcs[i].a != svcs[j].a {
			return svcs[i].a.Less(svcs[j].a)
		}
		return svcs[i].p < svcs[j].p
	})
	for _, k := range svcs {
		fl := floods[k]
		add(finding.Finding{
			Kind: "tcp.syn_flood", Severity: finding.High,
			Summary: fmt.Sprintf("%s to %s; %s completed the handshake.",
				report.Plural(fl.syns, "SYN", "SYNs"), hostPort(k.a, k.p), report.Count(fl.done)),
			Count: fl.syns, Frames: fl.frames.List(),
			Filter: fmt.Sprintf("%s == %s && tcp.dstport == %d && tcp.flags.syn == 1 && tcp.flags.ack == 0",
				ipField(k.a, "dst"), k.a, k.p),
			Subjects: []string{hostPort(k.a, k.p)},
		})
	}
}

// ipField is the display filter field of an address: ip.src or ipv6.src, …
func ipField(a netip.Addr, which string) string {
	if a.Is4() {
		return "ip." + which
	}
	return "ipv6." + which
}
