package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

type rowsTestRow struct {
	N    int      `json:"n"`
	Text string   `json:"text,omitempty"`
	Opt  *float64 `json:"opt,omitempty"`
	M    map[string]int
}

type rowsTestReport struct {
	Rows  Rows[rowsTestRow] `json:"rows"`
	Plain []rowsTestRow     `json:"plain"`
}

func rowsTestMade(n int) []rowsTestRow {
	out := make([]rowsTestRow, n)
	for i := range out {
		f := float64(i) / 3
		out[i] = rowsTestRow{N: i, Text: string(rune('a'+i%26)) + "<&>\u2028", M: map[string]int{"b": i, "a": 1}}
		if i%2 == 0 {
			out[i].Opt = &f
		}
	}
	return out
}

// Rows must write exactly what a slice of its rows writes, made or kept,
// whole or sliced, HTML escaped or not.
func TestRowsJSON(t *testing.T) {
	for _, n := range []int{0, 1, 2, 57} {
		want := rowsTestMade(n)
		made := MakeRows(n, func(i int, dst *rowsTestRow) {
			if !reflect.DeepEqual(*dst, rowsTestRow{}) {
				t.Fatal("a row must be made into a zero row")
			}
			*dst = rowsTestMade(n)[i]
		})
		for name, r := range map[string]Rows[rowsTestRow]{"made": made, "kept": RowsOf(want)} {
			for _, html := range []bool{false, true} {
				enc := func(v any) string {
					var b bytes.Buffer
					e := json.NewEncoder(&b)
					e.SetEscapeHTML(html)
					if err := e.Encode(v); err != nil {
						t.Fatal(err)
					}
					return b.String()
				}
				plain := want
				if plain == nil {
					plain = []rowsTestRow{}
				}
				if got, w := enc(rowsTestReport{r, plain}), enc(struct {
					Rows  []rowsTestRow `json:"rows"`
					Plain []rowsTestRow `json:"plain"`
				}{plain, plain}); got != w {
					t.Errorf("%s n=%d html=%v:\n got %s\nwant %s", name, n, html, got, w)
				}
			}
			if r.Len() != n || !reflect.DeepEqual(r.All(), want) && n > 0 {
				t.Errorf("%s n=%d: Len %d, All differs", name, n, r.Len())
			}
			if n > 3 {
				s := r.Slice(1, 3)
				if s.Len() != 2 || s.At(1).(*rowsTestRow).N != 2 || s.Sub(1, 2).(Rows[rowsTestRow]).At(0).(*rowsTestRow).N != 2 {
					t.Errorf("%s: Slice and Sub must count from the slice's start", name)
				}
				b, _ := json.Marshal(s)
				w, _ := json.Marshal(want[1:3])
				if !bytes.Equal(b, w) {
					t.Errorf("%s: sliced JSON %s, want %s", name, b, w)
				}
			}
		}
	}
	var zero Rows[rowsTestRow]
	if b, _ := json.Marshal(zero); string(b) != "[]" {
		t.Errorf("the zero Rows writes %s, want []", b)
	}
}

func TestRowsIsList(t *testing.T) {
	rt := reflect.TypeFor[Rows[rowsTestRow]]()
	if !IsRowList(rt) || !IsList(rt) || IsRowList(reflect.TypeFor[[]rowsTestRow]()) {
		t.Error("IsRowList and IsList must know a Rows")
	}
	if e, ok := RowsElem(rt); !ok || e != reflect.TypeFor[rowsTestRow]() {
		t.Errorf("RowsElem = %v, %v", e, ok)
	}
	if _, ok := RowsElem(reflect.PointerTo(rt)); ok {
		t.Error("RowsElem of a pointer to a Rows")
	}
	if _, ok := RowsElem(reflect.TypeFor[rowsTestRow]()); ok {
		t.Error("RowsElem of a struct that is no Rows")
	}
	if got := Lists(reflect.TypeFor[rowsTestReport]()); !reflect.DeepEqual(got, []string{"rows", "plain"}) {
		t.Errorf("Lists = %v", got)
	}
	var l RowList = RowsOf(rowsTestMade(3))
	var dst rowsTestRow
	l.FillAny(1, &dst)
	if l.RowType() != reflect.TypeFor[rowsTestRow]() || l.At(2).(*rowsTestRow).N != 2 || dst.N != 1 {
		t.Error("RowList: RowType, At and FillAny")
	}
	defer func() {
		if recover() == nil {
			t.Error("a row out of range must panic, as a slice's")
		}
	}()
	l.At(3)
}
