package capinfos

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

// TestFindingsSoFar: during the pass the capture's findings (decoding
// anomalies, link types not decoded) are told as they stand; at the end of
// the input they are the report's.
func TestFindingsSoFar(t *testing.T) {
	// The captures capinfos' expectations were recorded for (they open).
	files, err := filepath.Glob(filepath.Join(testrun.Testdata(), "expected", "capinfos", "*.txt"))
	if err != nil || len(files) < 50 {
		t.Fatalf("captures: %d %v", len(files), err)
	}
	n := 0
	for _, f := range files {
		path := filepath.Join(testrun.Testdata(), "captures", strings.TrimSuffix(filepath.Base(f), ".txt"))
		if b, err := os.ReadFile(path); err != nil {
			t.Fatal(err)
		} else if _, err := capture.Open(bytes.NewReader(b)); err != nil {
			continue // not a capture: no pass
		}
		n += testrun.SoFar(t, path, engine.Options{Tools: []string{Tool}}, 4096, nil)
	}
	if n < 5 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
}
