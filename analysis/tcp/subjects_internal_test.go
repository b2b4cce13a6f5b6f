package tcp

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"pcaplens/analysis/finding"
)

// TestSubjectsTopK: subjects keeps the connections with the most, ties by
// stream, as sorting them all would, and counts every connection with any.
func TestSubjectsTopK(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		rows := make([]ConnRow, r.IntN(60))
		perm := r.Perm(len(rows))
		for i := range rows {
			rows[i] = ConnRow{Stream: perm[i], filled: true, Client: fmt.Sprint("c", i), Server: "s", RstCount: r.IntN(4)}
		}
		subj, n, streams := subjects(rows, func(r *ConnRow) int { return r.RstCount }, true)

		var all []*ConnRow
		for i := range rows {
			if rows[i].RstCount > 0 {
				all = append(all, &rows[i])
			}
		}
		sort.Slice(all, func(i, j int) bool {
			if all[i].RstCount != all[j].RstCount {
				return all[i].RstCount > all[j].RstCount
			}
			return all[i].Stream < all[j].Stream
		})
		var want []string
		for i := 0; i < len(all) && i < finding.MaxSubjects; i++ {
			want = append(want, fmt.Sprintf("stream %d (%s)", all[i].Stream, all[i].Name()))
		}
		if !reflect.DeepEqual(subj, want) || n != len(all) || len(streams) != len(all) {
			t.Fatalf("trial %d: got %q, %d, %d streams; want %q, %d", trial, subj, n, len(streams), want, len(all))
		}
		if _, _, s := subjects(rows, func(r *ConnRow) int { return r.RstCount }, false); s != nil {
			t.Fatalf("streams listed without wantStreams: %v", s)
		}
	}
}
