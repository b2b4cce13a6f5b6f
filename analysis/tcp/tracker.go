package tcp

import (
	"net/netip"
	"sort"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/slab"
)

// TCP header flag bits (RFC 9293 section 3.1).
const (
	thFIN = 0x01
	thSYN = 0x02
	thRST = 0x04
	thPSH = 0x08
	thACK = 0x10
)

// Window scale values with Wireshark's meaning: -1 not known yet, -2 not in use.
const (
	wsUnknown = -1
	wsNone    = -2
)

// key identifies a TCP 4-tuple regardless of direction: the endpoint that
// sorts first is a.
type key struct {
	a, b   [16]byte
	pa, pb uint16
	v6     bool // IPv4-mapped IPv6 addresses are not IPv4 addresses
}

func makeKey(src, dst netip.Addr, sp, dp uint16) key {
	s, d := src.As16(), dst.As16()
	v6 := src.Is6()
	if less(s, sp, d, dp) {
		return key{a: s, b: d, pa: sp, pb: dp, v6: v6}
	}
	return key{a: d, b: s, pa: dp, pb: sp, v6: v6}
}

func less(a [16]byte, pa uint16, b [16]byte, pb uint16) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return pa < pb
}

// flow is one direction of a connection: Wireshark's tcp_flow_t plus its
// tcp_analyze_seq_flow_info_t, and our counters. Fields are ordered by size
// so that the struct has no padding: every connection holds two.
type flow struct {
	packets, ipBytes, payload uint64
	nextSeqNs                 int64
	lastAckNs                 int64
	firstData                 int64  // time of first payload, 0 if none
	firstRST                  uint32 // frame number of the first RST, 0 if none (Wireshark's frame numbers are 32 bits)

	baseSeq            uint32
	nextSeq            uint32 // 0 means not known, as in Wireshark
	maxSeqToBeAcked    uint32
	lastAck            uint32
	window             uint32 // last raw (unscaled) window; 2^32-1 before the first
	dupAckNum          int32
	lastSegFlags       Flag
	dataPackets        uint32
	syn, fin, rst, ack uint32
	retransData        uint32 // retransmitted data segments (any kind)

	mss       uint16
	winScale  int8
	wsOpt     int8 // window scale option value, -1 when absent
	baseSet   bool
	firstAck  bool // window was last taken from a SYN (never scaled)
	sawSYN    bool
	sawSYNACK bool
	sawFIN    bool
	sawRST    bool
	sackPerm  bool
	sackSeen  bool
	tsSeen    bool
}

// flagState is the part of a connection kept only once one of its packets
// has an analysis flag (most connections never have one).
type flagState struct {
	// counts are the packets per analysis flag and direction (0: the
	// direction of the first packet seen), the counts that are not zero
	// only, each count<<flagKeyBits | flag index<<1 | direction: a
	// connection has few kinds of flags, and an array of every flag for
	// both directions (120 bytes) made every flagged connection's state
	// two and a half times as large (docs/benchmarks.md, ninth session).
	counts []uint64
	// first and last are the first and last frames carrying any flag.
	first, last int
	// frames are the first frames of each analysis flag (at most
	// finding.MaxFrames of each), as frame<<numFlags | flags.
	frames []uint64
}

// Conn is one TCP connection, numbered like tshark's tcp.stream. Its
// endpoints are those of its key: endpoint 0 (the sender of the first packet
// seen) is the key's a unless rev. It holds no pointer (its trace and flag
// state are in the tracker's sides), so the garbage collector does not scan
// the connections.
type Conn struct {
	k      key
	rev    bool // endpoint 0 is the key's b
	client int8 // indexes the endpoints; -1 until decided
	nhist  uint8
	// evicted: closed out by the cap. ackedBeyond: the last packet
	// acknowledged beyond the other side's maxSeqToBeAcked.
	evicted     bool
	ackedBeyond bool
	// ws1 is direction 1's window scale while it has no state (wsUnknown,
	// or wsNone once a SYN without the option made scaling unused).
	ws1      int8
	histSeen uint32 // bit per history letter per side
	hist     [16]byte
	Stream   int
	// flow0 is direction 0's state. Direction 1's, with the handshake's
	// times, is in the tracker (Tracker.flows1, a second), made when that
	// direction is first written: on a real 1 M frame capture, for 28,105
	// of 213,621 connections (most of the others are SYNs nobody answered).
	flow0      flow
	flow1      uint32 // index + 1 of direction 1's state in Tracker.flows1; 0: none yet
	side       uint32 // index + 1 of the connection's side in Tracker.sides; 0: none
	firstNs    int64
	lastNs     int64
	firstFrame int
	lastFrame  int
	synNs      int64 // first SYN (no ACK)
	tsMruSyn   int64 // time of the most recent SYN (Wireshark's ts_mru_syn)
}

// second is what a connection holds once its direction 1 is written: that
// direction's state, and the handshake's times after the SYN, each set by a
// packet with ACK (which writes both directions: Tracker.Packet).
type second struct {
	flow
	synAckNs int64 // first SYN/ACK
	hsAckNs  int64 // ACK completing the handshake
	firstRTT int64 // Wireshark's ts_first_rtt (0: unknown)
}

// side is the part of a connection that holds pointers, made for the
// connections that need it.
type side struct {
	trace *trace     // first packets, for the time/sequence graph
	flags *flagState // nil until a packet has an analysis flag
}

// sideOf returns c's side, the zero side when it has none.
func (t *Tracker) sideOf(c *Conn) side {
	if c.side == 0 {
		return side{}
	}
	return t.sides[c.side-1]
}

// makeSide returns c's side, making one when it has none (valid until the
// next makeSide).
func (t *Tracker) makeSide(c *Conn) *side {
	if c.side == 0 {
		if c.side = reuse(&t.freeSides); c.side == 0 {
			t.sides = append(t.sides, side{})
			c.side = uint32(len(t.sides))
		}
	}
	return &t.sides[c.side-1]
}

// reuse takes an index + 1 from the free list, 0 when it is empty.
func reuse(free *[]uint32) uint32 {
	n := len(*free)
	if n == 0 {
		return 0
	}
	i := (*free)[n-1]
	*free = (*free)[:n-1]
	return i
}

// flagsOf returns c's flag state, nil when no packet of c had a flag.
func (t *Tracker) flagsOf(c *Conn) *flagState { return t.sideOf(c).flags }

// endpoint returns the address bytes (As16) and port of endpoint i (0 or
// 1) of c.
func (c *Conn) endpoint(i int) (*[16]byte, uint16) {
	if (i == 1) != c.rev {
		return &c.k.b, c.k.pb
	}
	return &c.k.a, c.k.pa
}

// addr returns the address of endpoint i of c.
func (c *Conn) addr(i int) netip.Addr {
	a, _ := c.endpoint(i)
	ad := netip.AddrFrom16(*a)
	if !c.k.v6 {
		ad = ad.Unmap()
	}
	return ad
}

// port returns the port of endpoint i of c.
func (c *Conn) port(i int) uint16 {
	_, p := c.endpoint(i)
	return p
}

// Tracker follows TCP connections and gives each packet Wireshark's TCP
// analysis flags. It is not safe for concurrent use.
type Tracker struct {
	streams streams // by stream number: every packet's lookup
	last    *Conn   // the connection of the previous packet
	all     []*Conn // every connection, by stream number
	// slab is where the next connections are made: allocated a slab at a
	// time (connections hold no pointer, so the collector marks one object
	// for each slab, and a capture of 213,621 connections made 213,621
	// allocations of 448 bytes, a third of the tracker's time under
	// WebAssembly).
	slab      []Conn
	maxConns  int
	evictions int
	packets   int // TCP packets
	flags     FlagCounts
	// sides are the connections' sides (Conn.side), freeSides the
	// indexes + 1 of those the connections closed out left.
	sides     []side
	freeSides []uint32
	// flows1 are the connections' direction 1 states (Conn.flow1), in
	// chunks that never move; freeFlows1 the indexes + 1 of those the
	// connections closed out left. idle is what a direction 1 without a
	// state reads: the state a connection starts with, window scale
	// unknown ([0]) or not in use ([1]).
	flows1     [][]second
	nflows1    int
	freeFlows1 []uint32
	idle       [2]second
	// OnPacket, when set, is called for every TCP packet after analysis.
	OnPacket func(c *Conn, dir int, f *frame.Frame, seglen int, fl Flag)
	// OnEvict, when set, is called for each connection the cap closes out.
	OnEvict func(c *Conn)
}

// DefaultMaxConns is the default cap on connections tracked at once.
const DefaultMaxConns = 500_000

// NewTracker returns a tracker holding at most maxConns live connections
// (DefaultMaxConns when maxConns <= 0).
func NewTracker(maxConns int) *Tracker {
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	t := &Tracker{maxConns: maxConns}
	for i, ws := range [2]int8{wsUnknown, wsNone} {
		startFlow(&t.idle[i].flow)
		t.idle[i].winScale = ws
	}
	return t
}

// startFlow sets a direction's state as a connection starts.
func startFlow(f *flow) {
	f.winScale = wsUnknown
	f.window = 0xFFFFFFFF // as Wireshark's init_tcp_conversation_data
	f.wsOpt = -1
	f.firstAck = true
}

// flowChunk is the number of direction states in each of Tracker.flows1.
const flowChunk = 512

// flow returns direction i (0 or 1) of c to be written, giving direction 1
// its state when it has none.
func (t *Tracker) flow(c *Conn, i int) *flow {
	if i == 0 {
		return &c.flow0
	}
	return &t.second(c).flow
}

// second returns c's second, to be written, made when c has none.
func (t *Tracker) second(c *Conn) *second {
	if c.flow1 == 0 {
		if c.flow1 = reuse(&t.freeFlows1); c.flow1 == 0 {
			if t.nflows1%flowChunk == 0 {
				t.flows1 = append(t.flows1, make([]second, flowChunk))
			}
			t.nflows1++
			c.flow1 = uint32(t.nflows1)
		}
		s := t.at1(c)
		startFlow(&s.flow)
		s.winScale = c.ws1
		return s
	}
	return t.at1(c)
}

// peek returns direction i (0 or 1) of c to be read, never written:
// without a state of its own, direction 1 reads the tracker's idle one.
func (t *Tracker) peek(c *Conn, i int) *flow {
	if i == 0 {
		return &c.flow0
	}
	return &t.peekSecond(c).flow
}

// peekSecond returns c's second to be read, never written: the tracker's
// idle one while c has none.
func (t *Tracker) peekSecond(c *Conn) *second {
	switch {
	case c.flow1 != 0:
		return t.at1(c)
	case c.ws1 == wsNone:
		return &t.idle[1]
	}
	return &t.idle[0]
}

func (t *Tracker) at1(c *Conn) *second {
	n := c.flow1 - 1
	return &t.flows1[n/flowChunk][n%flowChunk]
}

// setWinScale sets direction i's window scale, without giving direction 1
// a state for it.
func (t *Tracker) setWinScale(c *Conn, i int, ws int8) {
	if i == 1 && c.flow1 == 0 {
		c.ws1 = ws
		return
	}
	t.flow(c, i).winScale = ws
}

// Packet processes one frame; frames without a TCP header are ignored, and
// so are the frames the stream assigner left without a number
// (f.TCPStream < 0: its table was full; the engine warns). Connections are
// the streams of f.TCPStream, numbered once for every analyzer by
// frame.StreamAssigner (tcp.stream): the tracker does not number them.
func (t *Tracker) Packet(f *frame.Frame) {
	if f.Transport != frame.TransportTCP || f.TCPStream < 0 {
		return
	}
	t.packets++
	th := &f.TCP
	var fl uint8
	if th.FIN {
		fl |= thFIN
	}
	if th.SYN {
		fl |= thSYN
	}
	if th.RST {
		fl |= thRST
	}
	if th.PSH {
		fl |= thPSH
	}
	if th.ACK {
		fl |= thACK
	}
	c, reused := t.connOf(f)
	dir := c.dir(f)
	var flags Flag
	// Port reuse (Wireshark: a SYN whose sequence number differs from the
	// direction's base sequence number starts a new conversation, which the
	// stream assigner numbered).
	if reused {
		if fl&(thSYN|thACK) == thSYN {
			flags |= FlagReusedPorts
		}
	} else if fw := t.peek(c, dir); fl&(thSYN|thACK) == thSYN|thACK && fw.baseSet && th.Seq != fw.baseSeq {
		flags |= FlagReusedPorts
	}
	// A first fragment captured short, which cannot be reassembled, has no
	// known length (-1): it is counted, not analysed.
	seglen := f.TCPLen()
	c.ackedBeyond = false
	// The packet's direction is written (counted, at least); the other is
	// only read, but for an acknowledgement (its base sequence number).
	fw := t.flow(c, dir)
	var rv *flow
	if fl&thACK != 0 {
		rv = t.flow(c, 1-dir) // so an ACK writes both: the handshake's times are in the second
	} else {
		rv = t.peek(c, 1-dir)
	}
	if seglen >= 0 {
		flags = c.analyze(fw, rv, t.peekSecond(c).firstRTT, flags, th.Seq, th.Ack, uint32(seglen), fl, uint32(th.Window), f.TimeNs)
	}
	options(fw, f, fl)
	if fl&thSYN != 0 {
		// Wireshark's verify_tcp_window_scaling.
		if fw.winScale == wsUnknown {
			fw.winScale = wsNone
			t.setWinScale(c, 1-dir, wsNone)
		} else if fl&thACK != 0 && t.peek(c, 1-dir).winScale == wsNone {
			fw.winScale = wsNone
		}
		if fl&thACK == 0 {
			c.tsMruSyn = f.TimeNs
		}
	} else {
		fw.firstAck = false
	}
	if fl&(thSYN|thACK) == thACK && c.tsMruSyn != 0 {
		if sc := t.second(c); sc.firstRTT == 0 {
			sc.firstRTT = f.TimeNs - c.tsMruSyn
		}
	}
	if seglen < 0 {
		seglen = len(f.Payload)
	}
	c.count(t, fw, dir, f, fl, seglen, flags)
	t.flags.add(flags)
	if t.OnPacket != nil {
		t.OnPacket(c, dir, f, seglen, flags)
	}
}

// connOf returns the connection of f's stream, opening one for a stream
// not tracked yet, and whether that new stream takes over the address and
// port pair of an earlier one (port reuse: the stream assigner, which
// numbered the streams by their pairs, says so). Streams are looked up by
// number: the tracker hashes no 4-tuple.
func (t *Tracker) connOf(f *frame.Frame) (c *Conn, reused bool) {
	if c = t.last; c != nil && c.Stream == f.TCPStream {
		return c, false
	}
	if c = t.streams.get(f.TCPStream); c == nil {
		c, reused = t.newConn(makeKey(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort), f), f.TCPReused
	}
	t.last = c
	return c, reused
}

func (t *Tracker) newConn(k key, f *frame.Frame) *Conn {
	if len(t.all) >= t.maxConns {
		t.evict()
	}
	// 16 connections first, then twice as many each time up to 256.
	c := slab.Next(&t.slab, min(max(16, len(t.all)), 256))
	// Set on the zero connection field by field: a composite literal is
	// built aside and copied, 424 bytes cleared and copied through
	// WebAssembly's bulk-memory calls, one connection at a time.
	c.k, c.Stream, c.client = k, f.TCPStream, -1
	c.firstNs, c.firstFrame = f.TimeNs, f.Number
	// makeKey puts the endpoint that sorts first in a: the source when it
	// does, and the source is endpoint 0.
	c.rev = !less(f.SrcIP.As16(), f.SrcPort, f.DstIP.As16(), f.DstPort)
	startFlow(&c.flow0)
	c.ws1 = wsUnknown
	t.streams.put(c)
	t.all = append(t.all, c)
	return c
}

// evict closes out the tenth of the connections idle the longest.
func (t *Tracker) evict() {
	idle := make([]int64, len(t.all))
	for i, c := range t.all {
		idle[i] = c.lastNs
	}
	sort.Slice(idle, func(i, j int) bool { return idle[i] < idle[j] })
	n := len(idle)/10 + 1
	limit := idle[n-1]
	kept := t.all[:0]
	closed := 0
	t.last = nil
	for _, c := range t.all {
		if c.lastNs <= limit && closed < n {
			closed++
			c.evicted = true
			if t.OnEvict != nil {
				t.OnEvict(c)
			}
			if c.side != 0 {
				t.sides[c.side-1] = side{}
				t.freeSides = append(t.freeSides, c.side)
				c.side = 0
			}
			if c.flow1 != 0 {
				*t.at1(c) = second{}
				t.freeFlows1 = append(t.freeFlows1, c.flow1)
				c.flow1 = 0
			}
			t.streams.del(c)
			continue
		}
		kept = append(kept, c)
	}
	for i := len(kept); i < len(t.all); i++ {
		t.all[i] = nil
	}
	t.all = kept
	t.evictions += closed
}

func (c *Conn) dir(f *frame.Frame) int {
	if a, p := c.endpoint(0); f.SrcPort == p && f.SrcIP.As16() == *a {
		return 0
	}
	return 1
}

// analyze is Wireshark's tcp_analyze_sequence_number (packet-tcp.c), step
// by step, so that each packet gets the flags tshark gives it.
// fw is the packet's direction, rv the other (only read unless the
// packet acknowledges: Tracker.peek).
func (c *Conn) analyze(fw, rv *flow, firstRTT int64, flags Flag, seq, ack, seglen uint32, fl uint8, window uint32, now int64) Flag {
	if !fw.baseSet {
		if fl&thSYN != 0 {
			fw.baseSeq = seq
		} else {
			fw.baseSeq = seq - 1
		}
		fw.baseSet = true
	}
	if !rv.baseSet && fl&thACK != 0 {
		rv.baseSeq = ack - 1
		rv.baseSet = true
	}

	// Zero window probe: exactly one byte at the next expected sequence
	// number while the other side's window is zero.
	if seglen == 1 && seq == fw.nextSeq && rv.window == 0 {
		flags |= FlagZeroWindowProbe
		goto finishedFwd
	}
	// Zero window: window 0 on a segment without SYN, FIN or RST.
	if window == 0 && fl&(thRST|thFIN|thSYN) == 0 {
		flags |= FlagZeroWindow
	}
	// Previous segment not captured: this segment starts beyond nextseq.
	if fw.nextSeq != 0 && gtSeq(seq, fw.nextSeq) && fl&thRST == 0 {
		flags |= FlagLostSegment
	}
	// Keep-alive: 0 or 1 byte starting one byte before nextseq.
	if seglen <= 1 && seq == fw.nextSeq-1 && fl&(thSYN|thFIN|thRST) == 0 {
		flags |= FlagKeepAlive
	}
	// Window update: empty, same seq/ack as before, new non-zero window.
	if seglen == 0 && window != 0 && window != fw.window && seq == fw.nextSeq && ack == fw.lastAck && fl&(thSYN|thFIN|thRST) == 0 {
		flags |= FlagWindowUpdate
	}
	// Window full: data up to the right edge of the other side's window.
	if seglen > 0 && rv.winScale != wsUnknown && fl&(thSYN|thFIN|thRST) == 0 {
		shift := uint32(0)
		if !rv.firstAck && rv.winScale >= 0 {
			shift = uint32(rv.winScale)
		}
		if seq+seglen == rv.lastAck+(rv.window<<shift) {
			flags |= FlagWindowFull
		}
	}
	// Keep-alive ACK.
	if seglen == 0 && window != 0 && window == fw.window && seq == fw.nextSeq && ack == fw.lastAck &&
		rv.lastSegFlags&FlagKeepAlive != 0 && fl&(thSYN|thFIN|thRST) == 0 {
		flags |= FlagKeepAliveACK
		goto finishedFwd
	}
	// Zero window probe ACK.
	if seglen == 0 && window == 0 && window == fw.window && seq == fw.nextSeq && ack == fw.lastAck &&
		rv.lastSegFlags&FlagZeroWindowProbe != 0 && fl&(thSYN|thFIN|thRST) == 0 {
		flags |= FlagZeroWindowProbeACK
		goto finishedFwd
	}
	// Duplicate ACK: empty, same window/seq/ack as the previous segment.
	if seglen == 0 && window != 0 && window == fw.window && seq == fw.nextSeq && ack == fw.lastAck && fl&(thSYN|thFIN|thRST) == 0 {
		if fw.dupAckNum == -1 {
			fw.dupAckNum = 1
		} else {
			fw.dupAckNum++
		}
		flags |= FlagDuplicateACK
	}

finishedFwd:
	if ack != fw.lastAck {
		fw.dupAckNum = 0
	}
	// ACKed unseen segment: this ACK covers data beyond the highest
	// contiguous sequence number seen going the other way (maxSeqToBeAcked,
	// 0 while that side has sent nothing: never flagged then). When the other
	// side has since been seen beyond a gap (maxSeqToBeAcked < nextSeq, in
	// sequence space), the mark jumps to its nextSeq and the ACK is flagged;
	// otherwise it is flagged only if the other side's dupAckNum is 0 (its ACK
	// changed since the last flag), and dupAckNum = -1 keeps later ACKs of the
	// same unseen data from being flagged again (Wireshark 4.0.17).
	if rv.maxSeqToBeAcked != 0 && gtSeq(ack, rv.maxSeqToBeAcked) && fl&thACK != 0 {
		c.ackedBeyond = true
		if ltSeq(rv.maxSeqToBeAcked, rv.nextSeq) {
			rv.maxSeqToBeAcked = rv.nextSeq
			flags |= FlagACKLostSegment
		} else {
			if rv.dupAckNum == 0 {
				flags |= FlagACKLostSegment
			}
			rv.dupAckNum = -1
		}
	}

	// Retransmission, fast retransmission, spurious retransmission, out-of-order.
	if seglen > 0 || fl&(thSYN|thFIN) != 0 {
		seqNotAdvanced := fw.nextSeq != 0 && ltSeq(seq, fw.nextSeq)
		if flags&FlagKeepAlive != 0 {
			goto finishedRetrans
		}
		if seglen > 1 && fw.nextSeq-1 == seq {
			seqNotAdvanced = false
		}
		if seglen > 0 && rv.lastAck != 0 && leSeq(seq+seglen, rv.lastAck) {
			flags |= FlagSpuriousRetransmission
			goto finishedRetrans
		}
		// Wireshark holds the time differences in a guint64: a segment
		// earlier than the one compared with (time going backwards, as in
		// merged captures) is a huge difference, never "close".
		// dupacknum is a guint32 in Wireshark: the -1 left by an ACKed unseen
		// segment counts as at least two duplicate ACKs.
		if seqNotAdvanced && uint32(rv.dupAckNum) >= 2 && rv.lastAck == seq && uint64(now-rv.lastAckNs) < 20_000_000 {
			flags |= FlagFastRetransmission
			goto finishedRetrans
		}
		thres := firstRTT
		if thres == 0 {
			thres = 3_000_000
		}
		syn := uint32(0)
		if fl&(thSYN|thFIN) != 0 {
			syn = 1
		}
		if seqNotAdvanced && uint64(now-fw.nextSeqNs) < uint64(thres) && fw.nextSeq != seq+seglen+syn {
			flags |= FlagOutOfOrder
			goto finishedRetrans
		}
		if seqNotAdvanced {
			flags |= FlagRetransmission
		}
	}

finishedRetrans:
	{
		nextSeq := seq + seglen
		if fl&(thSYN|thFIN) != 0 {
			nextSeq++
		}
		if (gtSeq(nextSeq, fw.nextSeq) || fw.nextSeq == 0) && flags&FlagZeroWindowProbe == 0 {
			fw.nextSeq = nextSeq
			fw.nextSeqNs = now
		}
		if (seq == fw.maxSeqToBeAcked || fw.maxSeqToBeAcked == 0) && flags&FlagZeroWindowProbe == 0 {
			fw.maxSeqToBeAcked = fw.nextSeq
		}
	}
	fw.window = window
	fw.lastAck = ack
	fw.lastAckNs = now
	fw.lastSegFlags = flags
	return flags
}
