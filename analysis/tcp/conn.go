package tcp

import "pcaplens/analysis/frame"

// TCP option kinds (RFC 9293 section 3.2, RFC 7323, RFC 2018).
const (
	optEnd       = 0
	optNOP       = 1
	optMSS       = 2
	optWScale    = 3
	optSACKPerm  = 4
	optSACK      = 5
	optTimestamp = 8
)

// options reads the TCP options this tracker cares about from the header
// bytes into the packet's direction fw.
func options(fw *flow, f *frame.Frame, fl uint8) {
	h := f.TCP.Contents
	hdr := int(f.TCP.DataOffset) * 4
	if hdr > len(h) {
		hdr = len(h)
	}
	if hdr <= 20 {
		return
	}
	o := h[20:hdr]
	for len(o) > 0 {
		kind := o[0]
		if kind == optEnd {
			return
		}
		if kind == optNOP {
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			return
		}
		n := int(o[1])
		switch kind {
		case optMSS:
			if n == 4 && fl&thSYN != 0 {
				fw.mss = uint16(o[2])<<8 | uint16(o[3])
			}
		case optWScale:
			if n == 3 {
				ws := o[2]
				if ws > 14 { // RFC 7323 section 2.3: values above 14 are used as 14
					ws = 14
				}
				// Wireshark stores the option from any segment (pdu_store_window_scale_option).
				fw.winScale = int8(ws)
				if fl&thSYN != 0 {
					fw.wsOpt = int8(ws)
				}
			}
		case optSACKPerm:
			if fl&thSYN != 0 {
				fw.sackPerm = true
			}
		case optSACK:
			fw.sackSeen = true
		case optTimestamp:
			fw.tsSeen = true
		}
		o = o[n:]
	}
}

// History letters, as in Zeek's conn.log history (upper case: originator).
const (
	hSYN = iota
	hSYNACK
	hACK
	hData
	hFIN
	hRST
	hRetrans
	hZeroWin
	numHist
)

var histLetters = [numHist]byte{'s', 'h', 'a', 'd', 'f', 'r', 't', 'w'}

// addHist records a history letter the first time it happens on a side.
// side 0 is the originator (client), 1 the responder.
func (c *Conn) addHist(side, h int) {
	bit := uint32(1) << (side*numHist + h)
	if c.histSeen&bit != 0 || int(c.nhist) >= len(c.hist) {
		return
	}
	c.histSeen |= bit
	l := histLetters[h]
	if side == 0 {
		l -= 'a' - 'A'
	}
	c.hist[c.nhist] = l
	c.nhist++
}

// count updates per-connection statistics after analysis; fw is the
// packet's direction dir.
func (c *Conn) count(t *Tracker, fw *flow, dir int, f *frame.Frame, fl uint8, seglen int, flags Flag) {
	fw.packets++
	fw.ipBytes += uint64(f.IPLen)
	fw.payload += uint64(seglen)
	c.lastNs = f.TimeNs
	c.lastFrame = f.Number
	if flags != 0 {
		s := t.makeSide(c)
		fs := s.flags
		if fs == nil {
			fs = &flagState{}
			s.flags = fs
		}
		if fs.first == 0 {
			fs.first = f.Number
		}
		fs.last = f.Number
		fs.add(dir, flags)
	}

	// Roles: the sender of the first SYN without ACK is the client; else the
	// sender of a SYN/ACK is the server; else decided at the end by ports.
	if c.client < 0 {
		switch {
		case fl&(thSYN|thACK) == thSYN:
			c.client = int8(dir)
		case fl&(thSYN|thACK) == thSYN|thACK:
			c.client = int8(1 - dir)
		}
	}
	side := 0
	if c.client >= 0 && int(c.client) != dir {
		side = 1
	} else if c.client < 0 && dir == 1 {
		side = 1
	}

	switch {
	case fl&(thSYN|thACK) == thSYN:
		fw.syn++
		fw.sawSYN = true
		if c.synNs == 0 {
			c.synNs = f.TimeNs
		}
		c.addHist(side, hSYN)
	case fl&(thSYN|thACK) == thSYN|thACK:
		fw.syn++
		fw.sawSYNACK = true
		if sc := t.second(c); sc.synAckNs == 0 {
			sc.synAckNs = f.TimeNs
		}
		c.addHist(side, hSYNACK)
	}
	if fl&thACK != 0 {
		fw.ack++
		if fl&(thSYN|thFIN|thRST) == 0 && seglen == 0 {
			c.addHist(side, hACK)
		}
		if sc := t.second(c); fl&thSYN == 0 && sc.synAckNs != 0 && sc.hsAckNs == 0 && c.client >= 0 && int(c.client) == dir {
			sc.hsAckNs = f.TimeNs
		}
	}
	if seglen > 0 {
		fw.dataPackets++
		if fw.firstData == 0 {
			fw.firstData = f.TimeNs
		}
		c.addHist(side, hData)
		if flags&anyRetransmission != 0 {
			fw.retransData++
			c.addHist(side, hRetrans)
		}
	}
	if fl&thFIN != 0 {
		fw.fin++
		fw.sawFIN = true
		c.addHist(side, hFIN)
	}
	if fl&thRST != 0 {
		fw.rst++
		if !fw.sawRST {
			fw.firstRST = uint32(f.Number)
		}
		fw.sawRST = true
		c.addHist(side, hRST)
	}
	if flags&FlagZeroWindow != 0 {
		c.addHist(side, hZeroWin)
	}
}
