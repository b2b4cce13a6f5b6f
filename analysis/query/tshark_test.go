package query

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
)

const (
	capturesDir = "../../testdata/captures"
	expectedDir = "../../testdata/expected/filters"
	filtersFile = "../../testdata/tshark/filters.txt"
)

// knownCaptures lists captures whose frames tshark numbers differently, so
// that no filter can be compared.
var knownCaptures = map[string]string{
	"pcapng-oddities.pcapng": "tshark lists a custom block as a frame: its frame numbers are one ahead of ours from frame 4",
}

// knownDifferences lists, by capture and then filter, where the frames we
// select differ from tshark's, with the reason. Each must still differ: a
// listed difference that now agrees fails the test, so the list stays true.
var knownDifferences = map[string]map[string]string{
	"chrissanders--tcp_dupack.pcapng": {
		"http": "frames 2 and 4: a capture started mid-connection, binary body data on port 80 ahead of a hole; tshark hands them to HTTP as nothing (they wait for TCP reassembly) and shows the http protocol from frame 6, pcaplens on each segment that starts no message",
	},
	"chrissanders--tcp_zerowindowdead.pcapng": {
		"http": "frame 1: the capture starts mid-connection with body data on port 80; tshark shows no http on it, pcaplens shows http on a segment that starts no message",
	},
	"pcaplens-icmp-truncated.pcap": {
		"icmp":                             "frames 11-12: an ICMPv4 header of 6 or 7 bytes has no ICMP layer in the frame (the decoder reads 8); the icmp analyzer counts it as tshark does",
		"icmp.type == 8 or icmp.type == 0": "frame 11: the same 7-byte echo request",
		"icmpv6":                           "frame 7: an ICMPv6 header of 2 bytes has no ICMPv6 layer in the frame (the decoder reads 4); the icmp analyzer counts it as tshark does",
	},
}

// readRanges parses "1-3,7" into frame numbers.
func readRanges(s string) ([]int, error) {
	var out []int
	if s == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, err
			}
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out, nil
}

// expectation is one capture's expected frames per filter, or the error
// tshark refused the filter with.
type expectation struct {
	frames  map[string][]int
	refused map[string]string
}

func loadExpectation(t testing.TB, path string) expectation {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	e := expectation{frames: map[string][]int{}, refused: map[string]string{}}
	for flt, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			fr, err := readRanges(s)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, flt, err)
			}
			e.frames[flt] = fr
			continue
		}
		var r struct{ Error string }
		if err := json.Unmarshal(v, &r); err != nil {
			t.Fatalf("%s: %q: %v", path, flt, err)
		}
		e.refused[flt] = r.Error
	}
	return e
}

func readFilters(t testing.TB) []string { return readFilterList(t, filtersFile) }

func readFilterList(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// runAll runs every matcher over the capture at path in one pass and
// returns the frames each selects.
func runAll(path string, ms []*Matcher) ([][]int, int, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer in.Close()
	rd, err := capture.Open(bufio.NewReader(in))
	if err != nil {
		return nil, 0, err
	}
	out := make([][]int, len(ms))
	var rec capture.Record
	var fr frame.Frame
	dec := frame.NewDecoder()
	reasm := frame.NewReassembler(frame.ReassemblyLimits{})
	streams := frame.NewStreamAssigner(0)
	for _, m := range ms {
		if m != nil {
			m.SetStreams(streams)
		}
	}
	n := 0
	for {
		if err := rd.Next(&rec); err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return out, n, err
		}
		n++
		dec.Decode(&rec, n, &fr)
		reasm.Add(&fr)
		streams.Assign(&fr)
		for i, m := range ms {
			if m != nil && m.Match(&fr) {
				out[i] = append(out[i], fr.Number)
			}
		}
	}
}

// diff describes how got differs from want ("" when equal).
func diff(got, want []int) string {
	g, w := map[int]bool{}, map[int]bool{}
	for _, n := range got {
		g[n] = true
	}
	for _, n := range want {
		w[n] = true
	}
	var extra, missing []int
	for n := range g {
		if !w[n] {
			extra = append(extra, n)
		}
	}
	for n := range w {
		if !g[n] {
			missing = append(missing, n)
		}
	}
	if len(extra) == 0 && len(missing) == 0 {
		return ""
	}
	sort.Ints(extra)
	sort.Ints(missing)
	first := func(s []int) string {
		if len(s) > 8 {
			return fmt.Sprint(s[:8]) + "…"
		}
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("%d frames tshark does not select %s, %d it selects missing %s (tshark: %d frames)",
		len(extra), first(extra), len(missing), first(missing), len(want))
}

// TestFiltersAgainstTshark runs every filter of testdata/tshark/filters.txt
// over every capture with an expectation and requires exactly the frames
// tshark 4.0 selects (testdata/tshark/filters.sh), or the same refusal.
func TestFiltersAgainstTshark(t *testing.T) {
	agreeWithTshark(t, readFilters(t), expectedDir, 40)
}

// TestLayerFiltersAgainstTshark does the same for the layer operator,
// slices and functions (testdata/tshark/filters-layers.txt), recorded on
// the captures of testdata/tshark/filters-layers.list.
func TestLayerFiltersAgainstTshark(t *testing.T) {
	agreeWithTshark(t, readFilterList(t, "../../testdata/tshark/filters-layers.txt"), "../../testdata/expected/filters-layers", 40)
}

// agreeWithTshark runs filters over every capture with an expectation in
// dir and requires the frames tshark selects, or the same refusal.
func agreeWithTshark(t *testing.T, filters []string, dir string, min int) {
	if len(filters) < min {
		t.Fatalf("only %d filters", len(filters))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Fatal("no expectations (run testdata/tshark/filters.sh)")
	}
	agree, total := 0, 0
	for _, exp := range files {
		name := strings.TrimSuffix(filepath.Base(exp), ".json")
		t.Run(name, func(t *testing.T) {
			if why := knownCaptures[name]; why != "" {
				t.Skip(why)
			}
			e := loadExpectation(t, exp)
			ms := make([]*Matcher, len(filters))
			for i, flt := range filters {
				m, err := NewMatcher(flt)
				_, refused := e.refused[flt]
				switch {
				case refused && err == nil:
					t.Errorf("%q: tshark refuses it (%s), we accept it", flt, e.refused[flt])
				case !refused && err != nil:
					t.Errorf("%q: refused: %v", flt, err)
				case !refused:
					if _, ok := e.frames[flt]; !ok {
						t.Errorf("%q: no expectation (rerun testdata/tshark/filters.sh)", flt)
						continue
					}
					ms[i] = m
				}
			}
			got, _, err := runAll(filepath.Join(capturesDir, name), ms)
			if err != nil {
				t.Logf("read: %v", err)
			}
			known := knownDifferences[name]
			for i, flt := range filters {
				if ms[i] == nil {
					continue
				}
				total++
				d := diff(got[i], e.frames[flt])
				why := known[flt]
				switch {
				case d == "" && why != "":
					t.Errorf("%q: listed as differing (%s) but agrees with tshark now: remove it from knownDifferences", flt, why)
				case d == "":
					agree++
				case why != "":
					t.Logf("%q: known difference (%s): %s", flt, why, d)
				default:
					t.Errorf("%q: %s", flt, d)
				}
			}
		})
	}
	t.Logf("%d of %d filter runs agree with tshark", agree, total)
}
