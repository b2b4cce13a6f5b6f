package query

import (
	"reflect"
	"testing"
)

// TestPick pages through a set: each page is the matches skip … skip+limit-1.
func TestPick(t *testing.T) {
	var b Bitset
	for _, n := range []int{1, 2, 64, 65, 130, 200, 1000} {
		b.Set(n)
	}
	for _, tc := range []struct {
		skip, limit int
		want        []int
	}{
		{0, 3, []int{1, 2, 64}},
		{3, 3, []int{65, 130, 200}},
		{6, 3, []int{1000}},
		{7, 3, []int{}},
		{2, 0, []int{}},
	} {
		if got := b.Pick(tc.skip, tc.limit); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Pick(%d, %d) = %v, want %v", tc.skip, tc.limit, got, tc.want)
		}
	}
}
