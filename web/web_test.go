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
	for path, want := range map[string]string{"/": HeaderCSP, "/main.js": HeaderCSP, "/worker.js": HeaderWorkerCSP, "/pcaplens.wasm": HeaderCSP} {
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

// TestNoFraming checks that every response forbids framing the page, in
// the header (a meta tag cannot say frame-ancestors).
func TestNoFraming(t *testing.T) {
	if strings.Contains(CSP, "frame-ancestors") {
		t.Fatal("the meta tag's policy must not carry frame-ancestors (browsers ignore it there)")
	}
	h := handler(fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}, "worker.js": {Data: []byte("1")}})
	for _, p := range []string{"/", "/worker.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; frame-ancestors 'none'") {
			t.Errorf("%s: policy %q lacks frame-ancestors 'none'", p, csp)
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: no X-Frame-Options: DENY", p)
		}
	}
}

// TestNoDirectoryListing checks that a folder without index.html is not
// listed, and that its files are still served.
func TestNoDirectoryListing(t *testing.T) {
	site := fstest.MapFS{
		"index.html":          {Data: []byte("<!doctype html>")},
		"samples/a.pcap":      {Data: []byte("pcap")},
		"samples/deep/b.pcap": {Data: []byte("pcap")},
	}
	h := handler(site)
	for _, p := range []string{"/samples/", "/samples", "/samples/deep/", "/samples/../samples/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 404 || strings.Contains(rec.Body.String(), "a.pcap") {
			t.Errorf("%s: HTTP %d %q, want 404 without a listing", p, rec.Code, rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/samples/a.pcap", nil))
	if rec.Code != 200 || rec.Body.String() != "pcap" {
		t.Errorf("/samples/a.pcap: HTTP %d %q", rec.Code, rec.Body.String())
	}
}

// TestWasmGzip checks that the module is sent compressed to a browser that
// accepts gzip, and whole to one that does not.
func TestWasmGzip(t *testing.T) {
	site := fstest.MapFS{
		"index.html":       {Data: []byte("<!doctype html>")},
		"pcaplens.wasm":    {Data: []byte("\x00asm-raw")},
		"pcaplens.wasm.gz": {Data: []byte("gzipped-bytes")},
	}
	h := handler(site)
	for _, tc := range []struct {
		accept, body, encoding string
	}{
		{"gzip, deflate, br", "gzipped-bytes", "gzip"},
		{"br;q=1.0, gzip;q=0.8", "gzipped-bytes", "gzip"},
		{"gzip;q=0", "\x00asm-raw", ""},
		{"", "\x00asm-raw", ""},
		{"identity", "\x00asm-raw", ""},
	} {
		req := httptest.NewRequest("GET", "/pcaplens.wasm", nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.String() != tc.body || rec.Header().Get("Content-Encoding") != tc.encoding {
			t.Errorf("Accept-Encoding %q: HTTP %d, body %q, Content-Encoding %q", tc.accept, rec.Code, rec.Body.String(), rec.Header().Get("Content-Encoding"))
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/wasm" {
			t.Errorf("Accept-Encoding %q: Content-Type %q", tc.accept, ct)
		}
		if rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", tc.accept)
		}
	}
}
