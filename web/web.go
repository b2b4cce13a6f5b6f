// Package web gives the built web page to `pcaplens serve`.
//
// The page is built by `make dist` into web/dist/ (not committed). It is
// embedded in the binary only when building with the tag "webdist"
// (`go build -tags webdist ./cmd/pcaplens`, which `make run` and release
// builds do): that way `go build ./...` and `go test ./...` work on a fresh
// checkout where web/dist/ does not exist. Without the tag, FS returns
// ErrNotBuilt.
package web

import (
	"errors"
	"io/fs"
	"net/http"
	"strings"
)

// ErrNotBuilt says that the binary was built without the web page.
var ErrNotBuilt = errors.New("web assets not built: run make dist, then build with -tags webdist (make run does both)")

// CSP is the Content-Security-Policy that `pcaplens serve` sends with every
// response; web/index.html carries the same policy in a meta tag.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"

// WorkerCSP is the policy sent with the analysis worker's script
// (worker.js): the page's, except that the worker may connect to any http or
// https origin. The worker renders nothing; it fetches the URL a person types
// in "Open URL" (and the page's own files). Browsers give a worker the policy
// of its script's response, not the page's, so the page itself stays at
// connect-src 'self': the code that shows strings from packets can reach no
// other site.
var WorkerCSP = strings.Replace(CSP, "connect-src 'self'", "connect-src 'self' https: http:", 1)

// Handler serves the built page with the headers it needs: the CSP above,
// nosniff, no referrer, application/wasm for the module (so that
// instantiateStreaming works), and revalidation on every load so that a new
// build is picked up. It returns ErrNotBuilt when the page is not embedded.
func Handler() (http.Handler, error) {
	site, err := FS()
	if err != nil {
		return nil, err
	}
	return handler(site), nil
}

func handler(site fs.FS) http.Handler {
	files := http.FileServerFS(site)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		if r.URL.Path == "/worker.js" {
			hd.Set("Content-Security-Policy", WorkerCSP)
		} else {
			hd.Set("Content-Security-Policy", CSP)
		}
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cache-Control", "no-cache")
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			hd.Set("Content-Type", "application/wasm")
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			hd.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		files.ServeHTTP(w, r)
	})
}
