//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/capinfos"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/report"
)

// The page never receives a whole report: the session keeps the reports
// (Go values, as engine.Run returned them) and answers questions about them.
//
//   - summary: every report with each list of rows (a JSON array of objects)
//     longer than summaryRows cut to its first summaryRows rows, and for
//     each cut list its path and length ("lists"). Arrays of numbers or
//     strings (chart series, names) are kept whole.
//   - rows: a page of one list, sorted by a field path, filtered by words
//     and by one field's value, with the positions of the rows a finding's
//     frames or subjects name.
//   - report JSON and CSV: written part by part (one tool's report, or a
//     block of rows), never as one string.
//
// A list is named by its path: the tool, then JSON field names and map keys
// joined by dots ("tcp_connections.connections", "overview.conversations.tcp").

// summaryRows is how many rows of each list the summary keeps.
const summaryRows = 100

// Limits of the rows call.
const (
	maxRowsPage = 5000
	maxHits     = 1000
)

// reportState is a finished analysis' reports and the last views of its lists.
type reportState struct {
	mu      sync.Mutex
	reports map[string]any
	views   map[string]*listView // by path: the last sort and filter asked
	// keys are, by path, the values of the field a list of rows made when
	// read was last sorted by with no filter, of every row.
	keys map[string]*sortKeys
}

// listView is one list in one order, filtered: the row indexes shown.
type listView struct {
	sort   string
	desc   bool
	filter string
	where  string
	order  []int32
	// sorted marks, when sorted, the rows of order that start a run of
	// rows with equal values, and unsorted counts the rows at its end that
	// have none: the same sort the other way is then these runs in reverse
	// order, read again from no row (a row of a report.Rows is made to be
	// read, about a second for 500,000 TCP connections).
	sorted   []bool
	unsorted int
}

// deref follows pointers and interfaces; ok is false at a nil.
func deref(v reflect.Value) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, v.IsValid()
}

// child is the value under one name: a struct's JSON field or a map's key.
func child(v reflect.Value, name string) (reflect.Value, bool) {
	v, ok := deref(v)
	if !ok {
		return v, false
	}
	switch v.Kind() {
	case reflect.Struct:
		for _, f := range report.Fields(v.Type()) {
			if f.Name == name {
				fv, err := v.FieldByIndexErr(f.Index)
				return fv, err == nil
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String {
			if v.Type().Key() == reflect.TypeFor[string]() {
				x := v.MapIndex(reflect.ValueOf(name))
				return x, x.IsValid()
			}
			it := v.MapRange()
			for it.Next() {
				if it.Key().String() == name {
					return it.Value(), true
				}
			}
		}
	}
	return reflect.Value{}, false
}

// rowSource is a list as the list views read it: a slice or an array, or a
// report.RowList (report.Rows), whose rows are made when read. Index makes
// a new row of a RowList at each call, which costs a whole row: a pass over
// the list reads each row once and keeps what it needs of it.
type rowSource struct {
	s  reflect.Value  // the slice or array, when rl is nil
	rl report.RowList // else the list
}

// asRows reads v (pointers and interfaces already followed) as a list: a
// slice, an array or a report.RowList.
func asRows(v reflect.Value) (rowSource, bool) {
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		return rowSource{s: v}, true
	case reflect.Struct:
		if report.IsRowList(v.Type()) && v.CanInterface() {
			return rowSource{rl: v.Interface().(report.RowList)}, true
		}
	}
	return rowSource{}, false
}

// Len is the number of rows.
func (l rowSource) Len() int {
	if l.rl != nil {
		return l.rl.Len()
	}
	return l.s.Len()
}

// Index is row i (of a RowList: made now, addressable as a slice's element).
func (l rowSource) Index(i int) reflect.Value {
	if l.rl != nil {
		return reflect.ValueOf(l.rl.At(i)).Elem()
	}
	return l.s.Index(i)
}

// scan is Index for a pass that reads each row and keeps nothing of it
// (texts it keeps are strings, which a row never changes): a RowList's
// rows are made into one row, *scratch, rather than each into a new one.
func (l rowSource) scan(i int, scratch *reflect.Value) reflect.Value {
	if l.rl == nil {
		return l.s.Index(i)
	}
	if !scratch.IsValid() {
		*scratch = reflect.New(l.rl.RowType())
	} else {
		scratch.Elem().SetZero()
	}
	l.rl.FillAny(i, scratch.Interface())
	return scratch.Elem()
}

// elem is the rows' type.
func (l rowSource) elem() reflect.Type {
	if l.rl != nil {
		return l.rl.RowType()
	}
	return l.s.Type().Elem()
}

// list finds the list at path.
func (rs *reportState) list(path string) (rowSource, error) {
	parts := strings.Split(path, ".")
	rep, ok := rs.reports[parts[0]]
	if !ok {
		return rowSource{}, errorf(codeBadOptions, "pcaplens: no report %q", parts[0])
	}
	v := reflect.ValueOf(rep)
	for _, p := range parts[1:] {
		if v, ok = child(v, p); !ok {
			return rowSource{}, errorf(codeBadOptions, "pcaplens: no list %q", path)
		}
	}
	v, ok = deref(v)
	var l rowSource
	if ok {
		l, ok = asRows(v)
	}
	if !ok {
		return rowSource{}, errorf(codeBadOptions, "pcaplens: %q is not a list", path)
	}
	return l, nil
}

// isRowType tells a list of rows (objects) from a series (numbers, strings).
func isRowType(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Map || t.Kind() == reflect.Interface
}

// cut returns v with every list of rows longer than summaryRows resliced to
// its first rows, copying only what holds a cut list (changed tells);
// lists records the cut lists' paths and lengths.
func cut(v reflect.Value, path string, lists map[string]int) (out reflect.Value, changed bool) {
	if !v.IsValid() {
		return v, false
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		e, ok := cut(v.Elem(), path, lists)
		if !ok {
			return v, false
		}
		out = reflect.New(v.Type()).Elem()
		out.Set(e)
		return out, true
	case reflect.Pointer:
		if v.IsNil() || !interesting(v.Type().Elem()) {
			return v, false
		}
		e, ok := cut(v.Elem(), path, lists)
		if !ok {
			return v, false
		}
		p := reflect.New(e.Type())
		p.Elem().Set(e)
		return p, true
	case reflect.Struct:
		if l, ok := asRows(v); ok {
			// A report.Rows: as a slice, resliced by Sub.
			if !isRowType(l.elem()) || l.Len() <= summaryRows {
				return v, false
			}
			sub := reflect.ValueOf(l.rl.Sub(0, summaryRows))
			if !sub.Type().AssignableTo(v.Type()) {
				return v, false // not a Rows itself (a struct embedding one): kept whole
			}
			lists[path[1:]] = l.Len()
			return sub, true
		}
		for _, f := range report.Fields(v.Type()) {
			fv, err := v.FieldByIndexErr(f.Index)
			if err != nil || !interesting(fv.Type()) {
				continue
			}
			if c, ok := cut(fv, path+"."+f.Name, lists); ok {
				if !changed {
					out = reflect.New(v.Type()).Elem()
					out.Set(v)
					changed = true
				}
				out.FieldByIndex(f.Index).Set(c)
			}
		}
		if changed {
			return out, true
		}
		return v, false
	case reflect.Map:
		if v.IsNil() || v.Type().Key().Kind() != reflect.String || !interesting(v.Type().Elem()) {
			return v, false
		}
		it := v.MapRange()
		for it.Next() {
			if c, ok := cut(it.Value(), path+"."+it.Key().String(), lists); ok {
				if !changed {
					out = reflect.MakeMapWithSize(v.Type(), v.Len())
					for _, k := range v.MapKeys() {
						out.SetMapIndex(k, v.MapIndex(k))
					}
					changed = true
				}
				out.SetMapIndex(it.Key(), c)
			}
		}
		if changed {
			return out, true
		}
		return v, false
	case reflect.Slice:
		if v.IsNil() || !isRowType(v.Type().Elem()) || v.Len() <= summaryRows {
			return v, false
		}
		lists[path[1:]] = v.Len()
		// Rows hold no lists of rows worth cutting: reslice only.
		return v.Slice(0, summaryRows), true
	}
	return v, false
}

var interestingCache sync.Map // reflect.Type → bool

// interesting tells whether a type can hold a list of rows (structs, maps,
// slices and report.Rows of rows, interfaces), so that cut skips scalar fields.
func interesting(t reflect.Type) bool {
	if v, ok := interestingCache.Load(t); ok {
		return v.(bool)
	}
	interestingCache.Store(t, false) // recursive types
	r := false
	if e, ok := report.RowsElem(t); ok {
		r = isRowType(e)
		interestingCache.Store(t, r)
		return r
	}
	switch t.Kind() {
	case reflect.Interface:
		r = true
	case reflect.Pointer:
		r = interesting(t.Elem())
	case reflect.Slice:
		r = isRowType(t.Elem())
	case reflect.Map:
		r = interesting(t.Elem())
	case reflect.Struct:
		for _, f := range report.Fields(t) {
			if interesting(f.Type) {
				r = true
				break
			}
		}
	}
	interestingCache.Store(t, r)
	return r
}

// names lists the report's keys, sorted (encoding/json's order for a map).
func (rs *reportState) names() []string {
	out := make([]string, 0, len(rs.reports))
	for k := range rs.reports {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// summary writes the summary as JSON text: {"report": {...}, "lists": {path: length}}.
// The top-level findings are never cut.
func (rs *reportState) summary() ([]byte, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	lists := map[string]int{}
	var buf bytes.Buffer
	buf.WriteString(`{"report":{`)
	for i, name := range rs.names() {
		v := reflect.ValueOf(rs.reports[name])
		if name != engine.FindingsKey { // the ranked findings go whole
			v, _ = cut(v, "."+name, lists)
		}
		b, err := report.JSON(v.Interface())
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(strconv.Quote(name))
		buf.WriteByte(':')
		buf.Write(b)
	}
	buf.WriteString(`},"lists":`)
	b, err := report.JSON(lists)
	if err != nil {
		return nil, err
	}
	buf.Write(b)
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// reportParts encodes the whole report as `pcaplens analyze` prints it, one
// part per tool: concatenated, the parts are the CLI's document ("{", the
// members joined by ",", "}\n").
func (rs *reportState) reportParts(emit func([]byte) error) error {
	first := true
	err := rs.members(func(_ string, member []byte) error {
		head := ","
		if first {
			head, first = "{", false
		}
		return emit(append([]byte(head), member...))
	})
	if err != nil {
		return err
	}
	if first {
		return emit([]byte("{}\n"))
	}
	return emit([]byte("}\n"))
}

// rowQuery is a rows call: which list, in which order, which rows.
type rowQuery struct {
	Path   string `json:"path"`
	Sort   string `json:"sort"`
	Desc   bool   `json:"desc"`
	Filter string `json:"filter"`
	// Where keeps the rows whose field Where[0] equals Where[1] (text).
	Where []string `json:"where"`
	// Overlap keeps the rows whose span [From, From+Length] (field paths)
	// meets [Lo, Hi].
	Overlap *overlap `json:"overlap"`
	Skip    int      `json:"skip"`
	Limit   int      `json:"limit"`
	// Frames and Subjects ask for the positions of the rows that name them
	// (Hits), as a finding's evidence; Span for rows whose first_frame …
	// last_frame holds a frame, when none names one.
	Frames   []int    `json:"frames"`
	Subjects []string `json:"subjects"`
	Span     bool     `json:"span"`
}

// overlap is a span filter: From and Length are field paths.
type overlap struct {
	From, Length string
	Lo, Hi       float64
}

// rowPage is the answer of a rows call.
type rowPage struct {
	Rows json.RawMessage `json:"rows"`
	// Total is the list's length; Matched the rows the filter keeps.
	Total   int `json:"total"`
	Matched int `json:"matched"`
	Skip    int `json:"skip"`
	// Hits are positions (in the filtered, sorted list) of the rows the
	// frames or subjects name, ascending (at most maxHits).
	Hits []int `json:"hits,omitempty"`
	// HitIndexes are the same rows' positions in the report's list.
	HitIndexes []int `json:"hit_indexes,omitempty"`
	// Indexes are the rows' positions in the report's list (its order).
	Indexes []int `json:"indexes"`
}

// view returns the list's rows in the query's order and filter, reusing the
// last view of the same list when it matches.
// Each row is read once by the filter (when there is one), and the rows
// kept once more by the sort (when there is one).
func (rs *reportState) view(l rowSource, q *rowQuery) []int32 {
	where := strings.Join(q.Where, "\x00")
	if o := q.Overlap; o != nil {
		where += fmt.Sprintf("\x01%s\x00%s\x00%v\x00%v", o.From, o.Length, o.Lo, o.Hi)
	}
	v := rs.views[q.Path]
	if v != nil && v.sort == q.Sort && v.filter == q.Filter && v.where == where {
		if v.desc == q.Desc {
			return v.order
		}
		if v.sorted != nil {
			order, sorted := reverseRuns(v.order, v.sorted, v.unsorted)
			rs.views[q.Path] = &listView{sort: q.Sort, desc: q.Desc, filter: q.Filter, where: where, order: order, sorted: sorted, unsorted: v.unsorted}
			return order
		}
	}
	n := l.Len()
	order := make([]int32, 0, n)
	words := strings.Fields(strings.ToLower(q.Filter))
	var buf []byte
	var scratch reflect.Value
	filtered := len(q.Where) == 2 || q.Overlap != nil || len(words) > 0
	// Words typed on after the last view's keep a part of its rows: only
	// those are read again (a row of a report.Rows is made to be read).
	var among []int32
	if v != nil && v.where == where && narrows(words, strings.Fields(strings.ToLower(v.filter))) {
		among = slices.Clone(v.order)
		slices.Sort(among)
		n = len(among)
	}
	for k := 0; k < n; k++ {
		i := k
		if among != nil {
			i = int(among[k])
		}
		if !filtered { // every row: none made
			order = append(order, int32(i))
			continue
		}
		row := l.scan(i, &scratch)
		if len(q.Where) == 2 {
			x, ok := valueAt(row, q.Where[0])
			if !ok || scalarText(x) != q.Where[1] {
				continue
			}
		}
		if o := q.Overlap; o != nil {
			from, ok1 := valueAt(row, o.From)
			length, ok2 := valueAt(row, o.Length)
			a, ok3 := number(from)
			d, ok4 := number(length)
			// A missing figure reads as 0, as the page's n() does.
			if !ok1 || !ok3 {
				a = 0
			}
			if !ok2 || !ok4 {
				d = 0
			}
			if a > o.Hi || a+d < o.Lo {
				continue
			}
		}
		if len(words) > 0 {
			buf = appendText(buf[:0], row, 0)
			if !containsAll(buf, words) {
				continue
			}
		}
		order = append(order, int32(i))
	}
	nv := &listView{sort: q.Sort, desc: q.Desc, filter: q.Filter, where: where, order: order}
	switch k := rs.keys[q.Path]; {
	case q.Sort == "":
	case k != nil && k.path == q.Sort:
		nv.sorted, nv.unsorted = sortBy(order, k, q.Desc)
	case l.rl != nil && !filtered:
		// Every row of a list of rows made when read: their values are
		// kept, so that the same sort after a filter, or with none again,
		// makes no row for the sort.
		k = readKeys(l, order, q.Sort)
		k.byRow = true
		if rs.keys == nil {
			rs.keys = map[string]*sortKeys{}
		}
		rs.keys[q.Path] = k
		nv.sorted, nv.unsorted = sortBy(order, k, q.Desc)
	default:
		nv.sorted, nv.unsorted = sortRows(l, order, q.Sort, q.Desc)
	}
	rs.views[q.Path] = nv
	return order
}

// reverseRuns is a sorted order the other way: its runs of equal values
// (sorted marks where each starts) in reverse order, each run's rows in
// the order they had (the list's, as a stable sort leaves ties), and the
// last unsorted rows, which have no value, last still. It returns the
// runs' starts in the new order.
func reverseRuns(order []int32, sorted []bool, unsorted int) ([]int32, []bool) {
	n := len(order)
	out := make([]int32, 0, n)
	starts := make([]bool, n)
	end := n - unsorted
	for end > 0 {
		start := end - 1
		for start > 0 && !sorted[start] {
			start--
		}
		starts[len(out)] = true
		out = append(out, order[start:end]...)
		end = start
	}
	for k := len(out); k < n; k++ {
		starts[k] = k == len(out) // the rows with no value are one run
	}
	out = append(out, order[n-unsorted:]...)
	return out, starts
}

// rows answers a rows call.
func (rs *reportState) rows(q *rowQuery) (*rowPage, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	l, err := rs.list(q.Path)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > maxRowsPage {
		q.Limit = min(max(q.Limit, 100), maxRowsPage)
	}
	order := rs.view(l, q)
	skip := min(max(q.Skip, 0), len(order))
	end := min(skip+q.Limit, len(order))
	page := &rowPage{Total: l.Len(), Matched: len(order), Skip: skip, Indexes: make([]int, 0, end-skip)}
	rows := make([]any, 0, end-skip)
	for _, i := range order[skip:end] {
		rows = append(rows, l.Index(int(i)).Interface())
		page.Indexes = append(page.Indexes, int(i))
	}
	if page.Rows, err = report.JSON(rows); err != nil {
		return nil, err
	}
	if len(q.Frames) > 0 || len(q.Subjects) > 0 {
		m := newEvidence(q.Frames, q.Subjects)
		var scratch reflect.Value
		for p, i := range order {
			if m.names(l.scan(int(i), &scratch), q.Span) {
				page.Hits = append(page.Hits, p)
				page.HitIndexes = append(page.HitIndexes, int(i))
				if len(page.Hits) == maxHits {
					break
				}
			}
		}
	}
	return page, nil
}

// csvColumn is one column of a CSV export: its header and the field path
// of its value ("a.b", or "a+b" for a sum).
type csvColumn struct {
	Key  string `json:"key"`
	Path string `json:"path"`
}

// csv writes the rows of a list, in the query's order and filter, as CSV
// (raw values; a cell that a spreadsheet would run as a formula is quoted),
// in parts of about 1 MiB.
func (rs *reportState) csv(q *rowQuery, cols []csvColumn, emit func([]byte) error) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	l, err := rs.list(q.Path)
	if err != nil {
		return err
	}
	order := rs.view(l, q)
	var buf []byte
	for i, c := range cols {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendCSV(buf, c.Key, true)
	}
	buf = append(buf, "\r\n"...)
	var scratch reflect.Value
	for _, i := range order {
		row := l.scan(int(i), &scratch)
		for j, c := range cols {
			if j > 0 {
				buf = append(buf, ',')
			}
			if x, ok := valueAt(row, c.Path); ok {
				buf = appendCSV(buf, cellText(x), isString(x))
			}
		}
		buf = append(buf, "\r\n"...)
		if len(buf) >= 1<<20 {
			if err := emit(buf); err != nil {
				return err
			}
			buf = nil
		}
	}
	if len(buf) > 0 {
		return emit(buf)
	}
	return nil
}

// valueAt reads a field path of a row: "a.b" (JSON names, map keys), or
// "a+b" (the sum of numbers). A map of numbers reads as their sum.
func valueAt(row reflect.Value, path string) (reflect.Value, bool) {
	if strings.Contains(path, "+") {
		sum := 0.0
		for rest := path; rest != ""; {
			var p string
			p, rest, _ = strings.Cut(rest, "+")
			if x, ok := valueAt(row, p); ok {
				if f, ok := number(x); ok {
					sum += f
				}
			}
		}
		return reflect.ValueOf(sum), true
	}
	v := row
	for rest := path; rest != ""; {
		var p string
		var ok bool
		p, rest, _ = strings.Cut(rest, ".")
		if v, ok = child(v, p); !ok {
			return v, false
		}
	}
	v, ok := deref(v)
	return v, ok
}

// number reads a number (a map of numbers: their sum).
func number(v reflect.Value) (float64, bool) {
	v, ok := deref(v)
	if !ok {
		return 0, false
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), true
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		return f, !math.IsNaN(f)
	case reflect.Map:
		if v.Len() == 0 {
			return 0, false
		}
		sum := 0.0
		it := v.MapRange()
		for it.Next() {
			f, ok := number(it.Value())
			if !ok {
				return 0, false
			}
			sum += f
		}
		return sum, true
	}
	return 0, false
}

func isString(v reflect.Value) bool { return v.Kind() == reflect.String }

// scalarText is a scalar's text as JSON writes it (strings unquoted).
func scalarText(v reflect.Value) string {
	v, ok := deref(v)
	if !ok {
		return ""
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	return ""
}

// cellText is a CSV cell: a scalar's text, a list of scalars joined with
// ", ", anything else as JSON.
func cellText(v reflect.Value) string {
	if l, ok := asRows(v); ok && !isRowType(l.elem()) {
		parts := make([]string, l.Len())
		for i := range parts {
			parts[i] = scalarText(l.Index(i))
		}
		return strings.Join(parts, ", ")
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array, reflect.Struct, reflect.Map:
	default:
		return scalarText(v)
	}
	b, err := report.JSON(v.Interface())
	if err != nil {
		return ""
	}
	return string(b)
}

// appendCSV appends one cell, quoted when it must be; text from a capture
// that starts like a formula gets a leading quote.
func appendCSV(buf []byte, s string, text bool) []byte {
	if text && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	if !strings.ContainsAny(s, "\",\n\r") {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	buf = append(buf, strings.ReplaceAll(s, `"`, `""`)...)
	return append(buf, '"')
}

// appendText appends a row's scalar values, lowercased and separated by
// NUL, for the words filter (nested values up to three levels deep).
func appendText(buf []byte, v reflect.Value, depth int) []byte {
	v, ok := deref(v)
	if !ok || depth > 3 {
		return buf
	}
	if l, ok := asRows(v); ok {
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return buf
		}
		for i := 0; i < l.Len() && i < 64; i++ {
			buf = appendText(buf, l.Index(i), depth+1)
		}
		return buf
	}
	switch v.Kind() {
	case reflect.Struct:
		for _, f := range report.Fields(v.Type()) {
			if fv, err := v.FieldByIndexErr(f.Index); err == nil {
				buf = appendText(buf, fv, depth+1)
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			buf = appendLower(buf, it.Key().String())
			buf = appendText(buf, it.Value(), depth+1)
		}
	default:
		buf = appendLower(buf, scalarText(v))
	}
	return buf
}

func appendLower(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
		i += n
	}
	return append(buf, 0)
}

// narrows tells whether every row the words keep, the words before keep
// too: each word before is within one of the words.
func narrows(words, before []string) bool {
	if len(before) == 0 {
		return false // the last view read no row
	}
	for _, b := range before {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.Contains(w, b) }) {
			return false
		}
	}
	return true
}

func containsAll(hay []byte, words []string) bool {
	for _, w := range words {
		if !bytes.Contains(hay, []byte(w)) {
			return false
		}
	}
	return true
}

// sortKeys are the values of one field of some rows of a list, read for a
// sort: entry k is row k's when they cover the whole list (byRow), else
// the k-th row of the order they were read for.
type sortKeys struct {
	path  string
	byRow bool
	state []uint8 // keyNone, keyNumber or keyText
	nums  []float64
	texts []string
	// A number's kind and bits, for its text should other rows hold text.
	kinds []uint8
	bits  []uint64
}

const (
	keyNone = iota
	keyNumber
	keyText
)

// readKeys reads the field at path of the rows of order, each row once.
func readKeys(l rowSource, order []int32, path string) *sortKeys {
	n := len(order)
	k := &sortKeys{path: path, state: make([]uint8, n), nums: make([]float64, n), texts: make([]string, n), kinds: make([]uint8, n), bits: make([]uint64, n)}
	var scratch reflect.Value
	for j, i := range order {
		x, ok := valueAt(l.scan(int(i), &scratch), path)
		if !ok {
			continue
		}
		if f, ok := number(x); ok {
			k.state[j], k.nums[j] = keyNumber, f
			k.kinds[j], k.bits[j] = numberBits(x)
			continue
		}
		if x.Kind() == reflect.Map && x.Len() == 0 {
			continue
		}
		if t := cellText(x); t != "" {
			k.state[j], k.texts[j] = keyText, t
		}
	}
	return k
}

// sortRows sorts row indexes by the field at path: numbers numerically,
// text in natural order (case ignored, digit runs by value); rows without
// a value last whichever the direction; ties in the list's order. Each
// row is read once: its key is kept, never read again per comparison.
// It returns where the runs of rows with equal values start, and how many
// rows at the end have none (reverseRuns).
func sortRows(l rowSource, order []int32, path string, desc bool) (sorted []bool, unsorted int) {
	return sortBy(order, readKeys(l, order, path), desc)
}

// sortBy sorts order by keys (of its rows, or of every row of the list).
func sortBy(order []int32, keys *sortKeys, desc bool) (sorted []bool, unsorted int) {
	n := len(order)
	at := func(p int) int { return p } // the key of order[p]
	if keys.byRow {
		at = func(p int) int { return int(order[p]) }
	}
	// Numbers sort as numbers unless a row of order holds text: then
	// every value sorts as text.
	numeric := true
	for p := range order {
		if keys.state[at(p)] == keyText {
			numeric = false
			break
		}
	}
	has := make([]bool, n)
	nums := make([]float64, n)
	var texts []string
	if !numeric {
		texts = make([]string, n)
	}
	for p := range order {
		j := at(p)
		switch keys.state[j] {
		case keyNumber:
			has[p], nums[p] = true, keys.nums[j]
			if !numeric {
				texts[p] = numberText(keys.kinds[j], keys.bits[j])
			}
		case keyText:
			has[p], texts[p] = true, keys.texts[j]
		}
	}
	pos := make([]int, n)
	for k := range pos {
		pos[k] = k
	}
	compare := func(x, y int) int {
		if numeric {
			switch {
			case nums[x] < nums[y]:
				return -1
			case nums[x] > nums[y]:
				return 1
			}
			return 0
		}
		return naturalCompare(texts[x], texts[y])
	}
	sort.SliceStable(pos, func(a, b int) bool {
		x, y := pos[a], pos[b]
		if !has[x] || !has[y] {
			return has[x] && !has[y]
		}
		c := compare(x, y)
		if desc {
			c = -c
		}
		return c < 0
	})
	out := make([]int32, n)
	sorted = make([]bool, n)
	for k, p := range pos {
		out[k] = order[p]
		switch {
		case !has[p]:
			sorted[k] = unsorted == 0
			unsorted++
		case k == 0:
			sorted[k] = true
		default:
			sorted[k] = compare(pos[k-1], p) != 0
		}
	}
	copy(order, out)
	return sorted, unsorted
}

// numberBits keeps a number that number read as its kind (1 signed, 2
// unsigned, 3 floating point; 0 a map's sum, whose text is empty) and its
// bits, for numberText.
func numberBits(v reflect.Value) (uint8, uint64) {
	v, ok := deref(v)
	if !ok {
		return 0, 0
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return 1, uint64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return 2, v.Uint()
	case reflect.Float32, reflect.Float64:
		return 3, math.Float64bits(v.Float())
	}
	return 0, 0
}

// numberText is scalarText of the number numberBits kept.
func numberText(kind uint8, bits uint64) string {
	switch kind {
	case 1:
		return strconv.FormatInt(int64(bits), 10)
	case 2:
		return strconv.FormatUint(bits, 10)
	case 3:
		return strconv.FormatFloat(math.Float64frombits(bits), 'g', -1, 64)
	}
	return ""
}

// naturalCompare compares text with case ignored and runs of digits by
// their value ("host9" before "host10"), as the page's collator does.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			i, j := digits(a), digits(b)
			x, y := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
			if len(x) != len(y) {
				return cmpInt(len(x), len(y))
			}
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if la, lb := unicode.ToLower(ra), unicode.ToLower(rb); la != lb {
			return cmpInt(int(la), int(lb))
		}
		a, b = a[na:], b[nb:]
	}
	return cmpInt(len(a), len(b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digits(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// evidence picks the rows a finding is about, as the page's evidence() in
// views/findings.ts: a row names one of the frames (a field frame, *_frame,
// or a list frames) or a subject (a field whose text equals it, or is that
// host with a port; "stream 3" or "tcp.stream == 3" is the row with stream
// 3); with span, a row whose first_frame … last_frame holds a frame.
type evidence struct {
	frames   map[int]bool
	subjects map[string]bool
	streams  map[int]bool
	list     []int
}

func newEvidence(frames []int, subjects []string) *evidence {
	e := &evidence{frames: map[int]bool{}, subjects: map[string]bool{}, streams: map[int]bool{}, list: frames}
	for _, f := range frames {
		e.frames[f] = true
	}
	for _, s := range subjects {
		e.subjects[s] = true
		t := strings.TrimSpace(s)
		for _, prefix := range []string{"stream ", "tcp.stream"} {
			if rest, ok := strings.CutPrefix(t, prefix); ok {
				rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "=="))
				if n, err := strconv.Atoi(rest); err == nil && (prefix == "stream " || strings.Contains(t, "==")) {
					e.streams[n] = true
				}
			}
		}
	}
	return e
}

// names tells whether the row is one the evidence picks.
func (e *evidence) names(row reflect.Value, span bool) bool {
	row, ok := deref(row)
	if !ok || row.Kind() != reflect.Struct {
		return false
	}
	if span {
		a, okA := valueAt(row, "first_frame")
		b, okB := valueAt(row, "last_frame")
		if !okA || !okB {
			return false
		}
		x, okA := number(a)
		y, okB := number(b)
		if !okA || !okB {
			return false
		}
		for _, f := range e.list {
			if float64(f) >= x && float64(f) <= y {
				return true
			}
		}
		return false
	}
	for _, f := range report.Fields(row.Type()) {
		fv, err := row.FieldByIndexErr(f.Index)
		if err != nil {
			continue
		}
		fv, ok := deref(fv)
		if !ok {
			continue
		}
		if f.OmitEmpty && fv.IsZero() {
			continue
		}
		if l, ok := asRows(fv); ok {
			if f.Name == "frames" {
				for i := 0; i < l.Len(); i++ {
					if n, ok := number(l.Index(i)); ok && e.frames[int(n)] {
						return true
					}
				}
			}
			continue
		}
		switch fv.Kind() {
		case reflect.String:
			s := fv.String()
			if e.subjects[s] {
				return true
			}
			if host, ok := hostOf(s); ok && e.subjects[host] {
				return true
			}
		default:
			n, ok := number(fv)
			if !ok || fv.Kind() == reflect.Map {
				continue
			}
			if e.frames[int(n)] && float64(int(n)) == n && (f.Name == "frame" || strings.HasSuffix(f.Name, "_frame")) {
				return true
			}
			if f.Name == "stream" && e.streams[int(n)] {
				return true
			}
			if e.subjects[scalarText(fv)] {
				return true
			}
		}
	}
	return false
}

// hostOf reads "10.0.0.1:80" and "[2001:db8::1]:80" as their host.
func hostOf(s string) (string, bool) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return "", false
	}
	if _, err := strconv.Atoi(s[i+1:]); err != nil {
		return "", false
	}
	h := s[:i]
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	return h, true
}

// setDigests puts the file's digests in the capinfos report (they come
// after the report when closeSummary did not wait for them). Empty
// digests clear them; malformed ones clear them with a warning.
func (rs *reportState) setDigests(sha256, sha1 string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.reports["capinfos"].(*capinfos.Report)
	if !ok {
		return
	}
	if sha256 != "" && !isLowerHex(sha256, 64) || sha1 != "" && !isLowerHex(sha1, 40) {
		sha256, sha1 = "", ""
		r.Warnings = append(r.Warnings, "the file's SHA256 and SHA1 were not computed (the digests supplied beside the analysis were missing or malformed)")
	}
	r.SHA256, r.SHA1 = sha256, sha1
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}

// report returns the kept reports, or an error before the analysis ended
// or when they are not kept.
func (s *session) report() (*reportState, error) {
	select {
	case <-s.done:
	default:
		return nil, errorf(codeUnavailable, "pcaplens: the report is not ready")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rep == nil {
		return nil, errorf(codeUnavailable, "pcaplens: the report is not kept (the session was closed with close or closeJSON, failed, or was disposed)")
	}
	return s.rep, nil
}

// jsObject reads the fields of a JavaScript object without JSON (the
// decoder would grow the module): absent fields keep their zero values, a
// field of the wrong type is an error.
type jsObject struct {
	v   safejs.Value
	err error
}

func (o *jsObject) get(name string, t safejs.Type) (safejs.Value, bool) {
	if o.err != nil || o.v.Type() != safejs.TypeObject {
		return safejs.Value{}, false
	}
	x, err := o.v.Get(name)
	if err != nil || x.IsUndefined() || x.IsNull() {
		return safejs.Value{}, false
	}
	if x.Type() != t {
		o.err = errorf(codeBadOptions, "pcaplens: %s has the wrong type", name)
		return safejs.Value{}, false
	}
	return x, true
}

func (o *jsObject) str(name string) string {
	x, ok := o.get(name, safejs.TypeString)
	if !ok {
		return ""
	}
	s, _ := x.String()
	return s
}

func (o *jsObject) num(name string) float64 {
	x, ok := o.get(name, safejs.TypeNumber)
	if !ok {
		return 0
	}
	f, _ := x.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		o.err = errorf(codeBadOptions, "pcaplens: %s must be a finite number", name)
		return 0
	}
	return f
}

func (o *jsObject) boolean(name string) bool {
	x, ok := o.get(name, safejs.TypeBoolean)
	if !ok {
		return false
	}
	b, _ := x.Bool()
	return b
}

// each calls f for each element of an array field (at most max).
func (o *jsObject) each(name string, max int, f func(safejs.Value)) {
	x, ok := o.get(name, safejs.TypeObject)
	if !ok {
		return
	}
	n, err := x.Length()
	if err != nil {
		o.err = errorf(codeBadOptions, "pcaplens: %s must be an array", name)
		return
	}
	for i := 0; i < n && i < max; i++ {
		e, err := x.Index(i)
		if err == nil {
			f(e)
		}
	}
}

// parseRowQuery reads a rows or csv query.
func parseRowQuery(v safejs.Value) (*rowQuery, error) {
	o := &jsObject{v: v}
	q := &rowQuery{
		Path:   o.str("path"),
		Sort:   o.str("sort"),
		Desc:   o.boolean("desc"),
		Filter: o.str("filter"),
		Skip:   int(min(max(o.num("skip"), 0), math.MaxInt32)),
		Limit:  int(min(max(o.num("limit"), 0), maxRowsPage)),
		Span:   o.boolean("span"),
	}
	o.each("where", 2, func(e safejs.Value) {
		s, _ := e.String()
		q.Where = append(q.Where, s)
	})
	if len(q.Where) == 1 {
		q.Where = nil
	}
	o.each("frames", 10000, func(e safejs.Value) {
		if f, err := e.Float(); err == nil && f >= 0 && f <= math.MaxInt32 {
			q.Frames = append(q.Frames, int(f))
		}
	})
	o.each("subjects", 10000, func(e safejs.Value) {
		if s, err := e.String(); err == nil {
			q.Subjects = append(q.Subjects, s)
		}
	})
	if x, ok := o.get("overlap", safejs.TypeObject); ok {
		ov := &jsObject{v: x}
		q.Overlap = &overlap{From: ov.str("from"), Length: ov.str("length"), Lo: ov.num("lo"), Hi: ov.num("hi")}
		if ov.err != nil {
			return nil, ov.err
		}
	}
	if o.err != nil {
		return nil, o.err
	}
	if q.Path == "" {
		return nil, errorf(codeBadOptions, "pcaplens: rows wants a list's path")
	}
	return q, nil
}

// rows implements session.rows({path, sort, desc, filter, where, skip,
// limit, frames, subjects, span}) → Promise<{rows, total, matched, skip,
// indexes, hits?}>: a page of a list of the kept reports.
func (s *session) rows(args []safejs.Value) (any, error) {
	q, err := parseRowQuery(arg(args, 0))
	if err != nil {
		return nil, err
	}
	return promise(func() (any, error) {
		rs, err := s.report()
		if err != nil {
			return nil, err
		}
		page, err := rs.rows(q)
		if err != nil {
			return nil, err
		}
		return jsonValue(page)
	}), nil
}

// parts makes a JavaScript array of Uint8Array parts.
func parts(write func(emit func([]byte) error) error) (any, error) {
	arr, err := safejs.Global().Get("Array")
	if err != nil {
		return nil, err
	}
	out, err := arr.New()
	if err != nil {
		return nil, err
	}
	err = write(func(b []byte) error {
		a, err := jsBytes(b)
		if err != nil {
			return err
		}
		_, err = out.Call("push", a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reportJSON implements session.reportJSON() → Promise<Uint8Array[]>: the
// whole report as `pcaplens analyze` prints it, one part per tool (a
// Blob of the parts is the document).
func (s *session) reportJSON([]safejs.Value) (any, error) {
	return promise(func() (any, error) {
		rs, err := s.report()
		if err != nil {
			return nil, err
		}
		return parts(rs.reportParts)
	}), nil
}

// csv implements session.csv(query, columns) → Promise<Uint8Array[]>: the
// rows of a list in the query's order and filter as CSV, columns
// [{key, path}] (header, field path), in parts of about 1 MiB.
func (s *session) csv(args []safejs.Value) (any, error) {
	q, err := parseRowQuery(arg(args, 0))
	if err != nil {
		return nil, err
	}
	var cols []csvColumn
	holder, err := newObject()
	if err != nil {
		return nil, err
	}
	_ = holder.Set("columns", arg(args, 1))
	o := &jsObject{v: holder}
	o.each("columns", 1000, func(e safejs.Value) {
		c := &jsObject{v: e}
		cols = append(cols, csvColumn{Key: c.str("key"), Path: c.str("path")})
		if c.err != nil {
			o.err = c.err
		}
	})
	if o.err != nil {
		return nil, o.err
	}
	return promise(func() (any, error) {
		rs, err := s.report()
		if err != nil {
			return nil, err
		}
		return parts(func(emit func([]byte) error) error { return rs.csv(q, cols, emit) })
	}), nil
}

// setDigests implements session.setDigests({sha256, sha1}): the file's
// digests, for a session closed with closeSummary before they were known.
func (s *session) setDigests(args []safejs.Value) (any, error) {
	o := &jsObject{v: arg(args, 0)}
	sha256, sha1 := o.str("sha256"), o.str("sha1")
	if o.err != nil {
		return nil, o.err
	}
	rs, err := s.report()
	if err != nil {
		return nil, err
	}
	if sha256 == "" || sha1 == "" {
		sha256, sha1 = "-", "-" // missing: cleared, with the warning
	}
	rs.setDigests(sha256, sha1)
	return nil, nil
}
