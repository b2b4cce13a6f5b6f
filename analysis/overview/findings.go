package overview

import (
	"fmt"
	"sort"
	"strings"

	"pcaplens/analysis/engine"
)

// Thresholds of the overview's findings.
const (
	// fragmentShare is the share of IP frames that are fragments above which
	// fragmentation is reported (with at least fragmentMin fragments).
	fragmentShare = 0.05
	fragmentMin   = 10
	// broadcastStormPerSecond is the broadcast frame rate in one second that
	// is reported as a possible broadcast storm.
	broadcastStormPerSecond = 1000
	// broadcastShare is the share of Ethernet broadcast frames reported as
	// heavy broadcast traffic (with at least broadcastMinFrames frames in all).
	broadcastShare     = 0.3
	broadcastMinFrames = 100
)

// findings adds the overview's own findings, most serious first.
func (t *Tap) findings(r *Report, c *engine.Capture) {
	add := func(f Finding) {
		if f.Frames == nil {
			f.Frames = []int{}
		}
		r.Findings = append(r.Findings, f)
	}
	if len(t.unknownLink) > 0 {
		lts := make([]uint16, 0, len(t.unknownLink))
		n := 0
		for lt, k := range t.unknownLink {
			lts = append(lts, lt)
			n += k
		}
		sort.Slice(lts, func(i, j int) bool { return lts[i] < lts[j] })
		parts := make([]string, len(lts))
		ev := map[string]any{}
		for i, lt := range lts {
			name := engine.LinkTypeName(lt)
			parts[i] = fmt.Sprintf("%s (%d frames)", name, t.unknownLink[lt])
			ev[name] = t.unknownLink[lt]
		}
		sev := "info"
		if n == t.packets {
			sev = "warning"
		}
		add(Finding{
			ID: "undecoded_link_type", Severity: sev,
			Title:    fmt.Sprintf("%d of %d frames have a link type pcaplens does not decode", n, t.packets),
			Detail:   "Not decoded: " + strings.Join(parts, ", ") + ". These frames count in the totals and the I/O graph only.",
			Evidence: ev, Frames: t.unknownFrames,
		})
	}
	if len(c.Anomalies) > 0 {
		names := make([]string, 0, len(c.Anomalies))
		n := 0
		ev := map[string]any{}
		for a, k := range c.Anomalies {
			names = append(names, a)
			n += k
			ev[a] = k
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		for i, a := range names {
			parts[i] = fmt.Sprintf("%s (%d)", a, c.Anomalies[a])
		}
		add(Finding{
			ID: "decoding_anomalies", Severity: "warning",
			Title:    fmt.Sprintf("%d frames could not be decoded cleanly", n),
			Detail:   "Anomalies: " + strings.Join(parts, ", ") + ". Damaged or cut-short packets, or traffic crafted to confuse analyzers.",
			Evidence: ev,
		})
	}
	if t.bcastMaxSecond >= broadcastStormPerSecond {
		add(Finding{
			ID: "broadcast_storm", Severity: "critical",
			Title:    fmt.Sprintf("%d Ethernet broadcast frames in one second", t.bcastMaxSecond),
			Detail:   fmt.Sprintf("The busiest second starts %d s after the first frame; a rate this high suggests a broadcast storm (a switching loop or a misbehaving host).", t.bcastMaxAt),
			Evidence: map[string]any{"max_per_second": t.bcastMaxSecond, "second": t.bcastMaxAt, "broadcast_frames": t.broadcast},
		})
	} else if t.packets >= broadcastMinFrames && float64(t.broadcast) >= broadcastShare*float64(t.packets) {
		add(Finding{
			ID: "broadcast_heavy", Severity: "info",
			Title:    fmt.Sprintf("%.0f%% of frames are Ethernet broadcasts", 100*float64(t.broadcast)/float64(t.packets)),
			Detail:   "A large share of broadcast traffic (ARP, DHCP, discovery protocols) for the capture's size.",
			Evidence: map[string]any{"broadcast_frames": t.broadcast, "frames": t.packets, "max_per_second": t.bcastMaxSecond},
		})
	}
	if t.fragments >= fragmentMin && float64(t.fragments) >= fragmentShare*float64(t.ipFrames) {
		add(Finding{
			ID: "ip_fragments", Severity: "warning",
			Title:    fmt.Sprintf("%d of %d IP frames are fragments (%.1f%%)", t.fragments, t.ipFrames, 100*float64(t.fragments)/float64(t.ipFrames)),
			Detail:   "Much fragmentation: an MTU mismatch, large UDP datagrams (DNS, tunnels), or fragments used to evade inspection.",
			Evidence: map[string]any{"fragments": t.fragments, "ip_frames": t.ipFrames},
			Frames:   t.fragFrames,
		})
	}
	if t.outOfOrder > 0 {
		add(Finding{
			ID: "time_out_of_order", Severity: "info",
			Title:    fmt.Sprintf("%d frames are earlier than the frame before them", t.outOfOrder),
			Detail:   "Timestamps go backwards: merged captures, several capture interfaces, or a clock change. Durations and the I/O graph use the times as recorded.",
			Evidence: map[string]any{"frames_out_of_order": t.outOfOrder},
			Frames:   t.outOfOrderFrames,
		})
	}
	if len(r.Limits.Dropped) > 0 {
		ev := map[string]any{}
		for k, v := range r.Limits.Dropped {
			ev[k] = v
		}
		add(Finding{
			ID: "table_cap", Severity: "info",
			Title:    "Endpoint or conversation tables are full",
			Detail:   fmt.Sprintf("Tables keep at most %d conversations and %d endpoints each; frames of later ones are not in the tables (the hierarchy and I/O graph count them).", MaxConversations, MaxEndpoints),
			Evidence: ev,
		})
	}
	rank := map[string]int{"critical": 0, "warning": 1, "info": 2}
	sort.SliceStable(r.Findings, func(i, j int) bool {
		return rank[r.Findings[i].Severity] < rank[r.Findings[j].Severity]
	})
}
