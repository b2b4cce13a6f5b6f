// Package streamtab maps stream numbers (tcp.stream, udp.stream: small
// non-negative integers given in order) to per-stream state without a Go
// map: open addressing with linear probing, kept at most half full. Groups
// of 16 consecutive stream numbers are placed by multiplicative hashing with
// a random odd multiplier (which streams stay live is up to the capture),
// the streams of a group side by side (streams open at one time have
// neighbouring numbers, so their slots share cache lines). A lookup touches one 16-byte slot, where a Go
// map hashes the key and reads a control word besides. Each slot also holds
// a 32-bit mark for the caller (a generation, say), and its value may be
// nil: a stream that needs only a mark costs no allocation.
package streamtab

import (
	"math/bits"
	"math/rand/v2"
)

// Table maps stream numbers to *T. The zero Table is empty and ready to use.
// It is not safe for concurrent use.
type Table[T any] struct {
	slots []slot[T]
	n     int
	shift uint   // 64 - log2(len(slots))
	mul   uint64 // odd
}

type slot[T any] struct {
	s    uint32 // stream number + 1; 0: empty
	mark uint32
	v    *T
}

// MaxStream is the largest stream number a Table holds; Put ignores larger
// ones (frame.StreamAssigner numbers streams in 31 bits).
const MaxStream = 1<<32 - 2

// key is the slot key of stream, 0 when out of range.
func key(stream int) uint32 {
	if stream < 0 || stream > MaxStream {
		return 0
	}
	return uint32(stream) + 1
}

// minSlots is the size of a table's first slice.
const minSlots = 1024

// Len is the number of streams held.
func (t *Table[T]) Len() int { return t.n }

// group is how many consecutive stream numbers share a random place: the
// streams open at one time have neighbouring numbers, so their slots share
// cache lines, while groups are placed at random.
const group = 16

func (t *Table[T]) home(s uint32) uint64 {
	return ((uint64(s/group)*t.mul)>>t.shift + uint64(s%group)) & (uint64(len(t.slots)) - 1)
}

// Get returns the value of stream, nil when it is not held (or held with
// a nil value).
func (t *Table[T]) Get(stream int) *T {
	if sl := t.find(stream); sl != nil {
		return sl.v
	}
	return nil
}

// Find returns the value of stream and its mark, which the caller may set
// (the pointer is valid until the next Put, Delete or Keep); ok is false
// when the stream is not held.
func (t *Table[T]) Find(stream int) (v *T, mark *uint32, ok bool) {
	if sl := t.find(stream); sl != nil {
		return sl.v, &sl.mark, true
	}
	return nil, nil, false
}

func (t *Table[T]) find(stream int) *slot[T] {
	s := key(stream)
	if t.n == 0 || s == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(s); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == s {
			return sl
		}
		if sl.s == 0 {
			return nil
		}
	}
}

// Put sets the value of stream (nil is a value), replacing any, and sets
// its mark.
func (t *Table[T]) Put(stream int, v *T, mark uint32) {
	s := key(stream)
	if s == 0 {
		return
	}
	if 2*(t.n+1) > len(t.slots) {
		t.resize(2 * len(t.slots))
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(s); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == 0 {
			*sl = slot[T]{s, mark, v}
			t.n++
			return
		}
		if sl.s == s {
			sl.v, sl.mark = v, mark
			return
		}
	}
}

// resize moves the entries to a slice of n slots (at least minSlots, a
// power of two, more than twice the entries).
func (t *Table[T]) resize(n int) {
	if n < minSlots {
		n = minSlots
	}
	for n < 2*(t.n+1) {
		n *= 2
	}
	old := t.slots
	t.slots = make([]slot[T], n)
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

// Delete removes stream, if held.
func (t *Table[T]) Delete(stream int) {
	s := key(stream)
	if t.n == 0 || s == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	i := t.home(s)
	for ; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == 0 {
			return
		}
		if sl.s == s {
			break
		}
	}
	t.deleteAt(i)
}

// deleteAt empties slot i, moving back the entries after it that would
// otherwise not be found (backward-shift deletion keeps every probe
// sequence unbroken: slot j moves into the hole at i unless its home lies
// cyclically in (i, j]).
func (t *Table[T]) deleteAt(i uint64) {
	mask := uint64(len(t.slots) - 1)
	j := i
	for {
		j = (j + 1) & mask
		if t.slots[j].s == 0 {
			break
		}
		home := t.home(t.slots[j].s)
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = slot[T]{}
	t.n--
}

// Keep calls keep for every stream held (with its value and mark), in no
// particular order, and keeps only those it returns true for, in place
// (nothing is allocated). keep must not use t.
func (t *Table[T]) Keep(keep func(stream int, v *T, mark uint32) bool) {
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	// Start after an empty slot (the table is at most half full): deleting
	// moves only entries of the same run of full slots back, and a run
	// never wraps past that slot, so each entry is seen once.
	e := uint64(0)
	for t.slots[e].s != 0 {
		e++
	}
	for k := uint64(1); k <= mask; k++ {
		i := (e + k) & mask
		for {
			sl := &t.slots[i]
			if sl.s == 0 || keep(int(sl.s-1), sl.v, sl.mark) {
				break
			}
			t.deleteAt(i) // another entry may move into i: look again
		}
	}
}
