package report

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestListLimit(t *testing.T) {
	if ListLimit(0) != math.MaxInt || ListLimit(-1) != math.MaxInt || ListLimit(5) != 5 {
		t.Fatal("ListLimit: 0 must mean no limit")
	}
}

func TestSummarize(t *testing.T) {
	if Summarize(nil) != nil {
		t.Fatal("no samples must give nil (null), not zeros")
	}
	s := Summarize([]float64{4, 1, 3, 2})
	if s.Count != 4 || s.Min != 1 || s.Max != 4 || s.Median != 2.5 || s.P95 != 4 || s.Mean != 2.5 {
		t.Fatalf("%+v", *s)
	}
	vals := make([]float64, 100)
	for i := range vals {
		vals[i] = float64(100 - i)
	}
	if s := Summarize(vals); s.P95 != 95 || s.Median != 50.5 {
		t.Fatalf("%+v", *s)
	}
}

func TestCaps(t *testing.T) {
	var cs Caps
	cs.Hit("names", 100)
	cs.HitN("names", 100, 1999)
	cs.Hit("flows", 5)
	l := cs.List()
	if len(l) != 2 || l[0] != (Cap{What: "names", Limit: 100, Dropped: 2000}) || l[1].Dropped != 1 {
		t.Fatalf("%+v", l)
	}
	if w := cs.Warnings()[0]; w != "names capped at 100: 2,000 more not kept" {
		t.Fatal(w)
	}
	cs.HitUnits("conversations.ip", "frames", 20000, 7)
	cs.HitN("conversations.ip", 20000, 5)
	if c := cs.List()[2]; c.Unit != "frames" || c.Dropped != 12 || c.Warning() != "conversations.ip capped at 20,000: 12 frames counted in none of its rows" {
		t.Fatalf("%+v: %s", c, c.Warning())
	}
}

func TestCountAndPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 41835: "41,835", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	if Plural(1, "packet", "packets") != "1 packet" || Plural(1991, "packet", "packets") != "1,991 packets" {
		t.Fatal("Plural")
	}
}

func TestTime(t *testing.T) {
	if got := Time(1_500_000_000_120_000_000); got != "2017-07-14T02:40:00.12Z" {
		t.Fatal(got)
	}
	// Time writes what time.Format does, for every int64: the edges, the
	// days around leap days and centuries, and random instants.
	want := func(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }
	check := func(ns int64) {
		if got := Time(ns); got != want(ns) {
			t.Fatalf("Time(%d) = %q, want %q", ns, got, want(ns))
		}
		if got := string(AppendTime([]byte("x"), ns)); got != "x"+want(ns) {
			t.Fatalf("AppendTime(x, %d) = %q, want x%q", ns, got, want(ns))
		}
	}
	for _, ns := range []int64{0, 1, -1, 999_999_999, -999_999_999, 1e9, -1e9, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1} {
		check(ns)
	}
	for _, day := range []string{"1678-01-01", "1700-02-28", "1800-03-01", "1900-02-28", "1969-12-31", "1970-01-01", "2000-02-29", "2000-03-01", "2100-02-28", "2100-03-01", "2200-12-31", "2262-04-11"} {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []int64{-1, 0, 1, 86399e9 + 120_000_000, 86400e9 - 1} {
			if ns := d.UnixNano() + off; (off >= 0) == (ns >= d.UnixNano()) {
				check(ns)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		ns := int64(r.Uint64())
		check(ns)
		check(ns / 1000 * 1000)
		check(ns / 1e9 * 1e9)
	}
}

func BenchmarkTime(b *testing.B) {
	b.ReportAllocs()
	ns := int64(1_700_000_000_123_456_000)
	for b.Loop() {
		ns += 1_234_567
		_ = Time(ns)
	}
}

func TestNonNil(t *testing.T) {
	type rows []string
	var none rows
	got := NonNil(none)
	if got == nil || len(got) != 0 {
		t.Fatalf("NonNil(nil) = %#v, want an empty slice", got)
	}
	if b, _ := json.Marshal(got); string(b) != "[]" {
		t.Errorf("NonNil(nil) writes %s, want []", b)
	}
	some := rows{"a"}
	if got := NonNil(some); &got[0] != &some[0] {
		t.Error("NonNil must return a non-nil slice as it is")
	}
}
