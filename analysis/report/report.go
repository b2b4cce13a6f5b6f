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
	// Unit, when set, names what Dropped counts instead of the table's own
	// items: what its rows count (frames, connections, messages), counted
	// in none of them.
	Unit string `json:"unit,omitempty"`
}

// Warning is the cap as a sentence for a report's warnings.
func (c Cap) Warning() string {
	if c.Unit != "" {
		return fmt.Sprintf("%s capped at %s: %s %s counted in none of its rows", c.What, Count(c.Limit), Count(c.Dropped), c.Unit)
	}
	return fmt.Sprintf("%s capped at %s: %s more not kept", c.What, Count(c.Limit), Count(c.Dropped))
}

// Caps collects the caps a report hit. Its zero value is ready.
type Caps struct {
	list []Cap
}

// Hit counts one item of what that was not kept at limit.
func (cs *Caps) Hit(what string, limit int) { cs.HitN(what, limit, 1) }

// HitN counts n items of what not kept at limit.
func (cs *Caps) HitN(what string, limit, n int) { cs.HitUnits(what, "", limit, n) }

// HitUnits counts n of unit (Cap.Unit; "" for what's own items) lost to
// what's limit.
func (cs *Caps) HitUnits(what, unit string, limit, n int) {
	for i := range cs.list {
		if cs.list[i].What == what {
			cs.list[i].Dropped += n
			return
		}
	}
	cs.list = append(cs.list, Cap{What: what, Limit: limit, Dropped: n, Unit: unit})
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
// in UTC with nanoseconds, trailing zeros dropped (time.RFC3339Nano). It is
// written out by hand: reports write a time or two per row, hundreds of
// thousands of them, and time.Format took a quarter of the TCP report's
// building under WebAssembly (docs/benchmarks.md).
func Time(ns int64) string {
	var b [len("2006-01-02T15:04:05.999999999Z")]byte
	return string(AppendTime(b[:0], ns))
}

// AppendTime appends Time(ns) to dst.
func AppendTime(dst []byte, ns int64) []byte {
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	days, rem := sec/86400, sec%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	y, m, d := civil(days)
	if y < 0 || y > 9999 { // never for an int64 of nanoseconds (1677 to 2262)
		return time.Unix(0, ns).UTC().AppendFormat(dst, time.RFC3339Nano)
	}
	var b [len("2006-01-02T15:04:05.999999999Z")]byte
	two := func(i int, v int64) {
		b[i], b[i+1] = byte('0'+v/10), byte('0'+v%10)
	}
	two(0, y/100)
	two(2, y%100)
	b[4] = '-'
	two(5, m)
	b[7] = '-'
	two(8, d)
	b[10] = 'T'
	two(11, rem/3600)
	b[13] = ':'
	two(14, rem/60%60)
	b[16] = ':'
	two(17, rem%60)
	n := 19
	if frac != 0 {
		b[n] = '.'
		for i := 9; i > 0; i-- {
			b[n+i] = byte('0' + frac%10)
			frac /= 10
		}
		n += 10
		for b[n-1] == '0' {
			n--
		}
	}
	b[n] = 'Z'
	return append(dst, b[:n+1]...)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date.
func civil(days int64) (y, m, d int64) {
	z := days + 719468 // days since 0000-03-01
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // day of the 400-year era
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of the era
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of the year, from March 1
	mp := (5*doy + 2) / 153                                // month, from March
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
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
