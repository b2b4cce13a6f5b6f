// Package testrun runs the engine over test captures, for the analyzers' tests.
package testrun

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
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

// SoFar runs the tools o.Tools over the capture at path, with a progress
// call every `every` bytes, and checks the findings each call carried
// (engine.Progress.FindingsSoFar) against the report's findings: each is
// of a kind the report has, with a count no larger; at the end of the
// input (the last call) each has the report's severity, count, frames and
// filter (for the kinds in partial, frames and filter may be left out, not
// wrong), and a summary that sameSummary accepts (nil: equal). It returns
// how many findings the last call carried.
func SoFar(tb testing.TB, path string, o engine.Options, every int64, sameSummary func(soFar, final string) bool, partial ...string) int {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var calls []engine.Progress
	o.FileName = filepath.Base(path)
	o.ProgressEvery = every
	o.Progress = func(p engine.Progress) { calls = append(calls, p) }
	out, err := engine.Run(context.Background(), f, &o)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	final := map[string]finding.Finding{}
	for _, x := range out[engine.FindingsKey].([]finding.Finding) {
		final[x.Tool+" "+x.Kind] = x
	}
	if len(calls) == 0 || !calls[len(calls)-1].Done {
		tb.Fatalf("%s: no last progress call", path)
	}
	for i, p := range calls {
		for _, e := range p.FindingsSoFar {
			want, ok := final[e.Tool+" "+e.Kind]
			switch {
			case !ok:
				tb.Errorf("%s: after %d packets, %s %s is not among the report's findings", path, p.Packets, e.Tool, e.Kind)
			case e.Count > want.Count:
				tb.Errorf("%s: after %d packets, %s counts %d, the report %d", path, p.Packets, e.Kind, e.Count, want.Count)
			case i == len(calls)-1:
				part := slices.Contains(partial, e.Kind)
				sameFrames := slices.Equal(e.Frames, want.Frames) || part && len(e.Frames) == 0
				sameFilter := e.Filter == want.Filter || part && e.Filter == ""
				if e.Severity != want.Severity || e.Count != want.Count || !sameFrames || !sameFilter {
					tb.Errorf("%s: at the end, %s so far\n %+v\nthe report's\n %+v", path, e.Kind, e, want)
				}
				if sameSummary == nil && e.Summary != want.Summary || sameSummary != nil && !sameSummary(e.Summary, want.Summary) {
					tb.Errorf("%s: at the end, %s so far says %q, the report %q", path, e.Kind, e.Summary, want.Summary)
				}
			}
		}
	}
	for _, e := range calls[len(calls)-1].FindingsSoFar {
		tb.Logf("%s: so far %s %s %d: %s", o.FileName, e.Severity, e.Kind, e.Count, e.Summary)
	}
	return len(calls[len(calls)-1].FindingsSoFar)
}
