package capinfos

import (
	"sort"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// headerNames are the display names of the headers named in anomalies
// ("truncated_<header>", "bad_<header>_header", "bad_<header>_length").
var headerNames = map[string]string{
	"80211": "802.11", "arcnet": "ARCNET", "ethernet": "Ethernet", "icmp": "ICMP", "icmpv6": "ICMPv6",
	"ip": "IP", "ipv4": "IPv4", "ipv6": "IPv6", "ipv6_extension": "IPv6 extension", "ipnet": "IPNET",
	"ipoib": "IPoIB", "loopback": "loopback", "mpls": "MPLS", "nflog": "NFLOG", "pktap": "PKTAP",
	"ppp": "PPP", "pppoe": "PPPoE", "radiotap": "radiotap", "sll": "Linux cooked (SLL)",
	"sll2": "Linux cooked v2 (SLL2)", "tcp": "TCP", "udp": "UDP", "vlan": "VLAN",
}

func headerName(s string) string {
	if n, ok := headerNames[s]; ok {
		return n
	}
	return strings.ReplaceAll(s, "_", " ")
}

// anomalyFinding is the finding of one decoding anomaly: "capture.<anomaly>".
// A header cut short is low (Wireshark marks it "packet size limited during
// capture", not an expert error); a malformed header is high (Wireshark's
// malformed packet is an Error).
func anomalyFinding(name string, n int, frames []int) finding.Finding {
	f := finding.Finding{Kind: "capture." + name, Tool: Tool, Count: n, Frames: append([]int{}, frames...)}
	has := report.Plural(n, "packet has", "packets have")
	switch {
	case strings.HasPrefix(name, "truncated_"):
		f.Severity = finding.Low
		f.Summary = has + " a truncated " + headerName(strings.TrimPrefix(name, "truncated_")) + " header (cut short by the capture)."
	case name == "bad_ip_version":
		f.Severity = finding.High
		f.Summary = has + " an IP header whose version does not match the protocol that carries it (Wireshark: bogus IP version)."
	case name == "unknown_ip_version":
		f.Severity = finding.High
		f.Summary = has + " an IP header whose version is neither 4 nor 6."
	case strings.HasPrefix(name, "bad_") && strings.HasSuffix(name, "_header"):
		f.Severity = finding.High
		f.Summary = has + " a malformed " + headerName(strings.TrimSuffix(strings.TrimPrefix(name, "bad_"), "_header")) + " header."
	case strings.HasPrefix(name, "bad_") && strings.HasSuffix(name, "_length"):
		f.Severity = finding.High
		f.Summary = has + " a " + headerName(strings.TrimSuffix(strings.TrimPrefix(name, "bad_"), "_length")) + " header with an impossible length."
	default:
		f.Severity = finding.Medium
		f.Summary = has + " a decoding problem (" + strings.ReplaceAll(name, "_", " ") + ")."
	}
	return f
}

// warningKinds classify the engine's file-level warnings by their start.
var warningKinds = []struct {
	prefix, kind string
	severity     finding.Severity
}{
	{"file cut short", "capture.file_cut_short", finding.Medium},
	{"damaged file", "capture.damaged_record", finding.High},
	{"read error", "capture.read_error", finding.High},
	{"ip reassembly", "capture.ip_reassembly", finding.Low},
	{"capture: too many", "capture.file_tables_capped", finding.Low},
}

// findings are the capture's own findings: one per decoding anomaly, one
// for the link types not decoded and one per file-level warning.
func (t *tap) findings(c *engine.Capture) []finding.Finding {
	out := []finding.Finding{}
	names := make([]string, 0, len(c.Anomalies))
	for a := range c.Anomalies {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		out = append(out, anomalyFinding(a, c.Anomalies[a], c.AnomalyFrames[a]))
	}
	if len(c.NotDecoded) > 0 {
		lts := make([]string, 0, len(c.NotDecoded))
		n := 0
		for lt, k := range c.NotDecoded {
			lts = append(lts, lt)
			n += k
		}
		sort.Strings(lts)
		parts := make([]string, len(lts))
		for i, lt := range lts {
			parts[i] = lt + " (" + report.Plural(c.NotDecoded[lt], "packet", "packets") + ")"
		}
		// Info when other packets were analysed; medium when none could be.
		sev := finding.Info
		if n == c.Packets {
			sev = finding.Medium
		}
		out = append(out, finding.Finding{
			Kind: "capture.undecoded_link_type", Severity: sev, Tool: Tool, Count: n,
			Summary: report.Count(n) + " of " + report.Plural(c.Packets, "packet has", "packets have") +
				" a link type pcaplens does not decode: " + strings.Join(parts, ", ") +
				"; they count in the totals and the I/O graph only.",
			Frames: t.undecoded.List(),
		})
	}
	for _, w := range c.Warnings {
		for _, k := range warningKinds {
			if strings.HasPrefix(w, k.prefix) {
				sum := strings.ToUpper(w[:1]) + w[1:]
				if strings.HasPrefix(w, "ip ") {
					sum = "IP" + w[2:]
				}
				if !strings.HasSuffix(sum, ".") {
					sum += "."
				}
				out = append(out, finding.Finding{
					Kind: k.kind, Severity: k.severity, Tool: Tool, Count: 1, Summary: sum, Frames: []int{},
				})
				break
			}
		}
	}
	finding.Rank(out)
	return out
}

// FindingList implements finding.Lister.
func (r *Report) FindingList() []finding.Finding { return r.Findings }

// Early implements engine.Early: the decoding anomalies and the link types
// not decoded so far, as the report words them (the file-level warnings
// come with the last call, once the input has ended).
func (t *tap) Early(c *engine.Capture) []finding.Finding { return t.findings(c) }
