package sip

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"pcaplens/analysis/engine"
)

// Observation thresholds.
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
		Observations:  []Observation{},
		Malformed:     t.malformed,
		Packets:       t.packets,
		CapsHit:       []string{},
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
	r.PacketsListLimit = t.opts.MaxPackets
	r.MalformedTotal = t.malformedTotal
	if r.Malformed == nil {
		r.Malformed = []Malformed{}
	}
	if r.Packets == nil {
		r.Packets = []Packet{}
	}
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

	t.observe(r)

	for k := range t.caps {
		r.CapsHit = append(r.CapsHit, k)
	}
	sort.Strings(r.CapsHit)
	return r
}

func (t *Tap) observe(r *Report) {
	// Sources in address order, for deterministic evidence.
	srcs := make([]*source, 0, len(t.sources))
	for _, s := range t.sources {
		srcs = append(srcs, s)
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].addr.Less(srcs[j].addr) })

	var guess, scan Observation
	guess = Observation{Kind: "auth_failures", Severity: "high", Summary: "many failed REGISTERs or INVITEs from one source (password guessing?)"}
	scan = Observation{Kind: "scan", Severity: "medium", Summary: "requests across many users or from a scanner's User-Agent (extension scan)"}
	for _, s := range srcs {
		ua := s.scannerAgent
		if ua == "" {
			ua = topKey(s.userAgents)
		}
		if s.regFail+s.inviteFail >= minFailures {
			guess.Count++
			guess.Evidence = append(guess.Evidence, Evidence{
				Source: s.addr.String(), UserAgent: ua, Frames: s.failFrames,
				Detail: fmt.Sprintf("%d failed REGISTERs, %d failed INVITEs", s.regFail, s.inviteFail),
			})
		}
		if len(s.users) >= minScanUsers || s.scannerAgent != "" {
			scan.Count++
			d := fmt.Sprintf("%d distinct users in %s", len(s.users), methodsString(s.requests))
			if s.scannerAgent != "" {
				d += "; scanner User-Agent " + fmt.Sprintf("%q", s.scannerAgent)
			}
			scan.Evidence = append(scan.Evidence, Evidence{Source: s.addr.String(), UserAgent: ua, Frames: s.frames, Detail: d})
		}
	}
	if guess.Count > 0 {
		r.Observations = append(r.Observations, guess)
	}
	if scan.Count > 0 {
		r.Observations = append(r.Observations, scan)
	}

	noMedia := Observation{Kind: "call_without_media", Severity: "medium", Summary: "answered calls with no RTP seen on the announced ports"}
	oneWay := Observation{Kind: "one_way_media", Severity: "medium", Summary: "answered calls with RTP in one direction only"}
	for _, cl := range r.Calls {
		if cl.State != "answered" {
			continue
		}
		dirs := map[string]bool{}
		for _, i := range cl.RTPStreams {
			s := r.RTPStreams[i]
			dirs[fmt.Sprintf("%s:%d", s.Src, s.SrcPort)] = true
		}
		ev := Evidence{CallID: cl.CallID, Frames: []int{cl.FirstFrame}}
		switch len(dirs) {
		case 0:
			noMedia.Count++
			ev.Detail = fmt.Sprintf("%s → %s, offered %s", cl.Caller, cl.Callee, mediaString(cl.MediaOffered))
			noMedia.Evidence = append(noMedia.Evidence, ev)
		case 1:
			oneWay.Count++
			for d := range dirs {
				ev.Detail = "RTP only from " + d
			}
			oneWay.Evidence = append(oneWay.Evidence, ev)
		}
	}
	loss := Observation{Kind: "rtp_loss", Severity: "medium", Summary: fmt.Sprintf("RTP streams losing %.0f %% or more of their packets", highLossPercent)}
	jit := Observation{Kind: "rtp_jitter", Severity: "low", Summary: fmt.Sprintf("RTP streams with mean jitter of %.0f ms or more", highJitterMs)}
	for _, s := range r.RTPStreams {
		ev := Evidence{CallID: s.CallID, Frames: []int{s.FirstFrame}}
		if s.LostPercent >= highLossPercent {
			loss.Count++
			ev.Detail = fmt.Sprintf("%s:%d → %s:%d SSRC %s: %d of %d lost (%.1f %%)", s.Src, s.SrcPort, s.Dst, s.DstPort, s.SSRC, s.Lost, s.Expected, s.LostPercent)
			loss.Evidence = append(loss.Evidence, ev)
		}
		if s.ClockRate != 0 && s.MeanJitterMs >= highJitterMs {
			jit.Count++
			ev.Detail = fmt.Sprintf("%s:%d → %s:%d SSRC %s: mean jitter %.1f ms, max %.1f ms", s.Src, s.SrcPort, s.Dst, s.DstPort, s.SSRC, s.MeanJitterMs, s.MaxJitterMs)
			jit.Evidence = append(jit.Evidence, ev)
		}
	}
	for _, o := range []Observation{noMedia, oneWay, loss, jit} {
		if o.Count > 0 {
			r.Observations = append(r.Observations, o)
		}
	}
	if t.malformedTotal > 0 {
		o := Observation{Kind: "malformed", Severity: "low", Summary: "SIP messages that could not be parsed", Count: t.malformedTotal}
		for i, m := range t.malformed {
			if i == 5 {
				break
			}
			o.Evidence = append(o.Evidence, Evidence{Source: m.Src, Frames: []int{m.Frame}, Detail: m.Reason})
		}
		r.Observations = append(r.Observations, o)
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
