package packets

import (
	"io"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
)

// streamsNeeder is a Matcher that can tell it does not read stream
// numbers (query.Matcher), so a light pass skips the stream assigner.
type streamsNeeder interface{ NeedsStreams() bool }

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
	var rec capture.Record
	var fr frame.Frame
	dec := frame.NewDecoder()
	reasm := frame.NewReassembler(frame.ReassemblyLimits{})
	var streams *frame.StreamAssigner
	if sn, ok := m.(streamsNeeder); !ok || sn.NeedsStreams() {
		streams = frame.NewStreamAssigner(0)
	}
	for n := 1; ; n++ {
		if err := rd.Next(&rec); err != nil {
			return err
		}
		dec.Decode(&rec, n, &fr)
		reasm.Add(&fr)
		if streams != nil {
			streams.Assign(&fr)
		}
		if err := fn(&fr, m.Match(&fr)); err != nil {
			return err
		}
	}
}
