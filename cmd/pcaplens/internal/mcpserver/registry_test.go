package mcpserver

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	_ "pcaplens/analysis/all"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
)

// extraReport is the report of an analyzer registered by this test only.
type extraReport struct {
	Frames []int  `json:"frames"`
	Note   string `json:"note"`
}

type extraTap struct{ r extraReport }

func (t *extraTap) Packet(f *frame.Frame) { t.r.Frames = append(t.r.Frames, f.Number) }
func (t *extraTap) Finish(*engine.Capture) map[string]any {
	t.r.Note = "done"
	return map[string]any{"extra_test": t.r}
}

// TestNewAnalyzerGetsATool registers an analyzer the server has never
// heard of: it becomes the tool analyze_extra_test, with a generic
// description, its report's schema and its report, paged.
func TestNewAnalyzerGetsATool(t *testing.T) {
	engine.Register(engine.Factory{Name: "extra_test", Tools: []string{"extra_test"},
		Reports: map[string]any{"extra_test": extraReport{}},
		New:     func(*engine.Options) engine.Tap { return &extraTap{r: extraReport{Frames: []int{}}} }})
	ctx := context.Background()
	cs, tool := serverTool(t, "analyze_extra_test")
	if tool == nil || !strings.Contains(tool.Description, "extra_test report") {
		t.Fatalf("no tool analyze_extra_test with a generic description: %+v", tool)
	}
	file, _ := filepath.Abs("../../../../testdata/captures/chrissanders--dns_query_response.pcapng")
	r, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "analyze_extra_test", Arguments: map[string]any{"pcap_file": file, "skip": 1, "limit": 1}})
	if err != nil || r.IsError {
		t.Fatalf("%v %+v", err, r)
	}
	b, _ := json.Marshal(r.StructuredContent)
	var a Answer
	json.Unmarshal(b, &a)
	var rep extraReport
	json.Unmarshal(a.Report, &rep)
	if rep.Note != "done" || len(rep.Frames) != 1 || rep.Frames[0] != 2 || len(a.Lists) != 1 || a.Lists[0] != (List{Path: "frames", Total: 2, Skip: 1, Returned: 1}) {
		t.Errorf("answer %s", b)
	}
}

// TestPage checks the bounding of a report: top-level lists paged,
// nested lists and Go maps cut when over the bound, the page halved until
// it fits, and an error when nothing fits.
func TestPage(t *testing.T) {
	type inner struct {
		Items []int          `json:"items"`
		Names map[string]int `json:"names"`
	}
	type rep struct {
		Rows  []inner `json:"rows"`
		Other []int   `json:"other"`
		Stat  inner   `json:"stat"`
	}
	big := inner{Names: map[string]int{}}
	for i := range 100 {
		big.Items = append(big.Items, i)
		big.Names[string(rune('a'+i%26))+strings.Repeat("x", i)] = i
	}
	r := rep{Other: []int{1, 2, 3}, Stat: big}
	for range 30 {
		r.Rows = append(r.Rows, big)
	}
	_, lists, err := page(r, "", 0, 10, 1<<20)
	if err != nil || len(lists) != 1 || lists[0] != (List{Path: "rows", Total: 30, Returned: 10}) {
		t.Fatalf("a roomy bound: %v %v", lists, err)
	}
	if len(r.Rows) != 30 {
		t.Fatal("page changed the report it was given")
	}
	b, lists, err := page(r, "", 5, 10, 8000)
	if err != nil || len(b) > 8000 {
		t.Fatalf("an 8000-byte bound: %d bytes, %v", len(b), err)
	}
	var got map[string]json.RawMessage
	json.Unmarshal(b, &got)
	seen := map[string]List{}
	for _, l := range lists {
		seen[l.Path] = l
	}
	if l := seen["stat.items"]; l.Total != 100 || l.Returned != nestedItems {
		t.Errorf("stat.items: %+v", l)
	}
	if l := seen["stat.names"]; l.Total != 100 || l.Returned != nestedItems {
		t.Errorf("stat.names (a Go map): %+v", l)
	}
	if l := seen["rows"]; l.Skip != 5 || l.Returned > 10 || l.Returned < 1 {
		t.Errorf("rows: %+v", l)
	}
	if l := seen["other"]; l != (List{Path: "other", Total: 3, Skip: 3, Returned: 0}) {
		t.Errorf("skip applies to every top-level list: other %+v", l)
	}
	if _, _, err := page(r, "", 0, 10, 100); err == nil {
		t.Error("a bound nothing fits: no error")
	}
	// skip for one list only.
	_, lists, err = page(r, "rows", 5, 2, 1<<20)
	if err != nil || len(lists) != 2 || lists[0] != (List{Path: "rows", Total: 30, Skip: 5, Returned: 2}) || lists[1] != (List{Path: "other", Total: 3, Returned: 2}) {
		t.Errorf("list rows: %v %v", lists, err)
	}
	if _, _, err := page(r, "stat", 5, 2, 1<<20); err == nil || !strings.Contains(err.Error(), "rows, other") {
		t.Errorf("a list that is not one: %v", err)
	}
}

// connect connects a real MCP client (with opts) to s over in-memory
// transports; the session ends with the test.
func connect(t *testing.T, s *Server, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := s.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t"}, opts).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// serverTool starts a server, connects a client and finds the tool named
// name among those it lists (nil when it has none).
func serverTool(t *testing.T, name string) (*mcp.ClientSession, *mcp.Tool) {
	t.Helper()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, s, nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range res.Tools {
		if tl.Name == name {
			return cs, tl
		}
	}
	return cs, nil
}
