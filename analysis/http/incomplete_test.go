package http_test

import (
	"os"
	"path/filepath"
	"testing"

	"pcaplens/analysis/http"
	"pcaplens/analysis/internal/testrun"
)

// TestIncompleteAtClose: a message a FIN cuts short is incomplete, as one
// the capture's end cuts; a body that lasts until the close is complete.
func TestIncompleteAtClose(t *testing.T) {
	req := []byte("GET /a HTTP/1.1\r\nHost: x.example\r\n\r\n")
	cases := []struct {
		name       string
		response   string
		incomplete int
		responses  int
	}{
		{"body shorter than its Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 1, 0},
		{"headers without their end", "HTTP/1.1 200 OK\r\nContent-Le", 1, 0},
		{"body until the close", "HTTP/1.0 200 OK\r\n\r\n0123456789", 0, 1},
		{"whole", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 0, 1},
	}
	for _, c := range cases {
		w := newPcap()
		w.conn(1, 80, [][]byte{req, []byte(c.response)})
		path := filepath.Join(t.TempDir(), "c.pcap")
		if err := os.WriteFile(path, w.buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		r := testrun.Report[*http.Report](t, path, nil, "http")
		s := r.Statistics
		if s.IncompleteMessages != c.incomplete || r.Responses != c.responses {
			t.Errorf("%s: incomplete %d, responses %d; want %d, %d", c.name, s.IncompleteMessages, r.Responses, c.incomplete, c.responses)
		}
	}
}
