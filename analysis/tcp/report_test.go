package tcp_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/golden"
	"pcaplens/analysis/tcp"
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
				if tool == engine.FindingsKey {
					continue // the findings of tcp_anomalies, ranked
				}
				golden.Check(t, filepath.Join("testdata", c.capture+c.tag+"."+tool+".golden.json"), rep)
			}
		})
	}
}

// TestServersMatchTrafficFlow checks that each busy server's comparison in
// tcp_connections.servers is what traffic_flow gives with server_ip set to it.
func TestServersMatchTrafficFlow(t *testing.T) {
	for _, capture := range []string{"chrissanders--http_espn.pcapng", "chrissanders--synscan.pcapng", "chrissanders--http_ip4and6.pcapng"} {
		t.Run(capture, func(t *testing.T) {
			path := filepath.Join("../../testdata/captures", capture)
			conns := run(t, path, &engine.Options{})[tcp.ToolConnections].(*tcp.ConnectionsReport)
			if len(conns.Servers) == 0 {
				t.Fatal("no servers compared")
			}
			if len(conns.Servers) > 20 {
				t.Errorf("%d servers, want at most 20", len(conns.Servers))
			}
			for i, s := range conns.Servers {
				if i > 0 && s.Packets > conns.Servers[i-1].Packets {
					t.Errorf("servers not sorted by packets: %s %d after %d", s.Server, s.Packets, conns.Servers[i-1].Packets)
				}
				if i >= 5 {
					continue
				}
				flow, ok := run(t, path, &engine.Options{ServerIP: s.Server})[tcp.ToolTrafficFlow].(*tcp.FlowReport)
				if !ok {
					t.Fatalf("traffic_flow for %s is not a report", s.Server)
				}
				got, _ := json.Marshal(s.FlowComparison)
				want, _ := json.Marshal(flow.FlowComparison)
				if string(got) != string(want) {
					t.Errorf("server %s:\n servers entry %s\n traffic_flow  %s", s.Server, got, want)
				}
				if s.Timing.Connections == 0 || s.ClientToServer.PacketCount == 0 {
					t.Errorf("server %s: empty comparison %+v", s.Server, s.FlowComparison)
				}
			}
		})
	}
}
