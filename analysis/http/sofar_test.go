package http

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

// TestFindingsSoFar: over the HTTP captures, the clear-text credentials and
// executables told during the pass are the report's at the end of the
// input, their summaries without the user names and files listed at Finish.
func TestFindingsSoFar(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(root, "testdata/expected/http/*.json"))
	if len(files) < 10 {
		t.Fatalf("%d expectations", len(files))
	}
	same := func(soFar, final string) bool {
		return strings.HasPrefix(final, soFar+"; user names: ") || strings.HasPrefix(final, soFar+": ")
	}
	n := 0
	for _, f := range files {
		var exp struct {
			Capture string `json:"capture"`
		}
		b, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(b, &exp) != nil {
			t.Fatalf("%s: %v", f, err)
		}
		path := capturePath(exp.Capture)
		if _, err := os.Stat(path); err != nil {
			continue // a shared capture not on this machine
		}
		n += testrun.SoFar(t, path, engine.Options{Tools: []string{"http"}}, 4096, same)
	}
	if n < 2 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
}
