// Command tsgen writes web/src/gen/reports.ts, the TypeScript types of
// every tool's report, from the Go report types (engine.Factory.Reports) by
// reflection, with the Go doc comments; and web/src/gen/guides.ts, the
// investigation guides of analysis/guide. Run it from the repository root:
//
//	go run ./build/tsgen   (make types)
//
// How Go values become TypeScript, as encoding/json writes them: json tag
// names; omitempty/omitzero fields optional; pointers T | null; slices,
// arrays and report.Rows T[] (the reports never hold a nil slice, nor a nil
// pointer in a list or map: TestNoNulls checks it);
// maps Record<string, T>; interfaces unknown; named structs interfaces
// (named after the Go type, with the analyzer's name in front for types of
// an analyzer's package); embedded structs flattened.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// out is the generated file, relative to the repository root.
const out = "web/src/gen/reports.ts"

func main() {
	root, err := repoRoot()
	if err == nil {
		err = write(root)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func write(root string) error {
	b, err := generate(root)
	if err != nil {
		return err
	}
	if err := writeFile(root, out, b); err != nil {
		return err
	}
	g, err := generateGuides()
	if err != nil {
		return err
	}
	return writeFile(root, guidesOut, g)
}

// writeFile writes b to name (relative to root) unless it holds b already.
func writeFile(root, name string, b []byte) error {
	path := filepath.Join(root, filepath.FromSlash(name))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// repoRoot finds the directory of go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("tsgen: no go.mod in %s or above", dir)
		}
		dir = parent
	}
}
