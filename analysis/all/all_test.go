package all

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/report"
)

// corpus lists the project's test captures and the shared tcpdump test
// captures (many of them deliberately malformed), when present.
func corpus(t testing.TB) []string {
	files, _ := filepath.Glob("../../testdata/captures/*")
	shared, _ := filepath.Glob("../../../shared/captures/tcpdump-tests/*")
	files = append(files, shared...)
	if len(files) == 0 {
		t.Fatal("no captures found")
	}
	return files
}

// checkReports fails on any analyzer that panicked and checks that every
// report marshals to JSON.
func checkReports(t testing.TB, name string, reps map[string]any) {
	for tool, rep := range reps {
		if er, ok := rep.(engine.ErrorReport); ok && strings.Contains(er.Error, "internal error") {
			t.Errorf("%s: %s: %s", name, tool, er.Error)
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Errorf("%s: %s: marshal: %v", name, tool, err)
		}
	}
	// report.WriteJSON writes what encoding/json writes, the CLI's way.
	var want, got bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(reps); err != nil {
		return
	}
	if err := report.WriteJSON(&got, reps); err != nil || !bytes.Equal(got.Bytes(), bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
		t.Errorf("%s: report.WriteJSON differs from encoding/json (%v)", name, err)
	}
}

// TestEveryToolOnEveryCapture runs every analyzer over every test capture:
// none may panic, every report must be JSON, and a file that cannot be read
// must say why.
func TestEveryToolOnEveryCapture(t *testing.T) {
	if len(engine.ToolNames()) == 0 {
		t.Fatal("no tools registered")
	}
	for i, path := range corpus(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Every other one as the page asks: every connection listed.
		reps, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{FileName: filepath.Base(path), ServerIP: "10.0.0.1", Detailed: i%2 == 1})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "capture:") {
				t.Errorf("%s: error without the package prefix: %v", path, err)
			}
			continue
		}
		checkReports(t, path, reps)
	}
}

// FuzzEngine feeds arbitrary bytes through the reader, the decoder and every tap.
func FuzzEngine(f *testing.F) {
	for i, path := range corpus(f) {
		// A sample keeps the seed corpus quick; the captures with IP
		// fragments are all in it, for the reassembler.
		if i%4 != 0 && !strings.Contains(path, "frag") {
			continue
		}
		if data, err := os.ReadFile(path); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		reps, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{ServerIP: "10.0.0.1", MaxPackets: 10})
		if err != nil {
			return
		}
		checkReports(t, "fuzz", reps)
	})
}
