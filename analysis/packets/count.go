package packets

import (
	"io"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
)

// streamsNeeder is a Matcher that can tell it does not read stream
// numbers (query.Matcher), so a light pass skips the stream assigner.
type streamsNeeder interface{ NeedsStreams() bool }

// streamsSetter is a Matcher that announces the conversations it learns
// of (SDP's RTP endpoints) to the stream assigner (query.Matcher).
type streamsSetter interface {
	SetStreams(a *frame.StreamAssigner)
}

// Select runs Matcher m over the capture read from r the light way: the
// engine's decoder, reassembler and stream assigner, then m, and nothing
// the rows or the detail need (no TCP tracker of the rows, no field
// extraction, no index). It calls fn with each frame and whether m
// selected it; an error from fn stops the pass and is returned. It
// returns io.EOF at the end of the capture, or the capture's
// *capture.Error when the file is damaged (fn saw the frames before it),
// as Scanner.Next does. Frame numbers are those of a Scanner, so a page's
// rows can then be built by a Replayer or a Scanner.
func Select(r io.Reader, m Matcher, fn func(f *frame.Frame, matched bool) error) error {
	rd, err := capture.Open(r)
	if err != nil {
		return err
	}
	sn, ok := m.(streamsNeeder)
	p := frame.NewPipeline(rd, !ok || sn.NeedsStreams())
	if st, ok := m.(streamsSetter); ok {
		st.SetStreams(p.Streams())
	}
	for {
		f, err := p.Next()
		if err != nil {
			return err
		}
		if err := fn(f, m.Match(f)); err != nil {
			return err
		}
	}
}
