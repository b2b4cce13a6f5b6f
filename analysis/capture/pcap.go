package capture

import (
	"encoding/binary"
	"strconv"
)

// pcap magic numbers, as read in the file's own byte order.
const (
	magicMicro    = 0xa1b2c3d4
	magicNano     = 0xa1b23c4d
	magicModified = 0xa1b2cd34 // Alexey Kuznetsov's patched libpcap
	magicIxiaHW   = 0x1c0001ac // Ixia lcap, hardware (nanosecond), 4 extra header bytes
	magicIxiaSW   = 0x1c0001ab // Ixia lcap, software (microsecond), 4 extra header bytes
)

// pcap file header: magic, version major/minor, thiszone, sigfigs, snaplen, network.
const (
	pcapHeaderLen = 24
	offVersionMaj = 4
	offVersionMin = 6
	offSnapLen    = 16
	offNetwork    = 20
)

// Subfields of the network (link type) field; see wiretap/libpcap.c.
const (
	ltReserved   = 0x03FF0000
	ltFCSPresent = 0x04000000
)

func (r *Reader) u16(b []byte) uint16 {
	if r.be {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *Reader) u32(b []byte) uint32 {
	if r.be {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// readPcapHeader reads the pcap file header whose magic (in file order) is m.
func (r *Reader) readPcapHeader(m uint32) error {
	in := r.in
	hl := pcapHeaderLen
	if m == magicIxiaHW || m == magicIxiaSW {
		hl += 4 // total length of the records, unused
	}
	if err := in.fill(hl); err != nil {
		return r.short(0, 0, "pcap file header", int64(in.avail()), int64(hl), err)
	}
	h := in.peek(hl)
	major, minor := r.u16(h[offVersionMaj:]), r.u16(h[offVersionMin:])
	snap := r.u32(h[offSnapLen:])
	network := r.u32(h[offNetwork:])
	if major < 2 {
		return &Error{Offset: offVersionMaj, Msg: "pcap: major version " + strconv.Itoa(int(major)) + " unsupported"}
	}
	r.recHdr = 16
	r.fracMul = 1000
	units := uint64(1e6)
	switch m {
	case magicNano:
		r.info.Variant = "nanosecond"
	case magicIxiaHW:
		r.info.Variant = "ixia-hw"
	case magicIxiaSW:
		r.info.Variant = "ixia-sw"
	}
	if m == magicNano || m == magicIxiaHW {
		r.fracMul = 1
		units = 1e9
	}
	// Version 2.3 and older wrote caplen and len the other way round
	// (2.3 only sometimes); DG/UX's 543.0 too.
	switch {
	case major == 2 && minor < 3, major == 543:
		r.lenSwap = swapAlways
	case major == 2 && minor == 3:
		r.lenSwap = swapMaybe
	}
	// AIX writes version 2.2 with RFC 1573 ifType values and nanoseconds.
	if m == magicMicro && major == 2 && minor == 2 {
		aix := map[uint32]uint32{6: 1, 9: 6, 15: 10, 24: 0}
		if lt, ok := aix[network]; ok {
			network = lt
			r.info.Variant = "aix"
			r.fracMul = 1
			units = 1e9
		}
	}
	if network&ltReserved != 0 {
		return &Error{Offset: offNetwork, Msg: "pcap: network type reserved field not zero (0x" + strconv.FormatUint(uint64(network&ltReserved), 16) + ")"}
	}
	fcs := 0
	if network&ltFCSPresent != 0 {
		fcs = int(network>>28) * 2 // in units of 16 bits
	}
	r.linkType = uint16(network)
	order := "little-endian"
	if r.be {
		order = "big-endian"
	}
	r.info.Sections = []Section{{ByteOrder: order, Version: strconv.Itoa(int(major)) + "." + strconv.Itoa(int(minor))}}
	r.info.Interfaces = []Interface{{LinkType: r.linkType, SnapLen: snap, TsResolution: units, FCSLen: fcs}}
	in.advance(hl)
	if m == magicModified {
		r.guessModified(snap)
	}
	return nil
}

// guessModified picks between the two record layouts that share the
// modified magic (8 or 12 extra bytes per record header) the way Wireshark
// does: by scoring the first records, here the ones already buffered.
func (r *Reader) guessModified(snap uint32) {
	in := r.in
	in.fill(64 << 10) // best effort; what is there is scored
	buf := in.buf[in.r:in.w]
	best, bestScore := 24, -1
	for _, hl := range []int{24, 28} {
		score := 0
		p := buf
		for i := 0; i < 3; i++ {
			if len(p) == 0 {
				break
			}
			if len(p) < hl {
				score++
				break
			}
			usec, incl, orig := r.u32(p[4:]), r.u32(p[8:]), r.u32(p[12:])
			ifindex, proto, ptype := r.u32(p[16:]), r.u16(p[20:]), p[22]
			if usec >= 1e6 {
				score++
			}
			bad := incl > MaxRecordLen
			if bad {
				score++
			}
			if incl > snap {
				score++
			}
			if orig > 128<<20 {
				score++
			}
			if incl > orig {
				score++
			}
			if ifindex > 10000 {
				score++
			}
			if !(proto >= 0x0600 || proto == 0x0060 || proto == 0x0200 || proto == 0x0400 || proto <= 0x0017) {
				score++
			}
			if ptype > 4 {
				score++
			}
			if bad {
				break
			}
			if len(p) < hl+int(incl) {
				score++
				break
			}
			p = p[hl+int(incl):]
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = hl, score
		}
		if score == 0 {
			break
		}
	}
	r.recHdr = best
	r.info.Variant = "modified"
	if best == 28 {
		r.info.Variant = "modified-ss990915"
	}
}

// nextPcap reads one pcap record.
func (r *Reader) nextPcap(rec *Record) error {
	in := r.in
	hl := r.recHdr
	if in.w-in.r < hl {
		if err := in.fill(hl); err != nil {
			if in.avail() == 0 {
				return r.atEnd()
			}
			return r.short(in.off, r.packets+1, "packet record header", int64(in.avail()), int64(hl), err)
		}
	}
	h := in.buf[in.r : in.r+hl]
	var sec, frac, incl, orig uint32
	if r.be {
		sec = binary.BigEndian.Uint32(h)
		frac = binary.BigEndian.Uint32(h[4:])
		incl = binary.BigEndian.Uint32(h[8:])
		orig = binary.BigEndian.Uint32(h[12:])
	} else {
		sec = binary.LittleEndian.Uint32(h)
		frac = binary.LittleEndian.Uint32(h[4:])
		incl = binary.LittleEndian.Uint32(h[8:])
		orig = binary.LittleEndian.Uint32(h[12:])
	}
	if r.lenSwap == swapAlways || (r.lenSwap == swapMaybe && incl > orig) {
		incl, orig = orig, incl
	}
	if incl > MaxRecordLen {
		return &Error{Offset: in.off, Packet: r.packets + 1,
			Msg: "pcap: record has " + strconv.FormatUint(uint64(incl), 10) + "-byte packet, bigger than maximum of " + strconv.Itoa(MaxRecordLen)}
	}
	n := hl + int(incl)
	if in.w-in.r < n {
		if err := in.fill(n); err != nil {
			got := int64(in.avail() - hl)
			return r.short(in.off, r.packets+1, "packet data", got, int64(incl), err)
		}
	}
	rec.Data = in.buf[in.r+hl : in.r+n : in.r+n]
	rec.OrigLen = int(orig)
	rec.TimeNs = int64(sec)*1e9 + int64(frac)*r.fracMul
	rec.Interface = 0
	rec.LinkType = r.linkType
	rec.Offset = in.off
	rec.NoTime = false
	rec.Comments = rec.Comments[:0]
	in.r += n
	in.off += int64(n)
	r.info.Interfaces[0].Packets++
	return nil
}
