package web

import (
	"errors"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// TestCSPMatchesPage keeps the header that serve sends equal to the page's meta tag.
func TestCSPMatchesPage(t *testing.T) {
	b, err := os.ReadFile("index.html")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("index.html has no CSP meta tag")
	}
	if string(m[1]) != CSP {
		t.Errorf("CSP differs:\nindex.html: %s\nweb.CSP:    %s", m[1], CSP)
	}
}

// TestFS checks that FS either gives a site with index.html or says it is not built.
func TestFS(t *testing.T) {
	site, err := FS()
	if err != nil {
		if !errors.Is(err, ErrNotBuilt) {
			t.Fatalf("FS: %v, want ErrNotBuilt", err)
		}
		if _, err := Handler(); !errors.Is(err, ErrNotBuilt) {
			t.Fatalf("Handler: %v, want ErrNotBuilt", err)
		}
		return
	}
	for _, name := range []string{"index.html", "main.js", "worker.js", "pcaplens.wasm", "wasm_exec.js"} {
		if _, err := site.Open(name); err != nil {
			t.Errorf("built site lacks %s: %v", name, err)
		}
	}
}

// TestWorkerPolicy checks that only the worker's script may connect to other
// origins, and that every other file gets the page's policy.
func TestWorkerPolicy(t *testing.T) {
	if strings.Count(CSP, "connect-src 'self';") != 1 {
		t.Fatalf("the page's policy should say connect-src 'self' once: %s", CSP)
	}
	if WorkerCSP == CSP || !strings.Contains(WorkerCSP, "connect-src 'self' https: http:;") {
		t.Fatalf("WorkerCSP: %s", WorkerCSP)
	}
	site := fstest.MapFS{
		"index.html":    {Data: []byte("<!doctype html>")},
		"main.js":       {Data: []byte("1")},
		"worker.js":     {Data: []byte("2")},
		"pcaplens.wasm": {Data: []byte("\x00asm")},
	}
	h := handler(site)
	for path, want := range map[string]string{"/": CSP, "/main.js": CSP, "/worker.js": WorkerCSP, "/pcaplens.wasm": CSP} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Errorf("%s: HTTP %d", path, rec.Code)
		}
		if got := rec.Header().Get("Content-Security-Policy"); got != want {
			t.Errorf("%s: policy %q, want %q", path, got, want)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/worker.js", nil))
	if rec.Code != 405 {
		t.Errorf("POST: HTTP %d, want 405", rec.Code)
	}
}
