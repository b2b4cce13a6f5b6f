package all

import (
	"context"
	"encoding/json"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"pcaplens/analysis/engine"
)

// flowCount is the number of distinct flows (one packet each) of
// TestMillionFlows: 600,000 TCP connections (over the tcp tap's cap of
// 500,000 tracked at once) and 400,000 DNS queries (over the dns tap's caps
// of 200,000 pending queries and 100,000 names).
const flowCount = 1_000_000

// peakBound bounds the live heap during the run. The documented caps bound
// it: the tcp tap tracks at most 500,000 connections at once (about 1 KiB
// each with its table entry and, at finish, its summary row: 0.5 GiB, which
// the garbage collector's pacing may double before it runs), the dns tap at
// most 200,000 pending queries, 100,000 names and 100,000 transaction rows
// (under 100 MiB), overview 20,000 conversations and endpoints per table;
// sip, dhcp and icmp keep nothing here. Without the caps the run would hold
// every one of the million flows.
const peakBound = 1536 << 20

// heapBound bounds the heap after the run with every report still
// referenced: the reports list at most the 100,000 transactions of the dns
// report and a bounded sample of connections, tens of MiB.
const heapBound = 256 << 20

// TestMillionFlows runs every tool over a generated capture of a million
// distinct flows, streamed through a pipe so the file is never held whole:
// no tool may fail, every report must marshal, the heap must stay bounded by
// the caps, and the reports must say which caps were hit.
func TestMillionFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("million-flow run skipped with -short")
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeFlows(pw, flowCount)) }()
	start := time.Now()
	var peak uint64
	sample := func(engine.Progress) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	reps, err := engine.Run(context.Background(), pr, &engine.Options{
		// MaxPackets as the CLI's default: 0 would list every packet, by request.
		FileName: "flows.pcap", ServerIP: "192.0.2.1", MaxPackets: 10_000, Progress: sample, ProgressEvery: 4 << 20})
	pr.Close()
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d flows: %v (%.0f packets/s); heap: sampled peak %d MiB, reserved %d MiB, after the run and a GC %d MiB",
		flowCount, elapsed.Round(time.Millisecond), flowCount/elapsed.Seconds(), peak>>20, ms.HeapSys>>20, ms.HeapAlloc>>20)
	if peak > peakBound {
		t.Errorf("heap during the run reached %d MiB, want under %d MiB", peak>>20, peakBound>>20)
	}
	if ms.HeapAlloc > heapBound {
		t.Errorf("heap after the run %d MiB, want under %d MiB", ms.HeapAlloc>>20, heapBound>>20)
	}

	text := map[string]string{}
	for _, tool := range engine.ToolNames() {
		rep, ok := reps[tool]
		if !ok {
			t.Errorf("%s: no report", tool)
			continue
		}
		if er, ok := rep.(engine.ErrorReport); ok {
			t.Errorf("%s: %s", tool, er.Error)
			continue
		}
		b, err := json.Marshal(rep)
		if err != nil {
			t.Errorf("%s: marshal: %v", tool, err)
			continue
		}
		text[tool] = string(b)
	}
	// Each cap that must have been hit, as the report says it.
	for _, c := range []struct{ tool, says string }{
		{"tcp_connections", `{"what":"connections tracked at once","limit":500000,`},
		{"tcp_anomalies", `{"what":"connections tracked at once","limit":500000,`},
		{"tcp_retransmissions", `{"what":"connections tracked at once","limit":500000,`},
		{"dns", "query matching table capped at 200,000"},
		{"dns", "names capped at 100,000"},
		{"dns", "transactions capped at 100,000"},
		{"overview", `{"what":"conversations.tcp",`},
		{"overview", `{"what":"endpoints.ip",`},
	} {
		if !strings.Contains(text[c.tool], c.says) {
			t.Errorf("%s: report does not say %q (warnings: %s)", c.tool, c.says, warnings(text[c.tool]))
		}
	}
	runtime.KeepAlive(reps)
}

// warnings returns the "warnings" value of a report's JSON text, for a failure message.
func warnings(report string) string {
	var r struct {
		Warnings json.RawMessage `json:"warnings"`
	}
	json.Unmarshal([]byte(report), &r)
	return string(r.Warnings)
}

// TestTableCapCounts checks overview's count of table updates lost to its
// caps, exactly, on 50,000 two-way flows (25,000 TCP, 25,000 UDP, 100,000
// frames; figures from the implementation before the conversation and
// endpoint lookups were cached): a conversation that began when the endpoint
// table was full looks the missing endpoint up again on each frame, as a
// frame without a conversation does.
func TestTableCapCounts(t *testing.T) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writePairs(pw, 50_000)) }()
	reps, err := engine.Run(context.Background(), pr, &engine.Options{Tools: []string{"overview"}})
	pr.Close()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(reps["overview"])
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Caps []struct {
			What    string `json:"what"`
			Dropped int    `json:"dropped"`
		} `json:"caps"`
		Conversations map[string][]json.RawMessage `json:"conversations"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"conversations.ip": 60000, "conversations.tcp": 10000, "conversations.udp": 10000,
		"endpoints.ip": 60004, "endpoints.tcp": 10002, "endpoints.udp": 10002,
	}
	dropped := map[string]int{}
	for _, c := range r.Caps {
		dropped[c.What] = c.Dropped
	}
	if !reflect.DeepEqual(dropped, want) {
		t.Errorf("dropped %v, want %v", dropped, want)
	}
	for _, k := range []string{"ip", "tcp", "udp"} {
		if n := len(r.Conversations[k]); n != 20000 {
			t.Errorf("%s conversations: %d, want 20000", k, n)
		}
	}
}
