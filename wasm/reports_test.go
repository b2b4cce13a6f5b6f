//go:build js && wasm

package main

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/engine"
)

// synscan has 1,994 TCP connections: lists longer than the summary keeps.
const synscan = "../testdata/captures/chrissanders--synscan.pcapng"

// summarySession analyses b with every tool, detailed, and closes it with closeSummary.
func summarySession(t *testing.T, b []byte, extra map[string]any) (safejs.Value, string) {
	t.Helper()
	o := map[string]any{"detailed": true, "fileName": "synscan.pcapng"}
	for k, v := range extra {
		o[k] = v
	}
	opts, _ := safejs.ValueOf(o)
	s, err := api(t).Call("open", opts)
	if err != nil {
		t.Fatal(err)
	}
	if r := await(t, mustCall(t, s, "write", uint8Array(t, b))); !r.ok {
		t.Fatal("write rejected")
	}
	r := await(t, mustCall(t, s, "closeSummary"))
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("closeSummary rejected: %s", msg)
	}
	text, _ := r.v.String()
	return s, text
}

// joinParts concatenates a JavaScript array of Uint8Array.
func joinParts(t *testing.T, v safejs.Value) string {
	t.Helper()
	n, err := v.Length()
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for i := 0; i < n; i++ {
		p, _ := v.Index(i)
		l, _ := p.Length()
		b := make([]byte, l)
		if _, err := safejs.CopyBytesToGo(b, p); err != nil {
			t.Fatal(err)
		}
		sb.Write(b)
	}
	return sb.String()
}

type rowsPage struct {
	Rows    []map[string]any `json:"rows"`
	Total   int              `json:"total"`
	Matched int              `json:"matched"`
	Skip    int              `json:"skip"`
	Hits    []int            `json:"hits"`
	Indexes []int            `json:"indexes"`
}

func rowsCall(t *testing.T, s safejs.Value, q map[string]any) rowsPage {
	t.Helper()
	qv, _ := safejs.ValueOf(q)
	r := await(t, mustCall(t, s, "rows", qv))
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("rows(%v) rejected: %s", q, msg)
	}
	var p rowsPage
	if err := json.Unmarshal([]byte(stringify(t, r.v)), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSummaryAndRows(t *testing.T) {
	b, err := os.ReadFile(synscan)
	if err != nil {
		t.Fatal(err)
	}
	s, text := summarySession(t, b, nil)
	defer s.Call("dispose")
	var sum struct {
		Report map[string]json.RawMessage `json:"report"`
		Lists  map[string]int             `json:"lists"`
	}
	if err := json.Unmarshal([]byte(text), &sum); err != nil {
		t.Fatal(err)
	}
	whole := want(t, b, engine.Options{Detailed: true, FileName: "synscan.pcapng"})
	var full map[string]any
	_ = json.Unmarshal([]byte(whole), &full)
	conns := full["tcp_connections"].(map[string]any)["connections"].([]any)
	if got := sum.Lists["tcp_connections.connections"]; got != len(conns) || got <= summaryRows {
		t.Fatalf("lists[tcp_connections.connections] = %d, want %d (> %d); lists %v", got, len(conns), summaryRows, sum.Lists)
	}
	// The running figures end at the whole capture's: every connection is a tcp.stream.
	prog, _ := s.Call("progress")
	if n, _ := prog.Get("tcpStreams"); func() int { v, _ := n.Int(); return v }() != len(conns) {
		t.Errorf("progress() = %s, want tcpStreams %d", stringify(t, prog), len(conns))
	}
	if _, ok := sum.Lists["overview.conversations.tcp"]; !ok {
		t.Errorf("lists has no overview.conversations.tcp: %v", sum.Lists)
	}
	// The summary's reports are the whole reports with the lists cut to their first rows.
	var tc struct {
		Connections []any          `json:"connections"`
		Summary     map[string]any `json:"summary"`
	}
	_ = json.Unmarshal(sum.Report["tcp_connections"], &tc)
	if len(tc.Connections) != summaryRows {
		t.Errorf("summary keeps %d connections, want %d", len(tc.Connections), summaryRows)
	}
	first, _ := json.Marshal(conns[:summaryRows])
	kept, _ := json.Marshal(tc.Connections)
	if string(first) != string(kept) {
		t.Error("the summary's rows are not the report's first rows")
	}
	if len(text) >= len(whole) {
		t.Errorf("summary is %d bytes, the whole report %d", len(text), len(whole))
	}
	for k := range full {
		if _, ok := sum.Report[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}

	// Sorted by packets, biggest first, paged: the same order as sorting the whole list.
	type key struct {
		n float64
		i int
	}
	keys := make([]key, len(conns))
	for i, c := range conns {
		keys[i] = key{c.(map[string]any)["packet_count"].(float64), i}
	}
	sort.SliceStable(keys, func(a, b int) bool { return keys[a].n > keys[b].n })
	var got []int
	for skip := 0; skip < len(conns); skip += 500 {
		p := rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "sort": "packet_count", "desc": true, "skip": skip, "limit": 500})
		if p.Total != len(conns) || p.Matched != len(conns) || p.Skip != skip {
			t.Fatalf("page at %d: total %d matched %d skip %d", skip, p.Total, p.Matched, p.Skip)
		}
		for j, r := range p.Rows {
			if r["packet_count"].(float64) != keys[skip+j].n {
				t.Fatalf("row %d: packets %v, want %v", skip+j, r["packet_count"], keys[skip+j].n)
			}
		}
		got = append(got, p.Indexes...)
	}
	for i, k := range keys {
		if got[i] != k.i {
			t.Fatalf("position %d: row %d, want %d (ties keep the list's order)", i, got[i], k.i)
		}
	}

	// A sum of two fields: bytes both ways.
	p := rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "sort": "client_to_server.ip_bytes+server_to_client.ip_bytes", "desc": true, "limit": 5})
	prev := -1.0
	for _, r := range p.Rows {
		v := r["client_to_server"].(map[string]any)["ip_bytes"].(float64) + r["server_to_client"].(map[string]any)["ip_bytes"].(float64)
		if prev >= 0 && v > prev {
			t.Errorf("bytes not descending: %v after %v", v, prev)
		}
		prev = v
	}

	// Words filter every row whose values hold them all; where picks one field's value.
	c0 := conns[0].(map[string]any)
	server := c0["server"].(string)
	wantN := 0
	for _, c := range conns {
		if strings.Contains(strings.ToLower(c.(map[string]any)["server"].(string)), strings.ToLower(server)) || strings.Contains(strings.ToLower(c.(map[string]any)["client"].(string)), strings.ToLower(server)) {
			wantN++
		}
	}
	p = rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "filter": " " + strings.ToUpper(server) + " ", "limit": 10})
	if p.Matched == 0 || p.Matched > wantN {
		t.Errorf("filter %q matched %d rows, want 1..%d", server, p.Matched, wantN)
	}
	p = rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "where": []any{"stream", "7"}})
	if p.Matched != 1 || p.Rows[0]["stream"].(float64) != 7 {
		t.Errorf("where stream 7: %d rows %v", p.Matched, p.Rows)
	}
	p = rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "filter": "no such text anywhere"})
	if p.Matched != 0 || len(p.Rows) != 0 {
		t.Errorf("filter without matches: %d rows", p.Matched)
	}

	// Evidence: the row of stream 1500 (beyond the summary's rows), by subject and by frame.
	p = rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "subjects": []any{"tcp.stream == 1500"}, "limit": 1})
	if len(p.Hits) != 1 || p.Hits[0] != 1500 {
		t.Errorf("subject tcp.stream == 1500: hits %v", p.Hits)
	}
	ff := conns[1500].(map[string]any)["first_frame"].(float64)
	p = rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "frames": []any{ff}, "limit": 1})
	if len(p.Hits) != 1 || p.Hits[0] != 1500 {
		t.Errorf("frame %v: hits %v", ff, p.Hits)
	}

	// Bad paths reject with bad_options.
	qv, _ := safejs.ValueOf(map[string]any{"path": "tcp_connections.summary"})
	if r := await(t, mustCall(t, s, "rows", qv)); r.ok {
		t.Error("rows over a non-list resolved")
	} else if code, _ := errorText(r.err); code != codeBadOptions {
		t.Errorf("code %q", code)
	}
}

func TestReportJSONAndCSV(t *testing.T) {
	b, err := os.ReadFile(synscan)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := summarySession(t, b, nil)
	defer s.Call("dispose")
	r := await(t, mustCall(t, s, "reportJSON"))
	if !r.ok {
		t.Fatal("reportJSON rejected")
	}
	got := joinParts(t, r.v)
	w, err := reportJSON(t.Context(), strings.NewReader(string(b)), &engine.Options{Detailed: true, FileName: "synscan.pcapng", Threshold: defaultThreshold})
	if err != nil {
		t.Fatal(err)
	}
	if got != string(w) {
		t.Errorf("reportJSON's parts are not `pcaplens analyze`'s document (%d bytes, want %d)", len(got), len(w))
	}
	if n, _ := r.v.Length(); n < 5 {
		t.Errorf("reportJSON gave %d parts, want one per tool", n)
	}

	q, _ := safejs.ValueOf(map[string]any{"path": "tcp_connections.connections", "sort": "stream", "desc": true, "where": []any{"state", "reset"}})
	cols, _ := safejs.ValueOf([]any{
		map[string]any{"key": "stream", "path": "stream"},
		map[string]any{"key": "client", "path": "client"},
		map[string]any{"key": "bytes", "path": "client_to_server.ip_bytes+server_to_client.ip_bytes"},
		map[string]any{"key": "flags", "path": "analysis_flags"},
	})
	r = await(t, mustCall(t, s, "csv", q, cols))
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("csv rejected: %s", msg)
	}
	csv := joinParts(t, r.v)
	lines := strings.Split(strings.TrimSuffix(csv, "\r\n"), "\r\n")
	if lines[0] != "stream,client,bytes,flags" {
		t.Errorf("csv header %q", lines[0])
	}
	p := rowsCall(t, s, map[string]any{"path": "tcp_connections.connections", "where": []any{"state", "reset"}})
	if len(lines)-1 != p.Matched || p.Matched == 0 {
		t.Fatalf("csv has %d rows, want %d", len(lines)-1, p.Matched)
	}
	prev := 1 << 30
	for _, l := range lines[1:] {
		var n int
		if err := json.Unmarshal([]byte(strings.Split(l, ",")[0]), &n); err != nil {
			t.Fatalf("csv line %q: %v", l, err)
		}
		if n >= prev {
			t.Fatalf("csv not sorted by stream, descending: %d after %d", n, prev)
		}
		prev = n
	}
}

func TestDigestsLater(t *testing.T) {
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	s, text := summarySession(t, b, map[string]any{"externalDigests": true, "tools": "capinfos"})
	defer s.Call("dispose")
	var sum struct {
		Report struct {
			Capinfos struct {
				SHA256   string   `json:"sha256"`
				SHA1     string   `json:"sha1"`
				Warnings []string `json:"warnings"`
			} `json:"capinfos"`
		} `json:"report"`
	}
	_ = json.Unmarshal([]byte(text), &sum)
	c := sum.Report.Capinfos
	if c.SHA256 != "" || c.SHA1 != "" || len(c.Warnings) != 0 {
		t.Fatalf("before setDigests: sha256 %q sha1 %q warnings %v", c.SHA256, c.SHA1, c.Warnings)
	}
	d, _ := safejs.ValueOf(map[string]any{"sha256": strings.Repeat("ab", 32), "sha1": strings.Repeat("cd", 20)})
	mustCall(t, s, "setDigests", d)
	r := await(t, mustCall(t, s, "reportJSON"))
	var full struct {
		Capinfos struct {
			SHA256 string `json:"sha256"`
			SHA1   string `json:"sha1"`
		} `json:"capinfos"`
	}
	_ = json.Unmarshal([]byte(joinParts(t, r.v)), &full)
	if full.Capinfos.SHA256 != strings.Repeat("ab", 32) || full.Capinfos.SHA1 != strings.Repeat("cd", 20) {
		t.Errorf("after setDigests: %+v", full.Capinfos)
	}
}
