package tcp

import (
	"net/netip"
	"testing"

	"pcaplens/analysis/report"
)

// TestRowAlloc: the texts a rowAlloc writes read as netip and report.Time
// write them once flushed, and the texts written between flushes cost one
// allocation, not one each (a row has four).
func TestRowAlloc(t *testing.T) {
	const blockTexts = 1024
	var a rowAlloc
	addrs := []netip.Addr{netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::ffff:198.51.100.9"), netip.MustParseAddr("fe80::1%eth0")}
	const n = 3*blockTexts + 5
	hosts, times := make([]string, n), make([]string, n)
	for i := range n {
		a.hostPort(&hosts[i], addrs[i%len(addrs)], uint16(i))
		a.time(&times[i], int64(i)*1_234_567_891)
	}
	a.flush()
	for i := range n {
		if want := netip.AddrPortFrom(addrs[i%len(addrs)], uint16(i)).String(); hosts[i] != want {
			t.Fatalf("text %d = %q, want %q", i, hosts[i], want)
		}
		if want := report.Time(int64(i) * 1_234_567_891); times[i] != want {
			t.Fatalf("time %d = %q, want %q", i, times[i], want)
		}
	}
	if a.text([]byte("ShAD")) != "ShAD" || len(a.texts) != 1 || a.text([]byte("ShAD")) != "ShAD" || len(a.texts) != 1 {
		t.Fatal("history texts not shared")
	}
	a.flush()
	avg := testing.AllocsPerRun(20, func() {
		for i := range blockTexts / 2 {
			a.hostPort(&hosts[i], addrs[0], 443)
			a.time(&times[i], 1)
		}
	})
	if avg > 2 {
		t.Fatalf("%v allocations for a block of %d texts, want 1", avg, blockTexts)
	}
}
