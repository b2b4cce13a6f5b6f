package report

import (
	"encoding/json"
	"reflect"
)

// Rows is a report's list whose rows are made when they are read: a list
// with one row per connection, kept made, held hundreds of megabytes on a
// big capture that nobody read whole. JSON writes it as the array of its
// rows (never null), as a slice of them. The zero Rows is empty.
//
// Readers that walk reports by reflection see it through RowList.
type Rows[T any] struct {
	lo, n int
	made  []T                 // the rows themselves, when kept made
	make  func(i int, dst *T) // else: makes row i of the whole list into dst, a zero T
}

// RowList is what the readers of reports by reflection (the page's list
// views, the MCP server's pages, the generated types) use of a Rows of any
// row type.
type RowList interface {
	Len() int
	// At makes row i: a pointer to a new row.
	At(i int) any
	// FillAny makes row i into dst, a pointer to a zero row: a reader
	// passing over the rows makes each into one row rather than a new one.
	FillAny(i int, dst any)
	// Sub is rows lo to hi, as a list of the same type.
	Sub(lo, hi int) any
	// RowType is the rows' type.
	RowType() reflect.Type
	json.Marshaler
}

// rowListType is RowList's type.
var rowListType = reflect.TypeFor[RowList]()

// IsRowList tells whether t is a Rows type.
func IsRowList(t reflect.Type) bool { return t.Implements(rowListType) }

// RowsElem is the row type of t when t is a Rows type (not a pointer to
// one): what the readers by reflection read it as a slice of.
func RowsElem(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || !IsRowList(t) {
		return nil, false
	}
	return reflect.Zero(t).Interface().(RowList).RowType(), true
}

// RowsOf is a list of rows already made.
func RowsOf[T any](rows []T) Rows[T] { return Rows[T]{n: len(rows), made: rows} }

// MakeRows is a list of n rows, row i made by make into a zero T when read.
func MakeRows[T any](n int, make func(i int, dst *T)) Rows[T] {
	return Rows[T]{n: n, make: make}
}

// Len is the number of rows.
func (r Rows[T]) Len() int { return r.n }

// Fill makes row i into dst, which must be a zero T.
func (r Rows[T]) Fill(i int, dst *T) {
	if i < 0 || i >= r.n {
		panic("report.Rows: row out of range")
	}
	if r.make == nil {
		*dst = r.made[r.lo+i]
		return
	}
	r.make(r.lo+i, dst)
}

// At makes row i: a *T.
func (r Rows[T]) At(i int) any {
	p := new(T)
	r.Fill(i, p)
	return p
}

// FillAny is Fill for RowList: dst is a *T.
func (r Rows[T]) FillAny(i int, dst any) { r.Fill(i, dst.(*T)) }

// Slice is rows lo to hi.
func (r Rows[T]) Slice(lo, hi int) Rows[T] {
	if lo < 0 || hi < lo || hi > r.n {
		panic("report.Rows: slice out of range")
	}
	r.lo, r.n = r.lo+lo, hi-lo
	return r
}

// Sub is Slice for RowList.
func (r Rows[T]) Sub(lo, hi int) any { return r.Slice(lo, hi) }

// RowType is T.
func (r Rows[T]) RowType() reflect.Type { return reflect.TypeFor[T]() }

// All makes every row.
func (r Rows[T]) All() []T {
	out := make([]T, r.n)
	for i := range out {
		r.Fill(i, &out[i])
	}
	return out
}

// MarshalJSON writes the rows as a JSON array, as WriteJSON does. HTML
// characters are not escaped here: an encoder that escapes them does so
// when it copies this in, so the bytes are those of a []T.
func (r Rows[T]) MarshalJSON() ([]byte, error) { return JSON(r) }
