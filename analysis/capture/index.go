package capture

import (
	"compress/gzip"
	"errors"
	"io"
	"strconv"
)

// DefaultIndexEvery is the default distance, in frames, between two
// checkpoints of an Index: reading a frame back decodes at most this many
// records.
const DefaultIndexEvery = 1024

// An Index remembers where the frames of a capture are without keeping
// them: a checkpoint every K frames holding the byte offset where the
// reader stood before that frame and the reader state needed to resume
// there (pcapng: the section's byte order and interfaces; pcap: the file
// header's fields, kept once). It is built during a pass by an Indexer and
// read through a Cursor over an io.ReaderAt (a native file, or a browser
// File through its slices).
//
// A checkpoint is 24 bytes, so 10 million frames cost about 240 KB at
// K = 1024.
//
// Compressed captures: a gzip stream cannot be entered in the middle
// (the decompressor's state at a point is its whole 32 KiB window), so for
// gzip the checkpoints hold offsets in the decompressed stream and a Cursor
// decompresses from the start of the file, discarding bytes up to the
// checkpoint, then reads at most K records. Memory stays bounded; time
// grows with the frame's position. A Cursor moving forward (frame n, then
// a later one) goes on from where it stands instead.
type Index struct {
	every  int
	frames int
	gzip   bool
	ng     bool
	format FileInfo // Format, Variant, Compression only
	pcap   pcapState
	// ifcs is every interface of the file (as at the end of the pass);
	// nsec the number of sections.
	ifcs []Interface
	nsec int
	cps  []checkpoint
}

// pcapState is what a pcap file header told the reader.
type pcapState struct {
	be       bool
	recHdr   int
	fracMul  int64
	lenSwap  int
	linkType uint16
}

// checkpoint is where the reader stood before frame i*every+1.
type checkpoint struct {
	off   int64 // offset in the (decompressed) stream
	first int32 // global index of the section's first interface (pcapng)
	nifc  int32 // interfaces of the section seen so far (pcapng)
	sec   int32 // section index (pcapng)
	be    bool  // section byte order (pcapng)
}

// Indexer builds an Index while a Reader is read front to back: call its
// Next instead of the Reader's.
type Indexer struct {
	r   *Reader
	idx *Index
}

// NewIndexer returns an Indexer over r, which must not have returned a
// record yet, with a checkpoint every `every` frames (DefaultIndexEvery
// when every <= 0).
func NewIndexer(r *Reader, every int) *Indexer {
	if every <= 0 {
		every = DefaultIndexEvery
	}
	idx := &Index{every: every, gzip: r.info.Compression != "", ng: r.ng}
	idx.format = FileInfo{Format: r.info.Format, Variant: r.info.Variant, Compression: r.info.Compression}
	idx.pcap = pcapState{be: r.be, recHdr: r.recHdr, fracMul: r.fracMul, lenSwap: r.lenSwap, linkType: r.linkType}
	return &Indexer{r: r, idx: idx}
}

// Next reads the next record through the Reader, taking a checkpoint first
// when the frame starts a new group of K.
func (x *Indexer) Next(rec *Record) error {
	r, idx := x.r, x.idx
	if r.err == nil && r.packets%idx.every == 0 && r.packets/idx.every == len(idx.cps) {
		cp := checkpoint{off: r.in.off}
		if r.ng {
			cp.be = r.secBE
			cp.sec = int32(len(r.info.Sections) - 1)
			cp.nifc = int32(len(r.secIfcs))
			if len(r.secIfcs) > 0 {
				cp.first = int32(r.secIfcs[0])
			} else {
				cp.first = int32(len(r.info.Interfaces))
			}
		}
		idx.cps = append(idx.cps, cp)
	}
	err := r.Next(rec)
	if err == nil {
		idx.frames = r.packets
	}
	return err
}

// Index returns the index of the frames read so far. Call it after the
// last Next; later calls to Next are not reflected in the returned Index.
func (x *Indexer) Index() *Index {
	idx := *x.idx
	idx.cps = append([]checkpoint(nil), x.idx.cps...)
	// A checkpoint taken before a read that failed points at no frame.
	if n := (idx.frames + idx.every - 1) / idx.every; len(idx.cps) > n {
		idx.cps = idx.cps[:n]
	}
	idx.ifcs = append([]Interface(nil), x.r.info.Interfaces...)
	for i := range idx.ifcs {
		// Only what reading needs; names and comments stay in FileInfo.
		f := &idx.ifcs[i]
		*f = Interface{Section: f.Section, LinkType: f.LinkType, SnapLen: f.SnapLen,
			TsResolution: f.TsResolution, TsOffset: f.TsOffset, FCSLen: f.FCSLen}
	}
	idx.nsec = len(x.r.info.Sections)
	return &idx
}

// Frames returns the number of frames indexed.
func (x *Index) Frames() int { return x.frames }

// Every returns the distance in frames between two checkpoints.
func (x *Index) Every() int { return x.every }

// Interfaces returns the interfaces of the file (link type, snap length,
// timestamp resolution), as the pass ended. The slice must not be modified.
func (x *Index) Interfaces() []Interface { return x.ifcs }

// Bytes returns the approximate memory the index holds, in bytes.
func (x *Index) Bytes() int {
	const cpSize = 24
	const ifcSize = 200
	return 128 + cap(x.cps)*cpSize + cap(x.ifcs)*ifcSize
}

// ErrNoFrame is returned (wrapped in an *Error) by Cursor.Read for a frame
// number outside the index.
var ErrNoFrame = errors.New("capture: no such frame")

// A Cursor reads frames back from the file an Index was built from. It is
// not safe for concurrent use; open one per goroutine.
type Cursor struct {
	idx  *Index
	src  io.ReaderAt
	size int64
	r    *Reader
	next int // frame number r returns next
	ifcs []Interface
	res  []ifcRes
	secs []Section
	sec  []int  // reused for the section's interface list
	in   *input // reused read window
}

// Open returns a Cursor reading the file of size bytes through src. The
// file must be the one indexed; a different or damaged file gives errors,
// never a panic.
func (x *Index) Open(src io.ReaderAt, size int64) *Cursor {
	c := &Cursor{idx: x, src: src, size: size}
	c.ifcs = append([]Interface(nil), x.ifcs...)
	c.res = make([]ifcRes, len(c.ifcs))
	for i, f := range c.ifcs {
		c.res[i] = ifcRes{units: f.TsResolution, offset: f.TsOffset}
	}
	return c
}

// Read reads frame n (1-based, as Wireshark numbers frames) into rec. rec
// is valid until the next call. A frame outside the index is an *Error
// wrapping ErrNoFrame; a file that reads differently from the pass gives
// the reader's *Error.
func (c *Cursor) Read(n int, rec *Record) error {
	x := c.idx
	if n < 1 || n > x.frames {
		return &Error{Packet: n, Msg: "frame " + strconv.Itoa(n) + " is not in the capture (" + strconv.Itoa(x.frames) + " frames)", Err: ErrNoFrame}
	}
	i := (n - 1) / x.every
	if c.r == nil || n < c.next || (!x.gzip && n-c.next >= x.every) || c.r.err != nil {
		if err := c.resume(i); err != nil {
			return err
		}
	}
	for {
		if err := c.r.Next(rec); err != nil {
			if err == io.EOF {
				err = &Error{Offset: c.r.in.off, Packet: c.next, Truncated: true, Msg: "file ends before frame " + strconv.Itoa(n) + " (was it changed since it was indexed?)", Err: io.ErrUnexpectedEOF}
				c.r.err = err
			}
			return err
		}
		c.next++
		if c.next > n {
			return nil
		}
	}
}

// resume positions the reader at checkpoint i.
func (c *Cursor) resume(i int) error {
	x := c.idx
	cp := x.cps[i]
	var src io.Reader
	if x.gzip {
		gz, err := gzip.NewReader(io.NewSectionReader(c.src, 0, c.size))
		if err != nil {
			return gzipError(0, err)
		}
		if _, err := io.CopyN(io.Discard, gz, cp.off); err != nil {
			return (&Reader{info: x.format}).short(0, i*x.every+1, "decompressed stream", 0, cp.off, err)
		}
		src = gz
	} else {
		if cp.off > c.size {
			return &Error{Offset: cp.off, Packet: i*x.every + 1, Truncated: true, Msg: "file shorter than when it was indexed", Err: io.ErrUnexpectedEOF}
		}
		src = io.NewSectionReader(c.src, cp.off, c.size-cp.off)
	}
	in := c.in
	if in == nil {
		in = newInput(src)
		c.in = in
	} else {
		// The window is reused: a record read before this resume is no
		// longer valid, as documented.
		buf := in.buf
		*in = input{src: src, buf: buf}
	}
	in.off = cp.off
	r := &Reader{in: in, ng: x.ng, packets: i * x.every}
	r.info.Format, r.info.Variant, r.info.Compression = x.format.Format, x.format.Variant, x.format.Compression
	if x.ng {
		first, nifc := int(cp.first), int(cp.nifc)
		if first < 0 || nifc < 0 || first+nifc > len(c.ifcs) || int(cp.sec) >= x.nsec {
			return &Error{Offset: cp.off, Msg: "index does not match the file"}
		}
		if len(c.secs) < x.nsec {
			c.secs = make([]Section, x.nsec)
		}
		r.secBE = cp.be
		r.info.Sections = c.secs[:cp.sec+1]
		// Full slice expressions: an interface block read again after the
		// checkpoint appends to copies, never to the cursor's tables.
		r.info.Interfaces = c.ifcs[: first+nifc : first+nifc]
		r.ifcs = c.res[: first+nifc : first+nifc]
		r.secIfcs = c.sec[:0]
		for k := 0; k < nifc; k++ {
			r.secIfcs = append(r.secIfcs, first+k)
		}
		c.sec = r.secIfcs[:0]
	} else {
		p := x.pcap
		r.be, r.recHdr, r.fracMul, r.lenSwap, r.linkType = p.be, p.recHdr, p.fracMul, p.lenSwap, p.linkType
		if len(c.ifcs) != 1 {
			return &Error{Offset: cp.off, Msg: "index does not match the file"}
		}
		r.info.Interfaces = c.ifcs[:1:1]
	}
	c.r = r
	c.next = i*x.every + 1
	return nil
}
