package overview

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestTable: the table finds what a map finds, for keys that differ only by
// their address's kind (IPv4, IPv4-mapped IPv6), zone, port or stream, and
// for random ones through its growth; absent keys are absent.
func TestTable(t *testing.T) {
	h := newHasher()
	var convs table[convKey, conv]
	var eps table[epKey, ep]
	wantC := map[convKey]*conv{}
	wantE := map[epKey]*ep{}
	addrs := []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("::ffff:192.0.2.1"), netip.MustParseAddr("fe80::1"), netip.MustParseAddr("fe80::1%eth0"), netip.MustParseAddr("2001:db8::1"), {}}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		for n := 0; n < 4; n++ {
			a := addrs[r.IntN(len(addrs))]
			if i > 100 {
				a = netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))})
			}
			ck := convKey{lo: a, hi: addrs[r.IntN(len(addrs))], plo: uint16(r.IntN(3)), phi: 80, stream: r.IntN(3)}
			if wantC[ck] == nil {
				c := &conv{}
				wantC[ck] = c
				convs.put(&ck, h.conv(&ck), c)
			}
			ek := epKey{a, uint16(r.IntN(3))}
			if wantE[ek] == nil {
				e := &ep{}
				wantE[ek] = e
				eps.put(&ek, h.ep(&ek), e)
			}
		}
	}
	if convs.len() != len(wantC) || eps.len() != len(wantE) {
		t.Fatalf("sizes %d, %d; want %d, %d", convs.len(), eps.len(), len(wantC), len(wantE))
	}
	checkTable(t, &convs, wantC, h.conv, func(k *convKey) { k.stream += 10 })
	checkTable(t, &eps, wantE, h.ep, func(k *epKey) { k.port += 10 })
}

// checkTable: tb holds what want holds, and a key moved by other is absent.
func checkTable[K comparable, V any](t *testing.T, tb *table[K, V], want map[K]*V, hash func(*K) uint64, other func(*K)) {
	t.Helper()
	for k, v := range want {
		if got := tb.get(&k, hash(&k)); got != v {
			t.Fatalf("%+v: got %p, want %p", k, got, v)
		}
		other(&k)
		if got := tb.get(&k, hash(&k)); got != nil {
			t.Fatalf("absent %+v found", k)
		}
	}
}

func BenchmarkEndpointLookup(b *testing.B) {
	tp := New(nil)
	a := netip.MustParseAddr("192.0.2.77")
	for i := range 20000 {
		tp.endpoint(kTCP, netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 443)
	}
	b.ResetTimer()
	for b.Loop() {
		_ = tp.endpoint(kTCP, a, 443)
	}
}

// TestTableSpreadsStructuredKeys: addresses in sequence, as a scan or a
// flood gives them, spread over the slots (no long runs to probe).
func TestTableSpreadsStructuredKeys(t *testing.T) {
	for round := range 4 {
		h := newHasher()
		var eps table[epKey, ep]
		for i := range MaxEndpoints {
			k := epKey{netip.AddrFrom4([4]byte{10, byte(round), byte(i >> 8), byte(i)}), uint16(80 + round*i%3)}
			eps.put(&k, h.ep(&k), &ep{})
		}
		longest, run := 0, 0
		for _, s := range append(eps.slots, eps.slots...) { // runs may wrap around
			if s == 0 {
				run = 0
				continue
			}
			run++
			longest = max(longest, run)
		}
		if longest > 64 {
			t.Errorf("round %d: a run of %d full slots among %d", round, longest, len(eps.slots))
		}
	}
}
