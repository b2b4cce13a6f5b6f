package slab

import "testing"

// TestNext: values are zero, distinct, and n of them cost one allocation.
func TestNext(t *testing.T) {
	var s []int
	seen := map[*int]bool{}
	for i := range 100 {
		p := Next(&s, 16)
		if *p != 0 || seen[p] {
			t.Fatalf("value %d: %v, seen before %v", i, *p, seen[p])
		}
		*p = i + 1
		seen[p] = true
	}
	s = nil
	if avg := testing.AllocsPerRun(10, func() {
		for range 64 {
			Next(&s, 64)
		}
	}); avg != 1 {
		t.Fatalf("%v allocations for a block of 64, want 1", avg)
	}
	var e []int
	if p := Next(&e, 0); p == nil || *p != 0 {
		t.Fatal("a block of 0 asked")
	}
}
