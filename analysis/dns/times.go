package dns

import (
	"math"
	"sort"
	"strconv"
)

// histBounds are the response-time histogram's upper bounds in seconds;
// a last bucket holds the rest.
var histBounds = [...]float64{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}

const histBuckets = len(histBounds) + 1

func histBucket(ns int64) int {
	s := float64(ns) / 1e9
	for i, b := range histBounds {
		if s <= b {
			return i
		}
	}
	return len(histBounds)
}

// fineBuckets log buckets, 20 per decade from 1 ns to 10^13 ns, give
// approximate quantiles; bucket 0 also holds 0.
const fineBuckets = 13 * 20

// fineBucket returns the log bucket of a duration.
func fineBucket(ns int64) int {
	if ns <= 1 {
		return 0
	}
	b := int(math.Log10(float64(ns)) * 20)
	return min(max(b, 0), fineBuckets-1)
}

func (t *Tap) histogram() []HistBucket {
	out := make([]HistBucket, histBuckets)
	for i := range out {
		if i < len(histBounds) {
			out[i] = HistBucket{LESeconds: histBounds[i], Label: "≤ " + durLabel(histBounds[i])}
		} else {
			out[i] = HistBucket{LESeconds: -1, Label: "> " + durLabel(histBounds[len(histBounds)-1])}
		}
		out[i].Count = t.timeHist[i]
	}
	return out
}

func durLabel(s float64) string {
	if s < 1 {
		return strconv.FormatFloat(s*1000, 'f', -1, 64) + " ms"
	}
	return strconv.FormatFloat(s, 'f', -1, 64) + " s"
}

// responseTime summarises the response times as tshark's dns.time gives
// them: the median of an even count is the mean of the two middle values,
// p95 is the nearest rank.
func (t *Tap) responseTime() ResponseTime {
	rt := ResponseTime{Count: t.timeCount}
	if t.timeCount == 0 {
		return rt
	}
	rt.Min, rt.Max = sec(t.minNs), sec(t.maxNs)
	if !t.timesCapped {
		v := append([]int64(nil), t.times...)
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		n := len(v)
		if n%2 == 1 {
			rt.Median = sec(v[n/2])
		} else {
			rt.Median = math.Round(float64(v[n/2-1]+v[n/2])/2) / 1e9
		}
		rt.P95 = sec(v[nearestRank(n, 0.95)])
		return rt
	}
	rt.Approximate = true
	q := func(p float64) float64 {
		target := nearestRank(t.timeCount, p) + 1
		acc := 0
		for k, c := range t.fineHist {
			acc += c
			if acc >= target {
				return math.Round(math.Pow(10, (float64(k)+0.5)/20)) / 1e9
			}
		}
		return rt.Max
	}
	rt.Median, rt.P95 = q(0.5), q(0.95)
	return rt
}

func nearestRank(n int, p float64) int {
	i := int(math.Ceil(p*float64(n))) - 1
	if i < 0 {
		i = 0
	}
	if i >= n {
		i = n - 1
	}
	return i
}

func sec(ns int64) float64 { return float64(ns) / 1e9 }
