package engine

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"runtime"
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
