package tcp

import "pcaplens/analysis/internal/streamtab"

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
