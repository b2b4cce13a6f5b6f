//go:build js && wasm

package main

import (
	"runtime/debug"
	"runtime/metrics"
)

// A WebAssembly instance's memory never shrinks: it stays at the largest heap
// the collector let the pass reach, about twice the live heap under Go's
// default GOGC of 100. lean lowers that headroom once the live heap is
// large, so that a large capture's memory follows its state more closely,
// at the cost of more frequent collections, and while the reports are built
// after the pass; a small capture's pass is left as it was. Measured under
// Node (docs/benchmarks.md, ninth session).
const (
	// leanAbove is the live heap past which the headroom is lowered.
	leanAbove = 96 << 20
	// leanPercent is the GOGC then: the heap may grow to 1.5 times the live one.
	leanPercent = 50
	// defaultPercent is Go's default GOGC, set again for each session.
	defaultPercent = 100
)

// lean is the collector's setting for one session (its progress calls come
// from the engine's goroutine, one at a time).
type lean struct {
	on     bool
	sample [1]metrics.Sample
}

// newLean sets Go's default GOGC again (a session before may have lowered it).
func newLean() *lean {
	debug.SetGCPercent(defaultPercent)
	l := &lean{}
	l.sample[0].Name = "/gc/heap/live:bytes"
	return l
}

// check lowers GOGC once the live heap (as of the last collection) is past
// leanAbove, or once the input has ended (done): the reports are then
// built, in a second or two, and what they allocate would otherwise grow
// the instance up to twice the live heap.
func (l *lean) check(done bool) {
	if l.on {
		return
	}
	if done {
		l.on = true
		debug.SetGCPercent(leanPercent)
		return
	}
	metrics.Read(l.sample[:])
	if l.sample[0].Value.Kind() == metrics.KindUint64 && l.sample[0].Value.Uint64() > leanAbove {
		l.on = true
		debug.SetGCPercent(leanPercent)
	}
}
