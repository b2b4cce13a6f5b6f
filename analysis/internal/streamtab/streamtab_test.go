package streamtab

import (
	"math/rand/v2"
	"testing"
)

type entry struct {
	v    *int
	mark uint32
}

// TestAgainstMap drives a Table and a Go map with the same random
// operations (streams from a small range, so that entries collide, are
// replaced and deleted; some values nil; marks set through Find) and
// compares them after each.
func TestAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var tb Table[int]
	want := map[int]entry{}
	check := func(op, s int) {
		t.Helper()
		e, held := want[s]
		v, mark, ok := tb.Find(s)
		if ok != held || v != e.v || ok && *mark != e.mark {
			t.Fatalf("op %d: Find(%d) = %p, %v; want %p (mark %d), %v", op, s, v, ok, e.v, e.mark, held)
		}
		if tb.Get(s) != e.v {
			t.Fatalf("op %d: Get(%d) = %p, want %p", op, s, tb.Get(s), e.v)
		}
	}
	for op := 0; op < 200_000; op++ {
		s := r.IntN(5000)
		switch x := r.IntN(100); {
		case x < 45:
			var v *int
			if x%3 != 0 {
				v = new(int)
				*v = op
			}
			m := uint32(r.IntN(4))
			tb.Put(s, v, m)
			want[s] = entry{v, m}
		case x < 55:
			if _, mark, ok := tb.Find(s); ok {
				*mark = uint32(op)
				e := want[s]
				e.mark = uint32(op)
				want[s] = e
			}
		case x < 85:
			tb.Delete(s)
			delete(want, s)
		case x < 86:
			before, seen := len(want), map[int]bool{}
			tb.Keep(func(stream int, v *int, mark uint32) bool {
				if seen[stream] {
					t.Fatalf("op %d: Keep was given stream %d twice", op, stream)
				}
				seen[stream] = true
				if e := want[stream]; e.v != v || e.mark != mark {
					t.Fatalf("op %d: Keep was given stream %d = %p mark %d, want %p mark %d", op, stream, v, mark, e.v, e.mark)
				}
				if stream%3 == 0 {
					delete(want, stream)
					return false
				}
				return true
			})
			if len(seen) != before {
				t.Fatalf("op %d: Keep saw %d streams of %d", op, len(seen), before)
			}
		}
		check(op, s)
		if tb.Len() != len(want) {
			t.Fatalf("op %d: Len = %d, want %d", op, tb.Len(), len(want))
		}
	}
	for s := range want {
		check(-1, s)
	}
	for _, s := range []int{-1, MaxStream + 1, 1 << 40} {
		tb.Put(s, new(int), 1)
		if _, _, ok := tb.Find(s); ok {
			t.Fatalf("stream %d out of range was held", s)
		}
	}
}

func TestZero(t *testing.T) {
	var tb Table[int]
	if tb.Get(3) != nil || tb.Len() != 0 {
		t.Fatal("zero table not empty")
	}
	tb.Delete(3)
	tb.Keep(func(int, *int, uint32) bool { t.Fatal("Keep called on an empty table"); return false })
	v := 7
	tb.Put(3, &v, 0)
	if tb.Get(3) != &v {
		t.Fatal("Put then Get lost the value")
	}
}

func BenchmarkGet(b *testing.B) {
	var tb Table[int]
	v := 1
	for s := 0; s < 100_000; s++ {
		tb.Put(s, &v, 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if tb.Get(i%100_000) == nil {
			b.Fatal("missing")
		}
	}
}
