package packets

import (
	"math/rand"
	"os"
	"sort"
	"testing"
	"time"
)

// TestReplayTiming measures, on the capture named by
// PCAPLENS_REPLAY_CAPTURE (skipped without it; see
// web/test/bench/packets-capture.sh), the pass with and without the replay
// state, the state's memory, and the time to build the row (and the
// detail) of random frames from the frame index. Figures go to
// docs/benchmarks.md. Run:
//
//	PCAPLENS_REPLAY_CAPTURE=/tmp/1m.pcapng go test ./analysis/packets/ -run TestReplayTiming -v
func TestReplayTiming(t *testing.T) {
	path := os.Getenv("PCAPLENS_REPLAY_CAPTURE")
	if path == "" {
		t.Skip("PCAPLENS_REPLAY_CAPTURE not set")
	}
	pass := func(record bool) (*Scanner, time.Duration) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		t0 := time.Now()
		s, err := NewScanner(f, 0)
		if err != nil {
			t.Fatal(err)
		}
		if record {
			s.Record()
		}
		if err := s.Drain(); err != nil {
			t.Fatal(err)
		}
		return s, time.Since(t0)
	}
	_, plain := pass(false)
	s, rec := pass(true)
	st := s.State()
	n := st.Frames()
	t.Logf("pass of %d frames: %v without the replay state, %v with it (%.0f k frames/s)", n, plain, rec, float64(n)/rec.Seconds()/1e3)
	t.Logf("replay state: %d bytes (%.1f per frame), complete %v; %d flagged TCP frames, %d TCP streams, %d address pairs",
		st.Bytes(), float64(st.Bytes())/float64(n), st.Complete(), len(st.flagged), len(st.tcp), len(st.pairs))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	r, err := NewReplayer(st, s.Index(), f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	for _, what := range []string{"row", "detail"} {
		if what == "detail" && st.noDetails {
			t.Logf("details are not replayed: their values outgrew MaxDetailStateBytes (%d bytes counted)", st.dbytes)
			continue
		}
		var ds []time.Duration
		for i := 0; i < 2000; i++ {
			k := 1 + rng.Intn(n)
			t0 := time.Now()
			var err error
			if what == "row" {
				_, err = r.RowAt(k)
			} else {
				_, err = r.DetailAt(k)
			}
			ds = append(ds, time.Since(t0))
			if err != nil {
				t.Fatalf("frame %d: %v", k, err)
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		t.Logf("%s of a random frame (2000): mean %v, median %v, p99 %v, max %v", what, sum/time.Duration(len(ds)), ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1])
	}
}
