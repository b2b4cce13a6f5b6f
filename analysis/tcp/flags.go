package tcp

import "math/bits"

// Flag is a set of Wireshark TCP analysis flags (tcp.analysis.*) given to one packet.
type Flag uint32

// The analysis flags, named after tshark's tcp.analysis.<suffix> fields.
const (
	FlagRetransmission Flag = 1 << iota
	FlagFastRetransmission
	FlagSpuriousRetransmission
	FlagOutOfOrder
	FlagDuplicateACK
	FlagLostSegment
	FlagACKLostSegment
	FlagZeroWindow
	FlagZeroWindowProbe
	FlagZeroWindowProbeACK
	FlagWindowFull
	FlagWindowUpdate
	FlagKeepAlive
	FlagKeepAliveACK
	FlagReusedPorts
	numFlags = iota
)

// FlagNames are tshark's field suffixes, in bit order.
var FlagNames = [numFlags]string{
	"retransmission",
	"fast_retransmission",
	"spurious_retransmission",
	"out_of_order",
	"duplicate_ack",
	"lost_segment",
	"ack_lost_segment",
	"zero_window",
	"zero_window_probe",
	"zero_window_probe_ack",
	"window_full",
	"window_update",
	"keep_alive",
	"keep_alive_ack",
	"reused_ports",
}

// anyRetransmission is what tshark's tcp.analysis.retransmission matches:
// Wireshark adds the retransmission expert item to fast and spurious
// retransmissions too.
const anyRetransmission = FlagRetransmission | FlagFastRetransmission | FlagSpuriousRetransmission

// FlagCounts counts packets per analysis flag, in FlagNames order.
type FlagCounts [numFlags]int

func (c *FlagCounts) add(f Flag) {
	for b := counted(f); b != 0; b &= b - 1 {
		c[bits.TrailingZeros32(uint32(b))]++
	}
}

// counted is the set of counts a packet with flags f adds one to (bit i:
// FlagNames[i]): one for each flag set, and tcp.analysis.retransmission's
// for every kind of retransmission (Wireshark gives that item to all).
func counted(f Flag) Flag {
	c := f &^ FlagRetransmission
	if f&anyRetransmission != 0 {
		c |= FlagRetransmission
	}
	return c
}

// flagKeyBits is the width of a flagState count's key: flag index<<1 | direction.
const flagKeyBits = 5

const flagKeyMask = 1<<flagKeyBits - 1

// The key must hold every flag index and direction.
var _ [flagKeyMask + 1 - 2*numFlags]struct{}

// add counts a packet's flags f sent in direction dir.
func (fs *flagState) add(dir int, f Flag) {
next:
	for c := counted(f); c != 0; c &= c - 1 {
		key := uint64(bits.TrailingZeros32(uint32(c))<<1 | dir)
		for j, e := range fs.counts {
			if e&flagKeyMask == key {
				fs.counts[j] += 1 << flagKeyBits
				continue next
			}
		}
		fs.counts = append(fs.counts, 1<<flagKeyBits|key)
	}
}

// count is the number of packets with flag i sent in direction dir.
func (fs *flagState) count(dir, i int) int {
	key := uint64(i<<1 | dir)
	for _, e := range fs.counts {
		if e&flagKeyMask == key {
			return int(e >> flagKeyBits)
		}
	}
	return 0
}

// total is the number of packets with flag i, both directions.
func (fs *flagState) total(i int) int {
	n := 0
	for _, e := range fs.counts {
		if int(e&flagKeyMask)>>1 == i {
			n += int(e >> flagKeyBits)
		}
	}
	return n
}

// addTo adds the counts of direction dir (-1: both) to c.
func (fs *flagState) addTo(c *FlagCounts, dir int) {
	for _, e := range fs.counts {
		if k := int(e & flagKeyMask); dir < 0 || k&1 == dir {
			c[k>>1] += int(e >> flagKeyBits)
		}
	}
}

// Map returns the counts keyed by tshark's field suffix (every flag present).
func (c *FlagCounts) Map() map[string]int {
	m := make(map[string]int, numFlags)
	for i, n := range FlagNames {
		m[n] = c[i]
	}
	return m
}

// Total is the number of flag occurrences.
func (c *FlagCounts) Total() int {
	t := 0
	for _, n := range c {
		t += n
	}
	return t
}

// Sequence-space comparisons (RFC 793 section 3.3, modulo 2^32), as
// Wireshark's GT_SEQ, LT_SEQ, LE_SEQ.
func gtSeq(x, y uint32) bool { return int32(y-x) < 0 }
func ltSeq(x, y uint32) bool { return int32(x-y) < 0 }
func leSeq(x, y uint32) bool { return int32(x-y) <= 0 }

// Names returns tshark's field suffixes of the flags, in FlagNames order;
// like tshark, fast and spurious retransmissions are also "retransmission".
func (f Flag) Names() []string {
	var out []string
	if f&anyRetransmission != 0 {
		out = append(out, FlagNames[0])
	}
	for i := 1; i < numFlags; i++ {
		if f&(1<<i) != 0 {
			out = append(out, FlagNames[i])
		}
	}
	return out
}
