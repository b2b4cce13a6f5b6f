package packets

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
)

// TestSelect checks that the light pass selects, on every test capture,
// the same frames as a Scanner with the same filter, sees every frame the
// Scanner sees, and ends with the Scanner's error. Setting
// PCAPLENS_REPLAY_DIRS (colon-separated directories) adds their captures.
func TestSelect(t *testing.T) {
	dirs := []string{capturesDir}
	if e := os.Getenv("PCAPLENS_REPLAY_DIRS"); e != "" {
		dirs = append(dirs, strings.Split(e, ":")...)
	}
	var paths []string
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if !e.IsDir() {
				paths = append(paths, filepath.Join(d, e.Name()))
			}
		}
	}
	filters := []string{"", "tcp.analysis.retransmission", "tcp.analysis.flags", "udp", "dns.time > 0", "ip.len > 1000", "tcp.stream == 1"}
	checked := 0
	for _, path := range paths {
		name := filepath.Base(path)
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, expr := range filters {
			ms, _ := NewMatcher(expr)
			s, err := NewScanner(bytes.NewReader(b), 0)
			if err != nil {
				continue
			}
			var want []int
			frames := 0
			var serr error
			for {
				f, err := s.Next()
				if err != nil {
					serr = err
					break
				}
				frames++
				if ms.Match(f) {
					want = append(want, f.Number)
				}
			}
			ml, _ := NewMatcher(expr)
			var got []int
			seen := 0
			lerr := Select(bytes.NewReader(b), ml, func(f *frame.Frame, ok bool) error {
				seen++
				if f.Number != seen {
					t.Fatalf("%s: frame %d numbered %d", name, seen, f.Number)
				}
				if ok {
					got = append(got, f.Number)
				}
				return nil
			})
			var ce *capture.Error
			if errors.Is(serr, io.EOF) != errors.Is(lerr, io.EOF) || errors.As(serr, &ce) != errors.As(lerr, &ce) {
				t.Errorf("%s %q: ends with %v, the Scanner with %v", name, expr, lerr, serr)
			}
			if seen != frames || len(got) != len(want) {
				t.Errorf("%s %q: %d frames, %d selected; the Scanner %d, %d", name, expr, seen, len(got), frames, len(want))
				continue
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s %q: selected frame %d, the Scanner %d", name, expr, got[i], want[i])
					break
				}
			}
			if len(want) > 0 {
				checked++
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d capture and filter pairs selected frames", checked)
	}
	// An error from fn stops the pass.
	stop := errors.New("stop")
	b, _ := os.ReadFile(paths[0])
	n := 0
	if err := Select(bytes.NewReader(b), All, func(*frame.Frame, bool) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("fn's error: %v after %d frames", err, n)
	}
}
