package overview

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
)

// table holds the conversations or endpoints of one kind: at most
// MaxConversations (MaxEndpoints) entries, never removed during the pass.
// It stands for a Go map on the hottest path of the overview: Go's map
// hashes a key of netip.Addr with its generic hasher, which under
// WebAssembly (no AES instructions) made the map lookups the largest part
// of the overview's time (docs/benchmarks.md). Its hash is seeded per tap,
// so crafted addresses cannot pick collisions. Open addressing with linear
// probing, kept at most half full.
type table[K comparable, V any] struct {
	slots []uint32 // 0: empty; else position + 1 in ents
	ents  []entry[K, V]
}

type entry[K comparable, V any] struct {
	h uint64
	k K
	v *V
}

// get returns the value of k (whose hash is h), nil when absent.
func (t *table[K, V]) get(k *K, h uint64) *V {
	if len(t.ents) == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return nil
		}
		if e := &t.ents[s-1]; e.h == h && e.k == *k {
			return e.v
		}
	}
}

// put adds k, which must be absent, with its value v.
func (t *table[K, V]) put(k *K, h uint64, v *V) {
	if 2*(len(t.ents)+1) > len(t.slots) {
		n := max(64, 2*len(t.slots))
		t.slots = make([]uint32, n)
		for pos := range t.ents {
			t.place(t.ents[pos].h, pos)
		}
	}
	t.ents = append(t.ents, entry[K, V]{h: h, k: *k, v: v})
	t.place(h, len(t.ents)-1)
}

func (t *table[K, V]) place(h uint64, pos int) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = uint32(pos + 1)
}

// len is the number of entries.
func (t *table[K, V]) len() int { return len(t.ents) }

// hasher hashes the tables' keys with seeds of its own.
type hasher struct{ seed [6]uint64 }

func newHasher() hasher {
	var h hasher
	for i := range h.seed {
		h.seed[i] = rand.Uint64() | 1
	}
	return h
}

// mix folds two words into one with 64-bit multiplications only
// (WebAssembly has no 128-bit product): each word, seeded, is multiplied by
// an odd constant, so distinct words never collide, and the high bits are
// folded into the low ones the table indexes by.
func mix(x, y uint64) uint64 {
	h := x*0x9E3779B97F4A7C15 ^ y
	h *= 0xC2B2AE3D27D4EB4F
	return h ^ h>>29 ^ h>>47
}

func (s *hasher) addr(a netip.Addr, s0, s1 uint64) uint64 {
	b := a.As16()
	return mix(binary.LittleEndian.Uint64(b[:8])^s0, binary.LittleEndian.Uint64(b[8:])^s1)
}

func (s *hasher) conv(k *convKey) uint64 {
	h := s.addr(k.lo, s.seed[0], s.seed[1]) ^ s.addr(k.hi, s.seed[2], s.seed[3])
	return mix(h^uint64(k.plo)^uint64(k.phi)<<16^s.seed[4], uint64(k.stream)^s.seed[5])
}

func (s *hasher) ep(k *epKey) uint64 {
	return mix(s.addr(k.addr, s.seed[0], s.seed[1])^uint64(k.port)^s.seed[4], s.seed[5])
}
