package overview

import (
	"fmt"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
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

// Display filters of the findings.
const (
	filterBroadcast = "eth.dst == ff:ff:ff:ff:ff:ff"
	// filterFragments selects IPv4 and IPv6 fragments, as the walker counts
	// them (the outermost IP header's fragment fields).
	filterFragments = "ip.flags.mf == 1 || ip.frag_offset > 0 || ipv6.fraghdr.more == 1 || ipv6.fraghdr.offset > 0"
	filterBackwards = "frame.time_delta < 0"
)

// Early implements engine.Early: the findings that cannot go away as more
// packets come (a broadcast storm, time going backwards), as the report
// words them; those raised by a share of the frames (heavy broadcast,
// fragments) are told at Finish only.
func (t *Tap) Early(*engine.Capture) []finding.Finding {
	var out []finding.Finding
	for _, f := range t.findings() {
		if f.Kind == "overview.broadcast_storm" || f.Kind == "overview.time_went_backwards" {
			out = append(out, f)
		}
	}
	return out
}

// findings returns the overview's own findings, most serious first.
func (t *Tap) findings() []finding.Finding {
	out := []finding.Finding{}
	add := func(f finding.Finding) {
		f.Tool = "overview"
		out = append(out, f)
	}
	bcast := t.bcastFrames.Count()
	if t.bcastMaxSecond >= broadcastStormPerSecond {
		add(finding.Finding{
			Kind: "overview.broadcast_storm", Severity: finding.High, Count: t.bcastMaxSecond,
			Summary: fmt.Sprintf("%s in one second (%s after the first frame): a rate this high suggests a broadcast storm (a switching loop or a misbehaving host).",
				report.Plural(t.bcastMaxSecond, "Ethernet broadcast frame", "Ethernet broadcast frames"), report.Plural(int(t.bcastMaxAt), "second", "seconds")),
			Frames: t.bcastFrames.List(), Filter: filterBroadcast,
		})
	} else if t.packets >= broadcastMinFrames && float64(bcast) >= broadcastShare*float64(t.packets) {
		add(finding.Finding{
			Kind: "overview.broadcast_heavy", Severity: finding.Info, Count: bcast,
			Summary: fmt.Sprintf("%s of %s are Ethernet broadcasts (%.0f %%): much broadcast traffic (ARP, DHCP, discovery protocols) for the capture's size.",
				report.Count(bcast), report.Plural(t.packets, "frame", "frames"), 100*float64(bcast)/float64(t.packets)),
			Frames: t.bcastFrames.List(), Filter: filterBroadcast,
		})
	}
	if n := t.fragFrames.Count(); n >= fragmentMin && float64(n) >= fragmentShare*float64(t.ipFrames) {
		add(finding.Finding{
			Kind: "overview.ip_fragments", Severity: finding.Medium, Count: n,
			Summary: fmt.Sprintf("%s of %s are fragments (%.1f %%): an MTU mismatch, large UDP datagrams (DNS, tunnels), or fragments used to evade inspection.",
				report.Count(n), report.Plural(t.ipFrames, "IP frame", "IP frames"), 100*float64(n)/float64(t.ipFrames)),
			Frames: t.fragFrames.List(), Filter: filterFragments,
		})
	}
	if n := t.backwards.Count(); n > 0 {
		add(finding.Finding{
			Kind: "overview.time_went_backwards", Severity: finding.Low, Count: n,
			Summary: fmt.Sprintf("%s earlier than the frame before %s: merged captures, several capture interfaces, or a clock change. Durations and the I/O graph use the times as recorded.",
				report.Plural(n, "frame is", "frames are"), map[bool]string{true: "it", false: "them"}[n == 1]),
			Frames: t.backwards.List(), Filter: filterBackwards,
		})
	}
	finding.Rank(out)
	return out
}
