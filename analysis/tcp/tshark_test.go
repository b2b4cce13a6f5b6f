package tcp_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	_ "pcaplens/analysis/capinfos"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/golden"
	"pcaplens/analysis/internal/testrun"
	"pcaplens/analysis/tcp"
)

// tsharkFigures is what testdata/tshark/tcp.sh writes.
type tsharkFigures struct {
	Capture    string         `json:"capture"`
	TCPPackets int            `json:"tcp_packets"`
	Streams    int            `json:"streams"`
	Flags      map[string]int `json:"flags"`
	// Frames maps each flagged frame number to its flags, comma-separated.
	Frames map[string]string `json:"frames"`
	// InitialRTT is tcp.analysis.initial_rtt per tcp.stream, in seconds.
	InitialRTT map[string]float64 `json:"initial_rtt"`
}

// frameFlags runs the tracker alone and returns each flagged frame's flags
// in tshark's notation.
func frameFlags(t testing.TB, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tcp.NewTracker(0)
	out := map[string]string{}
	tr.OnPacket = func(_ *tcp.Conn, _ int, fr *frame.Frame, _ int, fl tcp.Flag) {
		if fl != 0 {
			out[strconv.Itoa(fr.Number)] = strings.Join(fl.Names(), ",")
		}
	}
	eachFrame(t, f, true, tr.Packet)
	if !tcp.IdleKept(tr) {
		t.Errorf("%s: a direction without state was written through the tracker's idle state", path)
	}
	return out
}

// knownMismatch lists flags we do not yet match on a capture, with why.
// Keep it empty where possible: every entry is reported by the test log.
var knownMismatch = map[string]map[string]string{}

func run(t testing.TB, path string, o *engine.Options) map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if o == nil {
		o = &engine.Options{}
	}
	o.Tools = []string{tcp.ToolConnections, tcp.ToolAnomalies, tcp.ToolRetransmissions, tcp.ToolTrafficFlow}
	o.FileName = filepath.Base(path)
	out, err := engine.Run(context.Background(), f, o)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testdata is the testdata directory, or the one PCAPLENS_TESTDATA names.
func testdata() string { return testrun.Testdata() }

func TestAgainstTshark(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdata(), "expected/tcp/*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no expectations: %v", err)
	}
	for _, exp := range files {
		var want tsharkFigures
		golden.Load(t, exp, &want)
		t.Run(want.Capture, func(t *testing.T) {
			out := run(t, filepath.Join(testdata(), "captures", want.Capture), nil)
			conns := out[tcp.ToolConnections].(*tcp.ConnectionsReport)
			for _, w := range conns.Warnings {
				if strings.HasPrefix(w, "not decoded: ") {
					// The frame decoder does not read this link type: nothing to compare.
					t.Skipf("capture's link type is not decoded (%s); tshark counts %d TCP packets", w, want.TCPPackets)
				}
			}
			an := out[tcp.ToolAnomalies].(*tcp.AnomaliesReport)
			if conns.Summary.TotalPackets != want.TCPPackets {
				t.Errorf("tcp packets: got %d, tshark %d", conns.Summary.TotalPackets, want.TCPPackets)
			}
			if conns.Summary.TotalConnections != want.Streams {
				t.Errorf("connections: got %d, tshark %d distinct tcp.stream", conns.Summary.TotalConnections, want.Streams)
			}
			got := an.Statistics.AnalysisFlags
			for name, n := range want.Flags {
				if got[name] == n {
					continue
				}
				if why, ok := knownMismatch[want.Capture][name]; ok {
					t.Logf("known mismatch %s: got %d, tshark %d (%s)", name, got[name], n, why)
					continue
				}
				t.Errorf("tcp.analysis.%s: got %d, tshark %d", name, got[name], n)
			}
			// Initial RTT per stream (stream numbers as tshark's tcp.stream).
			det := run(t, filepath.Join(testdata(), "captures", want.Capture), &engine.Options{Detailed: true})
			rtts := map[string]float64{}
			for _, r := range det[tcp.ToolConnections].(*tcp.ConnectionsReport).Connections.All() {
				if r.InitialRTT != nil {
					rtts[strconv.Itoa(r.Stream)] = *r.InitialRTT
				}
			}
			for st, w := range want.InitialRTT {
				if g, ok := rtts[st]; !ok || math.Abs(g-w) > 1e-9 {
					t.Errorf("stream %s: initial RTT %v (present %v), tshark %v", st, g, ok, w)
				}
			}
			// The other way round is not checked: tshark shows the field only
			// on frames that get a SEQ/ACK analysis tree (an ACKed segment,
			// bytes in flight or a flag), so a stream whose handshake ACK is its
			// last frame can have Wireshark's ts_first_rtt without showing it.
			// Frame by frame: each packet gets exactly the flags tshark gives it.
			ours := frameFlags(t, filepath.Join(testdata(), "captures", want.Capture))
			var bad []string
			for fr, w := range want.Frames {
				if ours[fr] != w {
					bad = append(bad, "frame "+fr+": got ["+ours[fr]+"], tshark ["+w+"]")
				}
			}
			for fr, g := range ours {
				if _, ok := want.Frames[fr]; !ok {
					bad = append(bad, "frame "+fr+": got ["+g+"], tshark []")
				}
			}
			sort.Strings(bad)
			if len(bad) > 0 && len(knownMismatch[want.Capture]) == 0 {
				if len(bad) > 20 {
					bad = append(bad[:20], "…")
				}
				t.Errorf("per-frame flags differ from tshark:\n%s", strings.Join(bad, "\n"))
			}
		})
	}
}
