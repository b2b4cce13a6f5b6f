package packets

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFollowTshark compares follow's output with tshark's -z follow
// (testdata/expected/follow, recorded by testdata/tshark/packets.sh for
// the streams of testdata/tshark/follow.list), byte for byte, raw and ascii.
func TestFollowTshark(t *testing.T) {
	lf, err := os.Open("../../testdata/tshark/follow.list")
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	sc := bufio.NewScanner(lf)
	n := 0
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		name, kind := fs[0], fs[1]
		stream, _ := strconv.Atoi(fs[2])
		for _, ascii := range []bool{false, true} {
			mode := "raw"
			if ascii {
				mode = "ascii"
			}
			t.Run(name+"/"+kind+fs[2]+"/"+mode, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join(expectedDir, "follow", name+"."+kind+"."+fs[2]+"."+mode))
				if err != nil {
					t.Fatal(err)
				}
				fh, err := os.Open(filepath.Join(capturesDir, name))
				if err != nil {
					t.Fatal(err)
				}
				defer fh.Close()
				s, err := NewScanner(fh, 0)
				if err != nil {
					t.Fatal(err)
				}
				c, err := Follow(s, kind, stream, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if err := c.Write(&got, ascii); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					gl, wl := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
					for i := 0; i < len(gl) || i < len(wl); i++ {
						var g, w string
						if i < len(gl) {
							g = gl[i]
						}
						if i < len(wl) {
							w = wl[i]
						}
						if g != w {
							t.Fatalf("line %d differs (%d lines, tshark %d):\n got    %.200q\n tshark %.200q", i+1, len(gl), len(wl), g, w)
						}
					}
				}
			})
			n++
		}
	}
	if n == 0 {
		t.Fatal("no streams listed")
	}
}

// TestFollowErrors: a stream that does not exist and an unknown kind.
func TestFollowErrors(t *testing.T) {
	fh, err := os.Open(filepath.Join(capturesDir, "chrissanders--tcp_handshake.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	s, _ := NewScanner(fh, 0)
	if _, err := Follow(s, "tcp", 99, 0); err == nil || !strings.Contains(err.Error(), "no tcp stream 99") {
		t.Fatalf("stream 99: %v", err)
	}
	if _, err := Follow(s, "sctp", 0, 0); err == nil {
		t.Fatal("sctp accepted")
	}
}
