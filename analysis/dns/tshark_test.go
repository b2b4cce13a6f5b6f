package dns

import (
	"math"
	"path/filepath"
	"pcaplens/analysis/internal/testrun"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/golden"
)

// expected is what testdata/tshark/dns.sh writes.
type expected struct {
	Capture           string         `json:"capture"`
	Queries           int            `json:"queries"`
	Responses         int            `json:"responses"`
	Rcodes            map[string]int `json:"rcodes"`
	ExtendedRcodes    map[string]int `json:"extended_rcodes"`
	Qtypes            map[string]int `json:"qtypes"`
	UnansweredQueries int            `json:"unanswered_queries"`
	ResponseTime      struct {
		Count  int     `json:"count"`
		Min    float64 `json:"min"`
		Median float64 `json:"median"`
		P95    float64 `json:"p95"`
		Max    float64 `json:"max"`
	} `json:"response_time"`
}

const testdata = "../../testdata"

func run(t testing.TB, path string, o *engine.Options) *Report {
	t.Helper()
	return testrun.Report[*Report](t, path, o, "dns")
}

// byCode turns a report histogram keyed by name into one keyed by number.
func byCode(m map[string]int, code func(string) (uint16, bool), t *testing.T) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		c, ok := code(k)
		if !ok {
			t.Errorf("unknown name %q", k)
			continue
		}
		out[strconv.Itoa(int(c))] += v
	}
	return out
}

func rcodeCode(n string) (uint16, bool) {
	for i := 0; i < 4096; i++ {
		if RcodeName(uint16(i)) == n {
			return uint16(i), true
		}
	}
	return 0, false
}

func typeCode(n string) (uint16, bool) {
	if strings.HasPrefix(n, "TYPE") {
		v, err := strconv.Atoi(n[4:])
		return uint16(v), err == nil
	}
	for c, name := range typeNames {
		if name == n {
			return c, true
		}
	}
	return 0, false
}

func sameMap(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestTshark compares the report's figures with tshark's on every DNS capture.
func TestTshark(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testdata, "expected/dns/*.json"))
	if len(files) < 20 {
		t.Fatalf("only %d expectation files", len(files))
	}
	for _, ef := range files {
		var want expected
		golden.Load(t, ef, &want)
		t.Run(want.Capture, func(t *testing.T) {
			r := run(t, filepath.Join(testdata, "captures", want.Capture), nil)
			for _, w := range r.Warnings {
				if strings.HasPrefix(w, "not decoded:") && want.Queries+want.Responses > 0 && r.DNSMessages == 0 {
					t.Skipf("the frame decoder does not decode this link type yet (%s)", w)
				}
			}
			s := r.Statistics
			if s.Queries != want.Queries || s.Responses != want.Responses {
				t.Errorf("queries/responses %d/%d, tshark %d/%d", s.Queries, s.Responses, want.Queries, want.Responses)
			}
			if got := byCode(s.Rcodes, rcodeCode, t); !sameMap(got, want.Rcodes) {
				t.Errorf("rcodes %v, tshark %v", got, want.Rcodes)
			}
			if got := byCode(s.ExtendedRcodes, rcodeCode, t); !sameMap(got, want.ExtendedRcodes) {
				t.Errorf("extended rcodes %v, tshark %v", got, want.ExtendedRcodes)
			}
			if got := byCode(s.Qtypes, typeCode, t); !sameMap(got, want.Qtypes) {
				t.Errorf("qtypes %v, tshark %v", got, want.Qtypes)
			}
			if s.UnansweredQueries != want.UnansweredQueries {
				t.Errorf("unanswered %d, tshark %d", s.UnansweredQueries, want.UnansweredQueries)
			}
			w := want.ResponseTime
			if s.ResponseTime == nil {
				if w.Count != 0 {
					t.Errorf("no response time, tshark %+v", w)
				}
				return
			}
			rt := s.ResponseTime
			near := func(a, b float64) bool { return math.Abs(a-b) < 1.5e-9 }
			if rt.Count != w.Count || !near(rt.Min, w.Min) || !near(rt.Median, w.Median) || !near(rt.P95, w.P95) || !near(rt.Max, w.Max) {
				t.Errorf("response time %+v, tshark %+v", rt, w)
			}
			if len(r.Warnings) > 0 {
				t.Logf("warnings: %v", r.Warnings)
			}
		})
	}
}

// TestGolden compares whole reports with committed golden files
// (go test -update rewrites them for review).
func TestGolden(t *testing.T) {
	for _, c := range []string{
		"mcpcap--dns.pcap", "chrissanders--dns_tcp.pcapng", "chrissanders--dns_axfr.pcapng",
		"dnssec.pcap", "dns-badcookie.pcap", "dns-uri.pcap", "dns_tcp_8053.pcap", "chrissanders--dns.pcap",
	} {
		t.Run(c, func(t *testing.T) {
			r := run(t, filepath.Join(testdata, "captures", c), nil)
			golden.Check(t, filepath.Join("testdata", c+".golden.json"), r)
		})
	}
}
