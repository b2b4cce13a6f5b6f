package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of the URL limits.
const (
	// DefaultMaxURLBytes caps the bytes read from a URL (a capture larger
	// than this is refused).
	DefaultMaxURLBytes = 2 << 30
	// DefaultURLTimeout bounds one whole download, body included.
	DefaultURLTimeout = 10 * time.Minute
	// maxRedirects bounds the redirects followed for one URL.
	maxRedirects = 5
)

// source is where a capture comes from: a local file or a URL.
type source struct {
	// name is what the caller gave (pcap_file).
	name string
	// path is the local file, resolved (empty for a URL).
	path string
	// url is the http(s) URL (empty for a local file).
	url string
	// key identifies the capture's content for the cache: path, size and
	// modification time, or URL and its validators.
	key string
	// size and mtime of a local file.
	size  int64
	mtime time.Time
}

// isURL tells a URL from a path the way the seed did: by its scheme.
func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.Contains(l, "://")
}

// resolve checks pcap_file and says where it is. A URL is only checked
// here (its validators come with the download); a path must name a regular
// file inside one of the roots, when roots are set.
func (s *Server) resolve(name string) (*source, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("pcap_file is empty: give a local path or an http(s) URL")
	}
	if isURL(name) {
		if s.cfg.NoURLs {
			return nil, fmt.Errorf("pcap_file %q: URLs are turned off on this server (--no-urls); give a local path", name)
		}
		u, err := url.Parse(name)
		if err != nil {
			return nil, fmt.Errorf("pcap_file %q: not a valid URL: %v", name, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("pcap_file %q: only http and https URLs are read", name)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("pcap_file %q: the URL has no host", name)
		}
		if u.User != nil {
			return nil, fmt.Errorf("pcap_file %q: URLs with credentials are not read", name)
		}
		return &source{name: name, url: u.String()}, nil
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, fmt.Errorf("pcap_file %q: %v", name, err)
	}
	// Inside the roots as written and once links are followed: a path
	// outside is refused before anything is said about it.
	outside := fmt.Errorf("pcap_file %q is outside the folders this server may read (--root %s)", name, strings.Join(s.cfg.Roots, ", --root "))
	if len(s.roots) > 0 && !s.inRoots(abs) && !s.inRoots(s.rootsAsGiven(abs)) {
		return nil, outside
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("pcap_file %q: %v", name, plainPathError(err))
	}
	if len(s.roots) > 0 && !s.inRoots(real) {
		return nil, outside
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("pcap_file %q: %v", name, plainPathError(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("pcap_file %q is not a regular file", name)
	}
	return &source{
		name: name, path: real, size: st.Size(), mtime: st.ModTime(),
		key: fmt.Sprintf("file\x00%s\x00%d\x00%d", real, st.Size(), st.ModTime().UnixNano()),
	}, nil
}

// plainPathError drops the operation from a path error ("lstat /x: no
// such file or directory" → "no such file or directory").
func plainPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// inRoots reports whether the resolved path p lies inside one of the roots.
func (s *Server) inRoots(p string) bool {
	for _, r := range s.roots {
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// rootsAsGiven maps a path under a root as the flag gave it (before its
// links were resolved) to the same path under the resolved root.
func (s *Server) rootsAsGiven(p string) string {
	for i, r := range s.cfg.Roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(abs, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.Join(s.roots[i], rel)
		}
	}
	return p
}

// resolveRoots makes the roots absolute with their symbolic links resolved.
func resolveRoots(roots []string) ([]string, error) {
	var out []string
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			return nil, fmt.Errorf("mcpserver: root %q: %v", r, err)
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("mcpserver: root %q: %v", r, err)
		}
		st, err := os.Stat(real)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("mcpserver: root %q is not a folder", r)
		}
		out = append(out, real)
	}
	return out, nil
}

// httpClient is the client of URL downloads: a timeout for the whole
// download, redirects only to http(s) and at most maxRedirects of them.
func (s *Server) httpClient() *http.Client {
	base := s.cfg.HTTPClient
	if base == nil {
		base = &http.Client{}
	}
	c := *base
	if c.Timeout == 0 {
		c.Timeout = s.cfg.URLTimeout
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %q refused: only http and https are followed", req.URL.Scheme)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		return nil
	}
	return &c
}

// fetch starts the download of a URL. With validators of an earlier
// download (etag, last-modified) it asks conditionally: notModified is
// true when the server answered 304. The body is capped at MaxURLBytes:
// reading past it fails.
func (s *Server) fetch(ctx context.Context, src *source, etag, lastMod string) (body io.ReadCloser, validators string, notModified bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.url, nil)
	if err != nil {
		return nil, "", false, fmt.Errorf("pcap_file %q: %v", src.name, err)
	}
	req.Header.Set("User-Agent", "pcaplens-mcp")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	} else if lastMod != "" {
		req.Header.Set("If-Modified-Since", lastMod)
	}
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return nil, "", false, fmt.Errorf("pcap_file %q: download failed: %v", src.name, err)
	}
	if resp.StatusCode == http.StatusNotModified && (etag != "" || lastMod != "") {
		resp.Body.Close()
		return nil, "", true, nil
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, "", false, fmt.Errorf("pcap_file %q: the server answered %s", src.name, resp.Status)
	}
	if resp.ContentLength > s.cfg.MaxURLBytes {
		resp.Body.Close()
		return nil, "", false, fmt.Errorf("pcap_file %q: %d bytes, more than this server reads from a URL (%d)", src.name, resp.ContentLength, s.cfg.MaxURLBytes)
	}
	v := resp.Header.Get("ETag") + "\x00" + resp.Header.Get("Last-Modified")
	cb := &cappedBody{rc: resp.Body, left: s.cfg.MaxURLBytes, max: s.cfg.MaxURLBytes, name: src.name}
	if resp.Header.Get("Accept-Ranges") == "bytes" && resp.ContentLength > 0 && v != "\x00" {
		cb.size = resp.ContentLength
	}
	return cb, v, false, nil
}

// cappedBody fails a read past its cap rather than cutting the capture
// short silently. It keeps the first error other than the end of the body
// (the cap, a timeout, a broken connection): the engine takes a read error
// for damage after the packets read, where a download that failed must
// fail the call.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	name string
	max  int64
	err  error
	// size is the body's length when the server said it answers byte
	// ranges and gave a validator (0 otherwise): frames can then be read
	// back with range requests (rangeReader).
	size int64
}

func (c *cappedBody) Read(p []byte) (int, error) {
	n, err := c.read(p)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

func (c *cappedBody) read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		n, err := c.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("pcap_file %q: the download is larger than this server reads from a URL (%d bytes)", c.name, c.max)
		}
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cappedBody) Close() error { return c.rc.Close() }

// Blocks of a rangeReader.
const (
	rangeBlock  = 256 << 10
	rangeBlocks = 16 // blocks kept (4 MiB)
)

// rangeReader reads a URL's capture back with HTTP range requests
// (io.ReaderAt), in blocks it keeps a few of, for the packet tools. Every
// request carries the validator of the download the frame index was built
// from (If-Range): a capture that changed since answers whole (200), which
// is an error, never frames of another file. Not safe for concurrent use
// (the Replayer over it is used under entry.rmu).
type rangeReader struct {
	s        *Server
	src      *source
	size     int64
	ifRange  string
	blocks   map[int64][]byte
	order    []int64 // block numbers, oldest first
	requests int
}

func (r *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("pcap_file %q: negative offset", r.src.name)
	}
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= r.size {
			return n, io.EOF
		}
		b, err := r.block(at / rangeBlock)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], b[at%rangeBlock:])
	}
	return n, nil
}

// block returns block i, from the kept ones or by one range request.
func (r *rangeReader) block(i int64) ([]byte, error) {
	if b, ok := r.blocks[i]; ok {
		return b, nil
	}
	start := i * rangeBlock
	end := min(start+rangeBlock, r.size) - 1
	req, err := http.NewRequest(http.MethodGet, r.src.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "pcaplens-mcp")
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, end))
	req.Header.Set("If-Range", r.ifRange)
	r.requests++
	resp, err := r.s.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("pcap_file %q: reading frames back: %v", r.src.name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", start, end, r.size) {
		return nil, fmt.Errorf("pcap_file %q changed since it was analysed, or no longer answers byte ranges (%s): call an analyze tool on it again", r.src.name, resp.Status)
	}
	b := make([]byte, end-start+1)
	if _, err := io.ReadFull(resp.Body, b); err != nil {
		return nil, fmt.Errorf("pcap_file %q: reading frames back: %v", r.src.name, err)
	}
	if r.blocks == nil {
		r.blocks = map[int64][]byte{}
	}
	if len(r.order) >= rangeBlocks {
		delete(r.blocks, r.order[0])
		r.order = r.order[1:]
	}
	r.blocks[i] = b
	r.order = append(r.order, i)
	return b, nil
}
