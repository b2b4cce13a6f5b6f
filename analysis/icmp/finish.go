package icmp

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Finish builds the report.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	r := Report{
		File: c.FileName, TotalPackets: c.Packets,
		ICMPPacketsFound: t.found, ICMPPacketsAnalyzed: len(t.packets),
		Errors: t.errors, PathMTU: t.mtu, Redirects: t.redirects,
		Packets: t.packets, Warnings: append([]string{}, c.Warnings...),
		Unreachables: []Unreachable{}, Traceroutes: []Traceroute{},
	}
	r.Errors = report.NonNil(r.Errors)
	r.PathMTU = report.NonNil(r.PathMTU)
	r.Redirects = report.NonNil(r.Redirects)
	r.Packets = report.NonNil(r.Packets)
	if t.found == 0 {
		r.Message = "No ICMP packets found"
	}
	if t.found > len(t.packets) {
		t.caps.HitN("per-packet list (max_packets)", t.maxPackets, t.found-len(t.packets))
	}

	// Requests still pending are unanswered.
	var rest []*pending
	for _, p := range t.pending {
		if !p.matched {
			rest = append(rest, p)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].frame < rest[j].frame })
	for _, p := range rest {
		t.addUnanswered(p)
	}
	sort.Slice(t.unanswered, func(i, j int) bool { return t.unanswered[i].Frame < t.unanswered[j].Frame })

	st := &r.Statistics
	st.ICMPTypeCounts = t.typeCnt
	st.UniqueSources = addrList(t.srcs)
	st.UniqueSourcesCount = len(t.srcs)
	st.UniqueDestinations = addrList(t.dsts)
	st.UniqueDestinationsCount = len(t.dsts)
	st.EchoPairs = map[string]EchoPair{}
	for id, p := range t.pairs {
		st.EchoPairs[strconv.Itoa(int(id))] = *p
	}
	st.EchoSessions = len(t.pairs)
	st.UnreachableDestinations = addrList(t.unreach)
	st.UnreachableDestinationsCt = len(t.unreach)
	st.FamilyStats = t.fam[0].stats()
	r.ICMPv6.Statistics = t.fam[1].stats()
	r.ICMPv6.NeighborDiscovery = t.ndReport()
	r.ICMPv6.MLD = t.mldReport()

	// Ping summaries.
	sort.Slice(t.errAnswered, func(i, j int) bool { return t.errAnswered[i].Frame < t.errAnswered[j].Frame })
	r.Echo = EchoSection{Destinations: []Destination{}, Unanswered: t.unanswered, AnsweredByError: t.errAnswered, DuplicateReplies: t.dupReplies}
	r.Echo.Unanswered = report.NonNil(r.Echo.Unanswered)
	r.Echo.AnsweredByError = report.NonNil(r.Echo.AnsweredByError)
	r.Echo.DuplicateReplies = report.NonNil(r.Echo.DuplicateReplies)
	keys := append([]pairKey(nil), t.destOrder...)
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].src != keys[j].src {
			return keys[i].src.Less(keys[j].src)
		}
		return keys[i].dst.Less(keys[j].dst)
	})
	for _, k := range keys {
		d := t.dests[k]
		ds := Destination{Source: k.src.String(), Destination: k.dst.String(), IPVersion: ipv(k.dst),
			Transmitted: d.tx, Received: d.rx, Duplicates: d.dups, Errors: d.errs, Samples: d.samples,
			AnsweredByError: d.errAnswered, ErrorAnswers: map[string]int{}}
		for k, n := range d.errKinds {
			ds.ErrorAnswers[k] = n
		}
		ds.Samples = report.NonNil(ds.Samples)
		if d.tx > 0 {
			// Lost: neither a reply nor an ICMP error answered it.
			lost := max(d.tx-d.rx-d.errAnswered, 0)
			ds.LossPercent = round(float64(lost)*100/float64(d.tx), 3)
		}
		if d.rx > 0 {
			n := float64(d.rx)
			avg := d.sum / n
			ds.RTTMin, ds.RTTAvg, ds.RTTMax = d.min, avg, d.max
			ds.RTTMdev = math.Sqrt(math.Max(0, d.sumsq/n-avg*avg))
		}
		if d.jitterN > 0 {
			ds.Jitter = d.jitterSum / float64(d.jitterN)
		}
		r.Echo.Destinations = append(r.Echo.Destinations, ds)
	}

	// Unreachables, most frequent first.
	for _, u := range t.unreachT {
		r.Unreachables = append(r.Unreachables, *u)
	}
	sort.Slice(r.Unreachables, func(i, j int) bool {
		a, b := r.Unreachables[i], r.Unreachables[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.FirstFrame < b.FirstFrame
	})

	// Traceroutes.
	tkeys := make([]pairKey, 0, len(t.traces))
	for k := range t.traces {
		tkeys = append(tkeys, k)
	}
	sort.Slice(tkeys, func(i, j int) bool {
		if tkeys[i].src != tkeys[j].src {
			return tkeys[i].src.Less(tkeys[j].src)
		}
		return tkeys[i].dst.Less(tkeys[j].dst)
	})
	for _, k := range tkeys {
		tr := t.traces[k]
		out := Traceroute{Source: k.src.String(), Destination: k.dst.String(), Protocol: tr.proto, Hops: []Hop{}}
		if ttl, ok := t.reach[k]; ok {
			out.Reached, out.ReachedTTL = true, ttl
		}
		ttls := make([]int, 0, len(tr.hops))
		for ttl := range tr.hops {
			ttls = append(ttls, ttl)
		}
		sort.Ints(ttls)
		for _, ttl := range ttls {
			h := Hop{TTL: ttl, Routers: []HopRoute{}}
			for _, a := range sortedAddrs(tr.hops[ttl]) {
				hs := tr.hops[ttl][a]
				hr := HopRoute{Address: a.String(), Replies: hs.replies, Matched: hs.matched}
				if hs.matched > 0 {
					hr.RTTMin, hr.RTTMax, hr.RTTAvg = hs.min, hs.max, hs.sum/float64(hs.matched)
				}
				h.Routers = append(h.Routers, hr)
			}
			out.Hops = append(out.Hops, h)
		}
		r.Traceroutes = append(r.Traceroutes, out)
	}

	r.Findings = t.findings(&r)
	r.Caps = t.caps.List()
	r.Warnings = append(r.Warnings, t.caps.Warnings()...)
	return map[string]any{"icmp": &r}
}

func ipv(a netip.Addr) int {
	if a.Is4() {
		return 4
	}
	return 6
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

func (f *family) stats() FamilyStats {
	s := FamilyStats{
		Packets: f.packets, TypeCodeCounts: map[string]int{},
		EchoRequests: f.requests, EchoReplies: f.replies,
		UnansweredRequests: f.requests - f.matched,
		DuplicateReplies:   f.dups, UnmatchedReplies: f.unmatched,
	}
	for tc, n := range f.typeCodes {
		s.TypeCodeCounts[typeCode(uint8(tc>>8), uint8(tc))] = n
	}
	s.RTT = report.Summarize(append([]float64(nil), f.rtts...))
	return s
}

// Finding kinds (docs/reports.md lists each with its severity).
const (
	kindPingSweep        = "icmp.ping_sweep"
	kindFlood            = "icmp.flood"
	kindHighEntropy      = "icmp.high_entropy_payload"
	kindRedirect         = "icmp.redirect"
	kindEchoToBroadcast  = "icmp.echo_to_broadcast"
	kindManyUnreachables = "icmp.many_unreachables"
	kindLargePayload     = "icmp.large_payload"
	kindDuplicateReplies = "icmp.duplicate_replies"
	kindPathMTU          = "icmp.path_mtu"
)

// family filters: the ICMP field prefix and the echo-request type.
func echoRequest(a netip.Addr) string {
	if a.Is4() {
		return "icmp.type == 8"
	}
	return "icmpv6.type == 128"
}

func proto(a netip.Addr) string {
	if a.Is4() {
		return "icmp"
	}
	return "icmpv6"
}

func (t *Tap) findings(r *Report) []finding.Finding {
	out := []finding.Finding{}
	add := func(f finding.Finding) {
		f.Tool = "icmp"
		out = append(out, finding.Normalize(f))
	}
	srcs := sortedAddrs(t.sources)
	// One finding per kind: per-source kinds gather their sources.
	var sweep, flood finding.Finding
	var sweepFrames, floodFrames finding.Frames
	var sweepF, floodF []string
	for _, a := range srcs {
		s := t.sources[a]
		if len(s.echoDsts) >= sweepMinDests {
			sweep.Count++
			sweep.Subjects = append(sweep.Subjects, fmt.Sprintf("%s: %s in %.1f s", a, report.Plural(len(s.echoDsts), "destination", "destinations"), float64(s.lastNs-s.firstNs)/1e9))
			for _, n := range s.echoFrames.List() {
				sweepFrames.Add(n)
			}
			sweepF = append(sweepF, echoRequest(a)+" && "+finding.IPField("src", a))
		}
		if s.peak >= floodMinRate {
			flood.Count++
			flood.Subjects = append(flood.Subjects, fmt.Sprintf("%s: %s in one second, %s in all", a, report.Plural(s.peak, "message", "messages"), report.Count(s.count)))
			for _, n := range s.frames.List() {
				floodFrames.Add(n)
			}
			floodF = append(floodF, proto(a)+" && "+finding.IPField("src", a))
		}
	}
	if sweep.Count > 0 {
		sweep.Kind, sweep.Severity = kindPingSweep, finding.High
		sweep.Summary = report.Plural(sweep.Count, "host sent", "hosts sent") + fmt.Sprintf(" echo requests to %d or more destinations (a ping sweep, host discovery): ", sweepMinDests) + some(sweep.Subjects)
		sweep.Frames, sweep.Filter = sweepFrames.List(), finding.Or(sweepF...)
		add(sweep)
	}
	if flood.Count > 0 {
		flood.Kind, flood.Severity = kindFlood, finding.High
		flood.Summary = report.Plural(flood.Count, "host sent", "hosts sent") + fmt.Sprintf(" %d or more ICMP messages within one second (a flood or a stress test): ", floodMinRate) + some(flood.Subjects)
		flood.Frames, flood.Filter = floodFrames.List(), finding.Or(floodF...)
		add(flood)
	}
	payloadFrames := func(ev []payloadEv) []int {
		fr := make([]int, 0, len(ev))
		for _, e := range ev {
			fr = append(fr, e.frame)
		}
		return fr
	}
	if n := len(t.large); n > 0 {
		add(largePayloadFinding(n, payloadFrames(t.large)))
	}
	if n := len(t.entropic); n > 0 {
		fr := payloadFrames(t.entropic)
		add(highEntropyFinding(n, fr))
	}
	if n := t.bcastCount; n > 0 {
		ds := make([]string, 0, len(t.bcastDsts))
		for d := range t.bcastDsts {
			ds = append(ds, d)
		}
		sortAddrStrings(ds)
		f := t.echoToBroadcastFinding()
		f.Summary += ": " + some(ds)
		f.Subjects = ds
		add(f)
	}
	var unr finding.Finding
	var unrF []string
	var unrFrames finding.Frames
	for _, a := range sortedAddrs(t.reporters) {
		if n := t.reporters[a]; n >= manyUnreachables {
			unr.Count += n
			unr.Subjects = append(unr.Subjects, a.String()+" ("+report.Count(n)+")")
			f := "icmp.type == 3 && " + finding.IPField("src", a)
			if a.Is6() {
				f = "icmpv6.type == 1 && " + finding.IPField("src", a)
			}
			unrF = append(unrF, f)
			as := a.String()
			for _, e := range r.Errors {
				if e.Reporter == as && (e.Type == 3 && e.IPVersion == 4 || e.Type == 1 && e.IPVersion == 6) {
					unrFrames.Add(e.Frame)
				}
			}
		}
	}
	if unr.Count > 0 {
		unr.Kind, unr.Severity = kindManyUnreachables, finding.Medium
		unr.Summary = report.Plural(unr.Count, "destination-unreachable message", "destination-unreachable messages") + fmt.Sprintf(" from hosts that sent %d or more: ", manyUnreachables) + some(unr.Subjects)
		unr.Frames, unr.Filter = unrFrames.List(), finding.Or(unrF...)
		add(unr)
	}
	if n := t.mtuCount; n > 0 {
		var fr []int
		var subj []string
		for _, e := range r.PathMTU {
			fr = append(fr, e.Frame)
			if s := fmt.Sprintf("MTU %d from %s", e.MTU, e.Reporter); len(subj) < finding.MaxSubjects && !slices.Contains(subj, s) {
				subj = append(subj, s)
			}
		}
		f := pathMTUFinding(n, fr)
		f.Subjects = subj
		add(f)
	}
	if n := t.redirectCount; n > 0 {
		var fr []int
		var subj []string
		for _, e := range r.Redirects {
			fr = append(fr, e.Frame)
			if s := e.Router + " told " + e.Host + " to use " + e.Gateway; len(subj) < finding.MaxSubjects && !slices.Contains(subj, s) {
				subj = append(subj, s)
			}
		}
		f := redirectFinding(n, fr)
		f.Subjects = subj
		add(f)
	}
	if n := t.fam[0].dups + t.fam[1].dups; n > 0 {
		var fr []int
		for _, e := range r.Echo.DuplicateReplies {
			fr = append(fr, e.Frame)
		}
		add(duplicateRepliesFinding(n, fr))
	}
	return out
}

// The findings of one kind each, from their count and frames (the report
// adds their subjects): the report's and the ones told so far (Early).

func largePayloadFinding(n int, frames []int) finding.Finding {
	return finding.Finding{Kind: kindLargePayload, Severity: finding.Medium, Count: n,
		Summary: report.Plural(n, "echo request carries", "echo requests carry") + fmt.Sprintf(" %s or more of data (pings carry 32 to 56 by default): tunnelling or a path MTU test", report.Plural(largePayload, "byte", "bytes")),
		Frames:  frames, Filter: fmt.Sprintf("(icmp.type == 8 || icmpv6.type == 128) && data.len >= %d", largePayload)}
}

func highEntropyFinding(n int, frames []int) finding.Finding {
	return finding.Finding{Kind: kindHighEntropy, Severity: finding.High, Count: n,
		Summary: report.Plural(n, "echo request carries", "echo requests carry") + fmt.Sprintf(" random-looking data (%.1f bits per byte or more, no ping filler pattern): a possible ICMP tunnel", entropyThreshold),
		Frames:  frames, Filter: finding.FrameNumbers(frames, n)}
}

// echoToBroadcastFinding is the finding without its destinations, which
// the report lists after the summary.
func (t *Tap) echoToBroadcastFinding() finding.Finding {
	n := t.bcastCount
	fr := t.bcastFrames.List()
	return finding.Finding{Kind: kindEchoToBroadcast, Severity: finding.Medium, Count: n,
		Summary: report.Plural(n, "echo request was", "echo requests were") + " sent to broadcast or multicast addresses (every host answers: smurf-like amplification if the source is spoofed)",
		Frames:  fr, Filter: finding.FrameNumbers(fr, n)}
}

func pathMTUFinding(n int, frames []int) finding.Finding {
	return finding.Finding{Kind: kindPathMTU, Severity: finding.Low, Count: n,
		Summary: report.Plural(n, "fragmentation-needed or packet-too-big message", "fragmentation-needed or packet-too-big messages") + ": a link on the path has a smaller MTU; if they are filtered, large transfers stall (PMTUD black hole)",
		Frames:  frames, Filter: "(icmp.type == 3 && icmp.code == 4) || icmpv6.type == 2"}
}

func redirectFinding(n int, frames []int) finding.Finding {
	return finding.Finding{Kind: kindRedirect, Severity: finding.Medium, Count: n,
		Summary: report.Plural(n, "redirect message", "redirect messages") + ": a router told hosts to use another gateway (asymmetric routing, or a spoofed redirect)",
		Frames:  frames, Filter: "icmp.type == 5"}
}

func duplicateRepliesFinding(n int, frames []int) finding.Finding {
	return finding.Finding{Kind: kindDuplicateReplies, Severity: finding.Low, Count: n,
		Summary: report.Plural(n, "duplicate echo reply", "duplicate echo replies") + ": a duplicating link, a broadcast ping, or a capture seeing both sides twice",
		Frames:  frames, Filter: finding.FrameNumbers(frames, n)}
}

// Early implements engine.Early: the kinds counted as the packets go, from
// their counts and first frames (their subjects, and the kinds found from
// every source, reporter or destination seen, are told at Finish only; a
// filter listing more frames than the first ones is left out).
func (t *Tap) Early(*engine.Capture) []finding.Finding {
	var out []finding.Finding
	first := func(n int, frame func(i int) int) []int {
		fr := make([]int, 0, min(n, finding.MaxFrames))
		for i := 0; i < n && i < finding.MaxFrames; i++ {
			fr = append(fr, frame(i))
		}
		return fr
	}
	if n := len(t.large); n > 0 {
		out = append(out, largePayloadFinding(n, first(n, func(i int) int { return t.large[i].frame })))
	}
	if n := len(t.entropic); n > 0 {
		out = append(out, highEntropyFinding(n, first(n, func(i int) int { return t.entropic[i].frame })))
	}
	if t.bcastCount > 0 {
		out = append(out, t.echoToBroadcastFinding())
	}
	if n := t.mtuCount; n > 0 {
		out = append(out, pathMTUFinding(n, first(len(t.mtu), func(i int) int { return t.mtu[i].Frame })))
	}
	if n := t.redirectCount; n > 0 {
		out = append(out, redirectFinding(n, first(len(t.redirects), func(i int) int { return t.redirects[i].Frame })))
	}
	if n := t.fam[0].dups + t.fam[1].dups; n > 0 {
		out = append(out, duplicateRepliesFinding(n, first(len(t.dupReplies), func(i int) int { return t.dupReplies[i].Frame })))
	}
	for i := range out {
		out[i].Tool = "icmp"
	}
	return out
}

// some lists the first subjects ("a, b, c and 4 more").
func some(subjects []string) string {
	const k = 3
	if len(subjects) <= k {
		return strings.Join(subjects, ", ")
	}
	return strings.Join(subjects[:k], ", ") + " and " + report.Count(len(subjects)-k) + " more"
}
