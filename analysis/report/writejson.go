package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"sort"
	"sync"
)

// WriteJSON writes v to w as a json.Encoder with HTML escaping off writes
// it, without the final newline, but the rows of a Rows one at a time, as
// they are made: a Rows' MarshalJSON makes the whole array's text, which
// encoding/json then copies into its own (the TCP connections of a 1 M
// frame capture are 141 MB of JSON; written through MarshalJSON they
// were in memory three times over). The values that hold no Rows are
// written by encoding/json.
func WriteJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	jw := &jsonWriter{w: bw}
	jw.enc = json.NewEncoder(&jw.buf)
	jw.enc.SetEscapeHTML(false)
	if err := jw.value(reflect.ValueOf(v), 0); err != nil {
		return err
	}
	return bw.Flush()
}

// JSON is WriteJSON's text: v as `pcaplens analyze` writes it (compact,
// HTML characters not escaped), without the final newline.
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type jsonWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

// maxDepth bounds the nesting WriteJSON follows (encoding/json fails on a
// cycle; so does this, rather than recursing without end).
const maxDepth = 1000

// value writes v.
func (jw *jsonWriter) value(v reflect.Value, depth int) error {
	if depth > maxDepth {
		return errors.New("report.WriteJSON: nested too deep")
	}
	if !v.IsValid() {
		_, err := jw.w.WriteString("null")
		return err
	}
	t := v.Type()
	if !holdsRows(t) {
		return jw.encode(v)
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			_, err := jw.w.WriteString("null")
			return err
		}
		return jw.value(v.Elem(), depth+1)
	case reflect.Struct:
		if IsRowList(t) {
			return jw.rows(v.Interface().(RowList), depth)
		}
		return jw.object(v, depth)
	case reflect.Map:
		return jw.mapValue(v, depth)
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			_, err := jw.w.WriteString("null")
			return err
		}
		jw.w.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				jw.w.WriteByte(',')
			}
			if err := jw.value(v.Index(i), depth+1); err != nil {
				return err
			}
		}
		return jw.w.WriteByte(']')
	}
	return jw.encode(v)
}

// encode writes v by encoding/json (through its address when it has one,
// as encoding/json reaches a field of a struct it was given a pointer to:
// a MarshalJSON with a pointer receiver is then called).
func (jw *jsonWriter) encode(v reflect.Value) error {
	jw.buf.Reset()
	x := v.Interface()
	if v.CanAddr() {
		x = v.Addr().Interface()
	}
	if err := jw.enc.Encode(x); err != nil {
		return err
	}
	_, err := jw.w.Write(bytes.TrimSuffix(jw.buf.Bytes(), []byte("\n")))
	return err
}

// rows writes a Rows' rows, each made into one scratch row.
func (jw *jsonWriter) rows(rl RowList, depth int) error {
	jw.w.WriteByte('[')
	row := reflect.New(rl.RowType())
	for i := 0; i < rl.Len(); i++ {
		if i > 0 {
			jw.w.WriteByte(',')
			row.Elem().SetZero()
		}
		rl.FillAny(i, row.Interface())
		if err := jw.value(row.Elem(), depth+1); err != nil {
			return err
		}
	}
	return jw.w.WriteByte(']')
}

// object writes a struct's members as encoding/json does (Fields).
func (jw *jsonWriter) object(v reflect.Value, depth int) error {
	jw.w.WriteByte('{')
	first := true
	for _, f := range Fields(v.Type()) {
		fv, err := v.FieldByIndexErr(f.Index)
		if err != nil { // behind a nil embedded pointer: absent
			continue
		}
		if f.OmitEmpty && isEmptyJSON(fv) || f.OmitZero && fv.IsZero() {
			continue
		}
		if !first {
			jw.w.WriteByte(',')
		}
		first = false
		if err := jw.encode(reflect.ValueOf(f.Name)); err != nil {
			return err
		}
		jw.w.WriteByte(':')
		if err := jw.value(fv, depth+1); err != nil {
			return err
		}
	}
	return jw.w.WriteByte('}')
}

// mapValue writes a map with text keys, sorted as encoding/json sorts them.
func (jw *jsonWriter) mapValue(v reflect.Value, depth int) error {
	if v.IsNil() {
		_, err := jw.w.WriteString("null")
		return err
	}
	if v.Type().Key().Kind() != reflect.String {
		return jw.encode(v)
	}
	keys := make([]string, 0, v.Len())
	vals := make(map[string]reflect.Value, v.Len())
	it := v.MapRange()
	for it.Next() {
		k := it.Key().String()
		keys = append(keys, k)
		vals[k] = it.Value()
	}
	sort.Strings(keys)
	jw.w.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			jw.w.WriteByte(',')
		}
		if err := jw.encode(reflect.ValueOf(k)); err != nil {
			return err
		}
		jw.w.WriteByte(':')
		if err := jw.value(vals[k], depth+1); err != nil {
			return err
		}
	}
	return jw.w.WriteByte('}')
}

// isEmptyJSON is encoding/json's "empty" for omitempty.
func isEmptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

var holdsRowsCache sync.Map // reflect.Type → bool

// holdsRows tells whether a value of type t may hold a Rows, so that
// WriteJSON walks it rather than hand it to encoding/json: an interface
// may hold anything. A type with its own MarshalJSON or MarshalText (but
// Rows) is encoding/json's to write.
func holdsRows(t reflect.Type) bool {
	if v, ok := holdsRowsCache.Load(t); ok {
		return v.(bool)
	}
	holdsRowsCache.Store(t, false) // recursive types
	r := false
	switch {
	case IsRowList(t):
		r = true
	case t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)):
	case t.Kind() == reflect.Interface:
		r = true
	case t.Kind() == reflect.Pointer, t.Kind() == reflect.Slice, t.Kind() == reflect.Array:
		r = t.Elem().Kind() != reflect.Uint8 && holdsRows(t.Elem())
	case t.Kind() == reflect.Map:
		r = holdsRows(t.Elem())
	case t.Kind() == reflect.Struct:
		for _, f := range Fields(t) {
			if holdsRows(f.Type) {
				r = true
				break
			}
		}
	}
	holdsRowsCache.Store(t, r)
	return r
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[interface{ MarshalText() ([]byte, error) }]()
)
