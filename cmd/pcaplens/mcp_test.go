package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/guide"
	"pcaplens/cmd/pcaplens/internal/mcpserver"
)

// connect starts a server with cfg and returns a client session to it
// over the SDK's in-memory transport.
func connect(t *testing.T, cfg mcpserver.Config) *mcp.ClientSession {
	t.Helper()
	cs, _ := connectServer(t, cfg)
	return cs
}

// connectServer is connect, also returning the server.
func connectServer(t *testing.T, cfg mcpserver.Config) (*mcp.ClientSession, *mcpserver.Server) {
	t.Helper()
	srv, err := mcpserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	ss, err := srv.MCP().Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	c := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	cs, err := c.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs, srv
}

// callTool calls a tool and returns its structured content (decoded) and
// its text; a tool error fails the test unless wantErr.
func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (map[string]any, string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: protocol error %v", name, args, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	var out map[string]any
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&out); err != nil {
			t.Fatal(err)
		}
	}
	return out, text.String(), res.IsError
}

// cliReport runs `pcaplens analyze --tools tool [args] file` and returns the tool's report.
func cliReport(t *testing.T, tool, file string, args ...string) any {
	t.Helper()
	var stdout, stderr bytes.Buffer
	argv := append(append([]string{"analyze", "--tools", tool}, args...), file)
	if code := run(argv, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("%v: exit %d: %s", argv, code, stderr.String())
	}
	var doc map[string]any
	d := json.NewDecoder(&stdout)
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc[tool]
}

// textReport is the report's JSON as the text rendering gives it, decoded
// with exact numbers (the structured content, decoded by the client into
// float64s, rounds integers above 2^53 such as nanosecond times).
func textReport(t *testing.T, text string) any {
	t.Helper()
	_, js, ok := strings.Cut(text, "\nReport (JSON):\n")
	if !ok {
		t.Fatalf("no report JSON in the text: %.200s", text)
	}
	var v any
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// canonFloat is canon after a trip through float64s, as a JSON client
// that decodes numbers as doubles sees a value.
func canonFloat(t *testing.T, v any) string {
	t.Helper()
	var x any
	json.Unmarshal([]byte(canon(t, v)), &x)
	return canon(t, x)
}

func canon(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testCaptures are the captures every tool is called on: one or more per analysis.
var testCaptures = []string{
	"chrissanders--dns_query_response.pcapng",
	"chrissanders--tcp_retransmissions.pcapng",
	"mcpcap--dhcp.pcap",
	"chrissanders--icmp_echo.pcapng",
	"sip-call-rtp.pcap",
	"chrissanders--synscan.pcapng",
}

func capturePath(name string) string {
	return filepath.Join("..", "..", "testdata", "captures", name)
}

// TestMCPToolsEqualCLI calls every report tool on test captures and checks
// that each report is the CLI's, figure for figure (with lists that fit
// one page, and a limit large enough for the whole report).
func TestMCPToolsEqualCLI(t *testing.T) {
	cs := connect(t, mcpserver.Config{MaxAnswerBytes: 64 << 20})
	names := testCaptures
	if os.Getenv("PCAPLENS_MCP_ALL") != "" { // every test capture (slower)
		paths, _ := filepath.Glob(capturePath("*.pcap*"))
		names = nil
		for _, p := range paths {
			if !strings.Contains(p, "not-a-capture") {
				names = append(names, filepath.Base(p))
			}
		}
	}
	for _, name := range names {
		file := capturePath(name)
		for _, tool := range engine.ToolNames() {
			args := map[string]any{"pcap_file": file, "limit": 1000}
			var cli []string
			if tool == "traffic_flow" {
				continue // needs a server: below
			}
			got, text, isErr := callTool(t, cs, mcpserver.ToolName(tool), args)
			if isErr {
				t.Fatalf("%s %s: tool error: %s", tool, name, text)
			}
			want := cliReport(t, tool, file, cli...)
			if g, w := canon(t, textReport(t, text)), canon(t, want); g != w {
				t.Errorf("%s on %s: report differs from the CLI's\n mcp: %.300s\n cli: %.300s", tool, name, g, w)
			}
			if g, w := canonFloat(t, got["report"]), canonFloat(t, want); g != w {
				t.Errorf("%s on %s: structured report differs from the CLI's", tool, name)
			}
			if got["tool"] != tool || !strings.Contains(text, mcpserver.UntrustedNote) {
				t.Errorf("%s: answer tool %v, text without the note", tool, got["tool"])
			}
		}
	}
}

// TestMCPOptionsEqualCLI checks the TCP tools' seed options against the
// CLI's flags, and that the reports under them come from the first pass's
// state: one pass in all.
func TestMCPOptionsEqualCLI(t *testing.T) {
	cs, srv := connectServer(t, mcpserver.Config{MaxAnswerBytes: 64 << 20})
	file := capturePath("chrissanders--tcp_retransmissions.pcapng")
	flow := cliReport(t, "tcp_connections", file)
	conns := flow.(map[string]any)["connections"].([]any)
	hostPort := conns[0].(map[string]any)["server"].(string)
	i := strings.LastIndex(hostPort, ":")
	server, port := hostPort[:i], json.Number(hostPort[i+1:])
	for _, c := range []struct {
		tool string
		args map[string]any
		cli  []string
	}{
		{"traffic_flow", map[string]any{"server_ip": server}, []string{"--server-ip", server}},
		{"traffic_flow", map[string]any{"server_ip": server, "server_port": port}, []string{"--server-ip", server, "--server-port", port.String()}},
		{"tcp_connections", map[string]any{"server_ip": server, "detailed": true}, []string{"--server-ip", server, "--detailed"}},
		{"tcp_anomalies", map[string]any{"server_port": port}, []string{"--server-port", port.String()}},
		{"tcp_retransmissions", map[string]any{"threshold": 0.001}, []string{"--threshold", "0.001"}},
		{"tcp_retransmissions", map[string]any{"server_ip": server, "threshold": 0.5}, []string{"--server-ip", server, "--threshold", "0.5"}},
		{"tcp_anomalies", map[string]any{"server_ip": server, "server_port": port}, []string{"--server-ip", server, "--server-port", port.String()}},
	} {
		c.args["pcap_file"] = file
		c.args["limit"] = 1000
		got, text, isErr := callTool(t, cs, mcpserver.ToolName(c.tool), c.args)
		if isErr {
			t.Fatalf("%s %v: %s", c.tool, c.args, text)
		}
		want := cliReport(t, c.tool, file, c.cli...)
		if g, w := canon(t, textReport(t, text)), canon(t, want); g != w || canonFloat(t, got["report"]) != canonFloat(t, want) {
			t.Errorf("%s %v: report differs from the CLI's\n mcp: %.300s\n cli: %.300s", c.tool, c.cli, g, w)
		}
	}
	if p, o := srv.Passes(), srv.OptionPasses(); p != 1 || o != 0 {
		t.Errorf("%d first passes and %d passes for other options, want 1 and 0", p, o)
	}
}

// TestMCPListTools checks the tool list: the seed's names, one tool per
// registered report, the packet tools, and the untrusted-data line.
func TestMCPListTools(t *testing.T) {
	cs := connect(t, mcpserver.Config{})
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
		if !strings.Contains(tl.Description, "untrusted data") {
			t.Errorf("%s: description does not say packet text is untrusted", tl.Name)
		}
		if tl.OutputSchema == nil {
			t.Errorf("%s: no output schema", tl.Name)
		}
		if strings.HasPrefix(tl.Name, "analyze_") {
			// The report's schema comes from its Go type (not the any-object fallback).
			b, _ := json.Marshal(tl.OutputSchema)
			var sc struct {
				Properties struct {
					Report struct {
						Properties map[string]any `json:"properties"`
					} `json:"report"`
				} `json:"properties"`
			}
			json.Unmarshal(b, &sc)
			if len(sc.Properties.Report.Properties) < 5 {
				t.Errorf("%s: the report's output schema has %d properties: not generated from its Go type", tl.Name, len(sc.Properties.Report.Properties))
			}
		}
	}
	sort.Strings(names)
	want := []string{"analyze_capinfos", "analyze_dhcp_packets", "analyze_dns_packets", "analyze_icmp_packets", "analyze_sip_packets",
		"analyze_tcp_anomalies", "analyze_tcp_connections", "analyze_tcp_retransmissions", "analyze_traffic_flow",
		"analyze_overview", "get_findings", "list_packets", "get_packet", "follow_stream"}
	for _, w := range want {
		if i := sort.SearchStrings(names, w); i == len(names) || names[i] != w {
			t.Errorf("tool %s missing (have %v)", w, names)
		}
	}
	if len(names) != len(engine.ToolNames())+4 {
		t.Errorf("%d tools, want one per report (%d) and 4 more: %v", len(names), len(engine.ToolNames()), names)
	}
}

func TestMCPErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello, not a capture\n"), 0o644)
	cs := connect(t, mcpserver.Config{NoURLs: true})
	good := capturePath("chrissanders--dns_query_response.pcapng")
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"analyze_capinfos", map[string]any{"pcap_file": filepath.Join(dir, "missing.pcap")}, "no such file"},
		{"analyze_capinfos", map[string]any{"pcap_file": dir}, "not a regular file"},
		{"analyze_dns_packets", map[string]any{"pcap_file": text}, "not a capture"},
		{"analyze_dns_packets", map[string]any{"pcap_file": "https://example.com/x.pcap"}, "--no-urls"},
		{"analyze_dns_packets", map[string]any{"pcap_file": ""}, "empty"},
		{"list_packets", map[string]any{"pcap_file": good, "filter": "dns.qry.name =="}, "bad display filter"},
		{"list_packets", map[string]any{"pcap_file": good, "filter": "no.such.field"}, "bad display filter"},
		{"get_packet", map[string]any{"pcap_file": good, "frame": 100000}, "not in the capture"},
		{"follow_stream", map[string]any{"pcap_file": good, "protocol": "sctp", "stream": 0}, "want tcp or udp"},
		{"analyze_traffic_flow", map[string]any{"pcap_file": good, "server_ip": "not-an-ip"}, "not an IP address"},
		{"analyze_dns_packets", map[string]any{"pcap_file": good, "limit": 5000}, "more than"},
		{"get_findings", map[string]any{"pcap_file": good, "severity": "urgent"}, "severity"},
	} {
		_, text, isErr := callTool(t, cs, c.tool, c.args)
		if !isErr || !strings.Contains(text, c.want) {
			t.Errorf("%s %v: error %v %q, want a tool error saying %q", c.tool, c.args, isErr, text, c.want)
		}
	}
	// The server still answers after the errors.
	if _, text, isErr := callTool(t, cs, "analyze_capinfos", map[string]any{"pcap_file": good}); isErr {
		t.Fatal(text)
	}
}

func TestMCPRoots(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "captures"))
	other := t.TempDir()
	b, _ := os.ReadFile(capturePath("chrissanders--dns_query_response.pcapng"))
	outside := filepath.Join(other, "x.pcapng")
	os.WriteFile(outside, b, 0o644)
	link := filepath.Join(other, "link")
	os.Symlink(root, link)
	escape := filepath.Join(t.TempDir(), "escape.pcapng")
	cs := connect(t, mcpserver.Config{Roots: []string{other}})
	target, _ := filepath.Abs(capturePath("chrissanders--dns_query_response.pcapng"))
	os.Symlink(target, escape)
	inside := filepath.Join(other, "inside-link.pcapng")
	os.Symlink(target, inside) // a link in the root to a file outside it
	if _, text, isErr := callTool(t, cs, "analyze_capinfos", map[string]any{"pcap_file": outside}); isErr {
		t.Errorf("a file inside the root: %s", text)
	}
	for _, p := range []string{
		filepath.Join(root, "chrissanders--dns_query_response.pcapng"),
		filepath.Join(link, "chrissanders--dns_query_response.pcapng"), // a link inside the root that leads out
		filepath.Join(other, "..", filepath.Base(filepath.Dir(escape)), "escape.pcapng"),
		inside,
		filepath.Join(other, "..", "missing.pcap"), // outside, missing: refused as outside, not "no such file"
	} {
		if _, text, isErr := callTool(t, cs, "analyze_capinfos", map[string]any{"pcap_file": p}); !isErr || !strings.Contains(text, "outside the folders") {
			t.Errorf("%s: %v %q, want refused as outside the root", p, isErr, text)
		}
	}
}

// TestMCPEveryCapture calls every tool on every test capture with the
// default bounds: no protocol error (an output that does not fit its
// schema would be one), no answer over the bound, a tool error only for
// files that are not captures.
func TestMCPEveryCapture(t *testing.T) {
	const max = 40_000
	cs := connect(t, mcpserver.Config{MaxAnswerBytes: max})
	paths, _ := filepath.Glob(capturePath("*"))
	if extra := os.Getenv("PCAPLENS_MCP_CAPTURES"); extra != "" {
		more, _ := filepath.Glob(extra)
		paths = append(paths, more...)
	}
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Each answer must fit its tool's output schema (the server writes its
	// structured content itself, so the SDK does not check it).
	schemas := map[string]*jsonschema.Resolved{}
	for _, tl := range res.Tools {
		b, _ := json.Marshal(tl.OutputSchema)
		var sc jsonschema.Schema
		if err := json.Unmarshal(b, &sc); err != nil {
			t.Fatal(err)
		}
		r, err := sc.Resolve(nil)
		if err != nil {
			t.Fatalf("%s: %v", tl.Name, err)
		}
		schemas[tl.Name] = r
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		for _, tl := range res.Tools {
			args := map[string]any{"pcap_file": p}
			switch tl.Name {
			case "analyze_traffic_flow":
				args["server_ip"] = "10.0.0.1"
			case "get_packet":
				args["frame"] = 1
			case "follow_stream":
				args["protocol"], args["stream"] = "tcp", 0
			}
			r, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tl.Name, Arguments: args})
			if err != nil {
				t.Errorf("%s on %s: protocol error %v", tl.Name, p, err)
				continue
			}
			b, _ := json.Marshal(r.StructuredContent)
			if len(b) > max {
				t.Errorf("%s on %s: answer of %d bytes, over the bound %d", tl.Name, p, len(b), max)
			}
			if !r.IsError {
				var v any
				json.Unmarshal(b, &v)
				if err := schemas[tl.Name].Validate(v); err != nil {
					t.Errorf("%s on %s: the answer does not fit the tool's output schema: %v", tl.Name, p, err)
				}
			}
			if r.IsError && !strings.Contains(p, "not-a-capture") && tl.Name != "follow_stream" && tl.Name != "get_packet" && tl.Name != "analyze_traffic_flow" {
				t.Errorf("%s on %s: %v", tl.Name, p, r.Content[0].(*mcp.TextContent).Text)
			}
		}
	}
}

// TestMCPOnePass checks the cache: every tool on one capture costs one
// pass; a changed file is analysed again.
func TestMCPOnePass(t *testing.T) {
	srv, err := mcpserver.New(mcpserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := srv.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	b, _ := os.ReadFile(capturePath("chrissanders--tcp_retransmissions.pcapng"))
	file := filepath.Join(t.TempDir(), "c.pcapng")
	os.WriteFile(file, b, 0o644)
	for _, tool := range []string{"analyze_capinfos", "analyze_dns_packets", "get_findings", "analyze_tcp_connections", "list_packets"} {
		if _, text, isErr := callTool(t, cs, tool, map[string]any{"pcap_file": file}); isErr {
			t.Fatal(text)
		}
	}
	if _, text, isErr := callTool(t, cs, "get_packet", map[string]any{"pcap_file": file, "frame": 3}); isErr {
		t.Fatal(text)
	}
	if n := srv.Passes(); n != 1 {
		t.Fatalf("%d passes for six calls on one capture, want 1", n)
	}
	// The same file changed (a shorter capture): analysed again.
	c, _ := os.ReadFile(capturePath("chrissanders--dns_query_response.pcapng"))
	os.WriteFile(file, c, 0o644)
	_, text, isErr := callTool(t, cs, "analyze_capinfos", map[string]any{"pcap_file": file})
	if isErr {
		t.Fatal(text)
	}
	if n := srv.Passes(); n != 2 {
		t.Fatalf("%d passes after the file changed, want 2", n)
	}
	want := cliReport(t, "capinfos", file)
	if canon(t, textReport(t, text)) != canon(t, want) {
		t.Errorf("report of the changed file is not the CLI's")
	}
}

// TestMCPPrompts checks the seed's prompt names and that each prompt is
// its guide's text (one source with the page's guides).
func TestMCPPrompts(t *testing.T) {
	cs := connect(t, mcpserver.Config{})
	res, err := cs.ListPrompts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.Prompts {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	want := []string{"dhcp_forensic_investigation", "dhcp_network_analysis", "dhcp_security_analysis", "forensic_investigation",
		"icmp_forensic_investigation", "icmp_network_diagnostics", "icmp_security_analysis", "network_troubleshooting",
		"security_analysis", "sip_forensic_investigation", "sip_security_analysis", "sip_troubleshooting_analysis",
		"tcp_connection_troubleshooting", "tcp_security_analysis"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("prompts %v\nwant %v", names, want)
	}
	for _, name := range want {
		g, _ := guide.ByPrompt(name)
		r, err := cs.GetPrompt(context.Background(), &mcp.GetPromptParams{Name: name, Arguments: map[string]string{"pcap_file": "x.pcap"}})
		if err != nil {
			t.Fatal(err)
		}
		text := r.Messages[0].Content.(*mcp.TextContent).Text
		if !strings.Contains(text, g.Markdown()) || !strings.Contains(text, `"x.pcap"`) || !strings.Contains(text, "untrusted") {
			t.Errorf("%s: prompt text is not its guide with the capture: %.200s", name, text)
		}
	}
}

// TestMCPBench times every seed tool on one capture, first call to last
// answer (docs/benchmarks.md): PCAPLENS_MCP_BENCH=FILE go test -run MCPBench -v ./cmd/pcaplens/
func TestMCPBench(t *testing.T) {
	file := os.Getenv("PCAPLENS_MCP_BENCH")
	if file == "" {
		t.Skip("PCAPLENS_MCP_BENCH not set")
	}
	cs := connect(t, mcpserver.Config{})
	start := time.Now()
	last := start
	lap := func(name string) {
		now := time.Now()
		t.Logf("%-28s %8.3f s (at %.3f s)", name, now.Sub(last).Seconds(), now.Sub(start).Seconds())
		last = now
	}
	for _, tool := range []string{"analyze_capinfos", "analyze_dns_packets", "analyze_dhcp_packets", "analyze_icmp_packets", "analyze_sip_packets", "analyze_tcp_connections", "analyze_tcp_anomalies", "analyze_tcp_retransmissions"} {
		if _, text, isErr := callTool(t, cs, tool, map[string]any{"pcap_file": file}); isErr {
			t.Fatalf("%s: %s", tool, text)
		}
		lap(tool)
	}
	got, _, _ := callTool(t, cs, "analyze_tcp_connections", map[string]any{"pcap_file": file, "limit": 1})
	servers := got["report"].(map[string]any)["servers"].([]any)
	server := servers[0].(map[string]any)["server"].(string)
	if _, text, isErr := callTool(t, cs, "analyze_traffic_flow", map[string]any{"pcap_file": file, "server_ip": server}); isErr {
		t.Fatalf("traffic_flow: %s", text)
	}
	lap("analyze_traffic_flow " + server)
	t.Logf("every seed tool: %.3f s", time.Since(start).Seconds())
	// The other seed options: built from the first pass's state.
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"analyze_tcp_connections", map[string]any{"server_ip": server, "detailed": true}},
		{"analyze_tcp_anomalies", map[string]any{"server_ip": server, "server_port": 80}},
		{"analyze_tcp_retransmissions", map[string]any{"server_ip": server, "threshold": 0.01}},
	} {
		c.args["pcap_file"] = file
		if _, text, isErr := callTool(t, cs, c.tool, c.args); isErr {
			t.Fatalf("%s: %s", c.tool, text)
		}
		lap(fmt.Sprint(c.tool, " ", c.args))
	}
	t.Logf("every seed tool, then three with other options: %.3f s", time.Since(start).Seconds())
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	t.Logf("heap in use with the capture cached: %d MiB", ms.HeapInuse>>20)
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"get_findings", map[string]any{}},
		{"list_packets", map[string]any{"skip": 500000}},
		{"list_packets", map[string]any{"filter": "tcp.analysis.retransmission"}},
		{"get_packet", map[string]any{"frame": 777777}},
		{"follow_stream", map[string]any{"protocol": "tcp", "stream": 0}},
	} {
		c.args["pcap_file"] = file
		if _, text, isErr := callTool(t, cs, c.tool, c.args); isErr {
			t.Fatalf("%s: %s", c.tool, text)
		}
		lap(fmt.Sprint(c.tool, " ", c.args))
	}
}

// TestMCPURLs reads captures from an HTTP server: the report is the local
// file's, a second call is answered from the cache (304 Not Modified), and
// oversized bodies, redirects to other schemes and bad statuses are tool
// errors.
func TestMCPURLs(t *testing.T) {
	local := capturePath("chrissanders--dns_query_response.pcapng")
	body, _ := os.ReadFile(local)
	var gets, full int
	mux := http.NewServeMux()
	mux.HandleFunc("/c.pcapng", func(w http.ResponseWriter, r *http.Request) {
		gets++
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full++
		w.Write(body)
	})
	mux.HandleFunc("/big.pcapng", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.(http.Flusher).Flush() // no Content-Length: the cap is met while reading
		for range 20 {
			w.Write(body)
		}
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/missing", http.NotFound)
	hs := httptest.NewServer(mux)
	defer hs.Close()

	srv, err := mcpserver.New(mcpserver.Config{MaxURLBytes: int64(len(body)) * 3, MaxAnswerBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := srv.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()

	url := hs.URL + "/c.pcapng"
	for i := range 2 {
		got, text, isErr := callTool(t, cs, "analyze_dns_packets", map[string]any{"pcap_file": url, "limit": 1000})
		if isErr {
			t.Fatal(text)
		}
		want := cliReport(t, "dns", local)
		w := want.(map[string]any)
		w["file"] = "c.pcapng" // named after the URL
		if canon(t, textReport(t, text)) != canon(t, w) || canonFloat(t, got["report"]) != canonFloat(t, w) {
			t.Errorf("call %d: the URL's report is not the file's", i)
		}
	}
	if full != 1 || gets != 2 || srv.Passes() != 1 {
		t.Errorf("%d requests, %d full downloads, %d passes: want 2, 1 (then 304), 1", gets, full, srv.Passes())
	}
	// The packet tools download the capture again.
	if got, text, isErr := callTool(t, cs, "list_packets", map[string]any{"pcap_file": url, "filter": "dns", "limit": 2}); isErr || got["matched"] == json.Number("0") {
		t.Errorf("list_packets on a URL: %v %s", got, text)
	}
	for _, c := range []struct{ url, want string }{
		{hs.URL + "/big.pcapng", "larger than this server reads"},
		{hs.URL + "/to-file", "only http and https"},
		{hs.URL + "/missing", "404"},
		{"ftp://example.com/x.pcap", "only http and https"},
		{"http://user:pw@example.com/x.pcap", "credentials"},
	} {
		if _, text, isErr := callTool(t, cs, "analyze_capinfos", map[string]any{"pcap_file": c.url}); !isErr || !strings.Contains(text, c.want) {
			t.Errorf("%s: %v %q, want a tool error saying %q", c.url, isErr, text, c.want)
		}
	}
}

// TestMCPBounded checks the answer bound: lists are paged, the answer
// says how many each has, and an answer that cannot fit is a tool error.
func TestMCPBounded(t *testing.T) {
	file := capturePath("chrissanders--dns_query_response.pcapng")
	full := cliReport(t, "dns", file).(map[string]any)
	total := len(full["packets"].([]any))
	cs := connect(t, mcpserver.Config{MaxAnswerBytes: 64 << 20})
	got, _, _ := callTool(t, cs, "analyze_dns_packets", map[string]any{"pcap_file": file, "skip": 1, "limit": 1})
	rep := got["report"].(map[string]any)
	if p := rep["packets"].([]any); len(p) != 1 || canon(t, p[0]) != canon(t, full["packets"].([]any)[1]) {
		t.Errorf("skip 1 limit 1: packets %v, want the second packet", p)
	}
	found := false
	for _, l := range got["lists"].([]any) {
		l := l.(map[string]any)
		if l["path"] == "packets" {
			found = l["total"] == json.Number(fmt.Sprint(total)) && l["returned"] == json.Number("1") && l["skip"] == json.Number("1")
		}
	}
	if !found {
		t.Errorf("lists %v do not say packets: total %d, skip 1, returned 1", got["lists"], total)
	}
	// skip for the packets only: the other lists start at their first item.
	lab := capturePath("chrissanders--dns_lab.pcapng")
	got, text, isErr := callTool(t, cs, "analyze_dns_packets", map[string]any{"pcap_file": lab, "list": "packets", "skip": 2, "limit": 1})
	if isErr {
		t.Fatal(text)
	}
	others := 0
	for _, l := range got["lists"].([]any) {
		l := l.(map[string]any)
		if want := map[bool]string{true: "2", false: "0"}[l["path"] == "packets"]; l["skip"] != json.Number(want) {
			t.Errorf("list packets: %v skips %v, want %s", l["path"], l["skip"], want)
		}
		if l["path"] != "packets" {
			others++
		}
	}
	if others == 0 {
		t.Errorf("no other list was cut to check: %v", got["lists"])
	}
	if _, text, isErr := callTool(t, cs, "analyze_dns_packets", map[string]any{"pcap_file": file, "list": "nope"}); !isErr || !strings.Contains(text, "not a list") {
		t.Errorf("list nope: %v %q", isErr, text)
	}
	// A small bound: the answer fits it and says what it cut.
	small := connect(t, mcpserver.Config{MaxAnswerBytes: 3000})
	res, err := small.CallTool(context.Background(), &mcp.CallToolParams{Name: "analyze_overview", Arguments: map[string]any{"pcap_file": capturePath("chrissanders--synscan.pcapng")}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res.StructuredContent)
	if res.IsError {
		if !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "ask a narrower question") {
			t.Errorf("overview under 3000 bytes: %v", res.Content[0].(*mcp.TextContent).Text)
		}
	} else if len(b) > 3000 || !strings.Contains(string(b), `"returned"`) {
		t.Errorf("overview under a 3000-byte bound: %d bytes, lists %s", len(b), b)
	}
	tiny := connect(t, mcpserver.Config{MaxAnswerBytes: 200})
	if _, text, isErr := callTool(t, tiny, "analyze_dns_packets", map[string]any{"pcap_file": file}); !isErr || !strings.Contains(text, "more than the limit") {
		t.Errorf("an answer that cannot fit: %v %q", isErr, text)
	}
	if got, _, _ := callTool(t, tiny, "list_packets", map[string]any{"pcap_file": file, "limit": 100}); got["returned"] == json.Number("100") {
		t.Errorf("list_packets under 200 bytes returned 100 rows")
	}
}

// TestMCPHTTP checks --http's guards: loopback only without a token, the
// token required when set, and the SDK's DNS-rebinding check.
func TestMCPHTTP(t *testing.T) {
	if _, err := listenMCP("0.0.0.0:0", ""); err == nil || !strings.Contains(err.Error(), "token") {
		t.Errorf("a non-loopback address without a token: %v", err)
	}
	ln, err := listenMCP("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	srv, err := mcpserver.New(mcpserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{"", "s3cret"} {
		ln, err := listenMCP("127.0.0.1:0", token)
		if err != nil {
			t.Fatal(err)
		}
		hs := &http.Server{Handler: mcpHandler(srv.MCP(), token)}
		go hs.Serve(ln)
		url := "http://" + ln.Addr().String() + "/mcp"
		init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
		post := func(host, auth string, header ...string) int {
			req, _ := http.NewRequest("POST", url, strings.NewReader(init))
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if host != "" {
				req.Host = host
			}
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		auth := ""
		if token != "" {
			auth = "Bearer " + token
			if c := post("", ""); c != http.StatusUnauthorized {
				t.Errorf("no token: status %d, want 401", c)
			}
			if c := post("", "Bearer wrong"); c != http.StatusUnauthorized {
				t.Errorf("wrong token: status %d, want 401", c)
			}
		}
		if c := post("", auth); c != http.StatusOK {
			t.Errorf("token %q: status %d, want 200", token, c)
		}
		if c := post("evil.example:80", auth); c != http.StatusForbidden {
			t.Errorf("a foreign Host header (DNS rebinding): status %d, want 403", c)
		}
		if c := post("", auth, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); c != http.StatusForbidden {
			t.Errorf("a cross-site request from a browser: status %d, want 403", c)
		}
		hs.Close()
	}
}

// cliJSON runs the CLI and decodes its JSON output.
func cliJSON(t *testing.T, argv ...string) any {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(argv, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("%v: exit %d: %s", argv, code, stderr.String())
	}
	var v any
	d := json.NewDecoder(&stdout)
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMCPPacketToolsEqualCLI checks list_packets, get_packet and
// follow_stream against `pcaplens packets` and `pcaplens follow`.
func TestMCPPacketToolsEqualCLI(t *testing.T) {
	cs := connect(t, mcpserver.Config{MaxAnswerBytes: 64 << 20})
	names := []string{"chrissanders--tcp_retransmissions.pcapng", "chrissanders--http_espn.pcapng", "pcaplens-ip-fragments.pcap", "multi-interface.pcapng.gz"}
	if os.Getenv("PCAPLENS_MCP_ALL") != "" { // every test capture (slower)
		paths, _ := filepath.Glob(capturePath("*.pcap*"))
		names = nil
		for _, p := range paths {
			if !strings.Contains(p, "not-a-capture") {
				names = append(names, filepath.Base(p))
			}
		}
	}
	for _, name := range names {
		file := capturePath(name)
		for _, expr := range []string{"", "tcp.analysis.retransmission || dns", "ip.flags.mf == 1 || ip.frag_offset > 0"} {
			argv := []string{"packets", "--json"}
			if expr != "" {
				argv = append(argv, "-Y", expr)
			}
			rows := cliJSON(t, append(argv, file)...).([]any)
			got, text, isErr := callTool(t, cs, "list_packets", map[string]any{"pcap_file": file, "filter": expr, "skip": 2, "limit": 7})
			if isErr {
				t.Fatalf("%s %q: %s", name, expr, text)
			}
			want := rows[min(2, len(rows)):min(9, len(rows))]
			if got["matched"] != json.Number(fmt.Sprint(len(rows))) || canonFloat(t, got["rows"]) != canonFloat(t, want) {
				t.Errorf("%s %q: matched %v rows %.200s\nwant %d rows %.200s", name, expr, got["matched"], canon(t, got["rows"]), len(rows), canon(t, want))
			}
		}
		for _, n := range []int{1, 3, 6} {
			var stdout, stderr bytes.Buffer
			if run([]string{"packets", "--json", "--detail", fmt.Sprint(n), file}, nil, &stdout, &stderr) != 0 {
				continue // a capture with fewer frames
			}
			d := cliJSON(t, "packets", "--json", "--detail", fmt.Sprint(n), file).(map[string]any)
			got, text, isErr := callTool(t, cs, "get_packet", map[string]any{"pcap_file": file, "frame": n})
			if isErr {
				t.Fatalf("%s frame %d: %s", name, n, text)
			}
			if canonFloat(t, got["row"]) != canonFloat(t, d["row"]) || canon(t, got["layers"]) != canon(t, d["layers"]) {
				t.Errorf("%s frame %d: detail differs from the CLI's", name, n)
			}
		}
		for _, kind := range []string{"tcp", "udp"} {
			var stdout, stderr bytes.Buffer
			if run([]string{"follow", kind, "0", "--json", file}, nil, &stdout, &stderr) != 0 {
				continue // no such stream in this capture
			}
			var c struct {
				Nodes  [2]string `json:"nodes"`
				Chunks []struct {
					Frame int    `json:"frame"`
					Data  []byte `json:"data"`
				} `json:"chunks"`
			}
			json.Unmarshal(stdout.Bytes(), &c)
			got, text, isErr := callTool(t, cs, "follow_stream", map[string]any{"pcap_file": file, "protocol": kind, "stream": 0, "limit": 65536})
			if isErr {
				t.Fatalf("%s follow %s 0: %s", name, kind, text)
			}
			chunks := got["chunks"].([]any)
			if canon(t, got["nodes"]) != canon(t, c.Nodes) || len(chunks) > len(c.Chunks) || (len(chunks) == 0) != (len(c.Chunks) == 0) {
				t.Errorf("%s follow %s 0: nodes %v, %d chunks; the CLI's %v, %d", name, kind, got["nodes"], len(chunks), c.Nodes, len(c.Chunks))
				continue
			}
			for i, ch := range chunks {
				ch := ch.(map[string]any)
				bytesOK := ch["bytes"] == json.Number(fmt.Sprint(len(c.Chunks[i].Data)))
				if i == len(chunks)-1 && got["capped"] == true {
					bytesOK = true // the last chunk is cut at the limit
				}
				if ch["frame"] != json.Number(fmt.Sprint(c.Chunks[i].Frame)) || !bytesOK {
					t.Errorf("%s follow %s chunk %d: %v, the CLI's frame %d, %d bytes", name, kind, i, ch, c.Chunks[i].Frame, len(c.Chunks[i].Data))
					break
				}
			}
		}
	}
}

// TestMCPConcurrent calls tools at once on a capture not yet analysed:
// they wait for the one pass, and all answer.
func TestMCPConcurrent(t *testing.T) {
	srv, err := mcpserver.New(mcpserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := srv.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	file := capturePath("chrissanders--http_espn.pcapng")
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"analyze_capinfos", nil}, {"analyze_tcp_connections", nil}, {"get_findings", nil},
		{"list_packets", map[string]any{"filter": "tcp.port == 80"}}, {"get_packet", map[string]any{"frame": 10}},
		{"follow_stream", map[string]any{"protocol": "tcp", "stream": 1}}, {"analyze_overview", nil},
		{"analyze_traffic_flow", map[string]any{"server_ip": "205.234.218.129"}}, {"list_packets", nil},
	}
	errs := make(chan error, len(calls))
	for _, c := range calls {
		go func() {
			args := map[string]any{"pcap_file": file}
			for k, v := range c.args {
				args[k] = v
			}
			r, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.tool, Arguments: args})
			if err == nil && r.IsError {
				err = fmt.Errorf("%s: %s", c.tool, r.Content[0].(*mcp.TextContent).Text)
			}
			errs <- err
		}()
	}
	for range calls {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := srv.Passes(); n != 1 {
		t.Errorf("%d first passes for concurrent calls on one capture, want 1", n)
	}
}

// TestMCPURLRanges reads frames of a URL's capture back with range
// requests when its server answers them: the packet tools give the CLI's
// rows and details without downloading the capture again.
func TestMCPURLRanges(t *testing.T) {
	local := capturePath("chrissanders--http_espn.pcapng")
	body, _ := os.ReadFile(local)
	etag := `"a"`
	var full, ranged int
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Range") != "":
			ranged++
		case r.Header.Get("If-None-Match") != etag:
			full++ // not a conditional request answered 304
		}
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "c.pcapng", time.Time{}, bytes.NewReader(body))
	}))
	defer hs.Close()
	cs := connect(t, mcpserver.Config{MaxAnswerBytes: 64 << 20})
	url := hs.URL + "/c.pcapng"
	if _, text, isErr := callTool(t, cs, "analyze_capinfos", map[string]any{"pcap_file": url}); isErr {
		t.Fatal(text)
	}
	rows := cliJSON(t, "packets", "--json", local).([]any)
	got, text, isErr := callTool(t, cs, "list_packets", map[string]any{"pcap_file": url, "skip": 100, "limit": 5})
	if isErr || canonFloat(t, got["rows"]) != canonFloat(t, rows[100:105]) || got["matched"] != json.Number(fmt.Sprint(len(rows))) {
		t.Errorf("list_packets: %v %.300s", isErr, text)
	}
	d := cliJSON(t, "packets", "--json", "--detail", "300", local).(map[string]any)
	got, text, isErr = callTool(t, cs, "get_packet", map[string]any{"pcap_file": url, "frame": 300})
	if isErr || canon(t, got["layers"]) != canon(t, d["layers"]) {
		t.Errorf("get_packet: %v %.300s", isErr, text)
	}
	if full != 1 || ranged == 0 {
		t.Errorf("%d full downloads and %d range requests: want 1 and some", full, ranged)
	}
}
