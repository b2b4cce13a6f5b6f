//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"

	"pcaplens/analysis/synth"
)

// warmupConversations is the warm-up capture's default size: about 5,000
// frames, enough for the browser to optimise the code every analyzer runs
// (docs/benchmarks.md, "The engine's first pass").
const warmupConversations = 200

// warmupCapture answers pcaplens.warmupCapture(conversations?): the
// synthetic capture the page analyses while it is idle.
func warmupCapture(args []safejs.Value) (any, error) {
	n := warmupConversations
	if v := arg(args, 0); v.Type() == safejs.TypeNumber {
		f, err := v.Float()
		if err != nil {
			return nil, err
		}
		if f >= 1 && f <= 10_000 {
			n = int(f)
		}
	}
	return jsBytes(synth.Capture(n))
}
