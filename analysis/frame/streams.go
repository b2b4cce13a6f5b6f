package frame

import (
	"encoding/binary"
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
//     the innermost UDP header that carried the tunnel. Headers quoted in
//     ICMP errors are not numbered (Wireshark does not either).
//   - Known difference: Wireshark's SDP dissector sets up the RTP
//     conversations it announces, one per direction, so the two directions
//     of an RTP stream get two udp.stream numbers there and one here.
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
	tcp, tcpOld map[streamKey]*tcpStream
	udp, udpOld map[streamKey]int32
	nextTCP     int32
	nextUDP     int32
	max         int
	stats       StreamStats

	// The last pair of each protocol: consecutive frames of one
	// conversation skip the map.
	lastTCPKey streamKey
	lastTCP    *tcpStream
	lastUDPKey streamKey
	lastUDP    int32
	haveUDP    bool
}

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
// of its two directions (0: from a to b).
type tcpStream struct {
	stream  int32
	base    [2]uint32
	baseSet [2]bool
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
	return &StreamAssigner{tcp: map[streamKey]*tcpStream{}, udp: map[streamKey]int32{}, max: max}
}

// lookupTCP finds a pair in either generation, moving it to the current one.
func (a *StreamAssigner) lookupTCP(k streamKey) *tcpStream {
	if st := a.tcp[k]; st != nil {
		return st
	}
	st := a.tcpOld[k]
	if st != nil {
		delete(a.tcpOld, k)
		a.addTCP(k, st)
	}
	return st
}

// addTCP puts a pair in the current generation, turning generations over
// when it is full.
func (a *StreamAssigner) addTCP(k streamKey, st *tcpStream) {
	if len(a.tcp) >= a.max/2 {
		a.stats.Forgotten += len(a.tcpOld)
		a.tcpOld, a.tcp = a.tcp, make(map[streamKey]*tcpStream, len(a.tcp))
		a.lastTCP = nil
	}
	a.tcp[k] = st
}

// lookupUDP finds a pair in either generation, moving it to the current one.
func (a *StreamAssigner) lookupUDP(k streamKey) (int32, bool) {
	if id, ok := a.udp[k]; ok {
		return id, true
	}
	id, ok := a.udpOld[k]
	if ok {
		delete(a.udpOld, k)
		a.addUDP(k, id)
	}
	return id, ok
}

// addUDP puts a pair in the current generation, turning generations over
// when it is full.
func (a *StreamAssigner) addUDP(k streamKey, id int32) {
	if len(a.udp) >= a.max/2 {
		a.stats.Forgotten += len(a.udpOld)
		a.udpOld, a.udp = a.udp, make(map[streamKey]int32, len(a.udp))
		a.haveUDP = false
	}
	a.udp[k] = id
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

// Assign sets f.TCPStream or f.UDPStream.
func (a *StreamAssigner) Assign(f *Frame) {
	if f.Tunnels > 0 {
		a.tunnelUDP(f)
	}
	switch f.Transport {
	case TransportTCP:
		a.assignTCP(f)
	case TransportUDP:
		a.assignUDP(f)
	}
}

func (a *StreamAssigner) assignTCP(f *Frame) {
	k, dir := keyOf(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort)
	st := a.lastTCP
	if st == nil || k != a.lastTCPKey {
		st = a.lookupTCP(k)
		if st == nil {
			st = &tcpStream{stream: a.nextTCP}
			a.nextTCP++
			a.addTCP(k, st)
		}
		a.lastTCPKey, a.lastTCP = k, st
	}
	th := &f.TCP
	if th.SYN && !th.ACK && st.baseSet[dir] && th.Seq != st.base[dir] {
		// Port reuse: a new stream on the same pair.
		st.stream = a.nextTCP
		a.nextTCP++
		st.baseSet = [2]bool{}
	}
	if !st.baseSet[dir] {
		st.base[dir], st.baseSet[dir] = th.Seq, true
		if !th.SYN {
			st.base[dir]--
		}
	}
	if th.ACK && !st.baseSet[1-dir] {
		st.base[1-dir], st.baseSet[1-dir] = th.Ack-1, true
	}
	f.TCPStream = int(st.stream)
}

func (a *StreamAssigner) assignUDP(f *Frame) {
	if id := a.udpStream(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort); id >= 0 {
		f.UDPStream = id
	}
}

// udpStream returns the stream of a UDP header, numbering a new pair.
func (a *StreamAssigner) udpStream(src, dst netip.Addr, sp, dp uint16) int {
	k, _ := keyOf(src, dst, sp, dp)
	if a.haveUDP && k == a.lastUDPKey {
		return int(a.lastUDP)
	}
	id, ok := a.lookupUDP(k)
	if !ok {
		id = a.nextUDP
		a.nextUDP++
		a.addUDP(k, id)
	}
	a.lastUDPKey, a.lastUDP, a.haveUDP = k, id, true
	return int(id)
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
				if id := a.udpStream(src, dst, binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4])); id >= 0 {
					f.UDPStream = id
				}
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
