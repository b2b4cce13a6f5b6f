package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
)

// sharedCaptures lists the shared real-world captures (absent on a clean
// clone: the cross-check then only covers testdata).
func sharedCaptures(t testing.TB) []string {
	var files []string
	for _, dir := range []string{"/work/shared/captures/real", "/work/shared/captures/tcpdump-tests", "../../testdata/captures"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*"))
		files = append(files, m...)
	}
	return files
}

type pkt struct {
	data []byte
	orig int
	ns   int64
	ph   int // the pseudo-header our reader stripped (pcapgo keeps it)
}

// readAll reads every record with our reader (up to the first error).
func readAll(t testing.TB, b []byte) ([]pkt, error) {
	rd, err := Open(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []pkt
	var rec Record
	for {
		err := rd.Next(&rec)
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		out = append(out, pkt{append([]byte(nil), rec.Data...), rec.OrigLen, rec.TimeNs, PseudoHeaderLen(rec.LinkType)})
	}
}

type gopacketReader interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// readPcapgo reads every record with gopacket's pcapgo; ok is false when
// pcapgo cannot open the file.
func readPcapgo(b []byte) (out []pkt, clean bool, ok bool) {
	var rd gopacketReader
	if len(b) >= 4 && bytes.Equal(b[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, false, false
		}
		rd = ng
	} else {
		p, err := pcapgo.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, false, false
		}
		rd = p
	}
	for {
		data, ci, err := rd.ReadPacketData()
		if err != nil {
			return out, err == io.EOF, true
		}
		out = append(out, pkt{append([]byte(nil), data...), ci.Length, ci.Timestamp.UnixNano(), 0})
	}
}

// TestCrossCheckPcapgo reads every shared capture with both readers: where
// pcapgo reads a file to its end, we must return the same records.
func TestCrossCheckPcapgo(t *testing.T) {
	files := sharedCaptures(t)
	if len(files) == 0 {
		t.Skip("no shared captures")
	}
	compared := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || len(b) == 0 {
			continue
		}
		theirs, clean, ok := readPcapgo(b)
		if !ok {
			continue
		}
		ours, err := readAll(t, b)
		// pcapgo converts power-of-2 time resolutions inexactly (we agree
		// with tshark there, see TestAgainstTshark): compare all but times.
		inexact := binaryRes(b)
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Errorf("%s: error is not *Error: %v", f, err)
		}
		n := min(len(ours), len(theirs))
		for i := 0; i < n; i++ {
			o, g := ours[i], theirs[i]
			g.data, g.orig = g.data[min(o.ph, len(g.data)):], max(g.orig-o.ph, 0)
			if !bytes.Equal(o.data, g.data) || o.orig != g.orig || (o.ns != g.ns && !inexact) {
				t.Errorf("%s: packet %d differs: ours len %d/%d t=%d, pcapgo len %d/%d t=%d",
					f, i+1, len(o.data), o.orig, o.ns, len(g.data), g.orig, g.ns)
				break
			}
		}
		if clean && len(ours) != len(theirs) {
			t.Errorf("%s: %d packets, pcapgo %d (our error: %v)", f, len(ours), len(theirs), err)
		}
		if clean && err != nil {
			t.Errorf("%s: pcapgo reads it cleanly, we fail: %v", f, err)
		}
		compared++
	}
	t.Logf("compared %d files with pcapgo", compared)
}

// binaryRes reports whether a capture has an interface with a
// non-power-of-10 time resolution.
func binaryRes(b []byte) bool {
	rd, err := Open(bytes.NewReader(b))
	if err != nil {
		return false
	}
	var rec Record
	for rd.Next(&rec) == nil {
	}
	for _, ifc := range rd.Info().Interfaces {
		for r := ifc.TsResolution; r > 1; r /= 10 {
			if r%10 != 0 {
				return true
			}
		}
	}
	return false
}
