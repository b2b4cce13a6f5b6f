package report

import "time"

// BucketLadder is the ladder of I/O graph bucket widths in nanoseconds:
// 1 ms, 10 ms, 100 ms, 1 s, 10 s, 1 min, 10 min, 1 h, 1 day, then 10, 100
// and 1000 days for captures whose times span decades (a bogus timestamp).
// Each width is a whole multiple of the one before and buckets are aligned
// on multiples of their width since the epoch, so a bucket of one width is
// the sum of whole buckets of any narrower width.
var BucketLadder = [...]int64{
	int64(time.Millisecond), 10 * int64(time.Millisecond), 100 * int64(time.Millisecond),
	int64(time.Second), 10 * int64(time.Second), int64(time.Minute), 10 * int64(time.Minute),
	int64(time.Hour), 24 * int64(time.Hour), 10 * 24 * int64(time.Hour),
	100 * 24 * int64(time.Hour), 1000 * 24 * int64(time.Hour),
}

// MaxBuckets is the most buckets a Grid holds: its width is the narrowest
// of BucketLadder whose buckets cover the times seen in at most MaxBuckets.
const MaxBuckets = 1000

// Grid is a time series of buckets of type B (counters) for an I/O graph.
// Its width is chosen from the span of the times given to At: the narrowest
// width of BucketLadder that covers them in at most MaxBuckets buckets, so
// that two Grids given the same times (every frame's) have the same width,
// start and length, whatever each counts. It widens as times arrive,
// merging buckets exactly, so it never holds more than MaxBuckets.
type Grid[B any] struct {
	rung  int
	lo    int64 // index (time / width) of buckets[0]
	b     []B
	merge func(into *B, from *B)
}

// NewGrid returns an empty grid; merge adds one bucket's counts to another's.
func NewGrid[B any](merge func(into *B, from *B)) *Grid[B] {
	return &Grid[B]{merge: merge}
}

// floorDiv is a / b rounded towards minus infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// At returns the bucket of time ns (epoch nanoseconds), widening the grid
// when ns lies outside the MaxBuckets it may cover.
func (g *Grid[B]) At(ns int64) *B {
	w := BucketLadder[g.rung]
	i := floorDiv(ns, w)
	if len(g.b) == 0 {
		g.lo = i
		g.b = append(g.b, *new(B))
		return &g.b[0]
	}
	lo, hi := min(g.lo, i), max(g.lo+int64(len(g.b))-1, i)
	for hi-lo+1 > MaxBuckets && g.rung < len(BucketLadder)-1 {
		g.widen()
		w = BucketLadder[g.rung]
		i = floorDiv(ns, w)
		lo, hi = min(g.lo, i), max(g.lo+int64(len(g.b))-1, i)
	}
	if hi-lo+1 > MaxBuckets { // beyond the widest width: clamp into range
		if i < g.lo {
			i = g.lo
		} else {
			i = g.lo + int64(len(g.b)) - 1
		}
		return &g.b[i-g.lo]
	}
	if i < g.lo {
		n := g.lo - i
		nb := make([]B, int64(len(g.b))+n)
		copy(nb[n:], g.b)
		g.b, g.lo = nb, i
	}
	for g.lo+int64(len(g.b)) <= i {
		g.b = append(g.b, *new(B))
	}
	return &g.b[i-g.lo]
}

// widen moves the grid to the next width of the ladder.
func (g *Grid[B]) widen() {
	ratio := BucketLadder[g.rung+1] / BucketLadder[g.rung]
	g.rung++
	nlo := floorDiv(g.lo, ratio)
	nhi := floorDiv(g.lo+int64(len(g.b))-1, ratio)
	nb := make([]B, nhi-nlo+1)
	for k := range g.b {
		j := floorDiv(g.lo+int64(k), ratio) - nlo
		g.merge(&nb[j], &g.b[k])
	}
	g.b, g.lo = nb, nlo
}

// Width is the bucket width in nanoseconds.
func (g *Grid[B]) Width() int64 { return BucketLadder[g.rung] }

// Start is the start of the first bucket in epoch nanoseconds (0 when empty).
func (g *Grid[B]) Start() int64 { return g.lo * BucketLadder[g.rung] }

// Buckets returns the buckets, the first starting at Start; bucket i covers
// [Start + i·Width, Start + (i+1)·Width).
func (g *Grid[B]) Buckets() []B { return g.b }

// Axis is the time axis of an I/O graph: every series beside it has one
// value per bucket, bucket i covering [Start + i·Interval, Start + (i+1)·Interval).
type Axis struct {
	// Start is the start of the first bucket: epoch seconds, RFC 3339 UTC
	// and epoch nanoseconds. It is aligned on a multiple of the interval.
	Start    float64 `json:"start"`
	StartUTC string  `json:"start_utc"`
	StartNs  int64   `json:"start_ns"`
	// Interval is the bucket width in seconds (IntervalNs in nanoseconds),
	// one of BucketLadder.
	Interval   float64 `json:"interval"`
	IntervalNs int64   `json:"interval_ns"`
	// Buckets is the number of buckets (the length of every series).
	Buckets int `json:"buckets"`
}

// Axis returns the grid's time axis.
func (g *Grid[B]) Axis() Axis {
	s, w := g.Start(), g.Width()
	return Axis{
		Start: float64(s) / 1e9, StartUTC: Time(s), StartNs: s,
		Interval: float64(w) / 1e9, IntervalNs: w, Buckets: len(g.b),
	}
}
