package report

import (
	"math"
	"math/rand"
	"testing"
)

func addInt(into, from *int) { *into += *from }

// TestGridChoosesWidthFromSpan checks that the width is the narrowest of the
// ladder covering the times in at most MaxBuckets buckets, whatever order
// the times come in, and that no count is lost when the grid widens.
func TestGridChoosesWidthFromSpan(t *testing.T) {
	const t0 = 1_700_000_000_123_456_789
	cases := []struct {
		span  int64
		width int64
	}{
		{0, 1e6},
		{500e6, 1e6},                       // 0.5 s: 1 ms buckets (≤ 501)
		{2e9, 10e6},                        // 2 s: 10 ms
		{3600e9, 10e9},                     // 1 h: 10 s (360 buckets)
		{10 * 86400e9, 3600e9},             // 10 days: 1 h (240 buckets), never a 10-day bucket
		{math.MaxInt64 / 2, 100 * 86400e9}, // 146 years: 100 days
	}
	for _, c := range cases {
		times := []int64{t0, t0 + c.span}
		for i := 0; i < 200; i++ {
			times = append(times, t0+rand.Int63n(c.span+1))
		}
		for _, order := range []string{"forward", "shuffled"} {
			if order == "shuffled" {
				rand.Shuffle(len(times), func(i, j int) { times[i], times[j] = times[j], times[i] })
			}
			g := NewGrid(addInt)
			for _, ts := range times {
				*g.At(ts)++
			}
			if g.Width() != c.width {
				t.Errorf("span %d (%s): width %d, want %d", c.span, order, g.Width(), c.width)
			}
			if g.Start() != floorDiv(t0, c.width)*c.width {
				t.Errorf("span %d (%s): start %d", c.span, order, g.Start())
			}
			if n := len(g.Buckets()); n > MaxBuckets || int64(n) != floorDiv(t0+c.span, c.width)-floorDiv(t0, c.width)+1 {
				t.Errorf("span %d (%s): %d buckets", c.span, order, n)
			}
			sum := 0
			for _, b := range g.Buckets() {
				sum += b
			}
			if sum != len(times) {
				t.Errorf("span %d (%s): %d counted, want %d", c.span, order, sum, len(times))
			}
		}
	}
}

func TestGridNegativeTimesAndExtremes(t *testing.T) {
	g := NewGrid(addInt)
	for _, ts := range []int64{-1, 0, 1, math.MinInt64, math.MaxInt64} {
		*g.At(ts)++
	}
	if len(g.Buckets()) > MaxBuckets {
		t.Fatalf("%d buckets", len(g.Buckets()))
	}
	sum := 0
	for _, b := range g.Buckets() {
		sum += b
	}
	if sum != 5 {
		t.Fatalf("sum %d", sum)
	}
	a := NewGrid(addInt).Axis()
	if a.Buckets != 0 {
		t.Fatal(a)
	}
}
