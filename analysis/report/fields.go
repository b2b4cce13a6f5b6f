package report

import (
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Field is one member of a struct type's JSON object, as encoding/json
// writes it: the reports' shape read by reflection (the MCP server's pages,
// the page's list views, the generated TypeScript types) comes from here.
type Field struct {
	// Name is the member's name: the json tag's, or the Go field's.
	Name string
	// GoName is the Go field's name.
	GoName string
	// Index is the field's index sequence for reflect's FieldByIndex (longer
	// than one for a field promoted from an embedded struct).
	Index []int
	// Type is the field's Go type.
	Type reflect.Type
	// Owner is the struct type that declares the field.
	Owner reflect.Type
	// Tagged tells that the name comes from the json tag.
	Tagged bool
	// OmitEmpty and OmitZero are the tag's "omitempty" and "omitzero".
	OmitEmpty, OmitZero bool
	// ViaPointer tells that the field is promoted through an embedded
	// pointer: absent from the JSON when that pointer is nil.
	ViaPointer bool
}

var fieldCache sync.Map // reflect.Type → []Field

// Fields lists the JSON members of struct type t in the order encoding/json
// writes them: untagged embedded structs flattened, the shallowest name
// winning, then the tagged one, names still in conflict dropped; fields the
// tag "-" or unexported skipped. The answer is cached and shared: callers
// must not change it.
func Fields(t reflect.Type) []Field {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]Field)
	}
	out := fields(t)
	fieldCache.Store(t, out)
	return out
}

func fields(t reflect.Type) []Field {
	type level struct {
		t     reflect.Type
		index []int
		ptr   bool // reached through an embedded pointer
	}
	type found struct {
		Field
		depth int
	}
	var all []found
	cur := []level{{t: t}}
	visited := map[reflect.Type]bool{}
	for depth := 0; len(cur) > 0; depth++ {
		var next []level
		for _, l := range cur {
			if visited[l.t] {
				continue
			}
			visited[l.t] = true
			for i := 0; i < l.t.NumField(); i++ {
				sf := l.t.Field(i)
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				tagged := name != "" && name != "-"
				if name == "" {
					name = sf.Name
				}
				idx := append(append([]int(nil), l.index...), i)
				ft := sf.Type
				if sf.Anonymous {
					et := ft
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
					if !tagged && et.Kind() == reflect.Struct {
						next = append(next, level{t: et, index: idx, ptr: l.ptr || ft.Kind() == reflect.Pointer})
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				f := Field{Name: name, GoName: sf.Name, Index: idx, Type: ft, Owner: l.t, Tagged: tagged, ViaPointer: l.ptr}
				for _, o := range strings.Split(opts, ",") {
					switch o {
					case "omitempty":
						f.OmitEmpty = true
					case "omitzero":
						f.OmitZero = true
					}
				}
				all = append(all, found{f, depth})
			}
		}
		cur = next
	}
	// Dominance, as encoding/json's typeFields.
	byName := map[string][]found{}
	var order []string
	for _, f := range all {
		if _, ok := byName[f.Name]; !ok {
			order = append(order, f.Name)
		}
		byName[f.Name] = append(byName[f.Name], f)
	}
	var out []Field
	for _, name := range order {
		fs := byName[name]
		shallowest := fs[0].depth
		for _, f := range fs {
			shallowest = min(shallowest, f.depth)
		}
		var top []found
		for _, f := range fs {
			if f.depth == shallowest {
				top = append(top, f)
			}
		}
		if len(top) > 1 {
			var tagged []found
			for _, f := range top {
				if f.Tagged {
					tagged = append(tagged, f)
				}
			}
			if len(tagged) != 1 {
				continue
			}
			top = tagged
		}
		out = append(out, top[0].Field)
	}
	sort.SliceStable(out, func(i, j int) bool { return lessIndex(out[i].Index, out[j].Index) })
	return out
}

func lessIndex(a, b []int) bool {
	for k := 0; k < len(a) && k < len(b); k++ {
		if a[k] != b[k] {
			return a[k] < b[k]
		}
	}
	return len(a) < len(b)
}

// IsList tells whether t is a list that an answer can page: a slice,
// except []byte (which JSON writes as a base64 string), or a Rows.
func IsList(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 || IsRowList(t)
}

// Lists returns the JSON names of the lists (IsList) among the members of
// the struct type t, or of the struct it points to; lists promoted through
// an embedded pointer are left out (they belong to another value).
func Lists(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for _, f := range Fields(t) {
		if !f.ViaPointer && IsList(f.Type) {
			out = append(out, f.Name)
		}
	}
	return out
}
