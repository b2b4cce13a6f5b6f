package tcp

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

func (c *FlagCounts) add(f Flag) { countFlags((*[numFlags]int)(c), f) }

// flagCounts32 is FlagCounts in the per-connection state (half the size).
type flagCounts32 [numFlags]uint32

func (c *flagCounts32) add(f Flag) { countFlags((*[numFlags]uint32)(c), f) }

// countFlags counts a packet's flags f: one for each flag set, and
// tcp.analysis.retransmission's for every kind of retransmission.
func countFlags[E int | uint32](c *[numFlags]E, f Flag) {
	if f == 0 {
		return
	}
	if f&anyRetransmission != 0 {
		// tcp.analysis.retransmission is present on every kind.
		c[0]++
	}
	for i := 1; f>>i != 0; i++ {
		if f&(1<<i) != 0 {
			c[i]++
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
