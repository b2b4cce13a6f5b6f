package sip

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Finding thresholds.
const (
	minFailures     = 5    // failed REGISTERs or INVITEs from one source
	minScanUsers    = 5    // distinct users probed by one source
	highLossPercent = 1.0  // lost packets, percent of expected
	highJitterMs    = 30.0 // mean jitter
)

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// Report builds the report (Finish without the map).
func (t *Tap) Report(c *engine.Capture) *Report {
	r := &Report{
		Statistics:    t.st,
		Calls:         []*Call{},
		Registrations: []Registration{},
		RTPStreams:    []RTPStream{},
		Findings:      []finding.Finding{},
		Malformed:     t.malformed,
		Packets:       t.packets,
		Warnings:      []string{},
	}
	if c != nil {
		r.File = c.FileName
		r.TotalPacketsInFile = c.Packets
		r.Warnings = append(r.Warnings, c.Warnings...)
	}
	r.SIPPacketsFound = t.frames
	r.SIPMessages = t.messages
	r.SIPPacketsAnalyzed = len(t.packets)
	r.MalformedTotal = t.malformedTotal
	r.Malformed = report.NonNil(r.Malformed)
	r.Packets = report.NonNil(r.Packets)
	r.Statistics.CallIDs = len(t.callIDs)
	if t.messages == 0 {
		r.Message = "no SIP packets found"
	}

	// RTP streams, in order of first packet.
	streamIdx := map[*stream]int{}
	for _, s := range t.strOrder {
		st := &s.st
		exp := st.expected()
		rs := RTPStream{
			Src: s.key.src.Addr().String(), SrcPort: int(s.key.src.Port()),
			Dst: s.key.dst.Addr().String(), DstPort: int(s.key.dst.Port()),
			SSRC: fmtSSRC(s.key.ssrc), PayloadType: int(st.pt), Payload: st.payloadName, ClockRate: st.clockRate,
			Packets: st.total, Expected: exp, Lost: st.lost(),
			SequenceErrors: st.sequenceErrors, OutOfOrder: st.outOfOrder,
			MaxDeltaMs: round3(st.maxDelta), MeanDeltaMs: round3(st.meanDelta),
			MaxJitterMs: round3(st.maxJitter), MeanJitterMs: round3(st.meanJitter),
			FirstFrame: st.firstFrame, LastFrame: st.lastFrame,
			StartTime: float64(t.t0)/1e9 + st.startTime/1e3, DurationS: round3((st.lastTime - st.startTime) / 1e3),
		}
		if rs.Payload == "" {
			rs.Payload = fmt.Sprint(st.pt)
		}
		if exp > 0 {
			rs.LostPercent = round3(float64(rs.Lost) * 100 / float64(exp))
		}
		if s.call != nil {
			rs.CallID = s.call.CallID
			cl := s.call
			cl.RTPStreams = append(cl.RTPStreams, len(r.RTPStreams))
			cl.RTPPackets += rs.Packets
			cl.WorstLostPercent = math.Max(cl.WorstLostPercent, rs.LostPercent)
			cl.WorstMeanJitterMs = math.Max(cl.WorstMeanJitterMs, rs.MeanJitterMs)
		}
		streamIdx[s] = len(r.RTPStreams)
		r.RTPStreams = append(r.RTPStreams, rs)
		r.Statistics.RTPPackets += st.total
	}
	r.Statistics.RTPStreams = len(r.RTPStreams)

	// Calls, in order of their INVITE.
	for _, cl := range t.callOrder {
		switch {
		case cl.answerNs != 0:
			cl.State = "answered"
		case cl.cancelled && (cl.StatusCode == 0 || cl.StatusCode == 487):
			cl.State = "cancelled"
		case cl.StatusCode >= 300:
			cl.State = "rejected"
		case cl.provisional:
			cl.State = "in_progress"
		default:
			cl.State = "unanswered"
		}
		r.Statistics.CallStates[cl.State]++
		r.Calls = append(r.Calls, &cl.Call)
	}
	r.Statistics.Calls = len(r.Calls)

	for _, rg := range t.regOrder {
		r.Registrations = append(r.Registrations, rg.Registration)
	}
	r.Statistics.Registrations = len(r.Registrations)

	t.findings(r)

	if t.frames > 0 && t.listDropped > 0 {
		t.caps.HitN("per-packet list (max_packets)", t.listLimit, t.listDropped)
	}
	r.Caps = append(t.caps.List(), t.tcp.caps()...)
	for _, c := range r.Caps {
		r.Warnings = append(r.Warnings, c.Warning())
	}
	return r
}

// Finding kinds (docs/reports.md lists each with its severity).
const (
	kindAuthFailures     = "sip.auth_failures"
	kindScan             = "sip.scan"
	kindCallWithoutMedia = "sip.call_without_media"
	kindOneWayMedia      = "sip.one_way_media"
	kindRTPLoss          = "sip.rtp_loss"
	kindRTPJitter        = "sip.rtp_jitter"
	kindMalformed        = "sip.malformed"
)

// gather builds one finding from its parts: subjects, filter alternatives
// (any "" makes the filter empty) and frames.
type gather struct {
	f      finding.Finding
	frames finding.Frames
	terms  []string
}

func (g *gather) add(count int, subject, filter string, frames ...int) {
	g.f.Count += count
	g.f.Subjects = append(g.f.Subjects, subject)
	g.terms = append(g.terms, filter)
	for _, n := range frames {
		g.frames.Add(n)
	}
}

func (g *gather) done(r *Report, kind string, sev finding.Severity, lead string) {
	if g.f.Count == 0 {
		return
	}
	g.f.Kind, g.f.Severity, g.f.Tool = kind, sev, "sip"
	g.f.Frames = g.frames.List()
	if len(g.terms) <= maxFilterTerms {
		g.f.Filter = finding.Or(g.terms...)
	}
	g.f.Summary = lead + ": " + some(g.f.Subjects)
	r.Findings = append(r.Findings, finding.Normalize(g.f))
}

// maxFilterTerms is how many alternatives a finding's filter joins at most.
const maxFilterTerms = 20

// some lists the first subjects ("a, b, c and 4 more").
func some(subjects []string) string {
	const k = 3
	if len(subjects) <= k {
		return strings.Join(subjects, ", ")
	}
	return strings.Join(subjects[:k], ", ") + " and " + report.Count(len(subjects)-k) + " more"
}

func callFilter(id string) string { return "sip.Call-ID == " + finding.Quote(id) }

func (t *Tap) findings(r *Report) {
	// Sources in address order, for deterministic subjects.
	srcs := make([]*source, 0, len(t.sources))
	for _, s := range t.sources {
		srcs = append(srcs, s)
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].addr.Less(srcs[j].addr) })

	var guess, scan gather
	for _, s := range srcs {
		ua := s.scannerAgent
		if ua == "" {
			ua = topKey(s.userAgents)
		}
		who := s.addr.String()
		if ua != "" {
			who += " (" + ua + ")"
		}
		if n := s.regFail + s.inviteFail; n >= minFailures {
			guess.add(n, fmt.Sprintf("%s: %s, %s", who, report.Plural(s.regFail, "failed REGISTER", "failed REGISTERs"), report.Plural(s.inviteFail, "failed INVITE", "failed INVITEs")),
				"sip.Status-Code >= 300 && "+finding.IPField("dst", s.addr), s.failFrames...)
		}
		if len(s.users) >= minScanUsers || s.scannerAgent != "" {
			d := fmt.Sprintf("%s: %s in %s", who, report.Plural(len(s.users), "user", "users"), methodsString(s.requests))
			scan.add(1, d, "sip.Request-Line && "+finding.IPField("src", s.addr), s.frames...)
		}
	}
	guess.done(r, kindAuthFailures, finding.High, report.Plural(guess.f.Count, "failed REGISTER or INVITE", "failed REGISTERs or INVITEs")+fmt.Sprintf(" from sources with %d or more (password guessing?)", minFailures))
	scan.done(r, kindScan, finding.Medium, report.Plural(scan.f.Count, "source sends", "sources send")+" requests across many users or with a scanner's User-Agent (extension scan)")

	var noMedia, oneWay gather
	for _, cl := range r.Calls {
		if cl.State != "answered" {
			continue
		}
		dirs := map[string]bool{}
		for _, i := range cl.RTPStreams {
			s := r.RTPStreams[i]
			dirs[fmt.Sprintf("%s:%d", s.Src, s.SrcPort)] = true
		}
		switch len(dirs) {
		case 0:
			noMedia.add(1, fmt.Sprintf("%s (%s → %s, offered %s)", cl.CallID, cl.Caller, cl.Callee, mediaString(cl.MediaOffered)), callFilter(cl.CallID), cl.FirstFrame)
		case 1:
			for d := range dirs {
				oneWay.add(1, cl.CallID+" (RTP only from "+d+")", callFilter(cl.CallID), cl.FirstFrame)
			}
		}
	}
	noMedia.done(r, kindCallWithoutMedia, finding.Medium, report.Plural(noMedia.f.Count, "answered call has", "answered calls have")+" no RTP on the announced ports")
	oneWay.done(r, kindOneWayMedia, finding.Medium, report.Plural(oneWay.f.Count, "answered call has", "answered calls have")+" RTP in one direction only")

	var loss, jit gather
	for _, s := range r.RTPStreams {
		flt := fmt.Sprintf("rtp.ssrc == %s && %s && udp.srcport == %d", s.SSRC, finding.IPField("src", netip.MustParseAddr(s.Src)), s.SrcPort)
		name := fmt.Sprintf("%s:%d → %s:%d SSRC %s", s.Src, s.SrcPort, s.Dst, s.DstPort, s.SSRC)
		if s.LostPercent >= highLossPercent {
			loss.add(1, fmt.Sprintf("%s: %s of %s lost (%.1f %%)", name, report.Count(s.Lost), report.Count(s.Expected), s.LostPercent), flt, s.FirstFrame)
		}
		if s.ClockRate != 0 && s.MeanJitterMs >= highJitterMs {
			jit.add(1, fmt.Sprintf("%s: mean jitter %.1f ms, max %.1f ms", name, s.MeanJitterMs, s.MaxJitterMs), flt, s.FirstFrame)
		}
	}
	loss.done(r, kindRTPLoss, finding.Medium, report.Plural(loss.f.Count, "RTP stream loses", "RTP streams lose")+fmt.Sprintf(" %.0f %% or more of its packets", highLossPercent))
	jit.done(r, kindRTPJitter, finding.Low, report.Plural(jit.f.Count, "RTP stream has", "RTP streams have")+fmt.Sprintf(" a mean jitter of %.0f ms or more", highJitterMs))

	if t.malformedTotal > 0 {
		var mal gather
		for _, m := range t.malformed {
			mal.add(1, m.Src+": "+m.Reason, "frame.number == "+strconv.Itoa(m.Frame), m.Frame)
		}
		mal.f.Count = t.malformedTotal
		if t.malformedTotal > len(t.malformed) {
			mal.terms = append(mal.terms, "")
		}
		// One subject per distinct reason and source.
		seen := map[string]bool{}
		subj := mal.f.Subjects[:0]
		for _, x := range mal.f.Subjects {
			if !seen[x] {
				seen[x] = true
				subj = append(subj, x)
			}
		}
		mal.f.Subjects = subj
		if len(mal.terms) > 1 {
			// A set of frame numbers rather than a chain of alternatives.
			var frames []int
			for _, m := range t.malformed {
				frames = append(frames, m.Frame)
			}
			mal.terms = []string{""}
			if len(frames) <= maxFilterTerms {
				mal.terms = []string{finding.FrameNumbers(frames, t.malformedTotal)}
			}
		}
		mal.done(r, kindMalformed, finding.Low, report.Plural(t.malformedTotal, "SIP message", "SIP messages")+" could not be parsed")
	}
}

func topKey(m map[string]int) string {
	best, n := "", -1
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	return best
}

func methodsString(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func mediaString(ms []MediaSummary) string {
	if len(ms) == 0 {
		return "no SDP"
	}
	parts := make([]string, 0, len(ms))
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %s:%d %s", m.Type, m.Address, m.Port, strings.Join(m.Codecs, ",")))
	}
	return strings.Join(parts, "; ")
}
