package http

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFindings reads the capture made with python's http.server and curl
// (testdata/server.py): every finding kind it provokes, with its frames
// and filter (each filter checked with tshark 4.0 -Y to select exactly
// the frames counted), and no password anywhere in the report.
func TestFindings(t *testing.T) {
	r := run(t, "testdata/pcaplens-http-8080.pcapng")
	want := map[string]struct {
		count  int
		filter string
		has    string
	}{
		"http.cleartext_credentials": {3, "frame.number in {16, 100, 289}", "alice (Basic authorization) to intranet.example.test"},
		"http.executable_download":   {4, "frame.number in {42, 54, 59, 278}", "Windows executable (MZ): www.example.test/tool.exe"},
		"http.unusual_user_agent":    {23, `http.user_agent matches "(?i)(^curl/|^python-urllib/)"`, "curl/7.88.1"},
		"http.error_burst":           {16, "http.response.code >= 400 && ip.src == 127.0.0.1", "Server 127.0.0.1 answers 16 HTTP requests"},
		"http.bare_ip_host":          {2, `http.host matches "^(\\[[0-9A-Fa-f:.]+\\]|[0-9.]+)(:[0-9]+)?$"`, "127.0.0.1:8080"},
		"http.long_uri":              {1, "frame.number == 110", "the longest 1,510"},
	}
	got := map[string]bool{}
	for _, f := range r.Findings {
		got[f.Kind] = true
		w, ok := want[f.Kind]
		if !ok {
			t.Errorf("unexpected finding %s: %s", f.Kind, f.Summary)
			continue
		}
		if f.Count != w.count || f.Filter != w.filter || !strings.Contains(f.Summary, w.has) || f.Tool != "http" {
			t.Errorf("%s: count %d, filter %q, summary %q; want %d, %q, containing %q", f.Kind, f.Count, f.Filter, f.Summary, w.count, w.filter, w.has)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("no %s finding", k)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"wonderland", "hunter2"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the report holds the password %q", secret)
		}
	}
	// The pipelined requests: six on one connection, three answered before
	// the server closed it after its 404.
	s := r.Statistics
	if s.RequestsWithoutResponse != 3 || s.ResponsesWithoutRequest != 0 || s.Chunked != 1 {
		t.Errorf("unanswered %d, unrequested %d, chunked %d; want 3, 0, 1", s.RequestsWithoutResponse, s.ResponsesWithoutRequest, s.Chunked)
	}
}
