package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = "../../testdata/captures/chrissanders--dns.pcap"

func runCLI(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestAnalyzeFile(t *testing.T) {
	code, out, stderr := runCLI(t, nil, "analyze", "--tools", "capinfos", sample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(doc["capinfos"], &c); err != nil {
		t.Fatal(err)
	}
	if c["filename"] != "chrissanders--dns.pcap" || c["packet_count"].(float64) <= 0 {
		t.Errorf("capinfos = %v", c)
	}
	if _, ok := doc["findings"]; !ok {
		t.Errorf("no top-level findings key")
	}
	if len(doc) != 2 {
		t.Errorf("tools other than capinfos ran: %d keys", len(doc))
	}
}

func TestAnalyzeStdinEqualsFile(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	_, fromFile, _ := runCLI(t, nil, "analyze", "--tools", "capinfos", sample)
	code, fromStdin, stderr := runCLI(t, data, "analyze", "--tools", "capinfos", "-")
	if code != 0 {
		t.Fatal(stderr)
	}
	fromFile = strings.Replace(fromFile, `"filename":"chrissanders--dns.pcap"`, `"filename":"-"`, 1)
	if fromFile != fromStdin {
		t.Errorf("stdin and file reports differ:\n%s\n%s", fromFile, fromStdin)
	}
}

func TestAnalyzeSeveralFilesIsAnArray(t *testing.T) {
	code, out, stderr := runCLI(t, nil, "analyze", "--tools", "capinfos", sample, sample)
	if code != 0 {
		t.Fatal(stderr)
	}
	var docs []map[string]any
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 2 {
		t.Fatalf("want an array of 2: %v", err)
	}
}

func TestNotACaptureIsOneClearLine(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "page.pcap")
	os.WriteFile(p, []byte("<!DOCTYPE html>\n<html><body>404</body></html>\n"), 0o644)
	code, out, stderr := runCLI(t, nil, "analyze", p)
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "looks like HTML") || !strings.Contains(stderr, "page.pcap") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestTruncatedFileStillReports(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cut.pcap")
	os.WriteFile(p, data[:len(data)-7], 0o644)
	code, out, stderr := runCLI(t, nil, "analyze", "--tools", "capinfos", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc map[string]map[string]any
	json.Unmarshal([]byte(out), &doc)
	w, _ := doc["capinfos"]["warnings"].([]any)
	if len(w) == 0 || !strings.Contains(w[0].(string), "cut short") {
		t.Errorf("warnings = %v", w)
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, stderr := runCLI(t, nil, "analyze", "--tools", "nope", sample); code != 2 || !strings.Contains(stderr, `unknown tool "nope"`) {
		t.Errorf("unknown tool: %d %q", code, stderr)
	}
	if code, _, _ := runCLI(t, nil, "analyze"); code != 2 {
		t.Errorf("no file: %d", code)
	}
	if code, _, _ := runCLI(t, nil, "frobnicate"); code != 2 {
		t.Errorf("unknown command: %d", code)
	}
	if code, _, stderr := runCLI(t, nil, "analyze", "/nonexistent/x.pcap"); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: %d %q", code, stderr)
	}
}
