package sip

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"pcaplens/analysis/internal/testrun"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/golden"
)

// expected is what testdata/tshark/sip.sh writes.
type expected struct {
	Capture     string         `json:"capture"`
	Messages    int            `json:"messages"`
	Requests    map[string]int `json:"requests"`
	StatusCodes map[string]int `json:"status_codes"`
	CallIDs     int            `json:"call_ids"`
	RTPStreams  []struct {
		Src          string  `json:"src"`
		SrcPort      int     `json:"src_port"`
		Dst          string  `json:"dst"`
		DstPort      int     `json:"dst_port"`
		SSRC         string  `json:"ssrc"`
		Payload      string  `json:"payload"`
		Packets      int     `json:"packets"`
		Lost         int     `json:"lost"`
		MaxDeltaMs   float64 `json:"max_delta_ms"`
		MaxJitterMs  float64 `json:"max_jitter_ms"`
		MeanJitterMs float64 `json:"mean_jitter_ms"`
	} `json:"rtp_streams"`
}

const testdata = "../../testdata"

func run(t testing.TB, path string, o *engine.Options) *Report {
	t.Helper()
	return testrun.Report[*Report](t, path, o, "sip")
}

func eqMap(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if want == nil {
		want = map[string]int{}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s[%s] = %d, tshark %d", what, k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s[%s] = %d, tshark has none", what, k, v)
		}
	}
}

// TestTshark compares the report with tshark's figures on every test capture:
// those with SIP have an expected file; the others must show no SIP at all.
func TestTshark(t *testing.T) {
	td := testrun.Testdata()
	caps, _ := filepath.Glob(filepath.Join(td, "captures", "*"))
	if len(caps) == 0 {
		t.Skip("no captures")
	}
	withSIP := 0
	for _, path := range caps {
		name := filepath.Base(path)
		if strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".json") || strings.HasPrefix(name, "not-a-capture") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			exp := filepath.Join(td, "expected", "sip", name+".json")
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			out, err := engine.Run(context.Background(), f, &engine.Options{Tools: []string{"sip"}, FileName: name})
			f.Close()
			if err != nil {
				t.Skipf("not readable: %v", err)
			}
			r := out["sip"].(*Report)
			if _, err := os.Stat(exp); err != nil {
				if r.SIPMessages != 0 || len(r.RTPStreams) != 0 {
					t.Errorf("%d SIP messages, %d RTP streams found where tshark finds none", r.SIPMessages, len(r.RTPStreams))
				}
				return
			}
			withSIP++
			var want expected
			golden.Load(t, exp, &want)
			if r.SIPMessages != want.Messages {
				t.Errorf("messages %d, tshark %d", r.SIPMessages, want.Messages)
			}
			eqMap(t, "methods", r.Statistics.Methods, want.Requests)
			eqMap(t, "status_codes", r.Statistics.StatusCodes, want.StatusCodes)
			if r.Statistics.CallIDs != want.CallIDs {
				t.Errorf("call_ids %d, tshark %d", r.Statistics.CallIDs, want.CallIDs)
			}
			if len(r.RTPStreams) != len(want.RTPStreams) {
				t.Fatalf("%d RTP streams, tshark %d", len(r.RTPStreams), len(want.RTPStreams))
			}
			for _, w := range want.RTPStreams {
				found := false
				for _, g := range r.RTPStreams {
					if g.Src != w.Src || g.SrcPort != w.SrcPort || g.Dst != w.Dst || g.DstPort != w.DstPort || g.SSRC != w.SSRC {
						continue
					}
					found = true
					if g.Packets != w.Packets || g.Lost != w.Lost {
						t.Errorf("stream %s:%d→%s:%d %s: packets %d lost %d, tshark %d lost %d", w.Src, w.SrcPort, w.Dst, w.DstPort, w.SSRC, g.Packets, g.Lost, w.Packets, w.Lost)
					}
					for _, c := range []struct {
						what      string
						got, want float64
					}{{"max delta", g.MaxDeltaMs, w.MaxDeltaMs}, {"max jitter", g.MaxJitterMs, w.MaxJitterMs}, {"mean jitter", g.MeanJitterMs, w.MeanJitterMs}} {
						if math.Abs(c.got-c.want) > 0.0015 {
							t.Errorf("stream %s:%d→%s:%d %s: %s %.3f ms, tshark %.3f", w.Src, w.SrcPort, w.Dst, w.DstPort, w.SSRC, c.what, c.got, c.want)
						}
					}
				}
				if !found {
					t.Errorf("stream %s:%d→%s:%d %s (tshark) not found", w.Src, w.SrcPort, w.Dst, w.DstPort, w.SSRC)
				}
			}
		})
	}
	if withSIP == 0 {
		t.Error("no capture with SIP was compared")
	}
}

func newOpts(maxPackets int) *engine.Options { return &engine.Options{MaxPackets: maxPackets} }
