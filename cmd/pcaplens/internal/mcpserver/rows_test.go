package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

// A report whose lists are report.Rows, and the same report with slices.

type rowsItem struct {
	N int `json:"n"`
}

type rowsRow struct {
	Frame int                         `json:"frame"`
	Names map[string]int              `json:"names"`
	Items []int                       `json:"items"`
	Sub   report.Rows[rowsItem]       `json:"sub"`
	Opt   *report.Rows[rowsItem]      `json:"opt,omitempty"`
	Tags  report.Rows[string]         `json:"tags"`
	Maps  report.Rows[rowsNamed]      `json:"maps"`
	Deep  map[string][]rowsNamed      `json:"deep"`
	Kinds map[string]report.Rows[int] `json:"kinds"`
}

type rowsNamed struct {
	Names map[string]int `json:"names"`
}

type rowsReport struct {
	Rows  report.Rows[rowsRow]   `json:"rows"`
	Other report.Rows[int]       `json:"other"`
	Ptr   *report.Rows[rowsItem] `json:"ptr"`
	Note  string                 `json:"note"`
}

type rowsSliceRow struct {
	Frame int                    `json:"frame"`
	Names map[string]int         `json:"names"`
	Items []int                  `json:"items"`
	Sub   []rowsItem             `json:"sub"`
	Opt   *[]rowsItem            `json:"opt,omitempty"`
	Tags  []string               `json:"tags"`
	Maps  []rowsNamed            `json:"maps"`
	Deep  map[string][]rowsNamed `json:"deep"`
	Kinds map[string][]int       `json:"kinds"`
}

type rowsSliceReport struct {
	Rows  []rowsSliceRow `json:"rows"`
	Other []int          `json:"other"`
	Ptr   *[]rowsItem    `json:"ptr"` // nil here: a pointer to a slice is not paged
	Note  string         `json:"note"`
}

func rowsSlice(n, from int) []rowsSliceRow {
	out := make([]rowsSliceRow, n)
	for i := range out {
		r := rowsSliceRow{Frame: from + i, Names: map[string]int{}, Items: []int{}, Sub: []rowsItem{}, Tags: []string{"a", "b"},
			Maps: []rowsNamed{{Names: map[string]int{}}}, Deep: map[string][]rowsNamed{"k": {{Names: map[string]int{}}}}, Kinds: map[string][]int{"x": {1, 2}}}
		for j := range 30 {
			name := fmt.Sprintf("n%02d", j)
			r.Names[name] = j
			r.Maps[0].Names[name] = j
			r.Deep["k"][0].Names[name] = j
			r.Items = append(r.Items, j)
			r.Sub = append(r.Sub, rowsItem{j})
		}
		if i%2 == 0 {
			r.Opt = &[]rowsItem{{i}}
		}
		out[i] = r
	}
	return out
}

// rowsOf is the slice report's rows as a report.Rows, made when read.
func rowsOf(rows []rowsSliceRow) report.Rows[rowsRow] {
	return report.MakeRows(len(rows), func(i int, dst *rowsRow) {
		r := rows[i]
		*dst = rowsRow{Frame: r.Frame, Names: r.Names, Items: r.Items, Sub: report.RowsOf(r.Sub), Tags: report.RowsOf(r.Tags),
			Maps: report.RowsOf(r.Maps), Deep: r.Deep, Kinds: map[string]report.Rows[int]{}}
		if r.Opt != nil {
			o := report.RowsOf(*r.Opt)
			dst.Opt = &o
		}
		for k, v := range r.Kinds {
			dst.Kinds[k] = report.RowsOf(v)
		}
	})
}

// TestPageRows: a report.Rows list is paged, and what is nested in its rows
// cut, as the same list as a slice.
func TestPageRows(t *testing.T) {
	rows := rowsSlice(40, 0)
	sr := rowsSliceReport{Rows: rows, Other: []int{1, 2, 3, 4, 5}, Note: "n"}
	rr := rowsReport{Rows: rowsOf(rows), Other: report.RowsOf(sr.Other), Note: "n"}
	for _, c := range []struct {
		list             string
		skip, limit, max int
	}{
		{"", 0, 10, 1 << 20},
		{"", 3, 10, 1 << 20},
		{"rows", 5, 2, 1 << 20},
		{"other", 2, 2, 1 << 20},
		{"", 0, 50, 1 << 20},
		{"", 5, 10, 8000},
		{"", 0, 10, 3000},
		{"", 0, 3, 3000}, // the rows' maps and lists cut
	} {
		b1, l1, err1 := page(rr, c.list, c.skip, c.limit, c.max)
		b2, l2, err2 := page(sr, c.list, c.skip, c.limit, c.max)
		if err1 != nil || err2 != nil {
			t.Fatalf("%+v: %v, %v", c, err1, err2)
		}
		if !bytes.Equal(b1, b2) || !reflect.DeepEqual(l1, l2) {
			t.Errorf("%+v:\n Rows  %s %v\n slice %s %v", c, b1, l1, b2, l2)
		}
		if c.limit == 3 && !slices.Contains(l2, List{Path: "rows[].maps[].names", Total: 90, Returned: 60}) {
			t.Errorf("%+v: no nested cut: %v", c, l2)
		}
	}
	if rr.Rows.Len() != 40 {
		t.Fatal("page changed the report it was given")
	}
	// A pointer to a Rows is paged too; nil is left alone.
	p := report.RowsOf([]rowsItem{{1}, {2}, {3}})
	b, lists, err := page(rowsReport{Ptr: &p}, "", 1, 1, 1<<20)
	if err != nil || !bytes.Contains(b, []byte(`"ptr":[{"n":2}]`)) || len(lists) != 1 || lists[0] != (List{Path: "ptr", Total: 3, Skip: 1, Returned: 1}) {
		t.Errorf("a pointer to a Rows: %s %v %v", b, lists, err)
	}
	if _, _, err := page(rowsReport{}, "", 1, 1, 1<<20); err != nil {
		t.Errorf("a nil pointer to a Rows: %v", err)
	}
	if got, want := mapPaths(reflect.TypeFor[rowsReport]()), mapPaths(reflect.TypeFor[rowsSliceReport]()); !reflect.DeepEqual(got, want) || !got["rows[].maps[].names"] {
		t.Errorf("mapPaths: %v, want %v", got, want)
	}
}

// TestRowsSchema: a report.Rows member's schema is an array of its rows'
// (a pointer's: or null), and an answer fits it.
func TestRowsSchema(t *testing.T) {
	sc, err := answerSchema(rowsReport{})
	if err != nil {
		t.Fatal(err)
	}
	rep := sc.Properties["report"]
	rows := rep.Properties["rows"]
	if rows == nil || rows.Type != "array" || rows.Items == nil || rows.Items.Properties["frame"] == nil {
		t.Fatalf("rows: %+v", rows)
	}
	if sub := rows.Items.Properties["sub"]; sub == nil || sub.Type != "array" || sub.Items.Properties["n"] == nil {
		t.Errorf("rows[].sub: %+v", sub)
	}
	if k := rows.Items.Properties["kinds"]; k == nil || k.AdditionalProperties == nil || k.AdditionalProperties.Type != "array" || k.AdditionalProperties.Items.Type != "integer" {
		t.Errorf("rows[].kinds: %+v", k)
	}
	if p := rep.Properties["ptr"]; p == nil || !reflect.DeepEqual(p.Types, []string{"null", "array"}) {
		t.Errorf("ptr: %+v", p)
	}
	if o := rep.Properties["other"]; o == nil || o.Type != "array" || o.Items.Type != "integer" {
		t.Errorf("other: %+v", o)
	}
	res, err := sc.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	rr := rowsReport{Rows: rowsOf(rowsSlice(3, 0)), Other: report.RowsOf([]int{1})}
	for _, max := range []int{1 << 20, 4000} {
		b, lists, err := page(rr, "", 1, 1, max)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := report.JSON(Answer{Tool: "t", File: "f", Report: b, Lists: report.NonNil(lists)})
		var v any
		json.Unmarshal(a, &v)
		if err := res.Validate(v); err != nil {
			t.Errorf("an answer (bound %d) does not fit the schema: %v\n%s", max, err, a)
		}
	}
}

// rowsTap is an analyzer registered by TestRowsTool only: one row per frame.
type rowsTap struct{ frames []int }

func (t *rowsTap) Packet(f *frame.Frame) { t.frames = append(t.frames, f.Number) }
func (t *rowsTap) Finish(*engine.Capture) map[string]any {
	rows := rowsSlice(len(t.frames), 1)
	return map[string]any{"rows_test": rowsReport{Rows: rowsOf(rows), Other: report.RowsOf(t.frames), Note: "done"}}
}

var registerRows sync.Once

// TestRowsTool calls, with an MCP client, the tool of an analyzer whose
// report holds report.Rows: the answer is paged and fits the tool's
// output schema.
func TestRowsTool(t *testing.T) {
	registerRows.Do(func() {
		engine.Register(engine.Factory{Name: "rows_test", Tools: []string{"rows_test"},
			Reports: map[string]any{"rows_test": rowsReport{}},
			New:     func(*engine.Options) engine.Tap { return &rowsTap{} }})
	})
	ctx := context.Background()
	cs, tl := serverTool(t, "analyze_rows_test")
	var schema *jsonschema.Resolved
	if tl != nil {
		b, _ := json.Marshal(tl.OutputSchema)
		var sc jsonschema.Schema
		if err := json.Unmarshal(b, &sc); err != nil {
			t.Fatal(err)
		}
		var err error
		if schema, err = sc.Resolve(nil); err != nil {
			t.Fatal(err)
		}
	}
	if schema == nil {
		t.Fatal("no tool analyze_rows_test")
	}
	file, _ := filepath.Abs("../../../../testdata/captures/chrissanders--dns_query_response.pcapng")
	r, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "analyze_rows_test", Arguments: map[string]any{"pcap_file": file, "skip": 1, "limit": 1}})
	if err != nil || r.IsError {
		t.Fatalf("%v %+v", err, r)
	}
	b, _ := json.Marshal(r.StructuredContent)
	var v any
	json.Unmarshal(b, &v)
	if err := schema.Validate(v); err != nil {
		t.Errorf("the answer does not fit the tool's output schema: %v\n%s", err, b)
	}
	var a Answer
	json.Unmarshal(b, &a)
	var rep struct {
		Rows  []rowsSliceRow `json:"rows"`
		Other []int          `json:"other"`
		Note  string         `json:"note"`
	}
	json.Unmarshal(a.Report, &rep)
	want := []List{{Path: "rows", Total: 2, Skip: 1, Returned: 1}, {Path: "other", Total: 2, Skip: 1, Returned: 1}}
	if rep.Note != "done" || len(rep.Rows) != 1 || rep.Rows[0].Frame != 2 || !reflect.DeepEqual(rep.Other, []int{2}) || !reflect.DeepEqual(a.Lists, want) {
		t.Errorf("answer %s", b)
	}
}
