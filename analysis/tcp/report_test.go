package tcp_test

import (
	"path/filepath"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/golden"
)

// TestReportsGolden keeps whole reports of a few captures as golden files
// (testdata/<capture>.<tool>.golden.json, go test -update to rewrite).
func TestReportsGolden(t *testing.T) {
	cases := []struct {
		capture string
		opts    engine.Options
		tag     string
	}{
		{"tcp_synthetic.pcap", engine.Options{Detailed: true, ServerIP: "10.0.0.2"}, ""},
		{"chrissanders--tcp_retransmissions.pcapng", engine.Options{ServerIP: "10.3.71.7"}, ""},
		{"chrissanders--synscan.pcapng", engine.Options{}, ""},
		{"chrissanders--tcp_zerowindowrecovery.pcapng", engine.Options{ServerPort: 445}, ".port445"},
		{"chrissanders--http_ip4and6.pcapng", engine.Options{ServerIP: "2001:db8::1"}, ".absent"},
	}
	for _, c := range cases {
		t.Run(c.capture+c.tag, func(t *testing.T) {
			o := c.opts
			out := run(t, filepath.Join("../../testdata/captures", c.capture), &o)
			for tool, rep := range out {
				golden.Check(t, filepath.Join("testdata", c.capture+c.tag+"."+tool+".golden.json"), rep)
			}
		})
	}
}
