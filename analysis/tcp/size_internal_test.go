package tcp

import (
	"testing"
	"unsafe"
)

// TestSizes: a capture's TCP state is mostly its connections and, when every
// connection is listed (the page), its rows: 213,621 of each on a real 1 M
// frame capture. A field added to either should be worth its bytes times
// that (docs/benchmarks.md, "Fewer allocations and hash lookups").
func TestSizes(t *testing.T) {
	if n := unsafe.Sizeof(Conn{}); n > 424 {
		t.Errorf("Conn is %d bytes, want at most 424", n)
	}
	if n := unsafe.Sizeof(ConnRow{}); n > 480 {
		t.Errorf("ConnRow is %d bytes, want at most 480", n)
	}
}
