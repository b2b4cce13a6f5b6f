// Package report holds the helpers every analyzer's report shares, so that
// each fact is computed and shaped in one place: the per-packet list limit,
// how a cap that was hit is reported, quantile summaries, how a time is
// written, empty lists that JSON writes as [] (NonNil), and a report type's
// JSON members read by reflection (Fields, Lists).
package report

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// ListLimit is the number of entries a per-packet list may hold for the
// run's Options.MaxPackets: 0 (or less) means no limit, in every tool.
func ListLimit(maxPackets int) int {
	if maxPackets <= 0 {
		return math.MaxInt
	}
	return maxPackets
}

// Cap says that a table or list reached its limit, in one shape for every report.
type Cap struct {
	// What names the table ("connections", "per-packet list", "names").
	What string `json:"what"`
	// Limit is the cap.
	Limit int `json:"limit"`
	// Dropped counts the items not kept because of it.
	Dropped int `json:"dropped"`
}

// Warning is the cap as a sentence for a report's warnings.
func (c Cap) Warning() string {
	return fmt.Sprintf("%s capped at %s: %s more not kept", c.What, Count(c.Limit), Count(c.Dropped))
}

// Caps collects the caps a report hit. Its zero value is ready.
type Caps struct {
	list []Cap
}

// Hit counts one item of what that was not kept at limit.
func (cs *Caps) Hit(what string, limit int) { cs.HitN(what, limit, 1) }

// HitN counts n items of what not kept at limit.
func (cs *Caps) HitN(what string, limit, n int) {
	for i := range cs.list {
		if cs.list[i].What == what {
			cs.list[i].Dropped += n
			return
		}
	}
	cs.list = append(cs.list, Cap{What: what, Limit: limit, Dropped: n})
}

// List returns the caps hit, in the order first hit (never nil).
func (cs *Caps) List() []Cap {
	out := make([]Cap, len(cs.list))
	copy(out, cs.list)
	return out
}

// Warnings returns one sentence per cap hit.
func (cs *Caps) Warnings() []string {
	var out []string
	for _, c := range cs.list {
		out = append(out, c.Warning())
	}
	return out
}

// Spread summarises a set of values (seconds, bytes, …). A statistic with
// no samples has no Spread: reports hold a *Spread and write null.
type Spread struct {
	Count  int     `json:"count"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	P95    float64 `json:"p95"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// Summarize returns the spread of values, or nil when there are none. It
// sorts values in place. The median of an even count is the mean of the two
// middle values; p95 is the nearest rank (the smallest value with at least
// 95 % of the values at or below it).
func Summarize(values []float64) *Spread {
	n := len(values)
	if n == 0 {
		return nil
	}
	sort.Float64s(values)
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	return &Spread{
		Count:  n,
		Min:    values[0],
		Median: Median(values),
		P95:    values[NearestRank(n, 0.95)],
		Max:    values[n-1],
		Mean:   sum / float64(n),
	}
}

// Median returns the median of sorted values (the mean of the two middle
// ones for an even count); 0 for none.
func Median(sorted []float64) float64 {
	n := len(sorted)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// NearestRank returns the index in a sorted list of n values of quantile q
// by the nearest-rank method (ceil(q·n), 1-based).
func NearestRank(n int, q float64) int {
	if n <= 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(n))) - 1
	if i < 0 {
		i = 0
	}
	if i >= n {
		i = n - 1
	}
	return i
}

// Time writes a time in nanoseconds since the epoch as reports do: RFC 3339
// in UTC with nanoseconds, trailing zeros dropped.
func Time(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// Count writes a count with thousands separators ("41,835"): for counts
// only, never for ports, identifiers or sequence numbers.
func Count(n int) string {
	s := fmt.Sprint(n)
	neg := false
	if n < 0 {
		neg, s = true, s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// Plural writes a count and its noun, singular for 1 ("1 packet", "2,048 packets").
func Plural(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return Count(n) + " " + plural
}

// NonNil returns s, or an empty slice when s is nil, so that JSON writes
// [] rather than null.
func NonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}
