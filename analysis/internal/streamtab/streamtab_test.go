package streamtab

import (
	"math/rand/v2"
	"testing"
)

// TestAgainstMap drives a Table and a Go map with the same random
// operations (streams from a small range, so that entries collide, are
// replaced and deleted) and compares them after each.
func TestAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var tb Table[int]
	want := map[int]*int{}
	for op := 0; op < 200_000; op++ {
		s := r.IntN(5000)
		switch x := r.IntN(100); {
		case x < 50:
			v := new(int)
			*v = op
			tb.Put(s, v)
			want[s] = v
		case x < 85:
			tb.Delete(s)
			delete(want, s)
		case x < 86:
			before, seen := len(want), map[int]bool{}
			tb.Keep(func(stream int, v *int) bool {
				if seen[stream] {
					t.Fatalf("op %d: Keep was given stream %d twice", op, stream)
				}
				seen[stream] = true
				if want[stream] != v {
					t.Fatalf("op %d: Keep was given stream %d = %p, want %p", op, stream, v, want[stream])
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
		if got := tb.Get(s); got != want[s] {
			t.Fatalf("op %d: Get(%d) = %p, want %p", op, s, got, want[s])
		}
		if tb.Len() != len(want) {
			t.Fatalf("op %d: Len = %d, want %d", op, tb.Len(), len(want))
		}
	}
	for s, v := range want {
		if tb.Get(s) != v {
			t.Fatalf("Get(%d) = %p, want %p", s, tb.Get(s), v)
		}
	}
	if tb.Get(-1) != nil || tb.Get(1<<40) != nil {
		t.Fatal("a stream never put was found")
	}
}

func TestZero(t *testing.T) {
	var tb Table[int]
	if tb.Get(3) != nil || tb.Len() != 0 {
		t.Fatal("zero table not empty")
	}
	tb.Delete(3)
	tb.Keep(func(int, *int) bool { t.Fatal("Keep called on an empty table"); return false })
	v := 7
	tb.Put(3, &v)
	if tb.Get(3) != &v {
		t.Fatal("Put then Get lost the value")
	}
}

func BenchmarkGet(b *testing.B) {
	var tb Table[int]
	v := 1
	for s := 0; s < 100_000; s++ {
		tb.Put(s, &v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if tb.Get(i%100_000) == nil {
			b.Fatal("missing")
		}
	}
}
