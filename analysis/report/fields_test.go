package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

type fieldsInner struct {
	List []int `json:"list"`
	Name string
	Deep string `json:"deep"`
}

type fieldsPtr struct {
	Via  []string `json:"via"`
	Deep string   `json:"shadowed_by_outer"`
}

type FieldsExported struct {
	A string
	B string `json:"B"`
}

type fieldsOther struct {
	A string
	B string `json:",omitempty"`
}

type fieldsOuter struct {
	First string `json:"first"`
	fieldsInner
	*fieldsPtr
	FieldsExported
	fieldsOther
	Named     FieldsExported `json:"named"`
	Bytes     []byte         `json:"bytes"`
	Skipped   int            `json:"-"`
	Empty     []int          `json:"empty,omitempty"`
	Zero      int            `json:"zero,omitzero"`
	Shadowed  string         `json:"shadowed_by_outer"`
	unexposed int
}

// TestFieldsAsEncodingJSON checks the members' names and order against
// what encoding/json writes for a value with every field set.
func TestFieldsAsEncodingJSON(t *testing.T) {
	v := fieldsOuter{
		First: "f", fieldsInner: fieldsInner{List: []int{1}, Name: "n", Deep: "d"},
		fieldsPtr:      &fieldsPtr{Via: []string{"v"}, Deep: "p"},
		FieldsExported: FieldsExported{A: "a", B: "b"}, fieldsOther: fieldsOther{A: "a2", B: "b2"},
		Named: FieldsExported{A: "x"}, Bytes: []byte{1}, Skipped: 1, Empty: []int{1}, Zero: 1,
		Shadowed: "s", unexposed: 1,
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	if _, err := d.Token(); err != nil { // {
		t.Fatal(err)
	}
	var want []string
	for d.More() {
		k, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, k.(string))
		var value json.RawMessage
		if err := d.Decode(&value); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, f := range Fields(reflect.TypeOf(v)) {
		got = append(got, f.Name)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Fields names\n %v\nencoding/json writes\n %v", got, want)
	}
}

func TestFields(t *testing.T) {
	fs := Fields(reflect.TypeFor[fieldsOuter]())
	by := map[string]Field{}
	for _, f := range fs {
		by[f.Name] = f
	}
	if f := by["list"]; !reflect.DeepEqual(f.Index, []int{1, 0}) || f.Owner != reflect.TypeFor[fieldsInner]() || f.GoName != "List" || f.ViaPointer {
		t.Errorf("promoted field: %+v", f)
	}
	if f := by["via"]; !f.ViaPointer || !reflect.DeepEqual(f.Index, []int{2, 0}) {
		t.Errorf("field through an embedded pointer: %+v", f)
	}
	if f := by["Name"]; f.Tagged {
		t.Errorf("untagged field: %+v", f)
	}
	if f := by["shadowed_by_outer"]; !reflect.DeepEqual(f.Index, []int{10}) {
		t.Errorf("the shallowest name must win: %+v", f)
	}
	if _, ok := by["A"]; ok {
		t.Error("a name in conflict at one depth, tagged in neither, must be dropped")
	}
	if f := by["B"]; !reflect.DeepEqual(f.Index, []int{3, 1}) {
		t.Errorf("of two names in conflict at one depth, the tagged one must win: %+v", f)
	}
	if f := by["empty"]; !f.OmitEmpty || f.OmitZero {
		t.Errorf("omitempty: %+v", f)
	}
	if f := by["zero"]; f.OmitEmpty || !f.OmitZero {
		t.Errorf("omitzero: %+v", f)
	}
	for _, skip := range []string{"Skipped", "unexposed", "fieldsInner", "fieldsPtr", "FieldsExported"} {
		if _, ok := by[skip]; ok {
			t.Errorf("%s must not be a member", skip)
		}
	}
	if &Fields(reflect.TypeFor[fieldsOuter]())[0] != &fs[0] {
		t.Error("the answer must be cached")
	}
}

func TestLists(t *testing.T) {
	got := Lists(reflect.TypeFor[*fieldsOuter]())
	if want := []string{"list", "empty"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lists = %v, want %v (not bytes, not through the embedded pointer)", got, want)
	}
	if Lists(reflect.TypeFor[[]int]()) != nil || Lists(nil) != nil {
		t.Error("a type that is not a struct has no lists")
	}
	if IsList(reflect.TypeFor[[]byte]()) || IsList(reflect.TypeFor[[2]int]()) || !IsList(reflect.TypeFor[[]string]()) {
		t.Error("IsList: a slice, not []byte")
	}
}
