// Package golden compares values with committed JSON files. Run the tests
// with -update (or `make golden`) to rewrite the files for review.
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// Marshal returns v as indented JSON with a trailing newline.
func Marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Check compares v, marshalled as indented JSON, with the file at path; with
// -update it writes the file instead.
func Check(t testing.TB, path string, v any) {
	t.Helper()
	got, err := Marshal(v)
	if err != nil {
		t.Fatalf("golden: marshal: %v", err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden: %s differs; got:\n%s", path, truncate(got))
	}
}

// Load reads a JSON golden file (for example tshark's expectations) into v.
func Load(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("golden: %s: %v", path, err)
	}
}

func truncate(b []byte) []byte {
	if len(b) > 4000 {
		return append(b[:4000:4000], []byte("\n…")...)
	}
	return b
}
