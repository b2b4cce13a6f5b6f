package capture

import (
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pcapng block types (draft-ietf-opsawg-pcapng §4 and §10.1).
const (
	blockSHB       = 0x0a0d0d0a
	blockIDB       = 0x00000001
	blockPB        = 0x00000002 // obsolete Packet Block
	blockSPB       = 0x00000003
	blockNRB       = 0x00000004
	blockISB       = 0x00000005
	blockEPB       = 0x00000006
	blockIRIG      = 0x00000007
	blockAFDX      = 0x00000008
	blockSysdig    = 0x00000204
	blockSysdigEvF = 0x00000208
	blockSJE       = 0x00000009
	blockDSB       = 0x0000000a
	blockHone      = 0x00000101
	blockCB        = 0x00000bad
	blockCBNoCopy  = 0x40000bad
	blockDPEB      = 0x80000001

	byteOrderMagic = 0x1a2b3c4d
)

// Option codes (draft-ietf-opsawg-pcapng §3.5, §4.1–4.6).
const (
	optEnd     = 0
	optComment = 1

	shbHardware = 2
	shbOS       = 3
	shbUserAppl = 4

	ifName        = 2
	ifDescription = 3
	ifTsresol     = 9
	ifFilter      = 11
	ifOS          = 12
	ifFCSLen      = 13
	ifTsoffset    = 14
	ifHardware    = 15

	isbIfRecv = 4
	isbIfDrop = 5
)

// Fixed sizes.
const (
	minBlockLen  = 12 // type, length, trailing length
	shbFixedLen  = 16 // byte-order magic, major, minor, section length
	idbFixedLen  = 8
	epbFixedLen  = 20
	pbFixedLen   = 20
	spbFixedLen  = 4
	isbFixedLen  = 12
	maxCommentNo = 1024 // comments kept per section or interface
)

// blockName names a skipped block type for FileInfo.Skipped.
func blockName(t uint32) string {
	switch t {
	case blockNRB:
		return "NRB"
	case blockDSB:
		return "DSB"
	case blockCB, blockCBNoCopy:
		return "CB"
	case blockSJE:
		return "SJE"
	case blockIRIG:
		return "IRIG"
	case blockAFDX:
		return "AFDX"
	case blockSysdig, blockSysdigEvF:
		return "Sysdig"
	case blockHone:
		return "Hone"
	case blockDPEB:
		return "DPEB"
	}
	return "unknown 0x" + hex32(t)
}

func hex32(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	return strings.Repeat("0", 8-len(s)) + s
}

func (r *Reader) ng16(b []byte) uint16 {
	if r.secBE {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *Reader) ng32(b []byte) uint32 {
	if r.secBE {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *Reader) ng64(b []byte) uint64 {
	if r.secBE {
		return binary.BigEndian.Uint64(b)
	}
	return binary.LittleEndian.Uint64(b)
}

// pad4 rounds n up to a multiple of 4. Wireshark does the same to block
// lengths: some writers leave the padding out of them.
func pad4(n uint32) uint64 { return (uint64(n) + 3) &^ 3 }

// blockErr is a file error about the block at off.
func (r *Reader) blockErr(off int64, packet bool, msg string) *Error {
	e := &Error{Offset: off, Msg: "pcapng: " + msg}
	if packet {
		e.Packet = r.packets + 1
	}
	return e
}

// readBlock returns the whole block of padded length n starting at the
// current position, consuming it. It is a slice of the window when it fits,
// else of r.scratch. Call only with n <= maxMetaBlock (or a packet block).
func (r *Reader) readBlock(n int, packet bool, what string) ([]byte, *Error) {
	in := r.in
	off := in.off
	pn := 0
	if packet {
		pn = r.packets + 1
	}
	if n <= windowSize {
		if err := in.fill(n); err != nil {
			return nil, r.short(off, pn, what, int64(in.avail()), int64(n), err)
		}
		b := in.peek(n)
		in.advance(n)
		return b, nil
	}
	b, err := in.readGrow(&r.scratch, n)
	if err != nil {
		return nil, r.short(off, pn, what, int64(len(b)), int64(n), err)
	}
	return b, nil
}

// checkTrailer compares the trailing length of block b (padded) with its padded length.
func (r *Reader) checkTrailer(b []byte, off int64, packet bool) *Error {
	n := len(b)
	t := pad4(r.ng32(b[n-4:]))
	if t != uint64(n) {
		return r.blockErr(off, packet, "block lengths (first "+strconv.Itoa(n)+" and second "+strconv.FormatUint(t, 10)+") don't match")
	}
	return nil
}

// readSHB reads a Section Header Block at the current position and starts a new section.
func (r *Reader) readSHB() error {
	in := r.in
	off := in.off
	if err := in.fill(12); err != nil {
		if in.avail() == 0 && off > 0 {
			return r.atEnd()
		}
		return r.short(off, 0, "pcapng section header", int64(in.avail()), 12, err)
	}
	h := in.peek(12)
	switch binary.LittleEndian.Uint32(h[8:]) {
	case byteOrderMagic:
		r.secBE = false
	case 0x4d3c2b1a:
		r.secBE = true
	default:
		if off == 0 {
			return &Error{Msg: "not a capture file (starts like pcapng but the byte-order magic is 0x" + hex32(binary.BigEndian.Uint32(h[8:])) + ")"}
		}
		return r.blockErr(off, false, "unknown byte-order magic 0x"+hex32(binary.BigEndian.Uint32(h[8:])))
	}
	raw := r.ng32(h[4:])
	n := pad4(raw)
	if n < minBlockLen+shbFixedLen {
		return r.blockErr(off, false, "section header block length "+strconv.FormatUint(uint64(raw), 10)+" is less than the minimum 28")
	}
	if n > maxMetaBlock {
		return r.blockErr(off, false, "section header block length "+strconv.FormatUint(uint64(raw), 10)+" is too large (> 16 MiB)")
	}
	if len(r.info.Sections) >= MaxSections {
		return r.blockErr(off, false, "more than "+strconv.Itoa(MaxSections)+" sections")
	}
	b, e := r.readBlock(int(n), false, "section header block")
	if e != nil {
		return e
	}
	if e := r.checkTrailer(b, off, false); e != nil {
		return e
	}
	major, minor := r.ng16(b[12:]), r.ng16(b[14:])
	if !(major == 1 && (minor == 0 || minor == 2)) {
		return r.blockErr(off, false, "unknown section header version "+strconv.Itoa(int(major))+"."+strconv.Itoa(int(minor)))
	}
	s := Section{ByteOrder: "little-endian", Version: strconv.Itoa(int(major)) + "." + strconv.Itoa(int(minor))}
	if r.secBE {
		s.ByteOrder = "big-endian"
	}
	var oerr string
	r.options(b[minBlockLen-4+shbFixedLen:len(b)-4], func(code uint16, v []byte) {
		switch code {
		case optComment:
			if len(s.Comments) < maxCommentNo {
				if c, ok := r.keep(v, "comments"); ok {
					s.Comments = append(s.Comments, c)
				}
			} else {
				r.capped("comments")
			}
		case shbHardware:
			s.Hardware, _ = r.keep(v, "names")
		case shbOS:
			s.OS, _ = r.keep(v, "names")
		case shbUserAppl:
			s.Application, _ = r.keep(v, "names")
		}
	}, &oerr)
	if oerr != "" {
		return r.blockErr(off, false, oerr)
	}
	r.info.Sections = append(r.info.Sections, s)
	r.secIfcs = r.secIfcs[:0]
	return nil
}

// options walks the options in b (after a block's fixed part, before its
// trailer), calling fn for each. A malformed list sets *errp, as in wiretap.
func (r *Reader) options(b []byte, fn func(code uint16, v []byte), errp *string) {
	for len(b) > 0 {
		if len(b) < 4 {
			*errp = "not enough data for option header"
			return
		}
		code, l := r.ng16(b), r.ng16(b[2:])
		b = b[4:]
		pl := (int(l) + 3) &^ 3
		if pl > len(b) {
			*errp = "not enough data to handle option of length " + strconv.Itoa(int(l))
			return
		}
		if code == optEnd {
			return
		}
		fn(code, b[:l])
		b = b[pl:]
	}
}

// optString turns an option value into a string: up to the first NUL,
// invalid UTF-8 replaced.
func optString(v []byte) string {
	for i, c := range v {
		if c == 0 {
			v = v[:i]
			break
		}
	}
	if utf8.Valid(v) {
		return string(v)
	}
	return strings.ToValidUTF8(string(v), "\uFFFD")
}

// nextNG reads blocks until one holds a packet.
func (r *Reader) nextNG(rec *Record) error {
	in := r.in
	for {
		off := in.off
		if in.w-in.r < 8 {
			if err := in.fill(8); err != nil {
				if in.avail() == 0 {
					return r.atEnd()
				}
				return r.short(off, 0, "block header", int64(in.avail()), 8, err)
			}
		}
		h := in.buf[in.r : in.r+8]
		if binary.BigEndian.Uint32(h) == blockSHB {
			if err := r.readSHB(); err != nil {
				return err
			}
			continue
		}
		typ, raw := r.ng32(h), r.ng32(h[4:])
		if raw < minBlockLen {
			return r.blockErr(off, false, "block length "+strconv.FormatUint(uint64(raw), 10)+" is less than the minimum 12")
		}
		n := pad4(raw)
		if n > maxBlockLen {
			return r.blockErr(off, false, "block length "+strconv.FormatUint(uint64(raw), 10)+" is too large (> "+strconv.Itoa(maxBlockLen)+")")
		}
		switch typ {
		case blockEPB, blockPB, blockSPB:
			return r.packetBlock(rec, typ, int(n), off)
		case blockIDB, blockISB:
			if n > maxMetaBlock {
				return r.blockErr(off, false, "block length "+strconv.FormatUint(uint64(raw), 10)+" is too large (> 16 MiB)")
			}
			b, e := r.readBlock(int(n), false, "block")
			if e != nil {
				return e
			}
			if e := r.checkTrailer(b, off, false); e != nil {
				return e
			}
			if typ == blockIDB {
				e = r.idb(b, off)
			} else {
				e = r.isb(b, off)
			}
			if e != nil {
				return e
			}
		default:
			// Skipped by streaming, whatever its length.
			got, err := in.discard(int64(n) - 4)
			if err != nil {
				return r.short(off, 0, "block", got, int64(n), err)
			}
			if err := in.fill(4); err != nil {
				return r.short(off, 0, "block", int64(n)-4+int64(in.avail()), int64(n), err)
			}
			if t := pad4(r.ng32(in.peek(4))); t != n {
				return r.blockErr(off, false, "block lengths (first "+strconv.FormatUint(n, 10)+" and second "+strconv.FormatUint(t, 10)+") don't match")
			}
			in.advance(4)
			if r.info.Skipped == nil {
				r.info.Skipped = map[string]int{}
			}
			name := blockName(typ)
			if _, ok := r.info.Skipped[name]; ok || len(r.info.Skipped) < 256 {
				r.info.Skipped[name]++
			} else {
				r.info.Skipped["other"]++
			}
		}
	}
}

// idb reads an Interface Description Block.
func (r *Reader) idb(b []byte, off int64) *Error {
	if len(b) < minBlockLen+idbFixedLen {
		return r.blockErr(off, false, "interface description block too short")
	}
	if len(r.info.Interfaces) >= MaxInterfaces {
		return r.blockErr(off, false, "more than "+strconv.Itoa(MaxInterfaces)+" interfaces")
	}
	ifc := Interface{
		Section:      len(r.info.Sections) - 1,
		LinkType:     r.ng16(b[8:]),
		SnapLen:      r.ng32(b[12:]),
		TsResolution: 1e6,
	}
	var tsresol uint8
	hasRes := false
	var oerr string
	r.options(b[minBlockLen-4+idbFixedLen:len(b)-4], func(code uint16, v []byte) {
		switch code {
		case optComment:
			if len(ifc.Comments) < maxCommentNo {
				if c, ok := r.keep(v, "comments"); ok {
					ifc.Comments = append(ifc.Comments, c)
				}
			} else {
				r.capped("comments")
			}
		case ifName:
			ifc.Name, _ = r.keep(v, "names")
		case ifDescription:
			ifc.Description, _ = r.keep(v, "names")
		case ifOS:
			ifc.OS, _ = r.keep(v, "names")
		case ifHardware:
			ifc.Hardware, _ = r.keep(v, "names")
		case ifFilter:
			if len(v) < 1 {
				oerr = "interface filter option length 0"
			} else if v[0] == 0 {
				ifc.Filter, _ = r.keep(v[1:], "names")
			}
		case ifTsresol:
			if len(v) == 1 {
				tsresol, hasRes = v[0], true
			}
		case ifFCSLen:
			if len(v) == 1 {
				ifc.FCSLen = int(v[0]) / 8
			}
		case ifTsoffset:
			if len(v) == 8 {
				ifc.TsOffset = int64(r.ng64(v))
			}
		}
	}, &oerr)
	if oerr != "" {
		return r.blockErr(off, false, oerr)
	}
	if hasRes {
		e := uint64(tsresol & 0x7f)
		if tsresol&0x80 != 0 {
			if e > 63 {
				return r.blockErr(off, false, "interface power-of-2 time stamp resolution "+strconv.FormatUint(e, 10)+" > 63")
			}
			ifc.TsResolution = 1 << e
		} else {
			if e > 19 {
				return r.blockErr(off, false, "interface power-of-10 time stamp resolution "+strconv.FormatUint(e, 10)+" > 19")
			}
			ifc.TsResolution = 1
			for ; e > 0; e-- {
				ifc.TsResolution *= 10
			}
		}
	}
	r.secIfcs = append(r.secIfcs, len(r.info.Interfaces))
	r.info.Interfaces = append(r.info.Interfaces, ifc)
	r.ifcs = append(r.ifcs, ifcRes{units: ifc.TsResolution, offset: ifc.TsOffset})
	return nil
}

// isb reads an Interface Statistics Block.
func (r *Reader) isb(b []byte, off int64) *Error {
	if len(b) < minBlockLen+isbFixedLen {
		return r.blockErr(off, false, "interface statistics block too short")
	}
	id := r.ng32(b[8:])
	if uint64(id) >= uint64(len(r.secIfcs)) {
		return nil // wiretap ignores these too
	}
	ifc := &r.info.Interfaces[r.secIfcs[id]]
	ifc.Statistics++
	var oerr string
	r.options(b[minBlockLen-4+isbFixedLen:len(b)-4], func(code uint16, v []byte) {
		if len(v) != 8 {
			return
		}
		switch code {
		case isbIfRecv:
			if ifc.Received == nil {
				ifc.Received = new(uint64)
			}
			*ifc.Received = r.ng64(v)
		case isbIfDrop:
			if ifc.Dropped == nil {
				ifc.Dropped = new(uint64)
			}
			*ifc.Dropped = r.ng64(v)
		}
	}, &oerr)
	if oerr != "" {
		return r.blockErr(off, false, oerr)
	}
	return nil
}

// packetBlock reads an EPB, PB or SPB of padded length n at off into rec.
func (r *Reader) packetBlock(rec *Record, typ uint32, n int, off int64) error {
	in := r.in
	fixed := epbFixedLen
	what := "enhanced packet block"
	switch typ {
	case blockSPB:
		fixed, what = spbFixedLen, "simple packet block"
	case blockPB:
		fixed, what = pbFixedLen, "packet block"
	}
	if n < minBlockLen+fixed {
		return r.blockErr(off, true, what+" length "+strconv.Itoa(n)+" is less than the minimum "+strconv.Itoa(minBlockLen+fixed))
	}
	// The fixed part first: the captured length decides how to read the rest.
	head := 8 + fixed
	if err := in.fill(head); err != nil {
		return r.short(off, r.packets+1, what, int64(in.avail()), int64(n), err)
	}
	h := in.peek(head)
	var id uint32
	var ts uint64
	var capLen, origLen uint32
	room := uint32(n - minBlockLen - fixed) // bytes for data (padded) and options
	switch typ {
	case blockEPB:
		id = r.ng32(h[8:])
		ts = uint64(r.ng32(h[12:]))<<32 | uint64(r.ng32(h[16:]))
		capLen, origLen = r.ng32(h[20:]), r.ng32(h[24:])
	case blockPB:
		id = uint32(r.ng16(h[8:]))
		ts = uint64(r.ng32(h[12:]))<<32 | uint64(r.ng32(h[16:]))
		capLen, origLen = r.ng32(h[20:]), r.ng32(h[24:])
	case blockSPB:
		origLen = r.ng32(h[8:])
	}
	if uint64(id) >= uint64(len(r.secIfcs)) {
		if typ == blockSPB {
			return r.blockErr(off, true, "simple packet block before any interface description block in the section")
		}
		return r.blockErr(off, true, "interface index "+strconv.FormatUint(uint64(id), 10)+" is not less than section interface count "+strconv.Itoa(len(r.secIfcs)))
	}
	g := r.secIfcs[id]
	ifc := &r.info.Interfaces[g]
	if typ == blockSPB {
		// No captured length field: min(original length, snap length, room).
		capLen = origLen
		if ifc.SnapLen != 0 && capLen > ifc.SnapLen {
			capLen = ifc.SnapLen
		}
		if capLen > room {
			capLen = room
		}
	}
	if capLen > MaxRecordLen {
		return r.blockErr(off, true, "captured length "+strconv.FormatUint(uint64(capLen), 10)+" is larger than the maximum "+strconv.Itoa(MaxRecordLen))
	}
	dataEnd := uint32(pad4(capLen))
	if dataEnd > room {
		dataEnd = room // SPB without padding room
		if typ != blockSPB {
			return r.blockErr(off, true, what+" length "+strconv.Itoa(n)+" is too small for "+strconv.FormatUint(uint64(capLen), 10)+" bytes of packet data")
		}
	}
	var opts []byte
	if n <= windowSize {
		// Fast path: the whole block sits in the window; no copy.
		if err := in.fill(n); err != nil {
			return r.short(off, r.packets+1, what, int64(in.avail()), int64(n), err)
		}
		b := in.peek(n)
		if e := r.checkTrailer(b, off, true); e != nil {
			return e
		}
		rec.Data = b[head : head+int(capLen) : head+int(capLen)]
		opts = b[head+int(dataEnd) : n-4]
		in.advance(n)
	} else {
		// Huge options: data into r.data, options into r.scratch (or skipped).
		in.advance(head)
		d, err := in.readGrow(&r.data, int(dataEnd))
		if err != nil {
			return r.short(off, r.packets+1, what, int64(head+len(d)), int64(n), err)
		}
		rec.Data = d[:capLen:capLen]
		ol := n - head - int(dataEnd) - 4
		if ol <= maxMetaBlock {
			o, err := in.readGrow(&r.scratch, ol)
			if err != nil {
				return r.short(off, r.packets+1, what, int64(head+int(dataEnd)+len(o)), int64(n), err)
			}
			opts = o
		} else if got, err := in.discard(int64(ol)); err != nil {
			return r.short(off, r.packets+1, what, int64(head+int(dataEnd))+got, int64(n), err)
		}
		if err := in.fill(4); err != nil {
			return r.short(off, r.packets+1, what, int64(n-4+in.avail()), int64(n), err)
		}
		if t := pad4(r.ng32(in.peek(4))); t != uint64(n) {
			return r.blockErr(off, true, "block lengths (first "+strconv.Itoa(n)+" and second "+strconv.FormatUint(t, 10)+") don't match")
		}
		in.advance(4)
	}
	rec.Comments = rec.Comments[:0]
	if len(opts) > 0 && typ != blockSPB {
		var oerr string
		r.options(opts, func(code uint16, v []byte) {
			if code == optComment {
				rec.Comments = append(rec.Comments, optString(v))
			}
		}, &oerr)
		if oerr != "" {
			return r.blockErr(off, true, oerr)
		}
	}
	rec.OrigLen = int(origLen)
	rec.Interface = g
	rec.LinkType = ifc.LinkType
	rec.Offset = off
	if typ == blockSPB {
		rec.TimeNs, rec.NoTime = 0, true
	} else {
		res := &r.ifcs[g]
		rec.TimeNs, rec.NoTime = tsNs(ts, res.units, res.offset), false
	}
	ifc.Packets++
	return nil
}
