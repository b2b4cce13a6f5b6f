package engine

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"pcaplens/analysis/frame"
)

// hashTap reports the input's size and digests.
type hashTap struct{}

func (hashTap) Packet(*frame.Frame) {}

func (hashTap) Finish(c *Capture) map[string]any {
	return map[string]any{"hashes": [3]any{c.FileSize, c.SHA256, c.SHA1}}
}

func init() {
	Register(Factory{Name: "hashes", Tools: []string{"hashes"}, Hashes: true, New: func(*Options) Tap { return hashTap{} }})
	Register(Factory{Name: "warnings", Tools: []string{"warnings"}, New: func(*Options) Tap { return warnTap{} }})
}

// TestHashesInlineAndConcurrent checks the input's digests with the hashing
// inline (one processor, as in WebAssembly) and in its own goroutine, over
// reads of uneven sizes, with trailing bytes after the last record, and that
// a cancelled run stops the hashing goroutine.
func TestHashesInlineAndConcurrent(t *testing.T) {
	recs := make([][]byte, 30000)
	for i := range recs {
		recs[i] = ethUDP
	}
	file := append(pcapFile(recs...), "trailing"...)
	s256, s1 := sha256.Sum256(file), sha1.Sum(file)
	want := [3]any{int64(len(file)), hex.EncodeToString(s256[:]), hex.EncodeToString(s1[:])}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		out, err := Run(context.Background(), iotest.HalfReader(bytes.NewReader(file)), &Options{Tools: []string{"hashes"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := out["hashes"]; got != want {
			t.Errorf("GOMAXPROCS %d: got %v, want %v", procs, got, want)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Run(ctx, bytes.NewReader(file), &Options{Tools: []string{"hashes"}}); !errors.Is(err, context.Canceled) {
			t.Errorf("GOMAXPROCS %d: cancelled run: %v", procs, err)
		}
	}
}

// TestDigestsSupplied checks that digests supplied by Options.Digests are
// reported as they are (the engine does not hash the input then), that the
// callback runs once, after the whole input was read, and that malformed
// digests are dropped with a warning.
func TestDigestsSupplied(t *testing.T) {
	file := pcapFile(ethUDP, ethUDP)
	a, b := strings.Repeat("ab", sha256.Size), strings.Repeat("cd", sha1.Size)
	calls := 0
	var readAtCall int64
	cr := &countingReader{r: bytes.NewReader(file)}
	o := &Options{Tools: []string{"hashes"}, Digests: func() (string, string) {
		calls++
		readAtCall = cr.n
		return a, b
	}}
	out, err := Run(context.Background(), cr, o)
	if err != nil {
		t.Fatal(err)
	}
	if want := [3]any{int64(len(file)), a, b}; out["hashes"] != want {
		t.Errorf("got %v, want %v", out["hashes"], want)
	}
	if calls != 1 || readAtCall != int64(len(file)) {
		t.Errorf("Digests called %d times, after %d of %d bytes", calls, readAtCall, len(file))
	}
	for _, bad := range [][2]string{{"", ""}, {a, "xyz"}, {strings.ToUpper(a), b}, {a[2:], b}} {
		lastWarnings = nil
		out, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"hashes", "warnings"}, Digests: func() (string, string) { return bad[0], bad[1] }})
		warned := lastWarnings
		if err != nil {
			t.Fatal(err)
		}
		if want := [3]any{int64(len(file)), "", ""}; out["hashes"] != want {
			t.Errorf("%q: got %v, want %v", bad, out["hashes"], want)
		}
		if len(warned) != 1 || !strings.Contains(warned[0], "SHA256 and SHA1 were not computed") {
			t.Errorf("%q: warnings %q", bad, warned)
		}
	}
}

// warnTap records the run's warnings in lastWarnings.
type warnTap struct{}

var lastWarnings []string

func (warnTap) Packet(*frame.Frame) {}

func (warnTap) Finish(c *Capture) map[string]any {
	lastWarnings = c.Warnings
	return map[string]any{"warnings": len(c.Warnings)}
}
