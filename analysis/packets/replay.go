package packets

import (
	"errors"
	"io"
	"sort"
	"strconv"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/query"
	"pcaplens/analysis/tcp"
)

// State is what the rows and details of a capture need from the frames
// before each one, kept during one full pass (Scanner.Record) so that any
// frame's row or detail is later built from that frame alone, read back
// through the frame index (a Replayer), instead of decoding every frame
// before it.
//
// A row depends on the past through: the stream numbers (tcp.stream,
// udp.stream), the TCP tracker (relative sequence numbers use the base
// sequence numbers of the connection, the window its scale, Info the
// analysis flags and duplicate-ACK numbers), ICMP echo pairing ("request
// in N") and IP reassembly (the frame completing a datagram). The State
// keeps each of them compactly, checked against the pass itself:
//
//   - Stream numbers: per address and port pair, the frames at which its
//     numbers changed (a pair's first frame; port reuse; a pair forgotten
//     and numbered again), so a frame's numbers are those of the last change
//     at or before it.
//   - TCP: per stream, epochs of its base sequence numbers and window
//     scales (one or two per connection: a base is set by the first segment
//     of a direction or the first ACK coming the other way, a scale by the
//     handshake). A frame uses the last epoch at or before it.
//   - The analysis flags and duplicate-ACK numbers of flagged frames only,
//     echo replies' request frames, and the first fragment of each
//     reassembled datagram: sparse lists sorted by frame number.
//
// Every frame of the pass is checked as it goes: where what the State
// would give for a frame differs from what the pass computed, a new entry
// (a stream change, an epoch) is recorded at that frame, so replay equals
// the pass by construction. Memory is bounded by MaxStateBytes; past it
// recording stops and Complete reports false (the caller falls back to a
// pass from the start).
//
// Limitation: a reassembled datagram is rebuilt by reading the frames from
// its first fragment to the frame that completes it (the fragments in
// between are the only ones fed to a fresh reassembler); a datagram whose
// fragments are spread over more than MaxReassemblySpan frames is not
// replayed (RowAt returns ErrNotReplayable).
type State struct {
	frames   int
	first    int64
	hasFirst bool
	ifcs     []capture.Interface
	done     bool
	full     bool
	bytes    int

	pairs   map[pairKey][]streamStart
	lastKey pairKey
	lastSt  []streamStart
	hasLast bool

	tcp     [][]epoch
	flagged []flagged
	echo    []link
	reasm   []link
	// quoted holds, for ICMP errors quoting a UDP header, that header's
	// udp.stream (the stream assigner numbers it, as tshark does).
	quoted []link
	// outer holds, per pair and direction of tunnelled frames, the
	// changes of the udp.stream numbers of the UDP headers that carried
	// the tunnel (frame.Frame.OuterUDPStreams).
	outer map[outerKey][]outerStart

	// The detail's values (see override): the texts kept, the frames whose
	// application layer is kept, and the pass's scratch.
	ovr  []override
	apps []uint32
	// dbytes counts the detail values' memory apart, against
	// MaxDetailStateBytes: when they outgrow it they are dropped and
	// noDetails set (DetailAt then refuses), and rows stay replayable.
	dbytes    int
	noDetails bool
	prevNs    int64
	prevOK    bool
	va, vb    []filter.Value
	ta, tb    []byte
}

// MaxStateBytes bounds the memory of a State's row state.
const MaxStateBytes = 48 << 20

// MaxDetailStateBytes bounds the memory of the detail values a State keeps
// beside it (a capture whose details need more is replayed for its rows
// only; its details are built by a sequential pass).
const MaxDetailStateBytes = 32 << 20

// MaxReassemblySpan bounds the frames read back to rebuild a reassembled
// datagram.
const MaxReassemblySpan = 4096

// ErrNotReplayable is returned by a Replayer for a frame its State cannot
// rebuild alone (see State).
var ErrNotReplayable = errors.New("packets: frame cannot be rebuilt from the replay state")

// pairKey is a frame's innermost address and port pair (the same both
// ways) with its transport, under which its stream numbers are kept.
type pairKey struct {
	a, b   [16]byte
	pa, pb uint16
	tr     uint8
	v6     bool
	tun    bool
}

// streamStart is a pair's stream numbers from frame on.
type streamStart struct {
	frame    uint32
	tcp, udp int32
}

// outerKey is a tunnelled frame's pair and direction.
type outerKey struct {
	k   pairKey
	dir uint8
}

// outerStart is the outer udp.stream numbers of a pair direction from
// frame on.
type outerStart struct {
	frame uint32
	n     uint8
	s     [frame.MaxTunnels]int32
}

// outerAt is what l gives as frame n's outer udp.stream numbers.
func outerAt(l []outerStart, n int) outerStart {
	i := sort.Search(len(l), func(i int) bool { return int(l[i].frame) > n })
	if i == 0 {
		return outerStart{}
	}
	return l[i-1]
}

// observeOuter records f's outer udp.stream numbers where the State would
// not give them.
func (st *State) observeOuter(f *frame.Frame, k *pairKey) bool {
	ok := outerKey{*k, uint8(dirOf(f, k))}
	l := st.outer[ok]
	want := outerStart{n: uint8(f.NOuterUDP), s: f.OuterUDPStreams}
	clear(want.s[want.n:])
	got := outerAt(l, f.Number)
	got.frame = 0
	if got == want {
		return true
	}
	if !st.grow(24) {
		return false
	}
	if st.outer == nil {
		st.outer = map[outerKey][]outerStart{}
	}
	want.frame = uint32(f.Number)
	st.outer[ok] = append(l, want)
	return true
}

// epoch is a TCP stream's base sequence numbers and window scales (-1:
// none applied) from frame on, by direction in the pair's order.
type epoch struct {
	frame uint32
	base  [2]uint32
	shift [2]int8
}

// flagged is a frame with TCP analysis flags.
type flagged struct {
	frame    uint32
	flags    tcp.Flag
	dupFrame int32
	dupNum   int32
}

// link ties a frame to another: an echo reply to its request, a
// reassembled frame to its first fragment.
type link struct {
	frame, to uint32
}

// Record asks the Scanner to keep the replay State during its pass. Call it
// before the first Next.
func (s *Scanner) Record() {
	if s.replay == nil && s.n == 0 {
		s.replay = &State{pairs: map[pairKey][]streamStart{}}
	}
}

// State returns the replay State kept so far (nil unless Record was
// called); it is Complete once the pass reached the end of the capture.
func (s *Scanner) State() *State {
	st := s.replay
	if st == nil {
		return nil
	}
	st.first, st.hasFirst = s.first, s.hasFirst
	st.ifcs = s.rd.Info().Interfaces
	st.done = s.err != nil
	return st
}

// Complete is true when the State covers every frame of the capture: the
// pass reached its end (or the damage that ended it) and no cap was hit.
func (st *State) Complete() bool { return st != nil && st.done && !st.full }

// Frames returns the number of frames the State covers.
func (st *State) Frames() int { return st.frames }

// Bytes returns the approximate memory the State holds.
func (st *State) Bytes() int { return st.bytes }

func keyOfFrame(f *frame.Frame) pairKey {
	s, d := f.SrcIP.As16(), f.DstIP.As16()
	k := pairKey{tr: uint8(f.Transport), v6: f.SrcIP.Is6(), tun: f.Tunnels > 0}
	sp, dp := f.SrcPort, f.DstPort
	if less(d, s, dp, sp) {
		s, d, sp, dp = d, s, dp, sp
	}
	k.a, k.b, k.pa, k.pb = s, d, sp, dp
	return k
}

// less orders the two ends of a pair.
func less(a, b [16]byte, pa, pb uint16) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return pa < pb
}

// dirOf is the direction of f in its pair's order (0: from a).
func dirOf(f *frame.Frame, k *pairKey) int {
	if f.SrcIP.As16() == k.a && f.SrcPort == k.pa {
		return 0
	}
	return 1
}

// keyed says whether a frame's stream numbers are looked up (others have
// none).
func keyed(f *frame.Frame) bool {
	return f.Transport == frame.TransportTCP || f.Transport == frame.TransportUDP || f.Tunnels > 0
}

// starts returns the stream changes of k.
func (st *State) starts(k pairKey) []streamStart {
	if st.hasLast && k == st.lastKey {
		return st.lastSt
	}
	l := st.pairs[k]
	st.lastKey, st.lastSt, st.hasLast = k, l, true
	return l
}

// streamsAt is what the State gives as frame n's stream numbers.
func streamsAt(l []streamStart, n int) (int, int) {
	i := sort.Search(len(l), func(i int) bool { return int(l[i].frame) > n })
	if i == 0 {
		return -1, -1
	}
	return int(l[i-1].tcp), int(l[i-1].udp)
}

// epochAt is stream l's epoch at frame n.
func epochAt(l []epoch, n int) epoch {
	i := sort.Search(len(l), func(i int) bool { return int(l[i].frame) > n })
	if i == 0 {
		return epoch{shift: [2]int8{-1, -1}}
	}
	return l[i-1]
}

// find returns the entry of frame n in a list sorted by frame.
func find[T any](l []T, n int, frameOf func(*T) uint32) (*T, bool) {
	i := sort.Search(len(l), func(i int) bool { return int(frameOf(&l[i])) >= n })
	if i < len(l) && int(frameOf(&l[i])) == n {
		return &l[i], true
	}
	return nil, false
}

// growDetail counts n bytes of detail values; false once they outgrow
// MaxDetailStateBytes (the detail values are then dropped).
func (st *State) growDetail(n int) bool {
	if st.noDetails {
		return false
	}
	st.dbytes += n
	if st.dbytes > MaxDetailStateBytes {
		st.noDetails = true
		st.ovr, st.apps = nil, nil
	}
	return !st.noDetails
}

func (st *State) grow(n int) bool {
	st.bytes += n
	if st.bytes > MaxStateBytes {
		st.full = true
		st.pairs, st.tcp, st.flagged, st.echo, st.reasm, st.lastSt = nil, nil, nil, nil, nil, nil
		st.quoted, st.ovr, st.apps, st.outer = nil, nil, nil, nil
		st.hasLast = false
	}
	return !st.full
}

// observe records what the pass computed for its current frame where the
// State would not give it already.
func (st *State) observe(s *Scanner) {
	if st.full {
		return
	}
	f := &s.fr
	n := f.Number
	st.frames = n
	if f.Reassembled {
		if !st.grow(8) {
			return
		}
		st.reasm = append(st.reasm, link{uint32(n), uint32(f.FirstFragment)})
	}
	var k pairKey
	if keyed(f) {
		k = keyOfFrame(f)
		l := st.starts(k)
		if t, u := streamsAt(l, n); t != f.TCPStream || u != f.UDPStream {
			if len(l) == 0 && !st.grow(112) || !st.grow(12) {
				return
			}
			l = append(l, streamStart{uint32(n), int32(f.TCPStream), int32(f.UDPStream)})
			st.pairs[k] = l
			st.lastKey, st.lastSt, st.hasLast = k, l, true
		}
		if f.Tunnels > 0 && !st.observeOuter(f, &k) {
			return
		}
	} else if f.TCPStream == -1 && f.UDPStream >= 0 && (f.Transport == frame.TransportICMPv4 || f.Transport == frame.TransportICMPv6) {
		if !st.grow(8) {
			return
		}
		st.quoted = append(st.quoted, link{uint32(n), uint32(f.UDPStream)})
	} else if f.TCPStream != -1 || f.UDPStream != -1 {
		st.full = true // not expected: a frame numbered without a pair
		return
	}
	if s.tcpSet != (f.Transport == frame.TransportTCP && f.TCPStream >= 0) {
		st.full = true
		return
	}
	if s.tcpSet {
		st.observeTCP(s, f, &k)
	}
	if s.tcpFlags != 0 {
		if !st.grow(16) {
			return
		}
		st.flagged = append(st.flagged, flagged{uint32(n), s.tcpFlags, int32(s.dupFrame), int32(s.dupNum)})
	}
	if s.reqIn > 0 {
		if !st.grow(8) {
			return
		}
		st.echo = append(st.echo, link{uint32(n), uint32(s.reqIn)})
	}
	st.observeDetail(s)
}

func (st *State) observeTCP(s *Scanner, f *frame.Frame, k *pairKey) {
	n, id := f.Number, f.TCPStream
	for id >= len(st.tcp) {
		if !st.grow(24) {
			return
		}
		st.tcp = append(st.tcp, nil)
	}
	dir := dirOf(f, k)
	e := epochAt(st.tcp[id], n)
	want := e
	want.base[dir], want.base[1-dir] = s.seqBase, s.ackBase
	if !f.TCP.SYN {
		want.shift[dir] = s.winShift
	} else if s.winShift != -1 {
		st.full = true
		return
	}
	if want != e {
		if !st.grow(20) {
			return
		}
		want.frame = uint32(n)
		st.tcp[id] = append(st.tcp[id], want)
	}
}

// A Replayer builds the row or detail of any frame of a capture from that
// frame alone (and, for a reassembled datagram, its fragments), read back
// through the frame index, with a State kept by a full pass. It is not
// safe for concurrent use.
type Replayer struct {
	st  *State
	cur *capture.Cursor
	rec capture.Record
	s   *Scanner
	tmp frame.Frame
	// pdec decodes the frame before the one a detail is built for (its
	// time).
	pdec *frame.Decoder
}

// NewReplayer returns a Replayer reading the capture of size bytes through
// src, indexed by idx during the pass that kept st. st must be Complete.
func NewReplayer(st *State, idx *capture.Index, src io.ReaderAt, size int64) (*Replayer, error) {
	if !st.Complete() {
		return nil, errors.New("packets: the replay state is incomplete")
	}
	s := &Scanner{dec: frame.NewDecoder(), first: st.first, hasFirst: st.hasFirst, ifcs: st.ifcs}
	return &Replayer{st: st, cur: idx.Open(src, size), s: s, pdec: frame.NewDecoder()}, nil
}

// Frames returns the number of frames of the capture.
func (r *Replayer) Frames() int { return r.st.frames }

// RowAt returns the row of frame n, as the pass built it.
func (r *Replayer) RowAt(n int) (Row, error) {
	if err := r.load(n); err != nil {
		return Row{}, err
	}
	return r.s.Row(), nil
}

// load reads frame n and sets the scanner's state as the pass had it.
func (r *Replayer) load(n int) error {
	st, s := r.st, r.s
	if n < 1 || n > st.frames {
		return &capture.Error{Packet: n, Msg: "frame " + strconv.Itoa(n) + " is not in the capture (" + strconv.Itoa(st.frames) + " frames)", Err: capture.ErrNoFrame}
	}
	f := &s.fr
	if l, ok := find(st.reasm, n, func(l *link) uint32 { return l.frame }); ok {
		if err := r.reassemble(int(l.to), n); err != nil {
			return err
		}
	} else {
		if err := r.cur.Read(n, &r.rec); err != nil {
			return err
		}
		s.dec.Decode(&r.rec, n, f)
	}
	f.TCPStream, f.UDPStream, f.NOuterUDP = -1, -1, 0
	var k pairKey
	if keyed(f) {
		k = keyOfFrame(f)
		f.TCPStream, f.UDPStream = streamsAt(st.pairs[k], n)
		if f.Tunnels > 0 {
			o := outerAt(st.outer[outerKey{k, uint8(dirOf(f, &k))}], n)
			f.OuterUDPStreams, f.NOuterUDP = o.s, int(o.n)
		}
	} else if l, ok := find(st.quoted, n, func(l *link) uint32 { return l.frame }); ok {
		f.UDPStream = int(l.to)
	}
	s.tcpSet = f.Transport == frame.TransportTCP && f.TCPStream >= 0
	s.tcpFlags, s.dupFrame, s.dupNum = 0, 0, 0
	if fl, ok := find(st.flagged, n, func(x *flagged) uint32 { return x.frame }); ok {
		s.tcpFlags, s.dupFrame, s.dupNum = fl.flags, int(fl.dupFrame), int(fl.dupNum)
	}
	if s.tcpSet {
		var e epoch
		if f.TCPStream < len(st.tcp) {
			e = epochAt(st.tcp[f.TCPStream], n)
		} else {
			e = epochAt(nil, n)
		}
		dir := dirOf(f, &k)
		s.seqBase, s.ackBase = e.base[dir], e.base[1-dir]
		s.relSeq, s.relAck = f.TCP.Seq-s.seqBase, f.TCP.Ack-s.ackBase
		s.win, s.winShift = uint32(f.TCP.Window), -1
		if sh := e.shift[dir]; !f.TCP.SYN && sh >= 0 {
			s.win <<= uint(sh)
			s.winShift = sh
		}
	}
	s.reqIn = 0
	if l, ok := find(st.echo, n, func(l *link) uint32 { return l.frame }); ok {
		s.reqIn = int(l.to)
	}
	return nil
}

// reassemble rebuilds the datagram completed by frame n from its fragments
// read from frame first on, leaving frame n decoded in the scanner.
func (r *Replayer) reassemble(first, n int) error {
	if first < 1 || first > n || n-first > MaxReassemblySpan {
		return ErrNotReplayable
	}
	re := frame.NewReassembler(frame.ReassemblyLimits{})
	for m := first; m < n; m++ {
		if err := r.cur.Read(m, &r.rec); err != nil {
			return err
		}
		r.s.dec.Decode(&r.rec, m, &r.tmp)
		if r.tmp.Fragment {
			re.Add(&r.tmp)
		}
	}
	if err := r.cur.Read(n, &r.rec); err != nil {
		return err
	}
	f := &r.s.fr
	r.s.dec.Decode(&r.rec, n, f)
	re.Add(f)
	if !f.Reassembled {
		return ErrNotReplayable
	}
	return nil
}

// The detail's field values that need the frames before (query.Matcher's
// cross-frame state) are kept too, sparsely. The stateful ones a frame's
// row state gives (frame.time_relative from the first frame's time,
// frame.time_delta from the previous frame's, read back; tcp.seq, tcp.ack,
// tcp.window_size from the TCP epochs; the SEQ/ACK analysis tree from the
// segment) are derived (derive) and checked against the pass's Matcher:
// where they differ the pass's texts are kept for that frame. The
// application layer of a TCP segment (DNS and SIP over TCP are framed
// across segments), an RTP datagram (announced by SDP before) and a DNS
// response time are kept as the pass had them; the rest of a detail comes
// from a fresh Matcher given the frame alone.

// override is the pass's texts of field id on a frame.
type override struct {
	frame uint32
	id    filter.FieldID
	texts []string
}

// derivedIDs are the stateful fields of a detail derived from the row
// state.
var derivedIDs = func() []filter.FieldID {
	l := []filter.FieldID{filter.FrameTimeRelative, filter.FrameTimeDelta, filter.TCPSeq, filter.TCPAck, filter.TCPWindowSize}
	for id := filter.TCPAnalysis; id <= filter.TCPAnalysisTFOIgnored; id++ {
		l = append(l, id)
	}
	return l
}()

// appIDs are the application fields of a detail.
var appIDs = []filter.FieldID{
	filter.DNS, filter.MDNS, filter.DHCP, filter.DHCPv6, filter.SIP, filter.RTP,
	filter.DNSID, filter.DNSFlagsResponse, filter.DNSFlagsRcode, filter.DNSQryName, filter.DNSQryType,
	filter.DNSA, filter.DNSAAAA, filter.DNSTime, filter.DHCPID, filter.DHCPOptionDHCP, filter.DHCPHWMacAddr,
	filter.DHCPv6XID,
	filter.SIPMethod, filter.SIPStatusCode, filter.SIPCallID,
}

// derive appends what the row state gives as stateful field id of the
// current frame; prev is the previous frame's time (ok false when it has
// none or there is none).
func derive(s *Scanner, id filter.FieldID, prev int64, ok bool, buf []filter.Value) []filter.Value {
	f := &s.fr
	switch id {
	case filter.FrameTimeRelative:
		if f.NoTime {
			return append(buf, filter.Time(0))
		}
		return append(buf, filter.Time(f.TimeNs-s.first))
	case filter.FrameTimeDelta:
		if f.NoTime || !ok {
			return append(buf, filter.Time(0))
		}
		return append(buf, filter.Time(f.TimeNs-prev))
	}
	if !s.tcpSet {
		return buf
	}
	switch id {
	case filter.TCPSeq:
		return append(buf, filter.Uint(uint64(f.TCP.Seq-s.seqBase)))
	case filter.TCPAck:
		if f.TCP.ACK {
			return append(buf, filter.Uint(uint64(f.TCP.Ack-s.ackBase)))
		}
		return append(buf, filter.Uint(uint64(f.TCP.Ack)))
	case filter.TCPWindowSize:
		return append(buf, filter.Uint(uint64(s.win)))
	case filter.TCPAnalysis:
		if s.tcpFlags != 0 || len(f.Payload) > 0 || f.TCP.ACK {
			return append(buf, filter.Present())
		}
	}
	return buf
}

// hasApp says whether the pass's Matcher found an application layer.
func hasApp(s *Scanner, buf []filter.Value) bool {
	for _, id := range appIDs[:6] {
		if len(s.ext.Values(id, buf[:0])) > 0 {
			return true
		}
	}
	return false
}

// observeDetail keeps the current frame's detail values a replay would not
// derive (see override).
func (st *State) observeDetail(s *Scanner) {
	if st.noDetails {
		return
	}
	f := &s.fr
	n := f.Number
	prev, ok := st.prevNs, st.prevOK
	st.prevNs, st.prevOK = f.TimeNs, !f.NoTime
	for _, id := range derivedIDs {
		if id > filter.FrameTimeDelta && f.Transport != frame.TransportTCP && !s.tcpSet {
			break
		}
		st.va = s.ext.Values(id, st.va[:0])
		st.vb = derive(s, id, prev, ok, st.vb[:0])
		if !st.sameTexts(id) && !st.keep(n, id, s.ext) {
			return
		}
	}
	app := s.tcpSet && hasApp(s, st.va)
	if !app && f.Transport == frame.TransportUDP {
		app = len(s.ext.Values(filter.RTP, st.va[:0])) > 0 || len(s.ext.Values(filter.DNSTime, st.va[:0])) > 0
	}
	if !app {
		return
	}
	if !st.growDetail(4) {
		return
	}
	st.apps = append(st.apps, uint32(n))
	for _, id := range appIDs {
		if len(s.ext.Values(id, st.va[:0])) > 0 && !st.keep(n, id, s.ext) {
			return
		}
	}
}

// sameTexts compares the texts of st.va and st.vb as field id.
func (st *State) sameTexts(id filter.FieldID) bool {
	if len(st.va) != len(st.vb) {
		return false
	}
	for i := range st.va {
		st.ta = st.va[i].AppendText(st.ta[:0], id)
		st.tb = st.vb[i].AppendText(st.tb[:0], id)
		if string(st.ta) != string(st.tb) {
			return false
		}
	}
	return true
}

// keep records the pass's texts of field id on frame n.
func (st *State) keep(n int, id filter.FieldID, m *query.Matcher) bool {
	st.va = m.Values(id, st.va[:0])
	o := override{frame: uint32(n), id: id, texts: make([]string, len(st.va))}
	size := 48
	for i, v := range st.va {
		o.texts[i] = v.Text(id)
		size += 16 + len(o.texts[i])
	}
	if !st.growDetail(size) {
		return false
	}
	st.ovr = append(st.ovr, o)
	return true
}

// DetailAt returns the detail of frame n, as the pass built it.
func (r *Replayer) DetailAt(n int) (*Detail, error) {
	st := r.st
	if st.noDetails {
		return nil, ErrNotReplayable
	}
	prev, ok := int64(0), false
	if n > 1 && n <= st.frames {
		if err := r.cur.Read(n-1, &r.rec); err != nil {
			return nil, err
		}
		r.pdec.Decode(&r.rec, n-1, &r.tmp)
		prev, ok = r.tmp.TimeNs, !r.tmp.NoTime
	}
	if err := r.load(n); err != nil {
		return nil, err
	}
	s, f := r.s, &r.s.fr
	m, _ := query.NewMatcher("") // the empty filter compiles
	m.WantAll()
	m.Match(f)
	i := sort.Search(len(st.ovr), func(i int) bool { return int(st.ovr[i].frame) >= n })
	j := i
	for j < len(st.ovr) && int(st.ovr[j].frame) == n {
		j++
	}
	ovr := st.ovr[i:j]
	_, app := find(st.apps, n, func(x *uint32) uint32 { return *x })
	fresh := textsOf(m)
	var vals []filter.Value
	texts := func(id filter.FieldID, dst []string) []string {
		for _, o := range ovr {
			if o.id == id {
				return append(dst, o.texts...)
			}
		}
		if isDerived(id) {
			vals = derive(s, id, prev, ok, vals[:0])
			for _, v := range vals {
				dst = append(dst, v.Text(id))
			}
			return dst
		}
		if isApp(id) && (app || s.tcpSet) {
			return dst // kept by the pass, or none
		}
		return fresh(id, dst)
	}
	return s.detail(texts), nil
}

func isDerived(id filter.FieldID) bool {
	return id == filter.FrameTimeRelative || id == filter.FrameTimeDelta || id == filter.TCPSeq ||
		id == filter.TCPAck || id == filter.TCPWindowSize || id >= filter.TCPAnalysis && id <= filter.TCPAnalysisTFOIgnored
}

func isApp(id filter.FieldID) bool {
	for _, a := range appIDs {
		if a == id {
			return true
		}
	}
	return false
}
