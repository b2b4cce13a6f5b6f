package synth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"

	_ "pcaplens/analysis/all"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/synth"
)

// TestCaptureReachesEveryAnalyzer checks that the warm-up capture gives every
// analyzer work (so the browser optimises its code before a person's file
// comes): each protocol the analyzers read is in the protocol hierarchy, each
// tool's report counts what the capture holds, and the TCP analyses find what
// was put in for them.
func TestCaptureReachesEveryAnalyzer(t *testing.T) {
	b := synth.Capture(200)
	reports, err := engine.Run(context.Background(), bytes.NewReader(b), &engine.Options{Detailed: true, MaxPackets: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(reports)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Overview struct {
			Packets   int `json:"packets"`
			Hierarchy []struct {
				Path string `json:"path"`
			} `json:"protocol_hierarchy"`
		} `json:"overview"`
		HTTP struct {
			Requests  int `json:"requests"`
			Responses int `json:"responses"`
		} `json:"http"`
		TLS struct {
			Statistics struct {
				ClientHellos int `json:"client_hellos"`
				ServerHellos int `json:"server_hellos"`
			} `json:"statistics"`
		} `json:"tls"`
		SIP struct {
			Messages int `json:"sip_messages"`
		} `json:"sip"`
		DHCP struct {
			Statistics struct {
				Transactions int `json:"transactions"`
			} `json:"statistics"`
		} `json:"dhcp"`
		Findings []struct {
			Kind string `json:"kind"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Overview.Packets < 5000 {
		t.Errorf("packets = %d, want about 5,000", doc.Overview.Packets)
	}
	var paths []string
	for _, h := range doc.Overview.Hierarchy {
		paths = append(paths, h.Path)
	}
	for _, p := range []string{"eth:ip:udp:dns", "eth:ipv6:udp:dns", "eth:ip:tcp:http", "eth:ipv6:tcp:tls", "eth:ip:udp:sip", "eth:ip:udp:dhcp", "eth:ip:icmp", "eth:ipv6:icmpv6"} {
		if !slices.Contains(paths, p) {
			t.Errorf("protocol hierarchy lacks %s: %v", p, paths)
		}
	}
	if doc.HTTP.Requests != 200 || doc.HTTP.Responses != 200 {
		t.Errorf("http requests, responses = %d, %d; want 200, 200", doc.HTTP.Requests, doc.HTTP.Responses)
	}
	if doc.TLS.Statistics.ClientHellos != 200 || doc.TLS.Statistics.ServerHellos != 200 {
		t.Errorf("tls hellos = %+v, want 200 each", doc.TLS.Statistics)
	}
	if doc.SIP.Messages != 40 {
		t.Errorf("sip messages = %d, want 40", doc.SIP.Messages)
	}
	if doc.DHCP.Statistics.Transactions != 8 {
		t.Errorf("dhcp transactions = %d, want 8", doc.DHCP.Statistics.Transactions)
	}
	var kinds []string
	for _, f := range doc.Findings {
		kinds = append(kinds, f.Kind)
	}
	for _, k := range []string{"tcp.retransmissions", "tcp.duplicate_acks", "tcp.resets", "dns.failed_answers"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("findings lack %s: %v", k, kinds)
		}
	}
	for _, tool := range engine.ToolNames() {
		if _, ok := reports[tool]; !ok {
			t.Errorf("no %s report", tool)
		}
	}
}

// TestCaptureBounds checks the size argument's bounds.
func TestCaptureBounds(t *testing.T) {
	if n := len(synth.Capture(-1)); n != 24 {
		t.Errorf("Capture(-1) is %d bytes, want the 24-byte header", n)
	}
	if a, b := synth.Capture(1<<30), synth.Capture(10_000); !bytes.Equal(a, b) {
		t.Errorf("Capture(1<<30) is %d bytes, want Capture(10000)'s %d", len(a), len(b))
	}
}
