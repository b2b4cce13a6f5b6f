package tcp_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/golden"
	"pcaplens/analysis/internal/testrun"
	_ "pcaplens/analysis/overview"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcp"
	"pcaplens/analysis/tcp/internal/pktgen"
)

// tsharkSelection is what testdata/tshark/tcp_findings.sh records per filter.
type tsharkSelection struct {
	Count        int   `json:"count"`
	Frames       []int `json:"frames"`
	Streams      int   `json:"streams"`
	StreamFrames []int `json:"stream_frames"`
}

// TestFindingsAgainstTshark checks every TCP finding's filter against what
// tshark selects with it: a finding counting packets has tshark's count and
// its first frames; tcp.resets (connections) has tshark's number of streams
// with a RST and the first RST of each.
func TestFindingsAgainstTshark(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdata(), "expected/tcp_findings/*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no expectations: %v", err)
	}
	for _, exp := range files {
		var want struct {
			Capture string                     `json:"capture"`
			Filters map[string]tsharkSelection `json:"filters"`
		}
		golden.Load(t, exp, &want)
		t.Run(want.Capture, func(t *testing.T) {
			out := run(t, filepath.Join(testdata(), "captures", want.Capture), nil)
			an := out[tcp.ToolAnomalies].(*tcp.AnomaliesReport)
			checked := map[string]bool{}
			for _, f := range an.Findings {
				w, ok := want.Filters[f.Filter]
				switch {
				case strings.HasPrefix(f.Kind, "tcp.port_scan"), f.Kind == "tcp.syn_flood", f.Kind == "tcp.failed_handshakes":
					continue // counts connections or services, filters by stream or address
				case !ok:
					t.Errorf("%s: filter %q not recorded by tcp_findings.sh", f.Kind, f.Filter)
					continue
				}
				checked[f.Filter] = true
				if f.Kind == "tcp.resets" {
					if f.Count != w.Streams || !reflect.DeepEqual(f.Frames, w.StreamFrames) {
						t.Errorf("%s: %d connections, frames %v; tshark %q: %d streams, first RSTs %v", f.Kind, f.Count, f.Frames, f.Filter, w.Streams, w.StreamFrames)
					}
					continue
				}
				if f.Count != w.Count || !reflect.DeepEqual(f.Frames, w.Frames) {
					t.Errorf("%s: count %d, frames %v; tshark %q: %d, %v", f.Kind, f.Count, f.Frames, f.Filter, w.Count, w.Frames)
				}
			}
			// A filter tshark selects frames with must have its finding.
			for flt, w := range want.Filters {
				if w.Count > 0 && !checked[flt] {
					t.Errorf("tshark selects %d frames with %q but no finding carries it", w.Count, flt)
				}
			}
		})
	}
}

// TestResetPartsAddUp is defect 7 of issue 11: "118 connections ended with a
// RST (104 from the client side, 72 from the server side)" counted RST
// packets beside connections. The parts are connections now, and add up.
func TestResetPartsAddUp(t *testing.T) {
	// nowebaccess2: one connection, three RSTs from the server ("1
	// connection ended with a RST (0 from the client side, 3 from the
	// server side)" before).
	for _, c := range []string{"tcp_synthetic.pcap", "chrissanders--nowebaccess2.pcapng", "chrissanders--tcp_refuseconnection.pcapng", "chrissanders--synscan.pcapng"} {
		t.Run(c, func(t *testing.T) {
			out := run(t, filepath.Join("../../testdata/captures", c), nil)
			an := out[tcp.ToolAnomalies].(*tcp.AnomaliesReport)
			conns := out[tcp.ToolConnections].(*tcp.ConnectionsReport)
			rd := an.Statistics.RSTDistribution
			sum := rd.ResetBy["client"] + rd.ResetBy["server"] + rd.ResetBy["both"]
			if sum != rd.ConnectionsWithRST || sum != conns.Summary.ResetConnections || sum == 0 {
				t.Errorf("reset_by %v adds up to %d; connections_with_rst %d, reset_connections %d", rd.ResetBy, sum, rd.ConnectionsWithRST, conns.Summary.ResetConnections)
			}
			f := findingOf(an.Findings, "tcp.resets")
			if f == nil || f.Count != sum {
				t.Fatalf("tcp.resets finding %+v, want count %d", f, sum)
			}
			if !strings.HasPrefix(f.Summary, report.Plural(sum, "connection was", "connections were")+" reset") {
				t.Errorf("summary %q", f.Summary)
			}
		})
	}
}

// TestResetByBothSides: a connection reset by the client, one by the server
// (twice) and one by both sides are three connections, one of each.
func TestResetByBothSides(t *testing.T) {
	p := pktgen.NewPcap()
	cli, srv := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	now := int64(1e18)
	conv := func(port uint16) *pktgen.Conv {
		now += 1e9
		c := &pktgen.Conv{P: p, Now: now, C: cli, S: srv, CP: port, SP: 80, CSeq: 1, SSeq: 1, CWin: 100, SWin: 100}
		return c.Client(pktgen.SYN, 0).Server(pktgen.SYN|pktgen.ACK, 0).Client(pktgen.ACK, 0)
	}
	conv(1000).Client(pktgen.RST, 0)
	conv(1001).Server(pktgen.RST, 0).Server(pktgen.RST, 0)
	conv(1002).Client(pktgen.RST|pktgen.ACK, 0).Server(pktgen.RST, 0)
	out := runPcap(t, p, engine.Options{})
	an := out[tcp.ToolAnomalies].(*tcp.AnomaliesReport)
	if rb := an.Statistics.RSTDistribution.ResetBy; rb["client"] != 1 || rb["server"] != 1 || rb["both"] != 1 {
		t.Errorf("reset_by %v, want one of each", rb)
	}
	f := findingOf(an.Findings, "tcp.resets")
	want := "3 connections were reset: by the client in 1, by the server in 1, by both sides in 1 (3 of 3 connections)."
	if f == nil || f.Summary != want || f.Count != 3 || !reflect.DeepEqual(f.Frames, []int{4, 8, 13}) {
		t.Errorf("finding %+v, want %q, frames [4 8 13]", f, want)
	}
}

// TestOneDenominatorForHandshakes is defect 7: "50 of 1385 connections"
// beside "50 of 1306 connection attempts". Failed handshakes are counted
// against connection attempts everywhere, and the summary has that figure.
func TestOneDenominatorForHandshakes(t *testing.T) {
	out := run(t, filepath.Join("../../testdata/captures", "tcp_synthetic.pcap"), nil)
	s := out[tcp.ToolConnections].(*tcp.ConnectionsReport).Summary
	if s.ConnectionAttempts != s.SuccessfulHandshakes+s.FailedHandshakes || s.ConnectionAttempts == s.TotalConnections {
		t.Fatalf("attempts %d, handshakes %d+%d, connections %d (the capture has connections without a SYN)", s.ConnectionAttempts, s.SuccessfulHandshakes, s.FailedHandshakes, s.TotalConnections)
	}
	f := findingOf(out[tcp.ToolAnomalies].(*tcp.AnomaliesReport).Findings, "tcp.failed_handshakes")
	if f == nil || !strings.Contains(f.Summary, " of "+report.Plural(s.ConnectionAttempts, "connection attempt", "connection attempts")) {
		t.Fatalf("failed handshakes finding %+v, want the denominator %d connection attempts", f, s.ConnectionAttempts)
	}
}

// TestDuplicateACKsOneCount is defect 7: a Duplicate ACKs card of 672 beside
// a finding of 592 (the finding counted only connections with 3 or more).
// The finding counts every frame with tcp.analysis.duplicate_ack.
func TestDuplicateACKsOneCount(t *testing.T) {
	for _, c := range []string{"tcp_synthetic.pcap", "chrissanders--tcp_dupack.pcapng", "mptcp-v0.pcap"} {
		out := run(t, filepath.Join("../../testdata/captures", c), nil)
		an := out[tcp.ToolAnomalies].(*tcp.AnomaliesReport)
		n := an.Statistics.AnalysisFlags["duplicate_ack"]
		f := findingOf(an.Findings, "tcp.duplicate_acks")
		if n == 0 || f == nil || f.Count != n || out[tcp.ToolConnections].(*tcp.ConnectionsReport).Summary.AnalysisFlags["duplicate_ack"] != n {
			t.Errorf("%s: analysis_flags.duplicate_ack %d, finding %+v", c, n, f)
		}
	}
}

func findingOf(fs []finding.Finding, kind string) *finding.Finding {
	for i := range fs {
		if fs[i].Kind == kind {
			return &fs[i]
		}
	}
	return nil
}

// TestNoTCPNoRates: without TCP packets a rate is null, not 0 %, and there
// is no finding.
func TestNoTCPNoRates(t *testing.T) {
	out := run(t, filepath.Join("../../testdata/captures", "chrissanders--arp_resolution.pcapng"), nil)
	re := out[tcp.ToolRetransmissions].(*tcp.RetransReport)
	an := out[tcp.ToolAnomalies].(*tcp.AnomaliesReport)
	if re.RetransmissionRate != nil || re.DataRetransmissionRate != nil || an.Statistics.Retransmissions.Rate != nil || re.ExceedsThreshold {
		t.Errorf("rates %v %v %v, want null", re.RetransmissionRate, re.DataRetransmissionRate, an.Statistics.Retransmissions.Rate)
	}
	if an.Findings == nil || len(an.Findings) != 0 {
		t.Errorf("findings %#v, want []", an.Findings)
	}
	if re.IOGraph.Buckets == 0 || len(re.IOGraph.Packets) != re.IOGraph.Buckets {
		t.Errorf("io_graph %+v: the axis covers every frame, TCP or not", re.IOGraph.Axis)
	}
}

// TestIOGraphLinesUpWithOverview is defect 6 of issue 11: the trouble chart
// mixed 1 s retransmission buckets with 10 ms RST buckets. The TCP series
// has the overview's axis, bucket for bucket.
func TestIOGraphLinesUpWithOverview(t *testing.T) {
	for _, c := range []string{"chrissanders--http_espn.pcapng", "chrissanders--synscan.pcapng", "chrissanders--tcp_retransmissions.pcapng"} {
		f, err := os.Open(filepath.Join("../../testdata/captures", c))
		if err != nil {
			t.Fatal(err)
		}
		out, err := engine.Run(context.Background(), f, &engine.Options{Tools: []string{"overview", tcp.ToolRetransmissions}})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		ov, err := json.Marshal(out["overview"])
		if err != nil {
			t.Fatal(err)
		}
		var o struct {
			IOGraph struct {
				report.Axis
				TCPRst []int `json:"tcp_rst"`
			} `json:"io_graph"`
		}
		if err := json.Unmarshal(ov, &o); err != nil {
			t.Fatal(err)
		}
		g := out[tcp.ToolRetransmissions].(*tcp.RetransReport).IOGraph
		if g.Axis != o.IOGraph.Axis || len(g.Retransmissions) != len(o.IOGraph.TCPRst) || g.Buckets == 0 {
			t.Errorf("%s: tcp axis %+v, overview axis %+v", c, g.Axis, o.IOGraph.Axis)
		}
		n := 0
		for _, v := range g.Retransmissions {
			n += v
		}
		if n != out[tcp.ToolRetransmissions].(*tcp.RetransReport).TotalRetransmissions {
			t.Errorf("%s: %d retransmissions in the graph", c, n)
		}
	}
}

// TestFindingsSoFar: during the pass the TCP tap tells the findings of the
// analysis flags and the connections reset so far; at the end of the input
// they are the report's, their summary less the number of connections of a
// flag and who reset them (known at Finish).
func TestFindingsSoFar(t *testing.T) {
	conns := regexp.MustCompile(` in [0-9,]+ connections`)
	by := regexp.MustCompile(` reset( by [a-z ]+|: [^(]+) \(`)
	same := func(soFar, final string) bool {
		return soFar == conns.ReplaceAllString(final, "") || soFar == by.ReplaceAllString(final, " reset (")
	}
	n := 0
	for _, name := range []string{"chrissanders--tcp_retransmissions.pcapng", "chrissanders--tcp_zerowindowdead.pcapng", "chrissanders--tcp_dupack.pcapng", "chrissanders--http_espn_fail.pcapng", "chrissanders--synscan.pcapng"} {
		n += testrun.SoFar(t, filepath.Join(testdata(), "captures", name), engine.Options{Tools: []string{tcp.ToolAnomalies}}, 4096, same)
	}
	if n < 5 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
}
