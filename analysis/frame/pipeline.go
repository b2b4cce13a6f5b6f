package frame

import "pcaplens/analysis/capture"

// Pipeline turns records into frames as the engine does: decode, reassemble
// IP fragments, and (when asked) number TCP and UDP streams. It reuses one
// Frame: the frame Next returns is valid until the next call.
type Pipeline struct {
	rd      *capture.Reader
	rec     capture.Record
	fr      Frame
	n       int
	dec     *Decoder
	reasm   *Reassembler
	streams *StreamAssigner
}

// NewPipeline reads records from rd; with streams false, frames carry no
// stream numbers (TCPStream and UDPStream stay -1), which saves the
// assigner's lookups when nobody reads them.
func NewPipeline(rd *capture.Reader, streams bool) *Pipeline {
	p := &Pipeline{rd: rd, dec: NewDecoder(), reasm: NewReassembler(ReassemblyLimits{})}
	if streams {
		p.streams = NewStreamAssigner(0)
	}
	return p
}

// Next reads, decodes and completes the next frame. Its error is the
// reader's: io.EOF at the end, a *capture.Error for damage.
func (p *Pipeline) Next() (*Frame, error) {
	if err := p.rd.Next(&p.rec); err != nil {
		return nil, err
	}
	p.n++
	p.dec.Decode(&p.rec, p.n, &p.fr)
	p.reasm.Add(&p.fr)
	if p.streams != nil {
		p.streams.Assign(&p.fr)
	}
	return &p.fr, nil
}

// Streams returns the pipeline's stream assigner (nil without one).
func (p *Pipeline) Streams() *StreamAssigner { return p.streams }

// Frames returns how many frames Next has returned.
func (p *Pipeline) Frames() int { return p.n }
