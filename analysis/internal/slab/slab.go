// Package slab makes many small values of one type a block at a time: one
// allocation for a block instead of one for each value, and one object for
// the collector to mark. A block stays alive as long as any of its values
// is referenced, so it suits values that live and die together (an
// analyzer's connections, transactions, a report's rows).
package slab

// Next returns a pointer to a zero T from the block *s, first making a new
// block of n values when *s is used up.
func Next[T any](s *[]T, n int) *T {
	if len(*s) == 0 {
		*s = make([]T, max(n, 1))
	}
	p := &(*s)[0]
	*s = (*s)[1:]
	return p
}
