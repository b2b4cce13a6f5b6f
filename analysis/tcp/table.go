package tcp

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// table maps 4-tuples to connections: open addressing with linear probing,
// each slot holding the key's hash and the connection (which holds its key).
// It touches one slot per lookup where a Go map touches a control word and a
// key slot: with 100,000 live connections that is one cache miss less per
// packet. The hash is seeded per table, so crafted 4-tuples cannot pick
// collisions.
type table struct {
	seed  maphash.Seed
	slots []slot
	n     int
}

type slot struct {
	h uint64 // 0: empty
	c *Conn
}

func newTable() *table {
	return &table{seed: maphash.MakeSeed(), slots: make([]slot, 1024)}
}

func (t *table) hash(k *key) uint64 {
	return maphash.Comparable(t.seed, *k) | 1
}

func (t *table) get(k *key, h uint64) *Conn {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h == 0 {
			return nil
		}
		if s.h == h && s.c.k == *k {
			return s.c
		}
	}
}

// put inserts or replaces the connection of c.k.
func (t *table) put(c *Conn, h uint64) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h == 0 {
			*s = slot{h, c}
			t.n++
			return
		}
		if s.h == h && s.c.k == c.k {
			s.c = c
			return
		}
	}
}

func (t *table) grow() {
	old := t.slots
	t.slots = make([]slot, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.h == 0 {
			continue
		}
		i := s.h & mask
		for t.slots[i].h != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// del removes c if it is the connection stored for its key.
func (t *table) del(c *Conn, h uint64) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for ; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h == 0 {
			return
		}
		if s.c == c {
			break
		}
	}
	// Backward-shift deletion keeps every probe sequence unbroken.
	j := i
	for {
		j = (j + 1) & mask
		if t.slots[j].h == 0 {
			break
		}
		ideal := t.slots[j].h & mask
		// Move slot j into the hole at i unless its ideal position lies
		// cyclically in (i, j].
		if (j > i && (ideal <= i || ideal > j)) || (j < i && ideal <= i && ideal > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = slot{}
	t.n--
}

// streams maps stream numbers (tcp.stream, from frame.StreamAssigner) to
// connections without hashing addresses again: the assigner did that once.
// Stream numbers are dense and given in order, so connections open at the
// same time have neighbouring numbers: a ring indexed by the number's low
// bits holds each stream unless a later stream took its place, and a table
// holds the displaced ones (long-lived connections). A packet's connection
// is then mostly one pointer in the ring, next to those of the packets
// around it.
type streams struct {
	ring   []*Conn // len a power of two; slot s&mask holds at most stream s
	inRing int
	over   streamTable
}

func (x *streams) get(stream int) *Conn {
	if len(x.ring) != 0 {
		if c := x.ring[stream&(len(x.ring)-1)]; c != nil && c.Stream == stream {
			return c
		}
	}
	return x.over.get(stream)
}

// put adds c, whose stream must not be held yet.
func (x *streams) put(c *Conn) {
	if 2*(x.inRing+1) > len(x.ring) {
		x.grow()
	}
	x.place(c)
}

// place puts c in its ring slot, moving a former stream there to the table,
// or puts c in the table when a later stream holds the slot.
func (x *streams) place(c *Conn) {
	p := &x.ring[c.Stream&(len(x.ring)-1)]
	switch o := *p; {
	case o == nil:
		x.inRing++
	case o.Stream < c.Stream:
		x.over.put(o)
	default:
		x.over.put(c)
		return
	}
	*p = c
}

func (x *streams) grow() {
	old := x.ring
	n := 2 * len(old)
	if n < 1024 {
		n = 1024
	}
	x.ring, x.inRing = make([]*Conn, n), 0
	for _, c := range old {
		if c != nil {
			x.place(c)
		}
	}
}

func (x *streams) del(c *Conn) {
	if len(x.ring) != 0 {
		if p := &x.ring[c.Stream&(len(x.ring)-1)]; *p == c {
			*p = nil
			x.inRing--
			return
		}
	}
	x.over.del(c)
}

// streamTable maps stream numbers to connections: open addressing with
// linear probing, kept at most half full, indexed by multiplicative hashing
// with a random odd multiplier (which streams stay live is up to the
// capture).
type streamTable struct {
	slots []streamSlot
	n     int
	shift uint   // 64 - log2(len(slots))
	mul   uint64 // odd
}

type streamSlot struct {
	s int64 // stream number + 1; 0: empty
	c *Conn
}

func (t *streamTable) home(s int64) uint64 {
	return (uint64(s) * t.mul) >> t.shift
}
func (t *streamTable) get(stream int) *Conn {
	if t.n == 0 {
		return nil
	}
	s := int64(stream) + 1
	mask := uint64(len(t.slots) - 1)
	for i := t.home(s); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == s {
			return sl.c
		}
		if sl.s == 0 {
			return nil
		}
	}
}

// put inserts or replaces the connection of c.Stream.
func (t *streamTable) put(c *Conn) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	s := int64(c.Stream) + 1
	mask := uint64(len(t.slots) - 1)
	for i := t.home(s); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == 0 {
			*sl = streamSlot{s, c}
			t.n++
			return
		}
		if sl.s == s {
			sl.c = c
			return
		}
	}
}

func (t *streamTable) grow() {
	old := t.slots
	n := 2 * len(old)
	if n < 1024 {
		n = 1024
	}
	t.slots = make([]streamSlot, n)
	if t.mul == 0 {
		t.mul = rand.Uint64() | 1
	}
	t.shift = uint(64 - bits.Len(uint(n-1)))
	mask := uint64(n - 1)
	for _, sl := range old {
		if sl.s == 0 {
			continue
		}
		i := t.home(sl.s)
		for t.slots[i].s != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = sl
	}
}

// del removes c if it is the connection stored for its stream.
func (t *streamTable) del(c *Conn) {
	if t.n == 0 {
		return
	}
	s := int64(c.Stream) + 1
	mask := uint64(len(t.slots) - 1)
	i := t.home(s)
	for ; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == 0 {
			return
		}
		if sl.s == s {
			if sl.c != c {
				return
			}
			break
		}
	}
	// Backward-shift deletion, as table.del.
	j := i
	for {
		j = (j + 1) & mask
		if t.slots[j].s == 0 {
			break
		}
		ideal := t.home(t.slots[j].s)
		if (j > i && (ideal <= i || ideal > j)) || (j < i && ideal <= i && ideal > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = streamSlot{}
	t.n--
}
