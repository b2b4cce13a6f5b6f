package capture

import (
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/bits"
	"strconv"
)

// MaxRecordLen caps the captured length of one record (larger is a file
// error). It is Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: wiretap refuses
// larger records for every common link type too.
const MaxRecordLen = 256 << 10

// Caps on what a file can make the reader keep.
const (
	// MaxInterfaces caps the number of interfaces (pcapng IDBs) in a file.
	MaxInterfaces = 1 << 16
	// MaxSections caps the number of pcapng sections in a file.
	MaxSections = 1 << 16
	// MaxMetaBytes caps the bytes of names, descriptions and comments kept
	// in FileInfo over the whole file; beyond it they are dropped and
	// FileInfo.Capped says so.
	MaxMetaBytes = 8 << 20
	// maxMetaBlock caps the length of a pcapng block that is read whole
	// (section header, interface description, interface statistics, and the
	// options of a packet block); larger ones are errors, or skipped when
	// their content is not needed.
	maxMetaBlock = 16 << 20
	// maxBlockLen is Wireshark's MAX_BLOCK_SIZE (an EPB holding a
	// maximum-size D-Bus packet and 128 KiB of options): longer blocks are
	// errors, as in wiretap.
	maxBlockLen = 32 + 128<<20 + 128<<10
)

// Reader reads packet records from a capture stream. Open detects the format.
type Reader struct {
	info    FileInfo
	in      *input
	packets int   // records returned so far
	err     error // sticky: once Next fails it keeps failing the same way
	ng      bool
	meta    int // bytes of strings kept in info

	// pcap
	be       bool  // big-endian file
	recHdr   int   // record header length: 16, 24 (modified) or 28 (ss990915)
	fracMul  int64 // 1000 for microsecond files, 1 for nanosecond files
	lenSwap  int   // swapNone, swapAlways, swapMaybe
	linkType uint16

	// pcapng
	secBE   bool     // byte order of the current section
	secIfcs []int    // global interface index of each interface of the current section
	ifcs    []ifcRes // per global interface: timestamp conversion
	scratch []byte   // whole-block reads that do not fit the window
	data    []byte   // record data that does not fit the window
}

// ifcRes is what converting a pcapng timestamp needs.
type ifcRes struct {
	units  uint64 // timestamp units per second
	offset int64  // if_tsoffset, seconds
}

const (
	swapNone = iota
	swapAlways
	swapMaybe
)

// Open reads the start of r, recognises gzip, pcap or pcapng by content, and
// returns a Reader positioned before the first packet. A stream that is not a
// capture yields an error saying what it looks like instead (HTML, text, …).
// A gzip stream is decompressed once (multi-member streams are read whole);
// a gzip stream inside it is reported, not unpacked again.
func Open(src io.Reader) (*Reader, error) {
	r := &Reader{in: newInput(src)}
	in := r.in
	in.fill(4)
	if in.avail() >= 2 && in.buf[in.r] == 0x1f && in.buf[in.r+1] == 0x8b {
		gz, err := gzip.NewReader(inputReader{in})
		if err != nil {
			return nil, gzipError(in.off, err)
		}
		r.info.Compression = "gzip"
		// The decompressed stream gets a fresh window; offsets from here on
		// are in the decompressed stream.
		r.in = newInput(gz)
		in = r.in
		in.fill(4)
		if in.avail() >= 2 && in.buf[in.r] == 0x1f && in.buf[in.r+1] == 0x8b {
			return nil, &Error{Msg: "not a capture file (gzip-compressed twice: decompress it once first)"}
		}
	}
	if in.avail() < 4 {
		if in.err != nil && in.err != io.EOF {
			return nil, r.srcError(0, in.err)
		}
		if in.avail() == 0 {
			if r.info.Compression != "" {
				return nil, &Error{Msg: "empty file: the gzip stream decompresses to nothing"}
			}
			return nil, &Error{Msg: "empty file: not a capture"}
		}
		return nil, &Error{Msg: "too short to be a capture (" + strconv.Itoa(in.avail()) + " bytes)"}
	}
	head := in.peek(4)
	if binary.BigEndian.Uint32(head) == blockSHB {
		r.ng = true
		r.info.Format = FormatPcapNG
		if err := r.readSHB(); err != nil {
			return nil, err
		}
		return r, nil
	}
	for _, be := range []bool{false, true} {
		var m uint32
		if be {
			m = binary.BigEndian.Uint32(head)
		} else {
			m = binary.LittleEndian.Uint32(head)
		}
		switch m {
		case magicMicro, magicNano, magicModified, magicIxiaHW, magicIxiaSW:
			r.be = be
			r.info.Format = FormatPcap
			if err := r.readPcapHeader(m); err != nil {
				return nil, err
			}
			return r, nil
		}
	}
	in.fill(64)
	return nil, notCapture(in.buf[in.r:in.w])
}

// Info returns what is known about the file so far. The pointer stays valid;
// its contents grow as blocks are read.
func (r *Reader) Info() *FileInfo { return &r.info }

// Next reads the next packet record into rec. It returns io.EOF at a clean
// end, and *Error for a damaged or truncated file. rec.Data points into the
// Reader's buffers: it is valid until the next call.
func (r *Reader) Next(rec *Record) error {
	if r.err != nil {
		return r.err
	}
	var err error
	if r.ng {
		err = r.nextNG(rec)
	} else {
		err = r.nextPcap(rec)
	}
	if err != nil {
		r.err = err
		return err
	}
	if ph := PseudoHeaderLen(rec.LinkType); ph > 0 {
		rec.Data = rec.Data[min(ph, len(rec.Data)):]
		rec.OrigLen = max(rec.OrigLen-ph, 0)
	}
	r.packets++
	return nil
}

// inputReader feeds the gzip decompressor from the raw window.
type inputReader struct{ in *input }

func (a inputReader) Read(p []byte) (int, error) {
	in := a.in
	if in.avail() == 0 {
		if err := in.fill(1); err != nil && in.avail() == 0 {
			return 0, err
		}
	}
	n := copy(p, in.buf[in.r:in.w])
	in.advance(n)
	return n, nil
}

func (a inputReader) ReadByte() (byte, error) {
	in := a.in
	if in.avail() == 0 {
		if err := in.fill(1); err != nil && in.avail() == 0 {
			return 0, err
		}
	}
	c := in.buf[in.r]
	in.advance(1)
	return c, nil
}

// gzipError turns a decompression error into a file error.
func gzipError(off int64, err error) *Error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &Error{Offset: off, Truncated: true, Msg: "gzip stream cut short", Err: io.ErrUnexpectedEOF}
	}
	return &Error{Offset: off, Msg: "gzip: " + trimGzip(err.Error()), Err: err}
}

func trimGzip(s string) string {
	if len(s) > 6 && s[:6] == "gzip: " {
		return s[6:]
	}
	return s
}

// isGzipError reports whether err comes from the decompressor.
func isGzipError(err error) bool {
	var ce flate.CorruptInputError
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.As(err, &ce)
}

// srcError turns an error from the source (other than a clean EOF) into an *Error.
func (r *Reader) srcError(off int64, err error) *Error {
	if err == io.ErrUnexpectedEOF && r.info.Compression != "" {
		return &Error{Offset: off, Truncated: true, Msg: "gzip stream cut short", Err: err}
	}
	if isGzipError(err) {
		return &Error{Offset: off, Msg: "gzip: " + trimGzip(err.Error()), Err: err}
	}
	return &Error{Offset: off, Msg: "read error: " + err.Error(), Err: err}
}

// short is the error for a header or record that the stream ends inside.
// got of want bytes were there. err is the source's error.
func (r *Reader) short(off int64, packet int, what string, got, want int64, err error) *Error {
	if err != nil && err != io.EOF {
		e := r.srcError(off, err)
		e.Packet = packet
		if e.Truncated {
			e.Msg = what + " cut short (" + strconv.FormatInt(got, 10) + " of " + strconv.FormatInt(want, 10) + " bytes; " + e.Msg + ")"
		}
		return e
	}
	return &Error{Offset: off, Packet: packet, Truncated: true,
		Msg: what + " cut short (" + strconv.FormatInt(got, 10) + " of " + strconv.FormatInt(want, 10) + " bytes)",
		Err: io.ErrUnexpectedEOF}
}

// atEnd returns io.EOF when the stream ended cleanly at a record boundary,
// or the error saying how it did not.
func (r *Reader) atEnd() error {
	in := r.in
	if in.err == io.EOF || in.err == nil {
		return io.EOF
	}
	return r.srcError(in.off, in.err)
}

// keep records a string in FileInfo within the MaxMetaBytes budget.
func (r *Reader) keep(b []byte, what string) (string, bool) {
	s := optString(b)
	if r.meta+len(s) > MaxMetaBytes {
		r.capped(what)
		return "", false
	}
	r.meta += len(s)
	return s, true
}

// capped notes once that a cap was hit.
func (r *Reader) capped(what string) {
	for _, c := range r.info.Capped {
		if c == what {
			return
		}
	}
	r.info.Capped = append(r.info.Capped, what)
}

// tsNs converts a timestamp of units per second plus an offset in seconds
// to nanoseconds since the epoch, saturating instead of wrapping.
func tsNs(ts, units uint64, offset int64) int64 {
	var sec, ns uint64
	switch units {
	case 1e6: // constant divisors: no division instruction
		sec, ns = ts/1e6, ts%1e6*1000
	case 1e9:
		sec, ns = ts/1e9, ts%1e9
	default:
		sec = ts / units
		// frac < units, so hi < units and Div64 cannot panic; this is exact
		// (Wireshark rounds the same way, down).
		hi, lo := bits.Mul64(ts%units, 1e9)
		ns, _ = bits.Div64(hi, lo, units)
	}
	if sec > math.MaxInt64 {
		return math.MaxInt64
	}
	s := int64(sec)
	if offset > 0 && s > math.MaxInt64-offset {
		return math.MaxInt64
	}
	if offset < 0 && s < math.MinInt64-offset {
		return math.MinInt64
	}
	s += offset
	const maxSec = int64(math.MaxInt64 / 1000000000) // 9223372036
	if s > maxSec || (s == maxSec && ns > math.MaxInt64%1000000000) {
		return math.MaxInt64
	}
	if s < -maxSec {
		return math.MinInt64
	}
	return s*1e9 + int64(ns)
}
