package tcp_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/tcp"
)

var tcpTools = []string{tcp.ToolConnections, tcp.ToolAnomalies, tcp.ToolRetransmissions, tcp.ToolTrafficFlow}

// TestRebuildMatchesRun checks that the reports the tap builds again after
// a pass with the defaults, under other options, are byte for byte those of
// a pass run with those options (filters, threshold, detailed), on every
// capture of testdata and of the shared real captures; and that building
// them again under the pass's own options gives the pass's reports.
func TestRebuildMatchesRun(t *testing.T) {
	var files []string
	for _, pat := range []string{"../../testdata/captures/*", "/work/shared/captures/*/*"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no captures")
	}
	marshal := func(reps map[string]any) string {
		b, err := json.Marshal(reps)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	checked := 0
	for _, file := range files {
		if fi, err := os.Stat(file); err != nil || fi.IsDir() || fi.Size() > 8<<20 {
			continue
		}
		base := engine.Options{Tools: tcpTools, MaxPackets: 10_000, Threshold: 0.02, FileName: "x"}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		o := base
		res, err := engine.RunResult(context.Background(), f, &o)
		f.Close()
		if err != nil {
			continue // not a capture
		}
		sets := []engine.Options{{}, {Detailed: true}, {Threshold: 0.5}, {Threshold: 0.0001, Detailed: true},
			{ServerIP: "not-an-ip"}, {ServerIP: "192.0.2.254"}, {ServerPort: 80}}
		if c, ok := res.Reports[tcp.ToolConnections].(*tcp.ConnectionsReport); ok && c.Connections.Len() > 0 {
			r := c.Connections.At(c.Connections.Len() - 1).(*tcp.ConnRow)
			server, client := netip.MustParseAddrPort(r.Server).Addr().String(), netip.MustParseAddrPort(r.Client).Addr().String()
			sets = append(sets, engine.Options{ServerIP: server}, engine.Options{ServerIP: server, ServerPort: int(r.ServerPort), Detailed: true},
				engine.Options{ServerIP: client, Threshold: 0.3}, engine.Options{ServerPort: int(r.ClientPort)})
		}
		for _, s := range sets {
			s.Tools, s.MaxPackets, s.FileName = base.Tools, base.MaxPackets, base.FileName
			if s.Threshold == 0 {
				s.Threshold = base.Threshold
			}
			got, ok := res.Rebuild(&s)
			if !ok {
				t.Errorf("%s %+v: not rebuilt", file, s)
				continue
			}
			f, _ := os.Open(file)
			want, err := engine.Run(context.Background(), f, &s)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if g, w := marshal(got), marshal(want); g != w {
				t.Errorf("%s %+v: rebuilt reports differ from a pass's:\n got  %.600s\n want %.600s", file, s, g, w)
			}
		}
		if got, _ := res.Rebuild(&base); marshal(got) != marshal(res.Reports) {
			t.Errorf("%s: rebuilt under the pass's options, the reports differ from the pass's", file)
		}
		checked++
	}
	t.Logf("%d captures", checked)
}
