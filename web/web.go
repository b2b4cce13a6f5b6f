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
	"path"
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

// frameAncestors forbids framing the page (clickjacking). Browsers ignore
// frame-ancestors in a meta tag, so only the header carries it.
const frameAncestors = "; frame-ancestors 'none'"

// HeaderCSP is the policy `pcaplens serve` sends with the page's files: CSP
// and frame-ancestors 'none'.
const HeaderCSP = CSP + frameAncestors

// HeaderWorkerCSP is the policy sent with worker.js: WorkerCSP and
// frame-ancestors 'none'.
var HeaderWorkerCSP = WorkerCSP + frameAncestors

// Handler serves the built page with the headers it needs: the CSP above
// (with frame-ancestors 'none'), nosniff, no referrer, application/wasm for
// the module (so that instantiateStreaming works), and revalidation on every
// load so that a new build is picked up. A file with a precompressed
// sibling (pcaplens.wasm.gz, written by the build) is sent compressed to a
// browser that accepts gzip. A folder is never listed: a path that names a
// folder without index.html is not found. It returns ErrNotBuilt when the
// page is not embedded.
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
			hd.Set("Content-Security-Policy", HeaderWorkerCSP)
		} else {
			hd.Set("Content-Security-Policy", HeaderCSP)
		}
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
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
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if st, err := fs.Stat(site, name); err == nil && st.IsDir() {
			if _, err := fs.Stat(site, path.Join(name, "index.html")); err != nil {
				http.NotFound(w, r)
				return
			}
		}
		if strings.HasSuffix(name, ".wasm") {
			hd.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				if gz, err := fs.Stat(site, name+".gz"); err == nil && !gz.IsDir() {
					hd.Set("Content-Encoding", "gzip")
					r2 := r.Clone(r.Context())
					r2.URL.Path = "/" + name + ".gz"
					r2.Header.Del("Range") // a range of the compressed bytes is not a range of the module
					files.ServeHTTP(w, r2)
					return
				}
			}
		}
		files.ServeHTTP(w, r)
	})
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			q = strings.ReplaceAll(strings.TrimSpace(q), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
