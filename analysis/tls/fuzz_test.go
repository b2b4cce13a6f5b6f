package tls

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"pcaplens/analysis/engine"
)

// FuzzTap runs the engine with the tls tool over arbitrary captures,
// seeded with the small TLS and QUIC captures: no panic, a report.
func FuzzTap(f *testing.F) {
	paths, _ := filepath.Glob("testdata/captures/*")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil && len(data) < 16<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		reps, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{Tools: []string{"tls"}, MaxPackets: 10})
		if err != nil {
			return
		}
		if _, ok := reps["tls"].(Report); !ok {
			t.Fatalf("tls report is %T: %+v", reps["tls"], reps["tls"])
		}
	})
}
