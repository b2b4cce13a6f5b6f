package report

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestOrderPermute checks that Order and Permute sort like slices.SortFunc
// on the rows themselves, for every size up to 300 and shuffled inputs with
// cycles of every length.
func TestOrderPermute(t *testing.T) {
	type row struct {
		key  int
		name string
	}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		rows := make([]row, n)
		for i := range rows {
			rows[i] = row{key: r.IntN(n/3 + 1), name: string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))}
		}
		by := func(a, b *row) int {
			if c := cmp.Compare(a.key, b.key); c != 0 {
				return c
			}
			return cmp.Compare(a.name, b.name)
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, func(a, b row) int { return by(&a, &b) })
		idx := Order(len(rows), func(i, j int) int { return by(&rows[i], &rows[j]) })
		Permute(rows, idx)
		if !slices.Equal(rows, want) {
			t.Fatalf("n=%d: got %v, want %v", n, rows, want)
		}
		for _, x := range idx {
			if x != -1 {
				t.Fatalf("n=%d: idx not used up: %v", n, idx)
			}
		}
	}
}
