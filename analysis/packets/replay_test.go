package packets

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// replayExceptions are the frames whose row or detail a Replayer is not
// expected to rebuild, with the reason. None so far.
var replayExceptions = map[string]map[int]string{}

// TestReplay builds the row and detail of every frame of every test
// capture from the frame alone (RowAt, DetailAt) and compares them with
// what the sequential pass built. Frames are replayed last to first, so
// that no state of an earlier replay can help a later one. Setting
// PCAPLENS_REPLAY_DIRS (colon-separated directories) adds their captures.
func TestReplay(t *testing.T) {
	dirs := []string{capturesDir}
	if e := os.Getenv("PCAPLENS_REPLAY_DIRS"); e != "" {
		dirs = append(dirs, strings.Split(e, ":")...)
	}
	var files []string
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if !e.IsDir() {
				files = append(files, filepath.Join(d, e.Name()))
			}
		}
	}
	if len(files) < 50 {
		t.Fatalf("only %d captures found", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewScanner(bytes.NewReader(b), 16)
			if err != nil {
				t.Skip("not a capture:", err)
			}
			s.Record()
			var rows []Row
			var details []*Detail
			for {
				if _, err := s.Next(); err != nil {
					break
				}
				rows = append(rows, s.Row())
				details = append(details, s.Detail())
			}
			st := s.State()
			if !st.Complete() {
				t.Fatal("state incomplete")
			}
			if st.Frames() != len(rows) {
				t.Fatalf("state covers %d frames, pass read %d", st.Frames(), len(rows))
			}
			r, err := NewReplayer(st, s.Index(), bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			order := make([]int, len(rows))
			for i := range order {
				order[i] = len(rows) - i
			}
			if strings.HasSuffix(name, ".gz") {
				// A compressed file is read back from its start: forwards.
				for i := range order {
					order[i] = i + 1
				}
			}
			bad := 0
			for _, n := range order {
				why, excused := replayExceptions[name][n]
				got, err := r.RowAt(n)
				if err == nil {
					var d *Detail
					d, err = r.DetailAt(n)
					if err == nil && !reflect.DeepEqual(d, details[n-1]) {
						err = errors.New("detail differs")
						t.Logf("frame %d detail:\n got %+v\nwant %+v", n, d, details[n-1])
					}
				}
				if err == nil && got != rows[n-1] {
					err = errors.New("row differs:\n got " + got.Info + "\nwant " + rows[n-1].Info)
				}
				switch {
				case err != nil && !excused:
					bad++
					if bad <= 5 {
						t.Errorf("frame %d: %v", n, err)
					}
				case err == nil && excused:
					t.Errorf("frame %d replays now; remove its exception (%s)", n, why)
				}
			}
			if bad > 5 {
				t.Errorf("%d frames differ", bad)
			}
		})
	}
}

// TestReplayRowsWithoutDetails checks that a State whose detail values
// outgrew their budget still replays rows, and that DetailAt then refuses
// (the bridge builds such details by a sequential pass).
func TestReplayRowsWithoutDetails(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "captures", "chrissanders--tcp_retransmissions.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScanner(bytes.NewReader(b), 16)
	if err != nil {
		t.Fatal(err)
	}
	s.Record()
	var rows []Row
	for {
		if _, err := s.Next(); err != nil {
			break
		}
		rows = append(rows, s.Row())
	}
	st := s.State()
	st.growDetail(MaxDetailStateBytes + 1) // as a capture with too many detail values
	if !st.Complete() || !st.noDetails || st.ovr != nil {
		t.Fatalf("complete %v, noDetails %v, %d detail values kept", st.Complete(), st.noDetails, len(st.ovr))
	}
	r, err := NewReplayer(st, s.Index(), bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for n := len(rows); n >= 1; n-- {
		got, err := r.RowAt(n)
		if err != nil || got != rows[n-1] {
			t.Fatalf("frame %d: row %+v, %v; want %+v", n, got, err, rows[n-1])
		}
		if _, err := r.DetailAt(n); !errors.Is(err, ErrNotReplayable) {
			t.Fatalf("frame %d: DetailAt gave %v, want ErrNotReplayable", n, err)
		}
	}
}
