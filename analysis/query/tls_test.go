package query

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTLSFiltersAgainstTshark runs the filters of
// testdata/tshark/filters-tls.txt over the TLS and QUIC captures of
// analysis/tls/testdata and the captures of testdata/captures, and
// requires the frames tshark 4.0 selects (testdata/expected/filters-tls,
// written by filters-tls.sh).
func TestTLSFiltersAgainstTshark(t *testing.T) {
	b, err := os.ReadFile("../../testdata/tshark/filters-tls.txt")
	if err != nil {
		t.Fatal(err)
	}
	var filters []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			filters = append(filters, l)
		}
	}
	files, _ := filepath.Glob("../../testdata/expected/filters-tls/*.json")
	if len(files) < 10 {
		t.Fatalf("only %d expectation files", len(files))
	}
	for _, exp := range files {
		name := strings.TrimSuffix(filepath.Base(exp), ".json")
		t.Run(name, func(t *testing.T) {
			e := loadExpectation(t, exp)
			ms := make([]*Matcher, len(filters))
			for i, flt := range filters {
				m, err := NewMatcher(flt)
				if err != nil {
					t.Fatalf("%q: %v", flt, err)
				}
				ms[i] = m
			}
			path := filepath.Join("../../testdata/captures", name)
			if _, err := os.Stat(path); err != nil {
				path = filepath.Join("../tls/testdata/captures", name)
			}
			got, _, err := runAll(path, ms)
			if got == nil {
				t.Fatal(err)
			}
			for i, flt := range filters {
				want, ok := e.frames[flt]
				if !ok {
					t.Errorf("%q: no expectation", flt)
					continue
				}
				if k, ok := tlsKnownDifferences[name]; ok && (flt == "tls" || flt == "tls.record.version == 0x0303") {
					got[i] = symmetricAllow(got[i], want, k.frames)
				}
				if d := diff(got[i], want); d != "" {
					t.Errorf("%q: %s", flt, d)
				}
			}
		})
	}
}

// tlsKnownDifferences are frames where tshark and pcaplens see TLS
// differently, with why: they may differ for the presence filters only.
var tlsKnownDifferences = map[string]struct {
	frames []int
	why    string
}{
	"ja4--browsers-x509.pcapng": {[]int{92, 94}, "retransmissions of segments never captured: tshark does not dissect a retransmission, the reassembler delivers bytes it had not seen"},
	"ja4--latest.pcapng":        {[]int{32, 33, 34, 35, 36}, "ICMP errors quoting a TLS segment: tshark dissects the quoted payload"},
	"ja4--ssh2.pcapng":          {[]int{197}, "an ICMP error quoting a TLS segment"},
	"ja4--tls3.pcapng":          {[]int{6, 27}, "one-byte TCP keep-alives inside TLS connections, which tshark hands to TLS as a segment of a record"},
}

// symmetricAllow makes got agree with want on the allowed frames.
func symmetricAllow(got, want, allowed []int) []int {
	ok := map[int]bool{}
	for _, n := range allowed {
		ok[n] = true
	}
	w := map[int]bool{}
	for _, n := range want {
		w[n] = true
	}
	var out []int
	for _, n := range got {
		if !ok[n] || w[n] {
			out = append(out, n)
		}
	}
	for _, n := range want {
		if ok[n] {
			found := false
			for _, g := range out {
				found = found || g == n
			}
			if !found {
				out = append(out, n)
			}
		}
	}
	return out
}
