package web

import (
	"errors"
	"os"
	"regexp"
	"testing"
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
