package query

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestSharedAgreement compares the filters with tshark on captures outside
// testdata and prints the agreement per filter; it runs only when
// QUERY_CAPTURES names a folder of captures and QUERY_EXPECTED a folder of
// expectations written for them by testdata/tshark/filters.sh
// (FILTERS_OUT=...). It fails only on a panic or a refusal that differs.
func TestSharedAgreement(t *testing.T) {
	root, expDir := os.Getenv("QUERY_CAPTURES"), os.Getenv("QUERY_EXPECTED")
	if root == "" || expDir == "" {
		t.Skip("set QUERY_CAPTURES and QUERY_EXPECTED")
	}
	paths := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths[filepath.Base(p)] = p
		}
		return nil
	})
	filters := readFilters(t)
	type score struct{ agree, total int }
	per := make([]score, len(filters))
	var worst []string
	files, _ := filepath.Glob(filepath.Join(expDir, "*.json"))
	for _, exp := range files {
		name := strings.TrimSuffix(filepath.Base(exp), ".json")
		path := paths[name]
		if path == "" {
			continue
		}
		e := loadExpectation(t, exp)
		if len(e.frames) == 0 && len(e.refused) == 0 {
			continue // tshark could not read it
		}
		ms := make([]*Matcher, len(filters))
		for i, flt := range filters {
			m, err := NewMatcher(flt)
			if _, refused := e.refused[flt]; refused != (err != nil) {
				t.Errorf("%s: %q: refusal differs: %v / %s", name, flt, err, e.refused[flt])
			}
			if _, ok := e.frames[flt]; ok && err == nil {
				ms[i] = m
			}
		}
		got, _, err := runAll(path, ms)
		if got == nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		for i, flt := range filters {
			if ms[i] == nil {
				continue
			}
			per[i].total++
			if d := diff(got[i], e.frames[flt]); d == "" {
				per[i].agree++
			} else {
				worst = append(worst, fmt.Sprintf("%s\t%s\t%s", flt, name, d))
			}
		}
	}
	all, agree := 0, 0
	for i, flt := range filters {
		all += per[i].total
		agree += per[i].agree
		if per[i].total > 0 {
			t.Logf("%6.2f%%  %4d/%-4d  %s", 100*float64(per[i].agree)/float64(per[i].total), per[i].agree, per[i].total, flt)
		}
	}
	sort.Strings(worst)
	for _, w := range worst {
		t.Logf("differs: %s", w)
	}
	t.Logf("%d of %d filter runs agree (%.2f%%)", agree, all, 100*float64(agree)/float64(max(all, 1)))
}
