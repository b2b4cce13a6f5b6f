package icmp_test

import (
	"math"
	"path/filepath"
	"pcaplens/analysis/internal/testrun"
	"reflect"
	"strings"
	"testing"

	"pcaplens/analysis/golden"
	"pcaplens/analysis/icmp"
)

// famExpected is one family in what testdata/tshark/icmp.sh writes.
type famExpected struct {
	Packets            int            `json:"packets"`
	TypeCodeCounts     map[string]int `json:"type_code_counts"`
	EchoRequests       int            `json:"echo_requests"`
	EchoReplies        int            `json:"echo_replies"`
	UnansweredRequests int            `json:"unanswered_requests"`
	RTT                struct {
		Count  int     `json:"count"`
		Min    float64 `json:"min"`
		Median float64 `json:"median"`
		Max    float64 `json:"max"`
	} `json:"rtt"`
}

type expected struct {
	Capture string      `json:"capture"`
	ICMP    famExpected `json:"icmp"`
	ICMPv6  famExpected `json:"icmpv6"`
}

func run(t testing.TB, path string) *icmp.Report {
	t.Helper()
	return testrun.Report[*icmp.Report](t, path, nil, "icmp")
}

func compare(t *testing.T, fam string, got icmp.FamilyStats, want famExpected) {
	t.Helper()
	if got.Packets != want.Packets {
		t.Errorf("%s packets: got %d, tshark %d", fam, got.Packets, want.Packets)
	}
	if !reflect.DeepEqual(got.TypeCodeCounts, want.TypeCodeCounts) {
		t.Errorf("%s type_code_counts: got %v, tshark %v", fam, got.TypeCodeCounts, want.TypeCodeCounts)
	}
	if got.EchoRequests != want.EchoRequests || got.EchoReplies != want.EchoReplies || got.UnansweredRequests != want.UnansweredRequests {
		t.Errorf("%s echo requests/replies/unanswered: got %d/%d/%d, tshark %d/%d/%d", fam,
			got.EchoRequests, got.EchoReplies, got.UnansweredRequests,
			want.EchoRequests, want.EchoReplies, want.UnansweredRequests)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if got.RTT == nil {
		if want.RTT.Count != 0 {
			t.Errorf("%s rtt: none, tshark %+v", fam, want.RTT)
		}
		return
	}
	if got.RTT.Count != want.RTT.Count || !near(got.RTT.Min, want.RTT.Min) || !near(got.RTT.Median, want.RTT.Median) || !near(got.RTT.Max, want.RTT.Max) {
		t.Errorf("%s rtt: got %+v, tshark %+v", fam, got.RTT, want.RTT)
	}
}

// TestTshark compares the figures with tshark's (testdata/expected/icmp) and
// the whole report with a golden file.
func TestTshark(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testrun.Testdata(), "expected/icmp/*.json"))
	if len(files) == 0 {
		t.Fatal("no expectations in testdata/expected/icmp")
	}
	for _, ef := range files {
		var want expected
		golden.Load(t, ef, &want)
		t.Run(want.Capture, func(t *testing.T) {
			r := run(t, filepath.Join(testrun.Testdata(), "captures", want.Capture))
			for _, w := range r.Warnings {
				// The frame decoder does not know every link type tshark does
				// (Solaris IPNET, ARCNET); the comparison starts when it does.
				if strings.HasPrefix(w, "not decoded:") && r.ICMPPacketsFound == 0 {
					t.Skipf("%s: %s", want.Capture, w)
				}
			}
			compare(t, "icmp", r.Statistics.FamilyStats, want.ICMP)
			compare(t, "icmpv6", r.ICMPv6.Statistics, want.ICMPv6)
			if testrun.External() {
				return
			}
			golden.Check(t, filepath.Join("testdata", strings.TrimSuffix(want.Capture, filepath.Ext(want.Capture))+".golden.json"), r)
		})
	}
}
