package overview

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

// TestFindingsSoFar: during the pass the overview tells the findings that
// cannot go away (time going backwards, a broadcast storm); at the end of
// the input they are the report's.
func TestFindingsSoFar(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(expectedDir, "*.json"))
	if err != nil || len(files) < 50 {
		t.Fatalf("captures: %d %v", len(files), err)
	}
	n := 0
	for _, f := range files {
		path := filepath.Join(capturesDir, filepath.Base(f[:len(f)-len(".json")]))
		if _, err := os.Stat(path); err != nil {
			continue
		}
		n += testrun.SoFar(t, path, engine.Options{Tools: []string{"overview"}}, 1024, nil)
	}
	if n < 5 {
		t.Errorf("%d findings so far at the end of the captures", n)
	}
	// A storm: 1,500 Ethernet broadcast frames within one second.
	storm := filepath.Join(t.TempDir(), "storm.pcap")
	b := make([]byte, 24, 24+1500*(16+60))
	binary.LittleEndian.PutUint32(b[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(b[4:], 2)
	binary.LittleEndian.PutUint16(b[6:], 4)
	binary.LittleEndian.PutUint32(b[16:], 65535)
	binary.LittleEndian.PutUint32(b[20:], 1)
	for i := range 1500 {
		rec := make([]byte, 16+60)
		binary.LittleEndian.PutUint32(rec[0:], 1_700_000_000)
		binary.LittleEndian.PutUint32(rec[4:], uint32(i*500))
		binary.LittleEndian.PutUint32(rec[8:], 60)
		binary.LittleEndian.PutUint32(rec[12:], 60)
		copy(rec[16:], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06})
		b = append(b, rec...)
	}
	if err := os.WriteFile(storm, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := testrun.SoFar(t, storm, engine.Options{Tools: []string{"overview"}}, 4096, nil); n != 1 {
		t.Errorf("storm: %d findings so far at the end, want the storm", n)
	}
}
