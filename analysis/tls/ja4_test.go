package tls

import (
	"path/filepath"
	"strconv"
	"testing"

	"pcaplens/analysis/golden"
)

// TestJA4Published compares each connection's JA4 with the value FoxIO
// publishes for its test captures (testdata/ja4-published.json), and
// requires every ClientHello of those connections to be read.
func TestJA4Published(t *testing.T) {
	var pub struct {
		Captures []struct {
			Capture string            `json:"capture"`
			JA4     map[string]string `json:"ja4"`
		} `json:"captures"`
	}
	golden.Load(t, filepath.Join("testdata", "ja4-published.json"), &pub)
	if len(pub.Captures) < 7 {
		t.Fatalf("only %d captures", len(pub.Captures))
	}
	for _, c := range pub.Captures {
		t.Run(c.Capture, func(t *testing.T) {
			r := run(t, capturePath(c.Capture), nil)
			got := map[string]string{}
			for _, cn := range r.Connections {
				tr := cn.Transport
				if tr == "quic" {
					tr = "udp"
				}
				if cn.JA4 != "" {
					got[tr+"/"+strconv.Itoa(cn.Stream)] = cn.JA4
				}
			}
			for k, want := range c.JA4 {
				if got[k] != want {
					t.Errorf("%s: JA4 %q, FoxIO %q", k, got[k], want)
				}
			}
			for k, v := range got {
				if _, ok := c.JA4[k]; !ok {
					t.Errorf("%s: JA4 %q, FoxIO lists no TLS there", k, v)
				}
			}
		})
	}
}
