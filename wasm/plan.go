//go:build js && wasm

package main

import (
	"sort"
	"strings"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/engine"
)

// The page splits an analysis among several workers over the same file
// (web/src/api.ts): each worker reads and decodes the whole capture and runs
// one group of analyzers, so that the groups run side by side on the
// machine's cores. plan makes the groups from what each analyzer costs.

// decodeCost and analyzerCost are the engine's costs under WebAssembly, in
// nanoseconds per packet, measured under Node on a real capture of 120 MB
// (/tmp/bench/r120.pcap, 170,000 packets) by web/test/bench/tool-cost.mjs,
// which prints these lines: decodeCost is reading and decoding a frame (every
// worker pays it), analyzerCost what each analyzer (engine.Factory, by name)
// adds, its report and summary built as the page's workers build them. Only
// their ratios matter. Measured 2026-12-02 (fourth session) on the 2-core
// machine, load average about 2, in CPU time, best of 3 passes; the figures
// are the mean of two runs of the script (every analyzer: 904 and 900 CPU
// ms). HTTP, TLS, SIP and DNS read TCP connections through one reassembler
// per worker (engine.TCPReader); each was measured alone, so each figure
// holds the reassembler's cost, and a group of several of them costs less
// than their sum.
const decodeCost = 612

var analyzerCost = map[string]float64{
	"capinfos": 122,
	"dhcp":     168,
	"dns":      1001,
	"http":     709,
	"icmp":     223,
	"overview": 936,
	"sip":      223,
	"tcp":      655,
	"tls":      658,
}

// costOf is an analyzer's cost; one not measured costs as much as the most
// costly one (a new analyzer is never taken for free).
// Every analyzer costs at least minCost (a measure can round to nothing).
func costOf(name string) float64 {
	if c, ok := analyzerCost[name]; ok {
		return max(c, minCost)
	}
	worst := minCost
	for _, c := range analyzerCost {
		worst = max(worst, c)
	}
	return worst
}

// minCost is the least an analyzer is taken to cost.
const minCost = 0.01

// plan splits the tools (every tool when empty) among at most workers
// workers: the analyzers, whole (the tools of one analyzer come from one
// pass), are dealt out longest first to the group that costs least so far,
// for each number of workers; the fewest workers that finish within 5 % of
// the soonest win (every worker decodes the whole file: one more is not
// free). The page bounds workers (api.ts MAX_WORKERS). Groups come cheapest
// first (the first one also answers the packet calls), each with its tools
// in name order.
func plan(tools []string, workers int) ([][]string, error) {
	facts, err := engine.Selected(tools)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, t := range tools {
		if t = strings.TrimSpace(t); t != "" {
			want[t] = true
		}
	}
	sort.SliceStable(facts, func(i, j int) bool { return costOf(facts[i].Name) > costOf(facts[j].Name) })
	workers = min(max(workers, 1), len(facts))
	var best [][]engine.Factory
	var bestSpan float64
	for n := 1; n <= workers; n++ {
		groups := make([][]engine.Factory, n)
		costs := make([]float64, n)
		for _, f := range facts {
			k := 0
			for i := range costs {
				if costs[i] < costs[k] {
					k = i
				}
			}
			groups[k] = append(groups[k], f)
			costs[k] += costOf(f.Name)
		}
		span := 0.0
		for _, c := range costs {
			span = max(span, decodeCost+c)
		}
		if best == nil || span < 0.95*bestSpan {
			best, bestSpan = groups, span
		}
	}
	groupCost := func(g []engine.Factory) float64 {
		c := 0.0
		for _, f := range g {
			c += costOf(f.Name)
		}
		return c
	}
	sort.SliceStable(best, func(i, j int) bool { return groupCost(best[i]) < groupCost(best[j]) })
	out := make([][]string, 0, len(best))
	for _, g := range best {
		var names []string
		for _, f := range g {
			for _, t := range f.Tools {
				if len(want) == 0 || want[t] {
					names = append(names, t)
				}
			}
		}
		if len(names) > 0 {
			sort.Strings(names)
			out = append(out, names)
		}
	}
	return out, nil
}

// planFunc implements pcaplens.plan(tools, workers) → string[][]: the groups
// of tools for that many workers at most (plan).
func planFunc(args []safejs.Value) (any, error) {
	o, err := parseOptions(arg(args, 0))
	if err != nil {
		return nil, err
	}
	n := 1
	if w := arg(args, 1); w.Type() == safejs.TypeNumber {
		f, _ := w.Float()
		if f >= 1 {
			n = int(min(f, 1024))
		}
	}
	groups, err := plan(o.Tools, n)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(groups))
	for i, g := range groups {
		names := make([]any, len(g))
		for j, t := range g {
			names[j] = t
		}
		out[i] = names
	}
	return out, nil
}

// factoryList is pcaplens.factories: [{name, tools, cost}], the analyzers
// (the tools of one come from one pass) with their measured costs.
func factoryList() []any {
	var out []any
	for _, f := range engine.Factories() {
		tools := make([]any, len(f.Tools))
		for i, t := range f.Tools {
			tools[i] = t
		}
		out = append(out, map[string]any{"name": f.Name, "tools": tools, "cost": costOf(f.Name)})
	}
	return out
}
