package packets

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
)

// TestExport writes the odd frames of captures with several interfaces and
// link types and reads the result back with the capture reader: same
// bytes, lengths, times and link types, one interface per one used.
func TestExport(t *testing.T) {
	for _, name := range []string{"multi-interface.pcapng", "chrissanders--tcp_handshake.pcapng", "http.pcap.gz", "pcapng-oddities.pcapng"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(capturesDir, name))
			if err != nil {
				t.Fatal(err)
			}
			// What the source holds.
			rd, _ := capture.Open(bytes.NewReader(b))
			type rec struct {
				data     string
				orig     int
				ts       int64
				link     uint16
				comments int
			}
			var src []rec
			var r capture.Record
			for rd.Next(&r) == nil {
				src = append(src, rec{string(r.Data), r.OrigLen, r.TimeNs, r.LinkType, len(r.Comments)})
			}
			m, err := NewMatcher("frame.number in {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25}")
			if err != nil {
				t.Fatal(err)
			}
			s, _ := NewScanner(bytes.NewReader(b), 0)
			var out bytes.Buffer
			n, err := Export(s, m, &out)
			if err != nil && len(src) == 0 {
				t.Fatal(err)
			}
			back, err := capture.Open(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			k := 0
			for i := 0; i < len(src) && i < 25; i += 2 {
				if err := back.Next(&r); err != nil {
					t.Fatalf("exported frame %d: %v", k+1, err)
				}
				w := src[i]
				if string(r.Data) != w.data || r.OrigLen != w.orig || r.TimeNs != w.ts || r.LinkType != w.link || len(r.Comments) != w.comments {
					t.Fatalf("frame %d: got len %d orig %d ts %d link %d, want %d %d %d %d", i+1, len(r.Data), r.OrigLen, r.TimeNs, r.LinkType, len(w.data), w.orig, w.ts, w.link)
				}
				k++
			}
			if err := back.Next(&r); err != io.EOF {
				t.Fatalf("after %d frames: %v", k, err)
			}
			if n != k {
				t.Fatalf("Export says %d frames, %d read back", n, k)
			}
			links := map[uint16]bool{}
			for _, w := range src[:min(25, len(src))] {
				links[w.link] = true
			}
			if got := len(back.Info().Interfaces); got > len(links)+1 || got == 0 {
				t.Fatalf("%d interfaces written for %d link types", got, len(links))
			}
		})
	}
}

// TestExportEmpty: no frame selected is a valid empty pcapng.
func TestExportEmpty(t *testing.T) {
	b, _ := os.ReadFile(filepath.Join(capturesDir, "chrissanders--tcp_handshake.pcapng"))
	s, _ := NewScanner(bytes.NewReader(b), 0)
	m, _ := NewMatcher("frame.number == 0")
	var out bytes.Buffer
	if n, err := Export(s, m, &out); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	rd, err := capture.Open(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var r capture.Record
	if err := rd.Next(&r); err != io.EOF {
		t.Fatal(err)
	}
}

// TestMatcherRefuses: a filter naming an unknown field is an error, and so
// is a syntax error.
func TestMatcherRefuses(t *testing.T) {
	if _, err := NewMatcher("tcp.no_such_field == 80"); err == nil {
		t.Fatal("an unknown field was accepted")
	}
	if _, err := NewMatcher("frame.number =="); err == nil {
		t.Fatal("syntax error accepted")
	}
}

// TestExportTshark: tshark read our export (testdata/tshark/packets.sh
// recorded what it saw): same frames, lengths, times and interfaces as the
// project's reader sees in the same export.
func TestExportTshark(t *testing.T) {
	for _, name := range []string{"multi-interface.pcapng", "chrissanders--tcp_handshake.pcapng", "http.pcap.gz"} {
		want := readTSV(t, filepath.Join(expectedDir, "export", name+".tsv"))
		b, _ := os.ReadFile(filepath.Join(capturesDir, name))
		s, _ := NewScanner(bytes.NewReader(b), 0)
		m, _ := NewMatcher("frame.number in {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25}")
		var out bytes.Buffer
		if _, err := Export(s, m, &out); err != nil {
			t.Fatal(err)
		}
		rd, err := capture.Open(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var r capture.Record
		for i, w := range want {
			if err := rd.Next(&r); err != nil {
				t.Fatalf("%s frame %d: %v", name, i+1, err)
			}
			got := []string{strconv.Itoa(i + 1), strconv.Itoa(r.OrigLen), strconv.Itoa(len(r.Data)),
				formatSeconds(r.TimeNs, 9), strconv.Itoa(r.Interface)}
			if strings.Join(got, "\t") != strings.Join(w, "\t") {
				t.Fatalf("%s frame %d: %v, tshark read %v", name, i+1, got, w)
			}
		}
		if err := rd.Next(&r); err != io.EOF {
			t.Fatalf("%s: more frames than tshark read", name)
		}
	}
}
