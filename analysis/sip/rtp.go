package sip

import (
	"encoding/binary"
	"math"
	"strings"
)

// RTP payload types for comfort noise (RFC 3389 and the old 19).
const (
	ptCN    = 13
	ptCNOld = 19
)

// rtpHeader is the part of the RTP fixed header (RFC 3550 section 5.1) the
// stream analysis needs.
type rtpHeader struct {
	marker bool
	pt     uint8
	seq    uint16
	ts     uint32
	ssrc   uint32
}

// parseRTP reads an RTP fixed header; ok is false when b is not RTP version 2
// or is an RTCP packet (payload types 72-76 with the marker bit: SR, RR, SDES,
// BYE, APP; RFC 5761 section 4).
func parseRTP(b []byte) (rtpHeader, bool) {
	if len(b) < 12 || b[0]>>6 != 2 {
		return rtpHeader{}, false
	}
	if b[1] >= 192 && b[1] <= 223 {
		return rtpHeader{}, false
	}
	cc := int(b[0] & 0x0f)
	if len(b) < 12+4*cc {
		return rtpHeader{}, false
	}
	return rtpHeader{
		marker: b[1]&0x80 != 0,
		pt:     b[1] & 0x7f,
		seq:    binary.BigEndian.Uint16(b[2:]),
		ts:     binary.BigEndian.Uint32(b[4:]),
		ssrc:   binary.BigEndian.Uint32(b[8:]),
	}, true
}

// rtpStats follows Wireshark's RTP stream analysis (ui/tap-rtp-analysis.c,
// rtppacket_analyse) so that packets, lost, max delta and jitter agree with
// `tshark -z rtp,streams`. Times are in milliseconds.
type rtpStats struct {
	first                 bool
	startSeq, stopSeq     uint16
	seqNum                uint16
	seqCycles             int
	under                 bool
	firstTS               uint32
	lastNominal           float64 // nominal time (ms) of the last in-time-sequence packet
	time                  float64
	startTime, lastTime   float64
	pt                    uint8
	delta, maxDelta       float64
	meanDelta             float64
	jitter, maxJitter     float64
	meanJitter            float64
	total                 int
	sequenceErrors        int
	outOfOrder            int
	highestExtSeq         int64
	extSeq                int64
	markers               int
	clockRate             int
	payloadName           string
	firstFrame, lastFrame int
}

// payloadInfo resolves a payload type to its name and clock rate.
type payloadInfo func(pt uint8) (name string, rate int)

// add analyses one packet at time t (milliseconds, any fixed origin).
func (s *rtpStats) add(h rtpHeader, t float64, frame int, info payloadInfo) {
	name, rate := info(h.pt)
	if s.total == 0 {
		s.first = true
		s.startSeq, s.stopSeq, s.seqNum = h.seq, h.seq, h.seq
		s.startTime, s.time, s.lastTime = t, t, t
		s.firstTS = h.ts
		s.pt = h.pt
		s.total = 1
		s.payloadName = name
		s.firstFrame, s.lastFrame = frame, frame
		s.extSeq = int64(h.seq)
		s.highestExtSeq = s.extSeq
		if h.marker {
			s.markers++
		}
		return
	}
	s.lastFrame = frame
	s.lastTime = t
	// Extended sequence number for our own out-of-order count.
	es := s.extSeq + int64(int16(h.seq-uint16(s.extSeq)))
	if es < s.highestExtSeq {
		s.outOfOrder++
	} else {
		s.highestExtSeq = es
	}
	s.extSeq = es

	// In time sequence: the timestamp is at most half the 32-bit range after
	// the stream's first one (Wireshark 4.0).
	inTimeSeq := h.ts-s.firstTS < 0x80000000
	wrongTS := !inTimeSeq
	// Sequence cycles (wrap of the 16-bit sequence number).
	switch {
	case h.seq < s.startSeq && inTimeSeq && !s.under:
		s.seqCycles++
		s.under = true
	case h.seq == 0 && s.stopSeq == 65535 && inTimeSeq && !s.under:
		s.seqCycles++
		s.under = true
	case h.seq > s.startSeq && inTimeSeq && s.under:
		s.under = false
	}
	switch {
	case inTimeSeq && s.seqNum+1 == h.seq:
		s.seqNum = h.seq
	case inTimeSeq && s.seqNum == 65535 && h.seq == 0:
		s.seqNum = h.seq
	case inTimeSeq && (int(s.seqNum)+1 < int(h.seq) || int(s.seqNum)-int(h.seq) > 0xFF00):
		s.seqNum = h.seq
		s.sequenceErrors++
	case int(s.seqNum)+1 > int(h.seq):
		s.sequenceErrors++
	}
	isCN := h.pt == ptCN || h.pt == ptCNOld
	followCN := s.pt == ptCN || s.pt == ptCNOld
	s.pt = h.pt

	clock := 0
	if h.pt < 96 {
		if c, ok := staticPT[int(h.pt)]; ok {
			clock = c.ClockRate
		}
	} else if name != "" {
		if !strings.HasPrefix(strings.ToLower(name), "telephone-event") {
			clock = rate
		}
	}
	currentJitter := 0.0
	if inTimeSeq {
		if clock != 0 {
			s.clockRate = clock
			// Nominal time of this packet since the first, in ms (integer
			// division of the clock rate, as Wireshark does).
			nominal := float64(h.ts-s.firstTS) / float64(clock/1000)
			expected := s.time + (nominal - s.lastNominal)
			currentJitter = (15*s.jitter + math.Abs(t-expected)) / 16
			s.delta = t - s.time
			s.jitter = currentJitter
			s.lastNominal = nominal
		} else {
			s.delta = t - s.time
		}
	}
	if h.marker {
		s.markers++
	}
	if !h.marker && !isCN && !wrongTS && !followCN {
		if s.delta > s.maxDelta {
			s.maxDelta = s.delta
		}
		n := float64(s.total)
		s.meanDelta = (s.meanDelta*(n-1) + s.delta) / n
		if clock != 0 {
			if s.jitter > s.maxJitter {
				s.maxJitter = s.jitter
			}
			s.meanJitter = (s.meanJitter*(n-1) + currentJitter) / n
		}
	}
	if inTimeSeq {
		s.time = t
	}
	s.stopSeq = h.seq
	s.total++
}

// expected is the number of packets the sequence numbers span.
func (s *rtpStats) expected() int {
	return int(s.stopSeq) + s.seqCycles*65536 - int(s.startSeq) + 1
}

// lost is expected minus received; negative when packets were duplicated.
func (s *rtpStats) lost() int { return s.expected() - s.total }
