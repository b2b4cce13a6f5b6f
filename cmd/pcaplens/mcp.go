package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"pcaplens/cmd/pcaplens/internal/mcpserver"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// tokenEnv is the environment variable that holds --http's bearer token.
const tokenEnv = "PCAPLENS_MCP_TOKEN"

func mcpCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("http", "", "serve Streamable HTTP at http://ADDR/mcp instead of stdio (loopback only, unless a token is set)")
	token := fs.String("token", "", "bearer token --http requires from clients (default: $"+tokenEnv+")")
	var roots stringList
	fs.Var(&roots, "root", "read local captures only inside this folder (repeatable)")
	noURLs := fs.Bool("no-urls", false, "refuse http(s) URLs as pcap_file")
	maxURL := fs.Int64("max-url-bytes", mcpserver.DefaultMaxURLBytes, "largest capture read from a URL, in bytes")
	urlTimeout := fs.Duration("url-timeout", mcpserver.DefaultURLTimeout, "longest time a URL download may take")
	maxAnswer := fs.Int("max-answer-bytes", mcpserver.DefaultMaxAnswerBytes, "largest answer, in bytes of JSON")
	cache := fs.Int("cache", mcpserver.DefaultCacheEntries, "captures kept analysed in memory")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: pcaplens mcp [--http 127.0.0.1:8765] [--root DIR]... [--no-urls]\n\n"+
			"Serves pcaplens' analyses as MCP tools: over stdio (an assistant starts it), or over Streamable HTTP at /mcp.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	srv, err := mcpserver.New(mcpserver.Config{
		Roots: roots, NoURLs: *noURLs, MaxURLBytes: *maxURL, URLTimeout: *urlTimeout,
		MaxAnswerBytes: *maxAnswer, CacheEntries: *cache, Version: version,
	})
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens mcp: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *addr == "" {
		t := &mcp.IOTransport{Reader: io.NopCloser(stdin), Writer: nopWriteCloser{stdout}}
		if err := srv.MCP().Run(ctx, t); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
			fmt.Fprintf(stderr, "pcaplens mcp: %v\n", err)
			return 1
		}
		return 0
	}
	tok := *token
	if tok == "" {
		tok = os.Getenv(tokenEnv)
	}
	ln, err := listenMCP(*addr, tok)
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens mcp: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "pcaplens mcp: serving MCP at http://%s/mcp\n", ln.Addr())
	hs := &http.Server{Handler: mcpHandler(srv.MCP(), tok), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "pcaplens mcp: %v\n", err)
		return 1
	}
	return 0
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// listenMCP listens on addr; a non-loopback address needs a token.
func listenMCP(addr, token string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--http %q: want HOST:PORT (e.g. 127.0.0.1:8765)", addr)
	}
	if !isLoopback(host) && token == "" {
		return nil, fmt.Errorf("--http %q is not a loopback address: set a bearer token (--token or $%s) to serve other machines", addr, tokenEnv)
	}
	return net.Listen("tcp", addr)
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// mcpHandler serves the MCP server's Streamable HTTP transport at /mcp
// (with the SDK's DNS-rebinding protection left on, and cross-origin
// requests from browsers refused), behind a bearer token when one is set.
func mcpHandler(s *mcp.Server, token string) http.Handler {
	// Idle sessions are closed after an hour, so that clients that vanish
	// do not accumulate.
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, &mcp.StreamableHTTPOptions{SessionTimeout: time.Hour})
	mux := http.NewServeMux()
	// A page in a browser may not call the server (Go's cross-origin
	// protection refuses cross-site POSTs by Sec-Fetch-Site and Origin);
	// assistants are not browsers and send neither.
	mux.Handle("/mcp", http.NewCrossOriginProtection().Handler(h))
	if token == "" {
		return mux
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pcaplens"`)
			http.Error(w, "pcaplens: a bearer token is required", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}
