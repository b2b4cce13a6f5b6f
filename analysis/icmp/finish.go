package icmp

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"

	"pcaplens/analysis/engine"
)

// Finish builds the report.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	r := Report{
		File: c.FileName, TotalPackets: c.Packets,
		ICMPPacketsFound: t.found, ICMPPacketsAnalyzed: len(t.packets),
		Errors: t.errors, PathMTU: t.mtu, Redirects: t.redirects,
		Packets: t.packets, Limits: []string{}, Warnings: append([]string{}, c.Warnings...),
		Unreachables: []Unreachable{}, Traceroutes: []Traceroute{},
	}
	if r.Errors == nil {
		r.Errors = []ErrorMessage{}
	}
	if r.PathMTU == nil {
		r.PathMTU = []MTUEvent{}
	}
	if r.Redirects == nil {
		r.Redirects = []Redirect{}
	}
	if r.Packets == nil {
		r.Packets = []Packet{}
	}
	if t.found == 0 {
		r.Message = "No ICMP packets found"
	}
	if t.found > len(t.packets) {
		t.limit("packets")
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
	r.Echo = EchoSection{Destinations: []Destination{}, Unanswered: t.unanswered, DuplicateReplies: t.dupReplies}
	if r.Echo.Unanswered == nil {
		r.Echo.Unanswered = []EchoRef{}
	}
	if r.Echo.DuplicateReplies == nil {
		r.Echo.DuplicateReplies = []EchoRef{}
	}
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
			Transmitted: d.tx, Received: d.rx, Duplicates: d.dups, Errors: d.errs, Samples: d.samples}
		if ds.Samples == nil {
			ds.Samples = []RTTSample{}
		}
		if d.tx > 0 {
			ds.LossPercent = round(float64(d.tx-min(d.rx, d.tx))*100/float64(d.tx), 3)
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

	r.Observations = t.observations(&r)
	for l := range t.limits {
		r.Limits = append(r.Limits, l)
	}
	sort.Strings(r.Limits)
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
	s.RTT = summarise(f.rtts)
	return s
}

func summarise(v []float64) RTT {
	if len(v) == 0 {
		return RTT{}
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	r := RTT{Count: len(s), Min: s[0], Max: s[len(s)-1]}
	if n := len(s); n%2 == 1 {
		r.Median = s[n/2]
	} else {
		r.Median = (s[n/2-1] + s[n/2]) / 2
	}
	return r
}

func (t *Tap) observations(r *Report) []Observation {
	out := []Observation{}
	srcs := sortedAddrs(t.sources)
	for _, a := range srcs {
		s := t.sources[a]
		if len(s.echoDsts) >= sweepMinDests {
			dsts := addrList(s.echoDsts)
			sample := dsts
			if len(sample) > 20 {
				sample = sample[:20]
			}
			out = append(out, Observation{Kind: "ping_sweep",
				Summary: fmt.Sprintf("%s sent echo requests to %d different destinations in %.1f s: a ping sweep (host discovery)",
					a, len(s.echoDsts), float64(s.lastNs-s.firstNs)/1e9),
				Frames:   []int{s.firstFrame},
				Evidence: map[string]any{"source": a.String(), "destinations": len(s.echoDsts), "sample": sample, "echo_requests": s.echoReqs}})
		}
	}
	for _, a := range srcs {
		s := t.sources[a]
		if s.peak >= floodMinRate {
			out = append(out, Observation{Kind: "flood",
				Summary: fmt.Sprintf("%s sent %d ICMP messages within one second (peak); %d in all: an ICMP flood or a stress test",
					a, s.peak, s.count),
				Frames:   []int{s.peakFrame},
				Evidence: map[string]any{"source": a.String(), "peak_per_second": s.peak, "total": s.count}})
		}
	}
	if len(t.large) > 0 {
		out = append(out, payloadObs("large_payload",
			fmt.Sprintf("%d echo request(s) carry %d bytes or more of data (default pings carry 32 to 56): check for tunnelling or path-MTU tests", len(t.large), largePayload), t.large))
	}
	if len(t.entropic) > 0 {
		out = append(out, payloadObs("high_entropy_payload",
			fmt.Sprintf("%d echo request(s) carry random-looking data (entropy ≥ %.1f bits/byte, no ping filler pattern): possible ICMP tunnel", len(t.entropic), entropyThreshold), t.entropic))
	}
	if len(t.bcastFrames) > 0 {
		ds := make([]string, 0, len(t.bcastDsts))
		for d := range t.bcastDsts {
			ds = append(ds, d)
		}
		sortAddrStrings(ds)
		out = append(out, Observation{Kind: "echo_to_broadcast",
			Summary:  "echo requests sent to broadcast or multicast addresses: every host answers (smurf-like amplification if the source is spoofed)",
			Frames:   t.bcastFrames,
			Evidence: map[string]any{"destinations": ds}})
	}
	for _, a := range sortedAddrs(t.reporters) {
		if n := t.reporters[a]; n >= manyUnreachables {
			out = append(out, Observation{Kind: "many_unreachables",
				Summary:  fmt.Sprintf("%s sent %d destination-unreachable messages", a, n),
				Frames:   framesFrom(r.Errors, a.String()),
				Evidence: map[string]any{"reporter": a.String(), "count": n}})
		}
	}
	if len(r.PathMTU) > 0 {
		fr := []int{}
		for _, e := range r.PathMTU {
			if len(fr) < maxFrames {
				fr = append(fr, e.Frame)
			}
		}
		out = append(out, Observation{Kind: "path_mtu",
			Summary: fmt.Sprintf("%d fragmentation-needed / packet-too-big message(s): a link on the path has a smaller MTU; if they are filtered, large transfers stall (PMTUD black hole)", len(r.PathMTU)),
			Frames:  fr})
	}
	if len(r.Redirects) > 0 {
		fr := []int{}
		for _, e := range r.Redirects {
			if len(fr) < maxFrames {
				fr = append(fr, e.Frame)
			}
		}
		out = append(out, Observation{Kind: "redirect",
			Summary: fmt.Sprintf("%d redirect message(s): a router told hosts to use another gateway (asymmetric routing, or a spoofed redirect)", len(r.Redirects)),
			Frames:  fr})
	}
	if n := t.fam[0].dups + t.fam[1].dups; n > 0 {
		fr := []int{}
		for _, e := range r.Echo.DuplicateReplies {
			if len(fr) < maxFrames {
				fr = append(fr, e.Frame)
			}
		}
		out = append(out, Observation{Kind: "duplicate_replies",
			Summary: fmt.Sprintf("%d duplicate echo reply(ies): a duplicating link, a broadcast ping, or a capture seeing both sides twice", n),
			Frames:  fr})
	}
	return out
}

func payloadObs(kind, summary string, ev []payloadEv) Observation {
	o := Observation{Kind: kind, Summary: summary, Frames: []int{}}
	items := []map[string]any{}
	for i, e := range ev {
		if i >= maxFrames {
			break
		}
		o.Frames = append(o.Frames, e.frame)
		items = append(items, map[string]any{"frame": e.frame, "size": e.size, "entropy": round(e.entropy, 3), "source": e.src, "destination": e.dst})
	}
	o.Evidence = map[string]any{"messages": items, "count": len(ev)}
	return o
}

func framesFrom(errs []ErrorMessage, reporter string) []int {
	out := []int{}
	for _, e := range errs {
		if e.Reporter == reporter && (e.Type == 3 && e.IPVersion == 4 || e.Type == 1 && e.IPVersion == 6) {
			out = append(out, e.Frame)
			if len(out) >= maxFrames {
				break
			}
		}
	}
	return out
}
