package dhcp_test

import (
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

// TestFindingsSoFar: over the DHCP captures, the NAKs and malformed
// messages told during the pass are the report's at the end of the input
// (the NAKs' summary without their servers and clients).
func TestFindingsSoFar(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testrun.Testdata(), "expected", "dhcp", "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("captures: %d %v", len(files), err)
	}
	same := func(soFar, final string) bool { return soFar == final || strings.HasPrefix(final, soFar+"; from ") }
	n := 0
	for _, f := range files {
		n += testrun.SoFar(t, filepath.Join(testrun.Testdata(), "captures", strings.TrimSuffix(filepath.Base(f), ".json")), engine.Options{Tools: []string{"dhcp"}}, 256, same)
	}
	if n < 1 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
}
