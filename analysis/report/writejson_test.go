package report

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
)

type wjPtrMarshal struct{}

func (p *wjPtrMarshal) MarshalJSON() ([]byte, error) { return []byte(`"ptr"`), nil }

type wjEmbedded struct {
	E     string `json:"e"`
	Inner Rows[rowsTestRow]
}

type wjRow struct {
	Name  string            `json:"name"`
	Sub   Rows[rowsTestRow] `json:"sub"`
	Any   any               `json:"any,omitempty"`
	Bytes []byte            `json:"bytes,omitempty"`
}

type wjReport struct {
	*wjEmbedded
	Title   string                       `json:"title"`
	Skip    string                       `json:"skip,omitempty"`
	Zero    struct{ A int }              `json:"zero,omitzero"`
	Rows    Rows[wjRow]                  `json:"rows"`
	Ptr     *Rows[rowsTestRow]           `json:"ptr"`
	Nil     *Rows[rowsTestRow]           `json:"nil"`
	ByName  map[string]Rows[rowsTestRow] `json:"by_name"`
	NilMap  map[string]any               `json:"nil_map"`
	Slice   []any                        `json:"slice"`
	Marshal wjPtrMarshal                 `json:"marshal"`
	Addr    netip.Addr                   `json:"addr"`
	Empty   Rows[wjRow]                  `json:"empty,omitempty"`
}

// TestWriteJSON: WriteJSON writes what a json.Encoder without HTML
// escaping writes, Rows or not, whatever holds them.
func TestWriteJSON(t *testing.T) {
	made := rowsTestMade(5)
	sub := RowsOf(made)
	p := RowsOf(made[:2])
	rows := MakeRows(3, func(i int, dst *wjRow) {
		*dst = wjRow{Name: strings.Repeat("<&>", i), Sub: sub.Slice(0, i), Any: map[string]any{"r": sub.Slice(i, 5)}}
		if i == 1 {
			dst.Bytes = []byte{1, 2}
		}
	})
	for _, v := range []any{
		&wjReport{Title: "a\u2028b", Rows: rows, Ptr: &p, ByName: map[string]Rows[rowsTestRow]{"b": sub, "a": sub.Slice(1, 2)},
			Slice: []any{sub, 1, nil, "x"}, Addr: netip.MustParseAddr("2001:db8::1")},
		&wjReport{wjEmbedded: &wjEmbedded{E: "e", Inner: sub}, Skip: "s", Zero: struct{ A int }{1}},
		map[string]any{"z": 1, "a": &wjReport{}, "m": []map[string]any{{"rows": rows}}},
		[]map[string]any{{"x": sub}, nil},
		nil,
		sub,
	} {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&got, v); err != nil {
			t.Fatal(err)
		}
		if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got.Bytes(), w) {
			t.Errorf("WriteJSON:\n got %s\nwant %s", got.Bytes(), w)
		}
	}
}

// TestWriteJSONCycle: a value that refers to itself is an error, not an
// endless recursion.
func TestWriteJSONCycle(t *testing.T) {
	m := map[string]any{}
	m["self"] = m
	if err := WriteJSON(&bytes.Buffer{}, m); err == nil {
		t.Error("no error for a cycle")
	}
}
