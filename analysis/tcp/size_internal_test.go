package tcp

import (
	"testing"
	"unsafe"
)

// TestSizes: a capture's TCP state is mostly its connections, and what the
// reports keep of each (a brief: the rows are made only when read): 213,621
// of each on a real 1 M frame capture. A field added to either should be
// worth its bytes times that (docs/benchmarks.md, "Fewer allocations and
// hash lookups", and "TCP rows made when read").
func TestSizes(t *testing.T) {
	if n := unsafe.Sizeof(Conn{}); n > 408 {
		t.Errorf("Conn is %d bytes, want at most 408", n)
	}
	if n := unsafe.Sizeof(brief{}); n > 32 {
		t.Errorf("brief is %d bytes, want at most 32", n)
	}
}
