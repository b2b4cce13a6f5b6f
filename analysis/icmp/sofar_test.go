package icmp_test

import (
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

// TestFindingsSoFar: during the pass the ICMP tap tells the kinds it counts
// as the packets go; at the end of the input they are the report's, less
// their subjects (the echo-to-broadcast summary lists its destinations at
// Finish), and a frame filter listing more than the first frames.
func TestFindingsSoFar(t *testing.T) {
	same := func(soFar, final string) bool {
		return soFar == final || strings.Contains(soFar, "broadcast or multicast") && strings.HasPrefix(final, soFar+": ")
	}
	files, err := filepath.Glob(filepath.Join(testrun.Testdata(), "expected", "icmp", "*.json"))
	if err != nil || len(files) < 10 {
		t.Fatalf("captures: %d %v", len(files), err)
	}
	n := 0
	for _, f := range files {
		path := filepath.Join(testrun.Testdata(), "captures", strings.TrimSuffix(filepath.Base(f), ".json"))
		n += testrun.SoFar(t, path, engine.Options{Tools: []string{"icmp"}}, 1024, same, "icmp.high_entropy_payload", "icmp.duplicate_replies")
	}
	if n < 3 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
}
