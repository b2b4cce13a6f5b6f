package mcpserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestProgress downloads a capture slowly: a call that asked for progress
// is told how far the pass has read while it waits.
func TestProgress(t *testing.T) {
	old := progressEvery
	progressEvery = 5 * time.Millisecond
	defer func() { progressEvery = old }()
	body, err := os.ReadFile("../../../../testdata/captures/chrissanders--dns_query_response.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(body); i += 64 {
			w.Write(body[i:min(i+64, len(body))])
			w.(http.Flusher).Flush()
			time.Sleep(5 * time.Millisecond)
		}
	}))
	defer hs.Close()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := s.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	var got atomic.Int32
	c := mcp.NewClient(&mcp.Implementation{Name: "t"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			if r.Params.ProgressToken == "tok" {
				got.Add(1)
			}
		},
	})
	cs, err := c.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	p := &mcp.CallToolParams{Name: "analyze_capinfos", Arguments: map[string]any{"pcap_file": hs.URL + "/c.pcapng"}}
	p.SetProgressToken("tok")
	r, err := cs.CallTool(ctx, p)
	if err != nil || r.IsError {
		t.Fatalf("%v %+v", err, r)
	}
	if got.Load() == 0 {
		t.Error("no progress notification while the capture was read")
	}
}

// TestPanicIsToolError checks that a bug in a tool is a tool error and the
// server goes on.
func TestPanicIsToolError(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	type in struct {
		X int `json:"x,omitempty"`
	}
	addTool(s.MCP(), &mcp.Tool{Name: "boom"}, func(context.Context, *mcp.CallToolRequest, in) (*mcp.CallToolResult, Answer, error) {
		panic("a bug")
	})
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := s.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	r, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "boom", Arguments: map[string]any{}})
	if err != nil || !r.IsError || !strings.Contains(r.Content[0].(*mcp.TextContent).Text, "internal error in boom") {
		t.Fatalf("%v %+v", err, r)
	}
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatalf("the server did not go on: %v", err)
	}
}
