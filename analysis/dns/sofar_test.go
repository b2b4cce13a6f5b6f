package dns

import (
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

// TestFindingsSoFar: during the pass the DNS tap tells the failed answers
// and the kinds noted as the packets go; at the end of the input they are
// the report's, the failed answers' summary less the servers and names
// (gathered at Finish).
func TestFindingsSoFar(t *testing.T) {
	same := func(soFar, final string) bool { return soFar == final || strings.HasPrefix(final, soFar+"; ") }
	files, err := filepath.Glob(filepath.Join(testrun.Testdata(), "captures", "*dns*"))
	if err != nil || len(files) < 10 {
		t.Fatalf("captures: %v %v", files, err)
	}
	n := 0
	for _, f := range files {
		n += testrun.SoFar(t, f, engine.Options{Tools: []string{"dns"}}, 2048, same)
	}
	if n < 5 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
}
