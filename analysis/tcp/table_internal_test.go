package tcp

import (
	"math/rand/v2"
	"testing"
)

// TestStreamsIndex checks the stream index against a map through random
// opens and evictions, with long-lived streams that later streams displace
// from the ring and streams opened again out of order after an eviction.
func TestStreamsIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var x streams
	want := map[int]*Conn{}
	next := 0
	for step := 0; step < 200_000; step++ {
		switch op := r.IntN(10); {
		case op < 5 || len(want) == 0: // a new stream
			c := &Conn{Stream: next}
			next += 1 + r.IntN(3) // the tracker may never see some streams
			x.put(c)
			want[c.Stream] = c
		case op < 8: // evict a live one
			for s, c := range want {
				x.del(c)
				delete(want, s)
				break
			}
		default: // a stream evicted earlier comes back
			s := r.IntN(next)
			if want[s] == nil {
				c := &Conn{Stream: s}
				x.put(c)
				want[s] = c
			}
		}
		if step%1000 == 0 {
			for s, c := range want {
				if got := x.get(s); got != c {
					t.Fatalf("step %d: stream %d: got %p, want %p", step, s, got, c)
				}
			}
			for i := 0; i < 100; i++ {
				s := r.IntN(next + 10)
				if want[s] == nil && x.get(s) != nil {
					t.Fatalf("step %d: stream %d found after its eviction", step, s)
				}
			}
			if n := x.inRing + x.over.Len(); n != len(want) {
				t.Fatalf("step %d: %d held, want %d", step, n, len(want))
			}
		}
	}
}
