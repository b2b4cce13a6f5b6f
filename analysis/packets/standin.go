package packets

import (
	"fmt"

	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
)

// FrameNumberMatcher is a stand-in display-filter Matcher until the full
// one (analysis/query) is wired in: it compiles any filter with
// analysis/filter but serves only frame.number, frame.len and
// frame.cap_len, and refuses filters that use other fields, saying so.
type FrameNumberMatcher struct {
	f   *filter.Filter
	cur *frame.Frame
}

// NewFrameNumberMatcher compiles expr. A syntax error is the filter's
// *filter.Error (with its position).
func NewFrameNumberMatcher(expr string) (*FrameNumberMatcher, error) {
	f, err := filter.Compile(expr)
	if err != nil {
		return nil, err
	}
	for _, id := range f.Fields() {
		switch id {
		case filter.Frame, filter.FrameNumber, filter.FrameLen, filter.FrameCapLen:
		default:
			return nil, fmt.Errorf("packets: %s: this build filters on frame.number, frame.len and frame.cap_len only", id)
		}
	}
	return &FrameNumberMatcher{f: f}, nil
}

// Match reports whether f passes the filter.
func (m *FrameNumberMatcher) Match(f *frame.Frame) bool {
	m.cur = f
	return m.f.Match(m)
}

// Values serves the filter (filter.Source).
func (m *FrameNumberMatcher) Values(id filter.FieldID, buf []filter.Value) []filter.Value {
	f := m.cur
	switch id {
	case filter.Frame:
		return append(buf, filter.Present())
	case filter.FrameNumber:
		return append(buf, filter.Uint(uint64(f.Number)))
	case filter.FrameLen:
		return append(buf, filter.Uint(uint64(f.OrigLen)))
	case filter.FrameCapLen:
		return append(buf, filter.Uint(uint64(f.CapLen)))
	}
	return buf
}
