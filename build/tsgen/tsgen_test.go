package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// TestUpToDate fails when the committed web/src/gen/reports.ts is not what
// the Go report types give today.
func TestUpToDate(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(out)))
	if err != nil {
		t.Fatalf("%v: run `make types`", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		line := func(ls []string) string {
			if i < len(ls) {
				return ls[i]
			}
			return "(end of file)"
		}
		t.Fatalf("%s is stale: run `make types` (go run ./build/tsgen) and commit it.\nfirst difference at line %d:\n committed: %s\n generated: %s", out, i+1, line(gl), line(wl))
	}
}

// TestGuidesUpToDate fails when the committed web/src/gen/guides.ts is not
// what analysis/guide's Markdown gives today.
func TestGuidesUpToDate(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	want, err := generateGuides()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(guidesOut)))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run `make types` (go run ./build/tsgen) and commit it", guidesOut)
	}
}

// TestNoNulls runs every analyzer over the test captures (and an empty
// capture) and checks that the JSON has null only where the generated types
// allow it (pointers, interfaces): a nil slice or map, written as null,
// would break a page that trusts `T[]`.
func TestNoNulls(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{"empty.pcap": emptyPCAP()}
	paths, _ := filepath.Glob(filepath.Join(root, "testdata", "captures", "*"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(p)] = b
	}
	if len(inputs) < 10 {
		t.Fatalf("only %d captures found under testdata/captures", len(inputs))
	}
	types := map[string]reflect.Type{engine.FindingsKey: reflect.TypeFor[[]finding.Finding]()}
	for _, f := range engine.Factories() {
		for name, z := range f.Reports {
			types[name] = reflect.TypeOf(z)
		}
	}
	bad := map[string]string{} // path -> first capture
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	ran := 0
	for _, name := range names {
		for _, opts := range []engine.Options{{FileName: name}, {FileName: name, ServerIP: "10.0.0.1", Detailed: true}} {
			rep, err := engine.Run(context.Background(), bytes.NewReader(inputs[name]), &opts)
			if err != nil {
				continue // not a capture the engine reads
			}
			ran++
			js, err := json.Marshal(rep)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var doc map[string]any
			if err := json.Unmarshal(js, &doc); err != nil {
				t.Fatal(err)
			}
			for key, v := range doc {
				typ, ok := types[key]
				if !ok {
					t.Errorf("%s: report key %q has no type in engine.Factory.Reports", name, key)
					continue
				}
				if m, ok := v.(map[string]any); ok && len(m) == 2 && m["error"] != nil {
					typ = reflect.TypeFor[engine.ErrorReport]()
				}
				walkNulls(v, typ, key, func(path string) {
					if _, seen := bad[path]; !seen {
						bad[path] = name
					}
				})
			}
		}
	}
	if ran < len(inputs) { // two runs per input: at least half must be read
		t.Fatalf("the engine read only %d of %d runs", ran, 2*len(inputs))
	}
	var paths2 []string
	for p := range bad {
		paths2 = append(paths2, p)
	}
	sort.Strings(paths2)
	for _, p := range paths2 {
		t.Errorf("%s is null (first in %s), but its type does not allow null: make it an empty list or map", p, bad[p])
	}
}

// walkNulls calls bad with the path of every null in v where Go type t is
// neither a pointer nor an interface, and of every null element of a list or map.
func walkNulls(v any, t reflect.Type, path string, bad func(string)) {
	if v == nil {
		if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
			bad(path)
		}
		return
	}
	if e, ok := report.RowsElem(t); ok { // a report.Rows: as a slice of its rows
		t = reflect.SliceOf(e)
	}
	elem := func(e any, path string) {
		if e == nil {
			bad(path)
			return
		}
		walkNulls(e, t.Elem(), path, bad)
	}
	switch t.Kind() {
	case reflect.Pointer:
		walkNulls(v, t.Elem(), path, bad)
	case reflect.Slice, reflect.Array:
		if l, ok := v.([]any); ok {
			for _, e := range l {
				elem(e, path+"[]")
			}
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for _, e := range m {
				elem(e, path+"{}")
			}
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, f := range report.Fields(t) {
			if e, ok := m[f.Name]; ok {
				walkNulls(e, f.Type, path+"."+f.Name, bad)
			}
		}
	}
}

// emptyPCAP is a pcap file header with no packets.
func emptyPCAP() []byte {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], 1)
	return h
}

// TestWalkNulls checks the checker: a nil slice or map is caught, a nil pointer is not.
func TestWalkNulls(t *testing.T) {
	type inner struct {
		List []int `json:"list"`
	}
	type outer struct {
		inner
		Map  map[string]int `json:"map"`
		Ptr  *int           `json:"ptr"`
		Rows []inner        `json:"rows"`
		Ptrs []*inner       `json:"ptrs"`
	}
	got := nullsAt(t, outer{Rows: []inner{{}}, Ptrs: []*inner{nil}})
	if want := []string{"r.list", "r.map", "r.ptrs[]", "r.rows[].list"}; !reflect.DeepEqual(got, want) {
		t.Errorf("nulls found at %v, want %v", got, want)
	}
}

// tsRow and tsInner are the rows of TestRowsAsSlice's reports.
type tsRow struct {
	N     int                  `json:"n"`
	Inner report.Rows[tsInner] `json:"inner"`
}

type tsInner struct {
	S string `json:"s"`
}

type tsSliceRow struct {
	N     int       `json:"n"`
	Inner []tsInner `json:"inner"`
}

// TestRowsAsSlice: a report.Rows generates what a slice of its rows
// generates, wherever it is (a field, behind a pointer, in a map, in a row).
func TestRowsAsSlice(t *testing.T) {
	type rowsRep struct {
		Rows    report.Rows[tsRow]            `json:"rows"`
		Ptr     *report.Rows[tsInner]         `json:"ptr"`
		Omit    *report.Rows[tsInner]         `json:"omit,omitempty"`
		ByName  map[string]report.Rows[tsRow] `json:"by_name"`
		Names   report.Rows[string]           `json:"names"`
		Ptrs    report.Rows[*tsInner]         `json:"ptrs"`
		Severit report.Rows[finding.Severity] `json:"severities"`
	}
	type sliceRep struct {
		Rows    []tsSliceRow            `json:"rows"`
		Ptr     *[]tsInner              `json:"ptr"`
		Omit    *[]tsInner              `json:"omit,omitempty"`
		ByName  map[string][]tsSliceRow `json:"by_name"`
		Names   []string                `json:"names"`
		Ptrs    []*tsInner              `json:"ptrs"`
		Severit []finding.Severity      `json:"severities"`
	}
	gen := func(rep, row reflect.Type) (string, string) {
		g := newGen(t.TempDir())
		body, err := g.object(rep, "")
		if err != nil {
			t.Fatal(err)
		}
		n, err := g.ref(row)
		if err != nil {
			t.Fatal(err)
		}
		for len(g.queue) > 0 {
			if err := g.declare(g.queue[0]); err != nil {
				t.Fatal(err)
			}
			g.queue = g.queue[1:]
		}
		return body, g.decls[n]
	}
	rb, rd := gen(reflect.TypeFor[rowsRep](), reflect.TypeFor[tsRow]())
	sb, sd := gen(reflect.TypeFor[sliceRep](), reflect.TypeFor[tsSliceRow]())
	sb = strings.ReplaceAll(sb, "tsSliceRow", "tsRow")
	sd = strings.ReplaceAll(sd, "tsSliceRow", "tsRow")
	if rb != sb || rd != sd {
		t.Errorf("report.Rows:\n%s\n%s\nslices:\n%s\n%s", rb, rd, sb, sd)
	}
	if !strings.Contains(rb, "rows: tsRow[];") || !strings.Contains(rd, "inner: tsInner[];") || !strings.Contains(rb, "ptr: tsInner[] | null;") {
		t.Errorf("report.Rows:\n%s\n%s", rb, rd)
	}
}

// TestWalkNullsRows: the null checker walks the rows of a report.Rows.
func TestWalkNullsRows(t *testing.T) {
	type inner struct {
		List []int `json:"list"`
	}
	type outer struct {
		Rows report.Rows[inner]  `json:"rows"`
		Ptrs report.Rows[*inner] `json:"ptrs"`
	}
	got := nullsAt(t, outer{Rows: report.RowsOf([]inner{{}}), Ptrs: report.RowsOf([]*inner{nil})})
	if want := []string{"r.ptrs[]", "r.rows[].list"}; !reflect.DeepEqual(got, want) {
		t.Errorf("nulls found at %v, want %v", got, want)
	}
}

// nullsAt is where walkNulls finds nulls in v written as JSON, sorted.
func nullsAt[T any](t *testing.T, v T) []string {
	t.Helper()
	js, _ := json.Marshal(v)
	var x any
	if err := json.Unmarshal(js, &x); err != nil {
		t.Fatal(err)
	}
	var got []string
	walkNulls(x, reflect.TypeFor[T](), "r", func(p string) { got = append(got, p) })
	sort.Strings(got)
	return got
}
