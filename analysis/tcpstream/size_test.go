package tcpstream

import (
	"testing"
	"unsafe"
)

// TestConnSize keeps a tracked connection at 64 bytes: the reassemblers
// track every connection that has sent a SYN or data, and most never hold
// a segment (on real traffic most never carry a byte), so the held
// segments live outside it.
func TestConnSize(t *testing.T) {
	if n := unsafe.Sizeof(conn{}); n > 64 {
		t.Errorf("conn is %d bytes, want at most 64", n)
	}
}
