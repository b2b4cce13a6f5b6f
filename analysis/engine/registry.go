package engine

import (
	"sort"
	"sync"
)

var (
	regMu     sync.Mutex
	factories []Factory
)

// Register adds an analyzer. Analyzer packages call it from init; the
// package pcaplens/analysis/all imports every analyzer.
func Register(f Factory) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, g := range factories {
		if g.Name == f.Name {
			panic("engine: analyzer registered twice: " + f.Name)
		}
	}
	factories = append(factories, f)
	sort.Slice(factories, func(i, j int) bool { return factories[i].Name < factories[j].Name })
}

// Factories returns the registered analyzers, sorted by name.
func Factories() []Factory {
	regMu.Lock()
	defer regMu.Unlock()
	return append([]Factory(nil), factories...)
}

// ToolNames returns every registered tool name, sorted.
func ToolNames() []string {
	var names []string
	for _, f := range Factories() {
		names = append(names, f.Tools...)
	}
	sort.Strings(names)
	return names
}
