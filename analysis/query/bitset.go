package query

import "math/bits"

// Bitset is a compact set of frame numbers (one bit per frame up to the
// highest set). The zero Bitset is empty and ready to use.
type Bitset struct {
	w []uint64
	n int
}

// Set adds frame number n (n >= 0; negative numbers are ignored).
func (b *Bitset) Set(n int) {
	if n < 0 {
		return
	}
	i := n >> 6
	if i >= len(b.w) {
		if i < cap(b.w) {
			b.w = b.w[:i+1]
		} else {
			w := make([]uint64, i+1, max(2*cap(b.w), i+1, 16))
			copy(w, b.w)
			b.w = w
		}
	}
	m := uint64(1) << (n & 63)
	if b.w[i]&m == 0 {
		b.w[i] |= m
		b.n++
	}
}

// Has reports whether frame number n is in the set.
func (b *Bitset) Has(n int) bool {
	if n < 0 || n>>6 >= len(b.w) {
		return false
	}
	return b.w[n>>6]&(1<<(n&63)) != 0
}

// Count returns how many frame numbers are in the set.
func (b *Bitset) Count() int { return b.n }

// Next returns the smallest frame number in the set that is >= n, or -1
// when there is none. Iterate with for n := b.Next(0); n >= 0; n = b.Next(n + 1).
func (b *Bitset) Next(n int) int {
	if n < 0 {
		n = 0
	}
	i := n >> 6
	if i >= len(b.w) {
		return -1
	}
	w := b.w[i] &^ (1<<(n&63) - 1)
	for {
		if w != 0 {
			return i<<6 | bits.TrailingZeros64(w)
		}
		i++
		if i >= len(b.w) {
			return -1
		}
		w = b.w[i]
	}
}

// Frames returns the frame numbers in the set, in increasing order.
func (b *Bitset) Frames() []int {
	out := make([]int, 0, b.n)
	for n := b.Next(0); n >= 0; n = b.Next(n + 1) {
		out = append(out, n)
	}
	return out
}

// Pick returns the frame numbers of matches skip … skip+limit-1, in
// increasing order (a page of a filtered packet list), skipping whole words
// by their bit counts.
func (b *Bitset) Pick(skip, limit int) []int {
	out := make([]int, 0, min(max(limit, 0), 1024))
	seen := 0
	for i, w := range b.w {
		c := bits.OnesCount64(w)
		if seen+c <= skip {
			seen += c
			continue
		}
		for w != 0 {
			t := bits.TrailingZeros64(w)
			w &^= 1 << uint(t)
			if seen >= skip {
				if len(out) >= limit {
					return out
				}
				out = append(out, i<<6|t)
			}
			seen++
		}
	}
	return out
}
