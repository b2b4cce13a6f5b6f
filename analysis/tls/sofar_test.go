package tls

import (
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

// TestFindingsSoFar: during the pass the TLS tap tells the findings of the
// handshakes, certificates and alerts seen so far; at the end of the input
// they are the report's (the certificate findings without their filters).
func TestFindingsSoFar(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testrun.Testdata(), "expected", "tls", "*.json"))
	if err != nil || len(files) < 10 {
		t.Fatalf("captures: %d %v", len(files), err)
	}
	n := 0
	for _, f := range files {
		path := capturePath(strings.TrimSuffix(filepath.Base(f), ".json"))
		n += testrun.SoFar(t, path, engine.Options{Tools: []string{"tls"}}, 4096, nil,
			"tls.expired_certificate", "tls.certificate_not_yet_valid", "tls.self_signed_certificate", "tls.certificate_name_mismatch")
	}
	if n < 3 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
}
