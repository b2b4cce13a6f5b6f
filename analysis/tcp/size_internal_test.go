package tcp

import (
	"testing"
	"unsafe"
)

// TestSizes: a capture's TCP state is mostly its connections, and what the
// reports keep of each (a brief: the rows are made only when read): 213,621
// of each on a real 1 M frame capture. A field added to either should be
// worth its bytes times that (docs/benchmarks.md, "Fewer allocations and
// hash lookups", "Rows made when read" and "SYNs nobody answered").
// Direction 1's state (a second) is made only for the connections whose
// second direction is written: 28,105 of those 213,621.
func TestSizes(t *testing.T) {
	if n := unsafe.Sizeof(Conn{}); n > 248 {
		t.Errorf("Conn is %d bytes, want at most 248", n)
	}
	if n := unsafe.Sizeof(brief{}); n > 40 {
		t.Errorf("brief is %d bytes, want at most 40", n)
	}
}
