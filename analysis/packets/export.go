package packets

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"

	"pcaplens/analysis/capture"
)

// Writer writes frames as pcapng (Wireshark's "Export Specified Packets"):
// one Section Header Block, one Interface Description Block per interface
// of the source that a written frame uses (its link type, snap length and
// timestamp resolution; nanoseconds), and an Enhanced Packet Block per
// frame with its original timestamp, captured bytes and original length.
type Writer struct {
	w    *bufio.Writer
	ifc  map[int]uint32 // source interface -> written interface id
	n    int
	err  error
	head bool
	buf  []byte
}

// NewWriter returns a Writer to w. Call Close to flush.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), ifc: map[int]uint32{}}
}

// Frames returns the number of frames written.
func (x *Writer) Frames() int { return x.n }

func (x *Writer) block(typ uint32, body []byte) {
	if x.err != nil {
		return
	}
	n := 12 + (len(body)+3)&^3
	b := x.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, typ)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = append(b, body...)
	for len(b) < n-4 {
		b = append(b, 0)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	x.buf = b
	_, x.err = x.w.Write(b)
}

// Write writes one frame read from a capture whose interfaces are ifcs.
func (x *Writer) Write(rec *capture.Record, ifcs []capture.Interface) error {
	if !x.head {
		x.head = true
		shb := []byte{0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		shb = appendOpt(shb, 4, []byte("pcaplens"))
		shb = appendOpt(shb, 0, nil)
		x.block(0x0a0d0d0a, shb)
	}
	id, ok := x.ifc[rec.Interface]
	if !ok {
		var ifc capture.Interface
		if rec.Interface >= 0 && rec.Interface < len(ifcs) {
			ifc = ifcs[rec.Interface]
		} else {
			ifc.LinkType = rec.LinkType
		}
		id = uint32(len(x.ifc))
		x.ifc[rec.Interface] = id
		idb := make([]byte, 0, 32)
		idb = binary.LittleEndian.AppendUint16(idb, ifc.LinkType)
		idb = binary.LittleEndian.AppendUint16(idb, 0)
		idb = binary.LittleEndian.AppendUint32(idb, ifc.SnapLen)
		idb = appendOpt(idb, 9, []byte{9}) // if_tsresol: nanoseconds
		if ifc.FCSLen > 0 {
			idb = appendOpt(idb, 13, []byte{byte(ifc.FCSLen * 8)})
		}
		idb = appendOpt(idb, 0, nil)
		x.block(1, idb)
	}
	ts := uint64(rec.TimeNs)
	body := make([]byte, 0, 20+len(rec.Data)+4)
	body = binary.LittleEndian.AppendUint32(body, id)
	body = binary.LittleEndian.AppendUint32(body, uint32(ts>>32))
	body = binary.LittleEndian.AppendUint32(body, uint32(ts))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(rec.Data)))
	body = binary.LittleEndian.AppendUint32(body, uint32(rec.OrigLen))
	body = append(body, rec.Data...)
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	for _, c := range rec.Comments {
		if len(c) < 0xffff {
			body = appendOpt(body, 1, []byte(c))
		}
	}
	if len(rec.Comments) > 0 {
		body = appendOpt(body, 0, nil)
	}
	x.block(6, body)
	if x.err == nil {
		x.n++
	}
	return x.err
}

func appendOpt(b []byte, code uint16, v []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// Close flushes what was written. A Writer that wrote no frame writes a
// section header and nothing else, a valid empty capture.
func (x *Writer) Close() error {
	if !x.head {
		x.head = true
		shb := []byte{0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		x.block(0x0a0d0d0a, shb)
	}
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// Export reads the capture from s and writes the frames m selects to w as
// pcapng. It returns the number written.
func Export(s *Scanner, m Matcher, w io.Writer) (int, error) {
	x := NewWriter(w)
	for {
		f, err := s.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			x.Close()
			return x.Frames(), err
		}
		if m.Match(f) {
			if err := x.Write(&s.rec, s.Info().Interfaces); err != nil {
				return x.Frames(), err
			}
		}
	}
	return x.Frames(), x.Close()
}
