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
		conns := make([]Conn, r.IntN(60))
		rows := make([]brief, len(conns))
		tr := NewTracker(0)
		perm := r.Perm(len(rows))
		for i := range rows {
			c := &conns[i]
			c.Stream, c.client = perm[i], 0
			tr.flow(c, i%2).rst = uint32(r.IntN(4))
			rows[i] = newBrief(tr, c)
		}
		subj, n, streams := subjects(rows, func(r *brief) int { return r.rsts() }, true)

		var all []*brief
		for i := range rows {
			if rows[i].rsts() > 0 {
				all = append(all, &rows[i])
			}
		}
		sort.Slice(all, func(i, j int) bool {
			if all[i].rsts() != all[j].rsts() {
				return all[i].rsts() > all[j].rsts()
			}
			return all[i].stream() < all[j].stream()
		})
		var want []string
		for i := 0; i < len(all) && i < finding.MaxSubjects; i++ {
			want = append(want, fmt.Sprintf("stream %d (%s)", all[i].stream(), all[i].name()))
		}
		if !reflect.DeepEqual(subj, want) || n != len(all) || len(streams) != len(all) {
			t.Fatalf("trial %d: got %q, %d, %d streams; want %q, %d", trial, subj, n, len(streams), want, len(all))
		}
		if _, _, s := subjects(rows, func(r *brief) int { return r.rsts() }, false); s != nil {
			t.Fatalf("streams listed without wantStreams: %v", s)
		}
	}
}
