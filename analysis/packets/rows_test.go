package packets

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkRows builds the row of every frame of a capture without HTTP
// or TLS (the scan the packet list runs), to check that recognising those
// protocols costs other traffic little.
func BenchmarkRows(b *testing.B) {
	for _, name := range []string{"chrissanders--synscan.pcapng", "sip-call-rtp.pcap", "chrissanders--tcp_retransmissions.pcapng"} {
		data, err := os.ReadFile(filepath.Join(capturesDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) { benchRows(b, data) })
	}
}

func benchRows(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		s, err := NewScanner(bytes.NewReader(data), 0)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := s.Next(); err != nil {
				if !errors.Is(err, io.EOF) {
					b.Fatal(err)
				}
				break
			}
			_ = s.Row()
		}
	}
}

// TestRowsHTTP checks HTTP rows as tshark 4.0 shows them: a request whole
// in one segment, the first segment of a longer response (TCP, its status
// line, the reassembly note), and responses whole in one segment with
// what their body dissector adds.
func TestRowsHTTP(t *testing.T) {
	for _, c := range []struct {
		capture     string
		no          int
		proto, info string
	}{
		{"http.pcap.gz", 4, "HTTP", "GET /download.html HTTP/1.1 "},
		{"http.pcap.gz", 6, "TCP", "HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]"},
		{"chrissanders--http_ip4and6.pcapng", 6, "HTTP", "HTTP/1.1 200 OK  (text/html)"},
		{"chrissanders--http_espn.pcapng", 248, "HTTP", "HTTP/1.1 200 OK  (JPEG JFIF image)"},
	} {
		r, ok := rowOf(t, c.capture, c.no)
		if !ok {
			t.Errorf("%s #%d: not read", c.capture, c.no)
		} else if r.Protocol != c.proto || r.Info != c.info {
			t.Errorf("%s #%d: %q %q, tshark %q %q", c.capture, c.no, r.Protocol, r.Info, c.proto, c.info)
		}
	}
}

// rowOf is the row of frame no of a capture, scanned from the start.
func rowOf(t *testing.T, capture string, no int) (Row, bool) {
	fh, err := os.Open(filepath.Join(capturesDir, capture))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	s, err := NewScanner(fh, 0)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := s.Next(); err != nil {
			return Row{}, false
		}
		if r := s.Row(); r.No == no {
			return r, true
		}
	}
}

// TestHTTPRow checks httpRow on segments built to show each rule.
func TestHTTPRow(t *testing.T) {
	gzEmpty := "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	gzFull := "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xb3\xc9\x28\xc9\xcd\xb1\xb3\xd1\x07\x53\x00\x1f\x87\x1b\x60\x0d\x00\x00\x00"
	for _, c := range []struct{ payload, proto, info string }{
		{"GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP", "GET /a?b=c HTTP/1.1 "},
		{"GET /a HTTP/1.1\r\nHost: x\r\n", "TCP", "GET /a HTTP/1.1  [TCP segment of a reassembled PDU]"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", "TCP", "HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]"},
		{"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", "HTTP", "HTTP/1.1 302 Found "},
		{"HTTP/1.1 200 OK\r\nContent-Type: Text/HTML; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi", "HTTP", "HTTP/1.1 200 OK  (text/html)"},
		{"HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: 8\r\n\r\nGIF89a\x01\x00", "HTTP", "HTTP/1.1 200 OK  (GIF89a)"},
		{"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 4\r\n\r\n\x89PNG", "HTTP", "HTTP/1.1 200 OK  (PNG)"},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\n\r\n<a/>", "HTTP/XML", "HTTP/1.1 200 OK "},
		{"HTTP/1.1 206 Partial Content\r\nContent-Type: application/octet-stream\r\nContent-Length: 1\r\n\r\nx", "HTTP", "HTTP/1.1 206 Partial Content "},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n\r\n" + gzEmpty, "HTTP", "HTTP/1.1 200 OK "},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: " + strconv.Itoa(len(gzFull)) + "\r\n\r\n" + gzFull, "HTTP", "HTTP/1.1 200 OK  (text/html)"},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "HTTP", "HTTP/1.1 200 OK  (text/plain)"},
		{"HELLO world\r\n", "", ""},
		{"GET", "", ""},
		{"\x16\x03\x01\x00\x05hello", "", ""},
	} {
		proto, info := httpRow([]byte(c.payload))
		if proto != c.proto || info != c.info {
			t.Errorf("%q: %q %q, want %q %q", c.payload, proto, info, c.proto, c.info)
		}
	}
}

// FuzzHTTPRow feeds httpRow hostile segments: it must not panic.
func FuzzHTTPRow(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: deflate\r\n\r\n1\r\nx\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, p []byte) {
		httpRow(p)
	})
}
