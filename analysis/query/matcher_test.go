package query

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/testrun"
)

// decodeAll decodes every record of a capture into its own frame, with
// stream numbers (no fragments are reassembled: use captures without).
func decodeAll(tb testing.TB, path string) []frame.Frame {
	tb.Helper()
	recs := testrun.Records(tb, path)
	dec := frame.NewDecoder()
	sa := frame.NewStreamAssigner(0)
	frames := make([]frame.Frame, len(recs))
	for i := range recs {
		dec.Decode(&recs[i], i+1, &frames[i])
		sa.Assign(&frames[i])
	}
	return frames
}

func TestNewMatcherPassesFilterErrors(t *testing.T) {
	_, err := NewMatcher("tcp.foo")
	var fe *filter.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %T %v, want *filter.Error", err, err)
	}
	if !strings.Contains(fe.Error(), "tcp.foo is neither a field nor a protocol name.") {
		t.Fatalf("message %q", fe.Error())
	}
}

func TestCountAndFrames(t *testing.T) {
	data, err := os.ReadFile(capturesDir + "/chrissanders--tcp_retransmissions.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	bs, n, err := Count(context.Background(), bytes.NewReader(data), "tcp.analysis.retransmission")
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 || bs.Count() != 5 || bs.Has(1) || !bs.Has(2) || !bs.Has(6) {
		t.Fatalf("frames %d, matches %v", n, bs.Frames())
	}
	var got []int
	err = Frames(context.Background(), bytes.NewReader(data), "frame.number in {1, 3, 5}", func(f *frame.Frame) error {
		got = append(got, f.Number)
		return nil
	})
	if err != nil || len(got) != 3 || got[0] != 1 || got[2] != 5 {
		t.Fatalf("Frames: %v %v", got, err)
	}
	stop := errors.New("stop")
	calls := 0
	err = Frames(context.Background(), bytes.NewReader(data), "", func(*frame.Frame) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Fatalf("fn's error: %v after %d calls", err, calls)
	}
	if _, _, err := Count(context.Background(), strings.NewReader("not a capture at all"), "ip"); err == nil {
		t.Fatal("no error for a file that is not a capture")
	}
}

func TestBitset(t *testing.T) {
	var b Bitset
	for _, n := range []int{5, 64, 63, 1000, 5, -1} {
		b.Set(n)
	}
	if b.Count() != 4 {
		t.Fatalf("count %d", b.Count())
	}
	want := []int{5, 63, 64, 1000}
	if got := b.Frames(); len(got) != 4 || got[0] != 5 || got[1] != 63 || got[2] != 64 || got[3] != 1000 {
		t.Fatalf("frames %v, want %v", got, want)
	}
	if b.Has(6) || !b.Has(64) || b.Has(-3) || b.Has(1<<20) {
		t.Fatal("Has")
	}
	if b.Next(65) != 1000 || b.Next(1001) != -1 || b.Next(-5) != 5 {
		t.Fatalf("Next: %d %d %d", b.Next(65), b.Next(1001), b.Next(-5))
	}
}

// TestMatchAllocations checks that Match allocates nothing per frame once
// its state has grown (a second pass over the same frames).
func TestMatchAllocations(t *testing.T) {
	frames := decodeAll(t, capturesDir+"/chrissanders--http_espn.pcapng")
	for _, expr := range []string{
		"ip.addr == 10.0.0.0/8 and tcp.port == 80",
		"tcp.analysis.retransmission or tcp.window_size < 1000 or tcp.seq == 1",
		"frame.time_delta > 0.1 or eth.addr == ff:ff:ff:ff:ff:ff or udp.port == 53",
		"dns.qry.name contains \"espn\" or dns.a == 10.0.0.0/8",
	} {
		m, err := NewMatcher(expr)
		if err != nil {
			t.Fatal(err)
		}
		for i := range frames {
			m.Match(&frames[i])
		}
		allocs := testing.AllocsPerRun(3, func() {
			for i := range frames {
				m.Match(&frames[i])
			}
		})
		if allocs > 0 {
			t.Errorf("%q: %.0f allocations per pass of %d frames", expr, allocs, len(frames))
		}
	}
}
