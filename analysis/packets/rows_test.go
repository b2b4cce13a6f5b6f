package packets

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
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
