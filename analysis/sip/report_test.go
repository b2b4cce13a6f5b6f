package sip

import (
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/golden"
)

func kinds(r *Report) string {
	var k []string
	for _, o := range r.Findings {
		k = append(k, strings.TrimPrefix(o.Kind, "sip."))
	}
	return strings.Join(k, ",")
}

// TestCaptures checks calls, registrations and observations on the SIPp captures.
func TestCaptures(t *testing.T) {
	for _, c := range []struct {
		capture      string
		state        string
		code         int
		pdd          bool // post-dial delay measured
		answered     bool
		hungUpBy     string
		regOutcome   string
		observations string
		streams      int
	}{
		{"sip-call-rtp.pcap", "answered", 200, true, true, "caller", "", "", 4},
		{"sip-call-rtp-loss.pcap", "answered", 200, true, true, "caller", "", "rtp_loss", 4},
		{"sip-call-rejected.pcap", "rejected", 486, true, false, "", "", "", 0},
		{"sip-call-cancelled.pcap", "cancelled", 487, true, false, "", "", "", 0},
		{"sip-call-tcp.pcap", "answered", 200, true, true, "caller", "", "call_without_media", 0},
		{"sip-register.pcap", "", 0, false, false, "", "registered", "", 0},
		{"sip-register-bruteforce.pcap", "", 0, false, false, "", "failed", "auth_failures,scan", 0},
		{"sip-options-scan.pcap", "", 0, false, false, "", "", "scan", 0},
		{"sip-tcp-framing.pcap", "answered", 200, true, true, "caller", "", "rtp_loss", 2},
		{"sip-register-badheader.pcap", "", 0, false, false, "", "registered", "malformed", 0},
	} {
		t.Run(c.capture, func(t *testing.T) {
			r := run(t, filepath.Join(testdata, "captures", c.capture), nil)
			if got := kinds(r); got != c.observations {
				t.Errorf("observations %q, want %q", got, c.observations)
			}
			if len(r.RTPStreams) != c.streams {
				t.Errorf("%d RTP streams, want %d", len(r.RTPStreams), c.streams)
			}
			if c.state != "" {
				if len(r.Calls) != 1 {
					t.Fatalf("%d calls", len(r.Calls))
				}
				cl := r.Calls[0]
				if cl.State != c.state || cl.StatusCode != c.code || (cl.PostDialDelayMs != nil) != c.pdd ||
					(cl.AnswerTimeMs != nil) != c.answered || (cl.DurationMs != nil) != c.answered || cl.HungUpBy != c.hungUpBy {
					t.Errorf("call %+v", cl)
				}
				if len(cl.Flow) == 0 || !strings.HasPrefix(cl.Flow[0].Label, "INVITE") || len(cl.MediaOffered) != 1 {
					t.Errorf("flow %+v offered %+v", cl.Flow, cl.MediaOffered)
				}
				if c.answered && len(cl.MediaAnswered) != 1 {
					t.Errorf("answered media %+v", cl.MediaAnswered)
				}
			} else if len(r.Calls) != 0 {
				t.Errorf("%d calls", len(r.Calls))
			}
			if c.regOutcome != "" {
				if len(r.Registrations) != 1 || r.Registrations[0].Outcome != c.regOutcome || r.Registrations[0].Challenges == 0 {
					t.Fatalf("registrations %+v", r.Registrations)
				}
				if c.regOutcome == "registered" && (r.Registrations[0].Expires == nil || *r.Registrations[0].Expires != 3600) {
					t.Errorf("expires %v", r.Registrations[0].Expires)
				}
			}
		})
	}
}

// TestGolden keeps whole reports of two small captures (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, name := range []string{"sip-call-cancelled.pcap", "sip-call-tcp.pcap"} {
		t.Run(name, func(t *testing.T) {
			r := run(t, filepath.Join(testdata, "captures", name), nil)
			golden.Check(t, filepath.Join("testdata", strings.TrimSuffix(name, ".pcap")+".golden.json"), r)
		})
	}
}

// TestMaxPackets limits the per-packet list but not the statistics.
func TestMaxPackets(t *testing.T) {
	r := run(t, filepath.Join(testdata, "captures", "sip-options-scan.pcap"), nil)
	r3 := run(t, filepath.Join(testdata, "captures", "sip-options-scan.pcap"), newOpts(3))
	if len(r3.Packets) != 3 || r3.SIPPacketsAnalyzed != 3 || r3.Statistics.Methods["OPTIONS"] != r.Statistics.Methods["OPTIONS"] {
		t.Errorf("packets %d, methods %v", len(r3.Packets), r3.Statistics.Methods)
	}
}
