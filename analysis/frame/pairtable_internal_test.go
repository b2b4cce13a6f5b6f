package frame

import (
	"math/rand/v2"
	"testing"
)

// TestPairTable checks the assigner's open-addressing table against a map
// through random inserts and removals, with few distinct pairs so that
// probe sequences collide and removals shift slots back.
func TestPairTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a := NewStreamAssigner(0)
	var tb pairTable[int32]
	want := map[streamKey]int32{}
	key := func() streamKey {
		var k streamKey
		k.a[15], k.b[15], k.pa = byte(r.IntN(8)), byte(r.IntN(8)), uint16(r.IntN(64))
		return k
	}
	for step := 0; step < 100_000; step++ {
		k := key()
		h := a.hash(&k)
		if h == 0 {
			t.Fatal("hash 0 marks an empty slot")
		}
		if r.IntN(3) == 0 {
			tb.remove(&k, h)
			delete(want, k)
		} else if _, ok := want[k]; !ok {
			tb.insert(&k, h, int32(step))
			want[k] = int32(step)
		}
		if step%500 == 0 {
			if tb.n != len(want) {
				t.Fatalf("step %d: %d pairs, want %d", step, tb.n, len(want))
			}
			for i := 0; i < 200; i++ {
				k := key()
				v, ok := want[k]
				got := tb.find(&k, a.hash(&k))
				if ok != (got != nil) || ok && *got != v {
					t.Fatalf("step %d: pair %v: got %v, want %v %v", step, k, got, v, ok)
				}
			}
		}
	}
	tb.reset()
	if k := key(); tb.n != 0 || tb.find(&k, a.hash(&k)) != nil {
		t.Fatal("reset left pairs")
	}
}
