package dns

import (
	"math"
	"strconv"

	"pcaplens/analysis/report"
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
// them (report.Summarize: the median of an even count is the mean of the
// two middle values, p95 is the nearest rank), or nil when there are none.
// Beyond maxExactTimes values the median and p95 come from a fine log
// histogram and are approximate.
func (t *Tap) responseTime() *ResponseTime {
	if t.timeCount == 0 {
		return nil
	}
	if !t.timesCapped {
		v := make([]float64, len(t.times))
		for i, ns := range t.times {
			v[i] = float64(ns)
		}
		sp := report.Summarize(v)
		// Summarised in nanoseconds, so that the median of two values is
		// their mean to the nanosecond; written in seconds.
		sp.Min, sp.Max = sec(t.minNs), sec(t.maxNs)
		sp.Median = math.Round(sp.Median) / 1e9
		sp.P95 /= 1e9
		sp.Mean /= 1e9
		return &ResponseTime{Spread: *sp}
	}
	rt := &ResponseTime{Spread: report.Spread{Count: t.timeCount, Min: sec(t.minNs), Max: sec(t.maxNs), Mean: float64(t.timeSum) / float64(t.timeCount) / 1e9}, Approximate: true}
	q := func(p float64) float64 {
		target := report.NearestRank(t.timeCount, p) + 1
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

func sec(ns int64) float64 { return float64(ns) / 1e9 }
