package tcp

import (
	"hash/maphash"

	"pcaplens/analysis/internal/streamtab"
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
	over   streamtab.Table[Conn]
}

func (x *streams) get(stream int) *Conn {
	if len(x.ring) != 0 {
		if c := x.ring[stream&(len(x.ring)-1)]; c != nil && c.Stream == stream {
			return c
		}
	}
	return x.over.Get(stream)
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
		x.over.Put(o.Stream, o, 0)
	default:
		x.over.Put(c.Stream, c, 0)
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
	if x.over.Get(c.Stream) == c {
		x.over.Delete(c.Stream)
	}
}
