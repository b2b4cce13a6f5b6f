package overview

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/golden"
)

// The directories can be pointed elsewhere (OVERVIEW_CAPTURES,
// OVERVIEW_EXPECTED) to compare over a wider corpus.
var (
	capturesDir = envOr("OVERVIEW_CAPTURES", "../../testdata/captures")
	expectedDir = envOr("OVERVIEW_EXPECTED", "../../testdata/expected/overview")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// tsharkExpect is what testdata/tshark/overview.sh writes.
type tsharkExpect struct {
	Capture string `json:"capture"`
	PHS     []struct {
		Path   string `json:"path"`
		Frames int    `json:"frames"`
		Bytes  int64  `json:"bytes"`
	} `json:"phs"`
	Conversations map[string][]struct {
		A        string  `json:"a"`
		B        string  `json:"b"`
		PortA    *uint16 `json:"port_a"`
		PortB    *uint16 `json:"port_b"`
		FramesAB int     `json:"frames_ab"`
		BytesAB  string  `json:"bytes_ab"`
		FramesBA int     `json:"frames_ba"`
		BytesBA  string  `json:"bytes_ba"`
		Frames   int     `json:"frames"`
		Bytes    string  `json:"bytes"`
		RelStart string  `json:"rel_start"`
		Duration string  `json:"duration"`
	} `json:"conversations"`
	Endpoints map[string][]struct {
		Address   string  `json:"address"`
		Port      *uint16 `json:"port"`
		Packets   int     `json:"packets"`
		Bytes     int64   `json:"bytes"`
		TxPackets int     `json:"tx_packets"`
		TxBytes   int64   `json:"tx_bytes"`
		RxPackets int     `json:"rx_packets"`
		RxBytes   int64   `json:"rx_bytes"`
	} `json:"endpoints"`
}

// tsharkSize prints a byte count as tshark 4.0's conversation tables do
// (format_size with SI prefixes: whole units, truncated, below 10,000 of the
// next unit).
func tsharkSize(n int64) string {
	units := []string{"bytes", "kB", "MB", "GB", "TB"}
	i := 0
	for n >= 10000 && i < len(units)-1 {
		n /= 1000
		i++
	}
	return fmt.Sprintf("%d %s", n, units[i])
}

func portStr(p *uint16) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}

func runCapture(t testing.TB, path string) *Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := engine.Run(context.Background(), f, &engine.Options{Tools: []string{"overview"}, FileName: filepath.Base(path)})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r, ok := out["overview"].(*Report)
	if !ok {
		t.Fatalf("%s: overview report is %T: %v", path, out["overview"], out["overview"])
	}
	return r
}

// knownTableDifferences lists captures whose conversation tables differ from
// tshark's for a documented reason.
var knownTableDifferences = map[string]string{
	// Wireshark's SDP dissector sets up one UDP conversation per RTP direction.
	"sip-call-rtp.pcap":      "RTP conversations set up by SDP (one per direction in Wireshark)",
	"sip-call-rtp-loss.pcap": "RTP conversations set up by SDP (one per direction in Wireshark)",
}

// TestTshark compares the report with tshark's figures on every capture in
// testdata/captures that has an expectation file.
func TestTshark(t *testing.T) {
	caps, _ := filepath.Glob(filepath.Join(capturesDir, "*"))
	n := 0
	for _, c := range caps {
		exp := filepath.Join(expectedDir, filepath.Base(c)+".json")
		if _, err := os.Stat(exp); err != nil {
			t.Logf("%s: no tshark expectation (run testdata/tshark/overview.sh)", filepath.Base(c))
			continue
		}
		n++
		t.Run(filepath.Base(c), func(t *testing.T) {
			var want tsharkExpect
			golden.Load(t, exp, &want)
			got := runCapture(t, c)
			phs := comparePHS(t, got, &want)
			if why, ok := knownTableDifferences[filepath.Base(c)]; ok {
				t.Logf("summary: phs %d/%d rows; tables not compared: %s", phs, len(want.PHS), why)
				return
			}
			convs := compareConversations(t, got, &want)
			eps := compareEndpoints(t, got, &want)
			t.Logf("summary: phs %d/%d rows, %d conversations, %d endpoints compared", phs, len(want.PHS), convs, eps)
		})
	}
	if n == 0 {
		t.Fatal("no capture with a tshark expectation")
	}
}

func comparePHS(t *testing.T, got *Report, want *tsharkExpect) int {
	t.Helper()
	ours := map[string]PHSRow{}
	for _, r := range got.ProtocolHierarchy {
		ours[r.Path] = r
	}
	theirs := map[string]bool{}
	compared, skipped := 0, 0
	for _, w := range want.PHS {
		theirs[w.Path] = true
		r, ok := ours[w.Path]
		if !ok {
			// A layer tshark names and we do not decode (or decodes deeper).
			i := strings.LastIndexByte(w.Path, ':')
			parent, name := "", w.Path[i+1:]
			pc := true
			if i >= 0 {
				parent = w.Path[:i]
				pc = ours[parent].Comparable
				parent = parent[strings.LastIndexByte(parent, ':')+1:]
			}
			if pc && isComparable(parent, name) && parent != "udp" {
				t.Errorf("phs %s: tshark has frames:%d bytes:%d, we have no such layer", w.Path, w.Frames, w.Bytes)
			} else {
				t.Logf("phs %s (frames:%d bytes:%d): not identified by pcaplens", w.Path, w.Frames, w.Bytes)
				skipped++
			}
			continue
		}
		if !r.Comparable {
			skipped++
			continue
		}
		compared++
		if r.Frames != w.Frames || r.Bytes != w.Bytes {
			t.Errorf("phs %s: got frames:%d bytes:%d, tshark frames:%d bytes:%d", w.Path, r.Frames, r.Bytes, w.Frames, w.Bytes)
		}
	}
	for _, r := range got.ProtocolHierarchy {
		if r.Comparable && !theirs[r.Path] {
			t.Errorf("phs %s: we have frames:%d bytes:%d, tshark has no such layer", r.Path, r.Frames, r.Bytes)
		}
	}
	t.Logf("phs: %d rows compared, %d tshark rows not compared", compared, skipped)
	return compared
}

func compareConversations(t *testing.T, got *Report, want *tsharkExpect) (n int) {
	t.Helper()
	for _, kind := range []string{"ip", "ipv6", "tcp", "udp"} {
		// Rows with one key (TCP port reuse) pair up in order of start.
		ours := map[string][]Conversation{}
		for _, c := range got.Conversations[kind] {
			k := c.A + "|" + portStr(c.PortA) + "|" + c.B + "|" + portStr(c.PortB)
			ours[k] = append(ours[k], c)
		}
		for _, rows := range ours {
			sort.Slice(rows, func(i, j int) bool { return rows[i].RelStartNs < rows[j].RelStartNs })
		}
		wants := append(want.Conversations[kind][:0:0], want.Conversations[kind]...)
		sort.SliceStable(wants, func(i, j int) bool {
			a, _ := strconv.ParseFloat(wants[i].RelStart, 64)
			b, _ := strconv.ParseFloat(wants[j].RelStart, 64)
			return a < b
		})
		if len(got.Conversations[kind]) != len(want.Conversations[kind]) {
			t.Errorf("conv,%s: %d conversations, tshark %d", kind, len(got.Conversations[kind]), len(want.Conversations[kind]))
		}
		if kind == "tcp" && got.TCPConversations != len(want.Conversations[kind]) {
			t.Errorf("tcp_conversations %d, tshark -z conv,tcp %d", got.TCPConversations, len(want.Conversations[kind]))
		}
		for _, w := range wants {
			k := w.A + "|" + portStr(w.PortA) + "|" + w.B + "|" + portStr(w.PortB)
			if len(ours[k]) == 0 {
				t.Errorf("conv,%s %s: missing (or A and B swapped)", kind, k)
				continue
			}
			c := ours[k][0]
			ours[k] = ours[k][1:]
			n++
			g := fmt.Sprintf("%d %s %d %s %d %s", c.FramesAB, tsharkSize(c.BytesAB), c.FramesBA, tsharkSize(c.BytesBA),
				c.Frames, tsharkSize(c.Bytes))
			e := fmt.Sprintf("%d %s %d %s %d %s", w.FramesAB, w.BytesAB, w.FramesBA, w.BytesBA, w.Frames, w.Bytes)
			if g != e {
				t.Errorf("conv,%s %s:\n got %s\nwant %s", kind, k, g, e)
			}
			// tshark prints doubles: allow for their rounding (1 µs, 0.1 ms).
			rs, _ := strconv.ParseFloat(w.RelStart, 64)
			du, _ := strconv.ParseFloat(w.Duration, 64)
			if math.Abs(c.RelStart-rs) > 1e-6 || math.Abs(c.Duration-du) > 1.01e-4 {
				t.Errorf("conv,%s %s: rel start %.9f duration %.4f, tshark %s %s", kind, k, c.RelStart, c.Duration, w.RelStart, w.Duration)
			}
		}
	}
	return n
}

func compareEndpoints(t *testing.T, got *Report, want *tsharkExpect) (n int) {
	t.Helper()
	for _, kind := range []string{"ip", "ipv6", "tcp", "udp"} {
		ours := map[string]Endpoint{}
		for _, e := range got.Endpoints[kind] {
			ours[e.Address+"|"+portStr(e.Port)] = e
		}
		if len(got.Endpoints[kind]) != len(want.Endpoints[kind]) {
			t.Errorf("endpoints,%s: %d endpoints, tshark %d", kind, len(got.Endpoints[kind]), len(want.Endpoints[kind]))
		}
		for _, w := range want.Endpoints[kind] {
			k := w.Address + "|" + portStr(w.Port)
			e, ok := ours[k]
			if !ok {
				t.Errorf("endpoints,%s %s: missing", kind, k)
				continue
			}
			n++
			g := fmt.Sprint(e.Packets, e.Bytes, e.TxPackets, e.TxBytes, e.RxPackets, e.RxBytes)
			x := fmt.Sprint(w.Packets, w.Bytes, w.TxPackets, w.TxBytes, w.RxPackets, w.RxBytes)
			if g != x {
				t.Errorf("endpoints,%s %s: got %s, tshark %s", kind, k, g, x)
			}
		}
	}
	return n
}
