package frame

import "pcaplens/analysis/capture"

// Decoder decodes records into frames. It holds preallocated decoding state
// and is not safe for concurrent use.
type Decoder struct{}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder { return &Decoder{} }

// Decode fills f from rec. number is the 1-based frame number. It never
// fails: problems are recorded in f.Anomaly and f.Truncated.
func (d *Decoder) Decode(rec *capture.Record, number int, f *Frame) {
	*f = Frame{}
	f.Number = number
	f.TimeNs = rec.TimeNs
	f.CapLen = len(rec.Data)
	f.OrigLen = rec.OrigLen
	f.Interface = rec.Interface
	f.LinkType = rec.LinkType
	f.Data = rec.Data
	f.Comments = rec.Comments
}
