// Package testrun runs the engine over test captures, for the analyzers' tests.
package testrun

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
)

// Report runs one tool over the capture at path (with o's other options, o
// may be nil) and returns its report, failing the test when the capture
// cannot be read or the tool answers anything but a T.
func Report[T any](tb testing.TB, path string, o *engine.Options, tool string) T {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	opts := engine.Options{}
	if o != nil {
		opts = *o
	}
	opts.Tools = []string{tool}
	opts.FileName = filepath.Base(path)
	out, err := engine.Run(context.Background(), f, &opts)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	r, ok := out[tool].(T)
	if !ok {
		tb.Fatalf("%s: %s report is %T: %+v", path, tool, out[tool], out[tool])
	}
	return r
}

// Records reads every record of a capture, each with its own copy of the
// bytes, for replaying through a decoder or a tap.
func Records(tb testing.TB, path string) []capture.Record {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r, err := capture.Open(f)
	if err != nil {
		tb.Fatal(err)
	}
	var out []capture.Record
	for {
		var rec capture.Record
		if err := r.Next(&rec); err != nil {
			return out
		}
		rec.Data = append([]byte(nil), rec.Data...)
		rec.Comments = append([]string(nil), rec.Comments...)
		out = append(out, rec)
	}
}

// Frames reads and decodes every record of a capture into its own Frame
// (each keeps its record's bytes), for replaying through a tap in benchmarks.
// IP fragments are not reassembled (a reassembled datagram lives only until
// the engine's next frame): use it on captures without fragments.
func Frames(tb testing.TB, path string) []frame.Frame {
	tb.Helper()
	recs := Records(tb, path)
	dec := frame.NewDecoder()
	frames := make([]frame.Frame, len(recs))
	for i := range recs {
		dec.Decode(&recs[i], i+1, &frames[i])
	}
	return frames
}

// Testdata is the directory the tshark comparisons read captures/ and
// expected/ from: the repository's testdata, seen from a package two levels
// down, unless PCAPLENS_TESTDATA names another directory laid out the same
// way (testdata/tshark/agree.sh builds one to compare other captures).
func Testdata() string {
	if d := os.Getenv("PCAPLENS_TESTDATA"); d != "" {
		return d
	}
	return "../../testdata"
}

// External reports whether PCAPLENS_TESTDATA points the comparisons at
// captures outside the repository (golden files are then not checked).
func External() bool { return os.Getenv("PCAPLENS_TESTDATA") != "" }
