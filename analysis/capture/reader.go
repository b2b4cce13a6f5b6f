package capture

import (
	"errors"
	"io"
)

// Reader reads packet records from a capture stream. Open detects the format.
type Reader struct {
	info FileInfo
}

// MaxRecordLen caps the captured length of one record (larger is a file error).
const MaxRecordLen = 256 << 10

// Open reads the start of r, recognises gzip, pcap or pcapng by content, and
// returns a Reader positioned before the first packet. A stream that is not a
// capture yields an error saying what it looks like instead (HTML, text, …).
func Open(r io.Reader) (*Reader, error) {
	return nil, errors.New("capture: not implemented")
}

// Info returns what is known about the file so far. The pointer stays valid;
// its contents grow as blocks are read.
func (r *Reader) Info() *FileInfo { return &r.info }

// Next reads the next packet record into rec. It returns io.EOF at a clean
// end, and *Error for a damaged or truncated file.
func (r *Reader) Next(rec *Record) error {
	return io.EOF
}
