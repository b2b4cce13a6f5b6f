// Package finding is the one type for what an analysis flags: every
// analyzer emits Findings in its report, the engine gathers and ranks them
// into the top-level "findings" list that the CLI, the page and the MCP
// server read. A finding carries its own severity, decided by the analyzer
// that raises it (as Wireshark decides an expert item's severity when it
// registers it), the first frames it is about and, where one exists, a
// Wireshark display filter that selects them.
package finding

import (
	"slices"
	"sort"
	"strings"
)

// Severity is how urgently a finding deserves a look.
type Severity string

// Severities, most serious first.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
	Info   Severity = "info"
)

// EnumValues lists every severity, most serious first (the page's types
// are generated from it).
func (Severity) EnumValues() []string {
	return []string{string(High), string(Medium), string(Low), string(Info)}
}

// Rank orders severities: 3 for High down to 0 for Info (and unknown values).
func (s Severity) Rank() int {
	switch s {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// MaxFrames is how many frame numbers a finding lists at most: the first ones.
const MaxFrames = 10

// Finding is one thing an analysis flags.
type Finding struct {
	// Kind is a stable identifier, "<tool area>.<what>" in snake case
	// ("tcp.retransmissions", "dns.failed_answers", "capture.truncated_ipv4").
	Kind string `json:"kind"`
	// Severity is decided by the analyzer that raises the finding.
	Severity Severity `json:"severity"`
	// Tool is the report (tool name) that holds the evidence.
	Tool string `json:"tool"`
	// Summary is one line in plain words, with its figures; it reads whole
	// without the other fields.
	Summary string `json:"summary"`
	// Count is how many times it was seen, in the unit the summary names.
	Count int `json:"count"`
	// Frames are the first frame numbers it is about, ascending, at most MaxFrames.
	Frames []int `json:"frames"`
	// Filter is a Wireshark display filter that selects those frames (all
	// of them, not only the listed ones), or "" where none exists.
	Filter string `json:"filter,omitempty"`
	// Subjects name what it is about (hosts, names, streams, calls), at
	// most MaxSubjects, as text.
	Subjects []string `json:"subjects,omitempty"`
}

// MaxSubjects is how many subjects a finding lists at most.
const MaxSubjects = 10

// Lister is a report that carries findings. The engine gathers the
// findings of every report that implements it.
type Lister interface {
	FindingList() []Finding
}

// Frames collects the first MaxFrames distinct frame numbers it is given,
// in ascending order, and counts every one. Its zero value is ready.
type Frames struct {
	first []int
	n     int
}

// Add records frame n.
func (fs *Frames) Add(n int) {
	fs.n++
	if n <= 0 {
		return
	}
	i := sort.SearchInts(fs.first, n)
	if i < len(fs.first) && fs.first[i] == n {
		return
	}
	if len(fs.first) == MaxFrames {
		if i == MaxFrames {
			return
		}
		fs.first = fs.first[:MaxFrames-1]
	}
	fs.first = append(fs.first, 0)
	copy(fs.first[i+1:], fs.first[i:])
	fs.first[i] = n
}

// List returns the frames kept, ascending (never nil).
func (fs *Frames) List() []int {
	out := make([]int, len(fs.first))
	copy(out, fs.first)
	return out
}

// Clone returns a copy of fs that Add leaves fs as it is.
func (fs *Frames) Clone() Frames {
	return Frames{first: slices.Clone(fs.first), n: fs.n}
}

// Count returns how many times Add was called.
func (fs *Frames) Count() int { return fs.n }

// FirstFrames returns the first MaxFrames distinct positive numbers of
// frames, ascending (never nil).
func FirstFrames(frames []int) []int {
	var fs Frames
	for _, n := range frames {
		fs.Add(n)
	}
	return fs.List()
}

// Normalize makes f well-formed: frames ascending, distinct and capped,
// never nil; subjects capped.
func Normalize(f Finding) Finding {
	f.Frames = FirstFrames(f.Frames)
	if len(f.Subjects) > MaxSubjects {
		f.Subjects = f.Subjects[:MaxSubjects]
	}
	return f
}

// Rank sorts findings in place, most deserving of a look first: by
// severity, then count, then tool and kind (stable for equal keys).
func Rank(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
			return ra > rb
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Tool != b.Tool {
			return a.Tool < b.Tool
		}
		return a.Kind < b.Kind
	})
}

// Or joins display filters with "||", each in parentheses when it holds an
// operator of lower precedence; empty filters make the whole result empty
// (a part that cannot be selected makes the union unselectable).
func Or(filters ...string) string {
	if len(filters) == 0 {
		return ""
	}
	parts := make([]string, 0, len(filters))
	for _, f := range filters {
		if f == "" {
			return ""
		}
		if len(filters) > 1 && (strings.Contains(f, "||") || strings.Contains(f, " or ")) {
			f = "(" + f + ")"
		}
		parts = append(parts, f)
	}
	return strings.Join(parts, " || ")
}
