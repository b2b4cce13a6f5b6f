package frame

import (
	"net/netip"
	"testing"
)

// TestStreamsBounded checks that the assigner forgets the pairs idle the
// longest when its tables are full, keeps the active ones, and numbers
// every frame.
func TestStreamsBounded(t *testing.T) {
	a := NewStreamAssigner(4) // two generations of two pairs
	udp := func(port uint16) int {
		f := Frame{Transport: TransportUDP, SrcIP: netip.MustParseAddr("192.0.2.1"), DstIP: netip.MustParseAddr("192.0.2.2"), SrcPort: port, DstPort: 53, UDPStream: -1}
		a.Assign(&f)
		return f.UDPStream
	}
	steps := []struct {
		port uint16
		want int
	}{
		{1000, 0}, {1001, 1}, // generation 1: A, B
		{1002, 2}, // full: A and B become old; C
		{1000, 0}, // A comes back from the old generation
		{1003, 3}, // full (C, A): B, idle the longest, is forgotten; D
		{1001, 4}, // B again: a new stream
		{1000, 0}, // A is still known
	}
	for i, s := range steps {
		if got := udp(s.port); got != s.want {
			t.Fatalf("step %d (port %d): udp.stream %d, want %d", i, s.port, got, s.want)
		}
	}
	if st := a.Stats(); st.Forgotten != 2 || st.UDP != 5 {
		t.Fatalf("stats %+v, want 2 forgotten (B, then C) and 5 streams", st)
	}
	if n := a.udp.cur.n + a.udp.old.n; n > 4 {
		t.Fatalf("%d pairs kept, cap 4", n)
	}
}
