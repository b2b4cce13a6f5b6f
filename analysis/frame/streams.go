package frame

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"net/netip"
)

// StreamAssigner numbers conversations as Wireshark does, once per frame,
// before any analyzer sees it (the engine calls Assign after decoding and
// reassembly): Frame.TCPStream is tcp.stream, Frame.UDPStream is udp.stream.
//
//   - A TCP stream is an address and port pair in either direction. A SYN
//     without ACK whose sequence number differs from the base sequence
//     number of its direction starts a new stream on the same pair
//     (packet-tcp.c, "TCP port numbers reused"). The base sequence number of
//     a direction is set by its first segment (its sequence number if it is
//     a SYN, one less otherwise) or by the first ACK coming the other way
//     (the acknowledgement number less one).
//   - A UDP stream is an address and port pair in either direction, for the
//     whole capture.
//   - Every UDP header of a frame is numbered, outermost first: one that
//     carried a tunnel (VXLAN, Geneve) too, as Wireshark's UDP dissector runs
//     once per header. The Frame holds the innermost: TCPStream is that of
//     the frame's TCP segment, UDPStream that of its UDP datagram, or, when
//     the transport is TCP or something else inside a UDP tunnel, that of
//     the innermost UDP header that carried the tunnel; OuterUDPStreams
//     the others, outermost first.
//   - A UDP header quoted in an ICMP error is numbered too, as Wireshark
//     does (a pair first seen there takes the next number): UDPStream of
//     the ICMP frame is its stream. Quoted TCP headers are not numbered
//     (Wireshark does not either).
//   - Conversations announced by a session description (AnnounceUDP, as
//     Wireshark's SDP dissector sets up RTP, RTCP and T.38 conversations):
//     a datagram whose pair has no stream yet takes the stream of its
//     source endpoint's announced conversation, else of its destination's,
//     so the two directions of an RTP stream get two numbers.
//
// The tables are bounded: at most MaxStreams pairs of each protocol are
// kept, in two generations of at most MaxStreams/2 each. A pair seen again
// moves to the current generation; when the current one is full it becomes
// the old one and the pairs of the old one, idle the longest, are
// forgotten (counted in StreamStats.Forgotten; the engine warns). A later
// frame of a forgotten pair starts a new stream number: only on captures
// with more than MaxStreams/2 pairs active at once do the numbers then
// differ from Wireshark's, which keeps every pair. Memory stays bounded and
// no frame is left unnumbered.
type StreamAssigner struct {
	// Two generations of each protocol's pairs, in open-addressing tables
	// keyed by a seeded hash of the pair: one hash per header, and one slot
	// (the pair and its stream inline) touched per lookup.
	tcp     generations[tcpStream]
	udp     generations[int32]
	seed    [5]uint64
	nextTCP int32
	nextUDP int32
	max     int
	stats   StreamStats

	// The last pair of each protocol, pointing into the current
	// generation's slots: consecutive frames of one conversation skip the
	// table. Reset whenever those slots move (growth, turnover).
	lastTCPKey streamKey
	lastTCP    *tcpStream
	lastUDPKey streamKey
	lastUDP    *int32

	// announced are the endpoints of AnnounceUDP with their conversation's
	// stream (-1 until its first datagram).
	announced map[netip.AddrPort]int32
}

// MaxAnnounced bounds the endpoints AnnounceUDP keeps; further ones are
// ignored.
const MaxAnnounced = 1 << 14

// MaxStreams is the default cap on the address and port pairs an
// assigner keeps, per protocol.
const MaxStreams = 500_000

// StreamStats says how many streams were numbered.
type StreamStats struct {
	// TCP and UDP count the streams numbered.
	TCP int `json:"tcp"`
	UDP int `json:"udp"`
	// Max is the cap on pairs kept per protocol; Forgotten counts the pairs
	// dropped, idle the longest, to stay under it.
	Max       int `json:"max"`
	Forgotten int `json:"forgotten"`
}

// streamKey is an address and port pair, the same both ways: a sorts first.
type streamKey struct {
	a, b   [16]byte
	pa, pb uint16
	v6     bool // an IPv4-mapped IPv6 address is not an IPv4 address
}

// tcpStream is one TCP pair's current stream and the base sequence numbers
// of its two directions (0: from a to b), and 1 + the direction whose SYN
// without ACK opened the stream (its base is that SYN's sequence number),
// 0 when none did or a RST came since (Frame.TCPOpen).
type tcpStream struct {
	stream  int32
	base    [2]uint32
	baseSet [2]bool
	opener  uint8
}

// NewStreamAssigner returns an assigner keeping at most max pairs per
// protocol (MaxStreams when max <= 0).
func NewStreamAssigner(max int) *StreamAssigner {
	if max <= 0 {
		max = MaxStreams
	}
	if max < 2 {
		max = 2
	}
	a := &StreamAssigner{max: max}
	for i := range a.seed {
		a.seed[i] = rand.Uint64() | 1 // per assigner: crafted pairs cannot pick collisions
	}
	return a
}

// mix folds two words into one (the high and low halves of their 128-bit
// product, as wyhash does).
func mix(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	return hi ^ lo
}

// hash is the seeded hash of a pair, never 0 (0 marks an empty slot).
func (a *StreamAssigner) hash(k *streamKey) uint64 {
	le := binary.LittleEndian
	ports := uint64(k.pa) | uint64(k.pb)<<16
	if k.v6 {
		ports |= 1 << 32
	}
	h := mix(le.Uint64(k.a[0:8])^a.seed[0], le.Uint64(k.a[8:16])^a.seed[1])
	h ^= mix(le.Uint64(k.b[0:8])^a.seed[2], le.Uint64(k.b[8:16])^a.seed[3])
	return mix(h^ports, a.seed[4]) | 1
}

// generations are one protocol's pairs in two generations (see
// StreamAssigner): a pair seen again moves to the current one; when the
// current one is full it becomes the old one, whose pairs are forgotten.
type generations[V any] struct {
	cur, old pairTable[V]
}

// lookup finds a pair in either generation, moving it to the current one;
// nil when neither holds it. A move may relocate the current slots (see add).
func (g *generations[V]) lookup(a *StreamAssigner, k *streamKey, h uint64) *V {
	if v := g.cur.find(k, h); v != nil {
		return v
	}
	v := g.old.find(k, h)
	if v == nil {
		return nil
	}
	val := *v
	g.old.remove(k, h)
	return g.add(a, k, h, val)
}

// add puts a pair in the current generation, turning generations over when
// it is full, and returns its slot's value. The slots may move: the
// assigner's last-pair pointers are reset.
func (g *generations[V]) add(a *StreamAssigner, k *streamKey, h uint64, v V) *V {
	if g.cur.n >= a.max/2 {
		a.stats.Forgotten += g.old.n
		g.old, g.cur = g.cur, g.old
		g.cur.reset()
	}
	a.lastTCP, a.lastUDP = nil, nil
	return g.cur.insert(k, h, v)
}

// keyOf returns the pair of a header from src:sp to dst:dp, and the
// direction of the header in it.
func keyOf(src, dst netip.Addr, sp, dp uint16) (streamKey, int) {
	s, d := src.As16(), dst.As16()
	v6 := src.Is6()
	if s == d {
		if sp <= dp {
			return streamKey{a: s, b: d, pa: sp, pb: dp, v6: v6}, 0
		}
		return streamKey{a: d, b: s, pa: dp, pb: sp, v6: v6}, 1
	}
	for i := range s {
		if s[i] != d[i] {
			if s[i] < d[i] {
				return streamKey{a: s, b: d, pa: sp, pb: dp, v6: v6}, 0
			}
			break
		}
	}
	return streamKey{a: d, b: s, pa: dp, pb: sp, v6: v6}, 1
}

// pairTable maps pairs to values. Its entries (hash, pair, value) are
// appended to a dense slice as pairs arrive; an index of 8-byte slots,
// open addressing with linear probing kept at most half full, holds 32
// bits of each entry's hash and its position. The index is small enough to
// stay in cache, and a lookup reads mostly one entry, next to those of
// pairs that arrived at about the same time.
type pairTable[V any] struct {
	index []uint64 // 0: empty; else tag<<32 | position in ents
	ents  []pairEnt[V]
	n     int // pairs held (ents has holes where pairs were removed)
}

type pairEnt[V any] struct {
	h uint64 // 0: removed
	k streamKey
	v V
}

// tag is the part of a hash kept in the index, never 0.
func tag(h uint64) uint64 { return (h>>32 | 1) << 32 }

// find returns the value of k, nil when absent.
func (t *pairTable[V]) find(k *streamKey, h uint64) *V {
	if t.n == 0 {
		return nil
	}
	mask := uint64(len(t.index) - 1)
	tg := tag(h)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.index[i]
		if s == 0 {
			return nil
		}
		if s&^0xFFFFFFFF == tg {
			if e := &t.ents[uint32(s)]; e.k == *k {
				return &e.v
			}
		}
	}
}

// insert adds k, which must be absent, and returns its value's place
// (valid until the next insert).
func (t *pairTable[V]) insert(k *streamKey, h uint64, v V) *V {
	if 2*(t.n+1) > len(t.index) {
		t.grow()
	}
	t.ents = append(t.ents, pairEnt[V]{h: h, k: *k, v: v})
	t.n++
	t.place(h, len(t.ents)-1)
	return &t.ents[len(t.ents)-1].v
}

// place puts the index slot of the entry at pos, whose hash is h.
func (t *pairTable[V]) place(h uint64, pos int) {
	mask := uint64(len(t.index) - 1)
	i := h & mask
	for t.index[i] != 0 {
		i = (i + 1) & mask
	}
	t.index[i] = tag(h) | uint64(pos)
}

// grow doubles the index, dropping the holes of ents.
func (t *pairTable[V]) grow() {
	n := 2 * len(t.index)
	if n < 16 {
		n = 16
	}
	t.index = make([]uint64, n)
	kept := t.ents[:0]
	for _, e := range t.ents {
		if e.h != 0 {
			kept = append(kept, e)
		}
	}
	clear(t.ents[len(kept):])
	t.ents = kept
	for pos := range t.ents {
		t.place(t.ents[pos].h, pos)
	}
}

// remove deletes k if present.
func (t *pairTable[V]) remove(k *streamKey, h uint64) {
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.index) - 1)
	tg := tag(h)
	i := h & mask
	for ; ; i = (i + 1) & mask {
		s := t.index[i]
		if s == 0 {
			return
		}
		if s&^0xFFFFFFFF == tg {
			if e := &t.ents[uint32(s)]; e.k == *k {
				*e = pairEnt[V]{}
				break
			}
		}
	}
	// Backward-shift deletion keeps every probe sequence unbroken.
	j := i
	for {
		j = (j + 1) & mask
		s := t.index[j]
		if s == 0 {
			break
		}
		ideal := t.ents[uint32(s)].h & mask
		// Move slot j into the hole at i unless its ideal position lies
		// cyclically in (i, j].
		if (j > i && (ideal <= i || ideal > j)) || (j < i && ideal <= i && ideal > j) {
			t.index[i] = s
			i = j
		}
	}
	t.index[i] = 0
	t.n--
}

// reset empties the table, keeping its memory.
func (t *pairTable[V]) reset() {
	clear(t.index)
	clear(t.ents)
	t.ents = t.ents[:0]
	t.n = 0
}

// AnnounceUDP sets up, from the next frame on, a conversation for the UDP
// datagrams to or from endpoint ep whatever the other end, as Wireshark's
// SDP dissector does for the RTP, RTCP and T.38 endpoints a session
// description announces: a datagram whose address and port pair has no
// stream yet takes the stream of its source endpoint's conversation, else
// of its destination's (numbered at its first datagram), and its pair is
// not numbered. With renew an endpoint announced before starts a new
// conversation (Wireshark's RTP and T.38); without, it keeps the one it
// has (RTCP).
func (a *StreamAssigner) AnnounceUDP(ep netip.AddrPort, renew bool) {
	if a.announced == nil {
		a.announced = map[netip.AddrPort]int32{}
	}
	if _, ok := a.announced[ep]; ok && !renew || !ok && len(a.announced) >= MaxAnnounced {
		return
	}
	a.announced[ep] = -1
}

// Assign sets f.TCPStream, f.UDPStream and f.OuterUDPStreams.
func (a *StreamAssigner) Assign(f *Frame) {
	f.NOuterUDP = 0
	if f.Tunnels > 0 {
		a.tunnelUDP(f)
	}
	switch f.Transport {
	case TransportTCP:
		a.assignTCP(f)
	case TransportUDP:
		a.assignUDP(f)
	case TransportICMPv4, TransportICMPv6:
		a.quotedUDP(f)
	}
}

// quotedUDP numbers the UDP header an ICMP error quotes, as Wireshark's UDP
// dissector does when it runs inside the error: the quoted datagram's pair
// gets its stream (a new one when the pair was not seen yet), which
// f.UDPStream holds. Wireshark dissects the header only when its 8 bytes
// are there and the quoted IPv4 packet is not a later fragment; it does
// not number quoted TCP headers.
func (a *StreamAssigner) quotedUDP(f *Frame) {
	path := f.Path()
	if len(path) == 0 {
		return
	}
	l := path[len(path)-1]
	b := f.LayerBytes(l)
	if len(b) <= 8 {
		return
	}
	switch l.Kind {
	case LayerICMPv4:
		if t := b[0]; t != 3 && t != 4 && t != 5 && t != 11 && t != 12 {
			return
		}
	case LayerICMPv6:
		if t := b[0]; t < 1 || t > 4 {
			return
		}
	default:
		return
	}
	q := b[8:]
	var src, dst netip.Addr
	var u []byte
	switch q[0] >> 4 {
	case 4:
		if len(q) < 20 {
			return
		}
		ihl := int(q[0]&0xf) * 4
		if ihl < 20 || ihl > len(q) || q[9] != 17 || binary.BigEndian.Uint16(q[6:8])&0x1fff != 0 {
			return
		}
		src, dst, u = netip.AddrFrom4([4]byte(q[12:16])), netip.AddrFrom4([4]byte(q[16:20])), q[ihl:]
	case 6:
		if len(q) < 40 {
			return
		}
		// Past the quoted packet's extension headers (AH of zero length
		// included), as Wireshark's IPv6 dissector walks them.
		next, p := q[6], q[40:]
		for range 16 {
			n, ok := IPv6ExtensionLen(next, p)
			if n == 0 {
				break
			}
			if !ok || next == 44 && binary.BigEndian.Uint16(p[2:4])&^7 != 0 {
				return // cut short, or a later fragment
			}
			next, p = p[0], p[n:]
		}
		if next != 17 {
			return
		}
		src, dst, u = netip.AddrFrom16([16]byte(q[8:24])), netip.AddrFrom16([16]byte(q[24:40])), p
	default:
		return
	}
	if len(u) < 8 {
		return
	}
	setUDP(f, a.udpStream(src, dst, binary.BigEndian.Uint16(u[0:2]), binary.BigEndian.Uint16(u[2:4])))
}

// setUDP makes id the frame's innermost udp.stream, keeping the one it
// replaces (a tunnel's) in OuterUDPStreams.
func setUDP(f *Frame, id int) {
	if id < 0 {
		return
	}
	if f.UDPStream >= 0 && f.NOuterUDP < len(f.OuterUDPStreams) {
		f.OuterUDPStreams[f.NOuterUDP] = int32(f.UDPStream)
		f.NOuterUDP++
	}
	f.UDPStream = id
}

func (a *StreamAssigner) assignTCP(f *Frame) {
	k, dir := keyOf(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort)
	st := a.lastTCP
	if st == nil || k != a.lastTCPKey {
		h := a.hash(&k)
		st = a.tcp.lookup(a, &k, h)
		if st == nil {
			st = a.tcp.add(a, &k, h, tcpStream{stream: a.nextTCP})
			a.nextTCP++
		}
		a.lastTCPKey, a.lastTCP = k, st
	}
	th := &f.TCP
	syn := th.SYN && !th.ACK
	f.TCPReused = syn && st.baseSet[dir] && th.Seq != st.base[dir]
	if f.TCPReused {
		// Port reuse: a new stream on the same pair.
		st.stream = a.nextTCP
		a.nextTCP++
		st.baseSet, st.opener = [2]bool{}, 0
	}
	if !st.baseSet[dir] {
		st.base[dir], st.baseSet[dir] = th.Seq, true
		if !th.SYN {
			st.base[dir]--
		}
	}
	if syn && st.opener == 0 && th.Seq == st.base[dir] {
		st.opener = uint8(dir) + 1
	}
	if th.RST {
		st.opener = 0
	}
	if th.ACK && !st.baseSet[1-dir] {
		st.base[1-dir], st.baseSet[1-dir] = th.Ack-1, true
	}
	f.TCPStream = int(st.stream)
	switch int(st.opener) - 1 {
	case dir:
		f.TCPOpen, f.TCPOpenSeq = OpenBySrc, st.base[dir]
	case 1 - dir:
		f.TCPOpen, f.TCPOpenSeq = OpenByDst, st.base[1-dir]
	default:
		f.TCPOpen = OpenNone
	}
}

func (a *StreamAssigner) assignUDP(f *Frame) {
	setUDP(f, a.udpStream(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort))
}

// udpStream returns the stream of a UDP header, numbering a new pair.
func (a *StreamAssigner) udpStream(src, dst netip.Addr, sp, dp uint16) int {
	k, _ := keyOf(src, dst, sp, dp)
	if a.lastUDP != nil && k == a.lastUDPKey {
		return int(*a.lastUDP)
	}
	h := a.hash(&k)
	id := a.udp.lookup(a, &k, h)
	if id == nil && len(a.announced) > 0 {
		// A pair without a stream of its own: an announced conversation
		// of its source, else of its destination, takes it.
		for _, ep := range [2]netip.AddrPort{netip.AddrPortFrom(src, sp), netip.AddrPortFrom(dst, dp)} {
			if s, ok := a.announced[ep]; ok {
				if s < 0 {
					s = a.nextUDP
					a.nextUDP++
					a.announced[ep] = s
				}
				return int(s)
			}
		}
	}
	if id == nil {
		id = a.udp.add(a, &k, h, a.nextUDP)
		a.nextUDP++
	}
	a.lastUDPKey, a.lastUDP = k, id
	return int(*id)
}

// tunnelUDP numbers the UDP headers that carried a tunnel (VXLAN, Geneve),
// outermost first, as Wireshark numbers every UDP header it dissects; the
// innermost sets f.UDPStream unless the frame's transport is UDP (its own
// number then overrides it).
func (a *StreamAssigner) tunnelUDP(f *Frame) {
	path := f.Path()
	last := len(path)
	if f.Transport == TransportUDP {
		for last--; last >= 0 && path[last].Kind != LayerUDP; last-- {
		}
	}
	var src, dst netip.Addr
	for i := 0; i < last; i++ {
		l := path[i]
		b := f.LayerBytes(l)
		switch l.Kind {
		case LayerIPv4:
			if len(b) >= 20 {
				src, dst = netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20]))
			}
		case LayerIPv6:
			if len(b) >= 40 {
				src, dst = netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
			}
		case LayerUDP:
			if len(b) >= 4 && src.IsValid() {
				setUDP(f, a.udpStream(src, dst, binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4])))
			}
		}
	}
}

// Stats returns what the assigner numbered so far.
func (a *StreamAssigner) Stats() StreamStats {
	s := a.stats
	s.TCP, s.UDP, s.Max = int(a.nextTCP), int(a.nextUDP), a.max
	return s
}
