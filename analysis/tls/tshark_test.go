package tls

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/golden"
	"pcaplens/analysis/internal/testrun"
)

const testdata = "../../testdata"

// expected is what testdata/tshark/tls.sh writes.
type expected struct {
	Capture            string         `json:"capture"`
	ClientHellos       int            `json:"client_hellos"`
	ServerHellos       int            `json:"server_hellos"`
	HelloRetryRequests int            `json:"hello_retry_requests"`
	ServerNames        map[string]int `json:"server_names"`
	JA3                map[string]int `json:"ja3"`
	JA3S               map[string]int `json:"ja3s"`
	Versions           map[string]int `json:"versions"`
	CipherSuites       map[string]int `json:"cipher_suites"`
	ALPN               map[string]int `json:"alpn"`
	HandshakeTypes     map[string]int `json:"handshake_types"`
	Alerts             map[string]int `json:"alerts"`
}

func run(t testing.TB, path string, o *engine.Options) Report {
	t.Helper()
	return testrun.Report[Report](t, path, o, "tls")
}

// capturePath finds a capture in testdata/captures or this package's testdata.
func capturePath(name string) string {
	p := filepath.Join(testdata, "captures", name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return filepath.Join("testdata", "captures", name)
}

// byCode turns a statistic keyed by name into one keyed by number.
func byCode(t *testing.T, m map[string]int, code func(string) (int, bool)) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		c, ok := code(k)
		if !ok {
			t.Errorf("unknown name %q", k)
			continue
		}
		out[strconv.Itoa(c)] += v
	}
	return out
}

func nameCode[T ~uint8 | ~uint16](name func(T) string, max int) func(string) (int, bool) {
	return func(s string) (int, bool) {
		if h, ok := strings.CutPrefix(s, "0x"); ok {
			v, err := strconv.ParseUint(h, 16, 16)
			return int(v), err == nil
		}
		for i := 0; i <= max; i++ {
			if name(T(i)) == s {
				return i, true
			}
		}
		return 0, false
	}
}

func same(a, b map[string]int) bool {
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

// TestTshark compares the statistics with tshark's on every capture that
// has an expectation file (every test capture: where tshark sees no TLS,
// pcaplens must not either).
func TestTshark(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testdata, "expected/tls/*.json"))
	if len(files) < 50 {
		t.Fatalf("only %d expectation files", len(files))
	}
	withTLS := 0
	for _, ef := range files {
		var want expected
		golden.Load(t, ef, &want)
		if want.ClientHellos+want.ServerHellos > 0 {
			withTLS++
		}
		t.Run(want.Capture, func(t *testing.T) {
			r := run(t, capturePath(want.Capture), nil)
			s := r.Statistics
			if s.ClientHellos != want.ClientHellos || s.ServerHellos != want.ServerHellos || s.HelloRetryRequests != want.HelloRetryRequests {
				t.Errorf("hellos %d/%d (retry %d), tshark %d/%d (retry %d)", s.ClientHellos, s.ServerHellos, s.HelloRetryRequests,
					want.ClientHellos, want.ServerHellos, want.HelloRetryRequests)
			}
			for _, c := range []struct {
				what      string
				got, want map[string]int
			}{
				{"server_names", s.ServerNames, want.ServerNames},
				{"ja3", s.JA3, want.JA3},
				{"ja3s", s.JA3S, want.JA3S},
				{"alpn", s.ALPN, want.ALPN},
				{"versions", byCode(t, s.Versions, nameCode(VersionName, 0xffff)), want.Versions},
				{"cipher_suites", byCode(t, s.CipherSuites, nameCode(CipherName, 0xffff)), want.CipherSuites},
				{"handshake_types", byCode(t, s.HandshakeTypes, nameCode(HandshakeName, 255)), want.HandshakeTypes},
				{"alerts", byCode(t, s.Alerts, nameCode(AlertName, 255)), want.Alerts},
			} {
				if !same(c.got, c.want) {
					t.Errorf("%s differ from tshark's:%s", c.what, diff(c.got, c.want))
				}
			}
		})
	}
	if withTLS < 12 {
		t.Errorf("only %d captures with TLS", withTLS)
	}
}

// diff lists the keys whose counts differ.
func diff(got, want map[string]int) string {
	var b strings.Builder
	for k, v := range got {
		if want[k] != v {
			b.WriteString(" " + k + ": " + strconv.Itoa(v) + " (tshark " + strconv.Itoa(want[k]) + ")")
		}
	}
	for k, v := range want {
		if _, ok := got[k]; !ok {
			b.WriteString(" " + k + ": 0 (tshark " + strconv.Itoa(v) + ")")
		}
	}
	return b.String()
}
