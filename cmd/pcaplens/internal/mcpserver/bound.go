package mcpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"pcaplens/analysis/report"
)

// Bounds of an answer.
const (
	// DefaultMaxAnswerBytes is the size an answer's JSON stays under by
	// default (about 25,000 tokens for an assistant).
	DefaultMaxAnswerBytes = 100_000
	// DefaultLimit is how many items of each list a report answer gives
	// when the call does not say.
	DefaultLimit = 50
	// MaxLimit is the largest limit a call may ask for.
	MaxLimit = 1000
	// nestedItems is how many items a list or map inside a report keeps
	// when the answer would be too large otherwise.
	nestedItems = 20
)

// List says what an answer did to one list of a report: how many items it
// has, where the page starts and how many the answer returns.
type List struct {
	// Path is the list's place in the report ("packets", "statistics.top_names").
	Path string `json:"path"`
	// Total is the number of items the report has.
	Total int `json:"total"`
	// Skip is the number of items passed over before the first returned.
	Skip int `json:"skip"`
	// Returned is the number of items in the answer.
	Returned int `json:"returned"`
}

// page bounds a report for an answer. The lists at the report's top level
// (per-packet lists, connections, transactions, …) give items skip to
// skip+limit; when the JSON is still larger than max bytes, the lists and
// maps inside the report are cut to their first items, then the page is
// made smaller, until it fits. It returns the JSON and what was cut; an
// error when even one item per list does not fit.
//
// With list set, skip applies to that top-level list only; the others give
// their first items.
func page(rep any, list string, skip, limit, max int) (json.RawMessage, []List, error) {
	if list != "" {
		names := report.Lists(reflect.TypeOf(rep))
		if !slices.Contains(names, list) {
			return nil, nil, fmt.Errorf("list %q is not a list of this report (its lists: %s)", list, strings.Join(names, ", "))
		}
	}
	for {
		v, lists := pageTop(rep, list, skip, limit)
		b, err := report.JSON(v)
		if err != nil {
			return nil, nil, err
		}
		if len(b) <= max {
			return b, lists, nil
		}
		// Cut what is nested, then see again.
		var x any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&x); err != nil {
			return nil, nil, err
		}
		top := map[string]bool{}
		for _, l := range lists {
			top[l.Path] = true
		}
		x = cutNested(x, "", top, mapPaths(reflect.TypeOf(rep)), &lists)
		if b, err = report.JSON(x); err != nil {
			return nil, nil, err
		}
		if len(b) <= max {
			sort.Slice(lists, func(i, j int) bool { return lists[i].Path < lists[j].Path })
			return b, lists, nil
		}
		if limit <= 1 {
			return nil, nil, fmt.Errorf("the answer would be %d bytes even with one item per list, more than the limit of %d: ask a narrower question (get_findings, list_packets with a filter)", len(b), max)
		}
		limit /= 2
	}
}

// pageTop returns a shallow copy of the report struct with each top-level
// list (a slice or a report.Rows) cut to [skip, skip+limit), and what it cut. A report that is not a
// struct is returned as it is.
func pageTop(rep any, list string, skip, limit int) (any, []List) {
	rv := reflect.ValueOf(rep)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return rep, nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return rep, nil
	}
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	var lists []List
	pageFields(cp, list, skip, limit, &lists)
	return cp.Addr().Interface(), lists
}

// pageFields cuts the lists among the struct v's JSON members (those of
// its embedded structs too, which JSON flattens; not those behind an
// embedded pointer, which the copy shares with the report).
func pageFields(v reflect.Value, list string, skip, limit int, lists *[]List) {
	for _, f := range report.Fields(v.Type()) {
		if f.ViaPointer || !report.IsList(f.Type) {
			continue
		}
		fv := v.FieldByIndex(f.Index)
		rl, isRows := rowList(fv)
		var n int
		switch {
		case isRows && rl != nil:
			n = rl.Len()
		case !isRows:
			n = fv.Len()
		}
		if n == 0 {
			continue
		}
		sk := skip
		if list != "" && f.Name != list {
			sk = 0
		}
		lo := min(sk, n)
		hi := min(lo+limit, n)
		if lo == 0 && hi == n {
			continue
		}
		if isRows {
			if !setRows(fv, rl.Sub(lo, hi)) {
				continue // a type that only holds a Rows: left whole
			}
		} else {
			fv.Set(fv.Slice(lo, hi))
		}
		*lists = append(*lists, List{Path: f.Name, Total: n, Skip: lo, Returned: hi - lo})
	}
}

// rowList reads v, a report.Rows or a pointer to one, as a RowList (nil
// for a nil pointer); ok is false for any other value.
func rowList(v reflect.Value) (rl report.RowList, ok bool) {
	if !report.IsRowList(v.Type()) || v.Kind() == reflect.Interface {
		return nil, false
	}
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, true
	}
	return v.Interface().(report.RowList), true
}

// setRows sets v, a report.Rows or a pointer to one, to the rows sub (a
// Sub of it); false when sub is not of v's type.
func setRows(v reflect.Value, sub any) bool {
	sv := reflect.ValueOf(sub)
	if v.Kind() == reflect.Pointer {
		if !sv.Type().AssignableTo(v.Type().Elem()) {
			return false
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(sv)
		v.Set(p)
		return true
	}
	if !sv.Type().AssignableTo(v.Type()) {
		return false
	}
	v.Set(sv)
	return true
}

// cutNested cuts the arrays below the top level, and the objects that
// are Go maps (maps, the set of paths where the report's type has a map),
// to their first nestedItems items (objects by sorted key), recording each
// cut; cuts at one path inside the items of a list are added up. Top-level
// lists (already paged) are left alone.
func cutNested(x any, at string, top, maps map[string]bool, lists *[]List) any {
	switch v := x.(type) {
	case map[string]any:
		if maps[at] && len(v) > nestedItems {
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			addCut(lists, at, len(v), nestedItems)
			for _, k := range keys[nestedItems:] {
				delete(v, k)
			}
		}
		for k, c := range v {
			v[k] = cutNested(c, join(at, k, maps[at]), top, maps, lists)
		}
		return v
	case []any:
		if at != "" && !top[at] && len(v) > nestedItems {
			addCut(lists, at, len(v), nestedItems)
			v = v[:nestedItems]
		}
		for i, c := range v {
			v[i] = cutNested(c, at+"[]", top, maps, lists)
		}
		return v
	}
	return x
}

// addCut records a cut, adding it to an earlier one at the same path.
func addCut(lists *[]List, at string, total, returned int) {
	for i := range *lists {
		if l := &(*lists)[i]; l.Path == at {
			l.Total += total
			l.Returned += returned
			return
		}
	}
	*lists = append(*lists, List{Path: at, Total: total, Returned: returned})
}

// join is the path of member k of the object at: a map's values share
// one path ("statistics.echo_pairs{}").
func join(at, k string, isMap bool) string {
	if isMap {
		return at + "{}"
	}
	if at == "" {
		return k
	}
	return at + "." + k
}

// mapPaths returns the JSON paths (as cutNested writes them) where the Go
// type t has a map.
func mapPaths(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	var walk func(t reflect.Type, at string, depth int)
	walk = func(t reflect.Type, at string, depth int) {
		if depth > 10 {
			return
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if e, ok := report.RowsElem(t); ok { // written as a slice of its rows
			walk(e, at+"[]", depth+1)
			return
		}
		switch t.Kind() {
		case reflect.Map:
			out[at] = true
			walk(t.Elem(), at+"{}", depth+1)
		case reflect.Slice, reflect.Array:
			walk(t.Elem(), at+"[]", depth+1)
		case reflect.Struct:
			for _, f := range report.Fields(t) {
				walk(f.Type, join(at, f.Name, false), depth+1)
			}
		}
	}
	if t != nil {
		walk(t, "", 0)
	}
	return out
}
