//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"pcaplens/analysis/report"
)

// The same report twice: its lists as report.Rows, and as slices.

type rlRow struct {
	Stream     int                 `json:"stream"`
	Name       string              `json:"name"`
	V          any                 `json:"v,omitempty"`
	FirstFrame int                 `json:"first_frame"`
	LastFrame  int                 `json:"last_frame"`
	Frames     report.Rows[int]    `json:"frames"`
	Tags       report.Rows[string] `json:"tags"`
}

type rlRowsReport struct {
	Rows   report.Rows[rlRow]            `json:"rows"`
	Few    report.Rows[rlRow]            `json:"few"`
	By     map[string]report.Rows[rlRow] `json:"by"`
	Series report.Rows[int]              `json:"series"`
	Note   string                        `json:"note"`
}

type rlSliceRow struct {
	Stream     int      `json:"stream"`
	Name       string   `json:"name"`
	V          any      `json:"v,omitempty"`
	FirstFrame int      `json:"first_frame"`
	LastFrame  int      `json:"last_frame"`
	Frames     []int    `json:"frames"`
	Tags       []string `json:"tags"`
}

type rlSliceReport struct {
	Rows   []rlSliceRow            `json:"rows"`
	Few    []rlSliceRow            `json:"few"`
	By     map[string][]rlSliceRow `json:"by"`
	Series []int                   `json:"series"`
	Note   string                  `json:"note"`
}

// rlMake is row i: V a number in some rows, text in others, absent in the rest.
func rlMake(i int) rlSliceRow {
	r := rlSliceRow{Stream: i, Name: fmt.Sprintf("host%d", i%37), FirstFrame: 10*i + 1, LastFrame: 10*i + 5,
		Frames: []int{10*i + 2}, Tags: []string{fmt.Sprintf("t%d", i%5), "alpha"}}
	switch i % 3 {
	case 0:
		r.V = 1000 - i
	case 1:
		r.V = fmt.Sprintf("x%d", i%11)
	}
	return r
}

// rlRows is a report.Rows of n rows, made when read; made counts the rows made.
func rlRows(n, from int, made *int) report.Rows[rlRow] {
	return report.MakeRows(n, func(i int, dst *rlRow) {
		*made++
		r := rlMake(from + i)
		*dst = rlRow{Stream: r.Stream, Name: r.Name, V: r.V, FirstFrame: r.FirstFrame, LastFrame: r.LastFrame,
			Frames: report.RowsOf(r.Frames), Tags: report.RowsOf(r.Tags)}
	})
}

func rlSlice(n, from int) []rlSliceRow {
	out := make([]rlSliceRow, n)
	for i := range out {
		out[i] = rlMake(from + i)
	}
	return out
}

const rlN = 250 // more than summaryRows

// rlStates are the two reports' sessions; made counts the Rows report's rows made.
func rlStates() (rows, slices *reportState, made *int) {
	made = new(int)
	series := make([]int, 300)
	for i := range series {
		series[i] = i * i
	}
	rr := &rlRowsReport{Rows: rlRows(rlN, 0, made), Few: rlRows(5, 0, made),
		By: map[string]report.Rows[rlRow]{"x": rlRows(120, 1000, made), "y": rlRows(3, 0, made)}, Series: report.RowsOf(series), Note: "n"}
	sr := &rlSliceReport{Rows: rlSlice(rlN, 0), Few: rlSlice(5, 0),
		By: map[string][]rlSliceRow{"x": rlSlice(120, 1000), "y": rlSlice(3, 0)}, Series: series, Note: "n"}
	rows = &reportState{reports: map[string]any{"t": rr}, views: map[string]*listView{}}
	slices = &reportState{reports: map[string]any{"t": sr}, views: map[string]*listView{}}
	return rows, slices, made
}

// TestRowListAsSlice: every answer about a report.Rows list (summary, rows
// with sort, filter, where, overlap and evidence, CSV) is the answer about
// the same list as a slice.
func TestRowListAsSlice(t *testing.T) {
	rs, ss, _ := rlStates()
	a, err := rs.summary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ss.summary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("summary of the Rows report:\n%s\nof the slice report:\n%s", a, b)
	}
	if !bytes.Contains(a, []byte(`"lists":{"t.by.x":120,"t.rows":250}`)) {
		t.Errorf("summary's lists: %s", a[bytes.Index(a, []byte(`"lists"`)):])
	}
	queries := []rowQuery{
		{Path: "t.rows", Sort: "stream", Desc: true, Skip: 10, Limit: 30},
		{Path: "t.rows", Sort: "v"}, // numbers and text: text order, numbers as their text
		{Path: "t.rows", Sort: "v", Desc: true, Limit: 300},
		{Path: "t.rows", Sort: "tags", Filter: "T3 host1"},
		{Path: "t.rows", Where: []string{"name", "host5"}},
		{Path: "t.rows", Overlap: &overlap{From: "first_frame", Length: "stream", Lo: 500, Hi: 900}},
		{Path: "t.rows", Frames: []int{10*200 + 2}},
		{Path: "t.rows", Frames: []int{10*150 + 3}, Span: true},
		{Path: "t.rows", Subjects: []string{"stream 42", "host7"}, Sort: "name"},
		{Path: "t.by.x", Sort: "first_frame+last_frame", Desc: true},
		{Path: "t.few"},
		{Path: "t.series", Limit: 7},
	}
	cols := []csvColumn{{Key: "stream", Path: "stream"}, {Key: "v", Path: "v"}, {Key: "tags", Path: "tags"}, {Key: "frames", Path: "frames"}}
	for _, q := range queries {
		q1, q2 := q, q
		p1, err1 := rs.rows(&q1)
		p2, err2 := ss.rows(&q2)
		if err1 != nil || err2 != nil {
			t.Fatalf("%+v: %v, %v", q, err1, err2)
		}
		j1, _ := report.JSON(p1)
		j2, _ := report.JSON(p2)
		if !bytes.Equal(j1, j2) {
			t.Errorf("rows %+v:\n Rows  %s\n slice %s", q, j1, j2)
		}
		if p1.Matched == 0 {
			t.Errorf("rows %+v: no row", q)
		}
		if (len(q.Frames) > 0 || len(q.Subjects) > 0) && len(p1.Hits) == 0 {
			t.Errorf("rows %+v: no hits", q)
		}
		if q.Path == "t.series" {
			continue
		}
		var c1, c2 bytes.Buffer
		q1, q2 = q, q
		if err := rs.csv(&q1, cols, func(b []byte) error { c1.Write(b); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := ss.csv(&q2, cols, func(b []byte) error { c2.Write(b); return nil }); err != nil {
			t.Fatal(err)
		}
		if c1.String() != c2.String() {
			t.Errorf("csv %+v:\n Rows  %q\n slice %q", q, c1.String(), c2.String())
		}
	}
	if _, err := rs.rows(&rowQuery{Path: "t.note"}); err == nil {
		t.Error("a string is not a list")
	}
}

// TestRowListMadeOnce: a pass over a report.Rows list makes each row once
// (the filter's, then the sort's over the rows kept), never per comparison;
// the next pages and the CSV reuse the view.
func TestRowListMadeOnce(t *testing.T) {
	rs, _, made := rlStates()
	*made = 0
	q := rowQuery{Path: "t.rows", Sort: "v", Filter: "alpha", Limit: 7}
	p, err := rs.rows(&q)
	if err != nil {
		t.Fatal(err)
	}
	if p.Matched != rlN || *made != rlN+rlN+7 {
		t.Errorf("rows sorted and filtered: matched %d, %d rows made, want %d", p.Matched, *made, 2*rlN+7)
	}
	*made = 0
	q = rowQuery{Path: "t.rows", Sort: "v", Filter: "alpha", Skip: 7, Limit: 7}
	if _, err := rs.rows(&q); err != nil || *made != 7 {
		t.Errorf("the next page made %d rows, want 7 (%v)", *made, err)
	}
	*made = 0
	q = rowQuery{Path: "t.rows", Sort: "v", Filter: "alpha"}
	if err := rs.csv(&q, []csvColumn{{Key: "v", Path: "v"}}, func([]byte) error { return nil }); err != nil || *made != rlN {
		t.Errorf("csv made %d rows, want %d (%v)", *made, rlN, err)
	}
	// Neither filter nor sort: only the page's rows are made.
	*made = 0
	q = rowQuery{Path: "t.rows", Skip: 20, Limit: 10}
	if p, err := rs.rows(&q); err != nil || *made != 10 || p.Matched != rlN || p.Indexes[0] != 20 {
		t.Errorf("a page of the list as it is made %d rows, want 10 (%v)", *made, err)
	}
	*made = 0
	q = rowQuery{Path: "t.rows", Sort: "stream", Desc: true, Limit: 10}
	if _, err := rs.rows(&q); err != nil || *made != rlN+10 {
		t.Errorf("sorted, not filtered: %d rows made, want %d (%v)", *made, rlN+10, err)
	}
	// sortRows alone: once per row, whatever the keys.
	l, err := rs.list("t.rows")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"v", "stream", "name", "tags", "first_frame+last_frame"} {
		order := make([]int32, rlN)
		for i := range order {
			order[i] = int32(i)
		}
		*made = 0
		sortRows(l, order, path, true)
		if *made != rlN {
			t.Errorf("sortRows by %s made %d rows, want %d", path, *made, rlN)
		}
	}
	// The summary makes only the rows it keeps.
	*made = 0
	if _, err := rs.summary(); err != nil {
		t.Fatal(err)
	}
	if want := summaryRows + 5 + summaryRows + 3; *made != want {
		t.Errorf("summary made %d rows, want %d", *made, want)
	}
}

// TestRowListTypes: the type walkers know a report.Rows as a slice.
func TestRowListTypes(t *testing.T) {
	if !interesting(reflect.TypeFor[report.Rows[rlRow]]()) || !interesting(reflect.TypeFor[map[string]report.Rows[rlRow]]()) ||
		interesting(reflect.TypeFor[report.Rows[int]]()) || !interesting(reflect.TypeFor[rlRowsReport]()) {
		t.Error("interesting: a Rows of rows is, a Rows of numbers is not")
	}
	if got := cellText(reflect.ValueOf(report.RowsOf([]string{"a", "b"}))); got != "a, b" {
		t.Errorf("cellText of a Rows of text: %q", got)
	}
}

// TestRowListScratch: a pass over a RowList (sort keys, filter, CSV,
// evidence) makes each row into one scratch row, not into a new one: a
// sort of a 500,000-row TCP table spent a third of its time allocating
// and collecting rows it read once.
func TestRowListScratch(t *testing.T) {
	rows := report.MakeRows(1000, func(i int, dst *rlRow) {
		if dst.Stream != 0 || dst.Name != "" {
			t.Fatal("a scratch row must be zero before it is made again")
		}
		dst.Stream, dst.Name = i, "host"
	})
	l := rowSource{rl: rows}
	order := make([]int32, rows.Len())
	for i := range order {
		order[i] = int32(rows.Len() - 1 - i)
	}
	allocs := testing.AllocsPerRun(3, func() { sortRows(l, order, "stream", false) })
	if allocs > 100 {
		t.Errorf("sorting %d rows took %v allocations, want a few (not one a row)", rows.Len(), allocs)
	}
	if order[0] != 0 || order[999] != 999 {
		t.Errorf("sorted order %d … %d", order[0], order[999])
	}
}

// TestSortOtherWay: the same sort the other way reads no row again (its
// runs of equal values reversed) and gives what a fresh sort gives: ties
// in the list's order, rows without a value last, either way.
func TestSortOtherWay(t *testing.T) {
	for _, c := range []struct{ sort, filter string }{{"v", ""}, {"name", ""}, {"v", "alpha"}, {"name", "host1"}, {"stream", "t3"}, {"first_frame", ""}} {
		for _, firstDesc := range []bool{false, true} {
			rs, _, made := rlStates()
			q := rowQuery{Path: "t.rows", Sort: c.sort, Filter: c.filter, Desc: firstDesc, Limit: maxRowsPage}
			if _, err := rs.rows(&q); err != nil {
				t.Fatal(err)
			}
			for flip := 1; flip <= 3; flip++ {
				q.Desc = !q.Desc
				*made = 0
				got, err := rs.rows(&q)
				if err != nil {
					t.Fatal(err)
				}
				if *made != len(got.Indexes) {
					t.Errorf("%+v flip %d: %d rows made, want only the page's %d", c, flip, *made, len(got.Indexes))
				}
				fresh, _, _ := rlStates()
				want, err := fresh.rows(&q)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Indexes, want.Indexes) {
					t.Fatalf("%+v flip %d (desc %v): order\n %v\nwant\n %v", c, flip, q.Desc, got.Indexes, want.Indexes)
				}
			}
		}
	}
}

// TestFilterNarrows: words typed on after the last filter's read only the
// rows it kept, and keep what a fresh view keeps; other words read every
// row again.
func TestFilterNarrows(t *testing.T) {
	steps := []struct {
		filter, sort string
		narrows      bool
	}{
		{"host1", "", false},
		{"host12", "", true},
		{"host12 alpha", "v", true},
		{"t2 host12 alpha", "v", true},
		{"t2 host12", "v", false},  // a word dropped: every row again
		{"host1", "v", false},      // fewer letters: every row again
		{"HOST1 t3", "name", true}, // case does not matter
		{"zzz", "", false},
		{"zzzz", "", true}, // nothing kept, nothing read
	}
	rs, _, made := rlStates()
	var kept int
	for i, st := range steps {
		got, read := queryAsFresh(t, rs, made, rowQuery{Path: "t.rows", Filter: st.filter, Sort: st.sort, Limit: maxRowsPage})
		if st.sort != "" {
			read -= got.Matched // and the sort's
		}
		switch {
		case st.narrows && read != kept:
			t.Errorf("step %d %q: %d rows read by the filter, want the %d the last view kept", i, st.filter, read, kept)
		case !st.narrows && read != rlN:
			t.Errorf("step %d %q: %d rows read by the filter, want all %d", i, st.filter, read, rlN)
		}
		kept = got.Matched
	}
}

// TestSortKeysKept: a list of rows made when read, sorted with no filter,
// keeps every row's value of the sort's field: the same sort under a
// filter, or with the filter cleared, makes no row for the sort; another
// field's sort reads its rows again. The order is a fresh view's.
func TestSortKeysKept(t *testing.T) {
	rs, _, made := rlStates()
	for i, st := range []struct {
		filter, sort string
		reads        int // rows made, but the page's
	}{
		{"", "v", rlN},      // every row, once, for the sort; its values kept
		{"host1", "v", rlN}, // the filter's pass only
		{"", "v", 0},        // nothing to read
		{"", "name", rlN},   // another field
		{"alpha", "v", rlN}, // the filter's pass, and the sort's (v is no longer kept)
	} {
		got, read := queryAsFresh(t, rs, made, rowQuery{Path: "t.rows", Filter: st.filter, Sort: st.sort, Limit: maxRowsPage})
		reads := st.reads
		if i == 4 {
			reads += got.Matched
		}
		if read != reads {
			t.Errorf("step %d (%q sorted by %s): %d rows made, want %d", i, st.filter, st.sort, read, reads)
		}
	}
}

// queryAsFresh asks rs for q, checks that its rows are those a fresh
// session gives, and returns the page and how many rows it made besides
// the page's own.
func queryAsFresh(t *testing.T, rs *reportState, made *int, q rowQuery) (*rowPage, int) {
	t.Helper()
	*made = 0
	got, err := rs.rows(&q)
	if err != nil {
		t.Fatal(err)
	}
	read := *made - len(got.Indexes)
	fresh, _, _ := rlStates()
	want, _ := fresh.rows(&q)
	if !reflect.DeepEqual(got.Indexes, want.Indexes) {
		t.Fatalf("%+v: rows %v, want %v", q, got.Indexes, want.Indexes)
	}
	return got, read
}
