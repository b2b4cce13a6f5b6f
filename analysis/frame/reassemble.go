package frame

import (
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// IP fragment reassembly, as Wireshark does it by default (ip.defragment,
// ipv6.defragment):
//
//   - IPv4 fragments are keyed by source, destination, protocol,
//     identification and the innermost VLAN ID; IPv6 fragments by source,
//     destination and identification.
//   - Only a fragment captured whole (up to the length its IP header claims)
//     is added. A datagram with a fragment captured short never completes:
//     its other fragments stay fragments, as in Wireshark.
//   - The datagram's length is set by the first fragment without the MF/M
//     flag (a later one that disagrees is ignored). The datagram completes
//     when the fragments cover it from offset 0 without a hole; the frame of
//     the fragment that completes it carries the reassembled datagram, which
//     is usually the last fragment but not always.
//   - Duplicates and overlaps: where fragments overlap, the bytes come from
//     the fragment with the lowest offset, and of fragments with the same
//     offset from the one captured first, which is what Wireshark's
//     reassembly gives. A fragment arriving after its datagram completed
//     starts a new datagram.
//   - Tunnels: a fragment of the outermost IP packet is reassembled and
//     the tunnel it carries followed in the reassembled datagram (the same
//     code as for whole packets); fragments inside a tunnel are reassembled
//     too, keyed by the inner addresses (a fragment inside a datagram that
//     was itself reassembled is not).
//   - Caps: MaxPending datagrams in progress and MaxBytes of buffers; when a
//     cap is hit the oldest datagram in progress is dropped. A datagram
//     longer than MaxDatagram bytes or of more than MaxDatagramFragments fragments is
//     dropped. Everything dropped or never completed is counted in
//     ReassemblyStats.

// Reassembly limits.
const (
	// DefaultMaxPending is the default cap on datagrams in progress.
	DefaultMaxPending = 4096
	// DefaultMaxBytes is the default cap on bytes held in reassembly buffers.
	DefaultMaxBytes = 64 << 20
	// MaxDatagram is the largest reassembled payload: an IPv4 datagram's total
	// length and an IPv6 payload length are 16-bit fields (jumbograms cannot
	// be fragmented, RFC 2675 section 5).
	MaxDatagram = 65535
	// MaxDatagramFragments caps the fragments of one datagram (a 65,535-byte datagram
	// in 1,024 fragments has 64 bytes in each); it bounds the work per fragment.
	MaxDatagramFragments = 1024
	// Buffer size classes: minBuf, doubling up to maxBuf (>= MaxDatagram).
	minBufShift = 11
	maxBufShift = 16
	nBufClasses = maxBufShift - minBufShift + 1
	// poolBytes caps the free buffers kept for reuse.
	poolBytes = 4 << 20
)

// ReassemblyLimits bound what a Reassembler holds; zero values take the defaults.
type ReassemblyLimits struct {
	// MaxPending caps the datagrams in progress (DefaultMaxPending).
	MaxPending int
	// MaxBytes caps the bytes held in their buffers (DefaultMaxBytes).
	MaxBytes int
}

// ReassemblyStats counts what a Reassembler did.
type ReassemblyStats struct {
	// Fragments counts fragment frames; Short those captured shorter than
	// their IP length, which cannot be reassembled (as in Wireshark).
	Fragments int `json:"fragments"`
	Short     int `json:"short"`
	// Reassembled counts completed datagrams.
	Reassembled int `json:"reassembled"`
	// Evicted counts datagrams dropped, oldest first, when MaxPending or
	// MaxBytes was hit; Oversize those dropped for being longer than
	// MaxDatagram or made of too many fragments.
	Evicted  int `json:"evicted"`
	Oversize int `json:"oversize"`
	// Incomplete counts datagrams still in progress at the end (a fragment
	// missing, or captured short), IncompleteFragments their fragments.
	Incomplete          int `json:"incomplete"`
	IncompleteFragments int `json:"incomplete_fragments"`
	// PeakPending and PeakBytes are the most datagrams and buffer bytes held at once.
	PeakPending int `json:"peak_pending"`
	PeakBytes   int `json:"peak_bytes"`
	// MaxPending and MaxBytes are the caps in force.
	MaxPending int `json:"max_pending"`
	MaxBytes   int `json:"max_bytes"`
}

// fragKey identifies a datagram in progress.
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
	v6       bool
	vlan     uint16
}

// fragRange is one fragment's place in its datagram; pmax is the highest end
// of it and every fragment sorted before it.
type fragRange struct {
	off, end, pmax int32
}

// datagram is one datagram in progress.
type datagram struct {
	key fragKey
	buf []byte // pooled; len is the highest end written
	// frags are sorted by offset, fragments of equal offset in arrival order.
	frags []fragRange
	// total is the datagram's length once a last fragment was seen, or -1.
	total int
	// contig is how far the fragments cover the datagram from 0 without a hole.
	contig int
	first  int // lowest frame number
	// prev and next link datagrams from the oldest to the newest.
	prev, next *datagram
}

// Reassembler joins IP fragments into datagrams. The engine hands it every
// frame after decoding (Add); when a fragment completes its datagram, the
// frame becomes the reassembled datagram. It is not safe for concurrent use.
type Reassembler struct {
	dec     Decoder
	pending map[fragKey]*datagram
	// oldest and newest end the list of datagrams in progress.
	oldest, newest *datagram
	held           int // bytes in the buffers of datagrams in progress
	// done is the datagram handed out with the last frame; its buffer is
	// recycled at the next call.
	done *datagram

	freeDG   []*datagram
	freeBuf  [nBufClasses][][]byte
	freeHeld int

	maxPending, maxBytes int
	stats                ReassemblyStats
}

// NewReassembler returns a Reassembler with the given limits.
func NewReassembler(l ReassemblyLimits) *Reassembler {
	if l.MaxPending <= 0 {
		l.MaxPending = DefaultMaxPending
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxBytes < 1<<maxBufShift {
		l.MaxBytes = 1 << maxBufShift
	}
	return &Reassembler{
		pending:    map[fragKey]*datagram{},
		maxPending: l.MaxPending,
		maxBytes:   l.MaxBytes,
		stats:      ReassemblyStats{MaxPending: l.MaxPending, MaxBytes: l.MaxBytes},
	}
}

// Add reassembles f when it is a fragment that completes a datagram: its
// transport layer, Payload and Datagram then cover the whole datagram, until
// the next call to Add. Other frames are left as they are; for a frame that
// is not a fragment Add only recycles the previous datagram's buffer.
func (r *Reassembler) Add(f *Frame) {
	if f.Fragment || r.done != nil { // small enough to inline: ordinary frames cost two tests
		r.add(f)
	}
}

func (r *Reassembler) add(f *Frame) {
	if r.done != nil {
		r.recycle(r.done)
		r.done = nil
	}
	if !f.Fragment {
		return
	}
	r.stats.Fragments++
	if !f.fragWhole {
		r.stats.Short++
		return
	}
	if len(f.fragData) == 0 && f.MoreFragments {
		return
	}
	k := fragKey{src: f.SrcIP, dst: f.DstIP, id: f.FragID}
	if f.Network == NetIPv4 {
		k.proto = uint8(f.Proto)
		if n := f.NVLAN; n > 0 {
			k.vlan = f.VLANs[min(n, len(f.VLANs))-1]
		}
	} else {
		k.v6 = true
	}
	dg := r.pending[k]
	off, end := f.FragOffset, f.FragOffset+len(f.fragData)
	if end > MaxDatagram {
		r.stats.Oversize++
		if dg != nil {
			r.drop(dg)
		}
		return
	}
	if dg == nil {
		if len(r.pending) >= r.maxPending {
			r.stats.Evicted++
			r.drop(r.oldest)
		}
		dg = r.newDatagram(k, f.Number)
	}
	if len(dg.frags) >= MaxDatagramFragments {
		r.stats.Oversize++
		r.drop(dg)
		return
	}
	if !r.fit(dg, end) {
		return
	}
	dg.add(off, end, f.fragData)
	if f.Number < dg.first {
		dg.first = f.Number
	}
	if !f.MoreFragments && dg.total < 0 {
		dg.total = end
	}
	if dg.total < 0 || dg.contig < dg.total {
		return
	}
	// Complete.
	r.unlink(dg)
	r.done = dg
	r.stats.Reassembled++
	f.Reassembled = true
	f.Fragments = len(dg.frags)
	f.FirstFragment = dg.first
	f.Datagram = dg.buf[:dg.total]
	proto := f.Proto
	data := f.Datagram
	// The layers decoded from here on lie in the datagram.
	r.dec.base, r.dec.inDatagram = f.Datagram, true
	if f.Network == NetIPv6 {
		// Headers after the fragment header (destination options, …).
		var ok bool
		if proto, data, ok = r.dec.ipv6Extensions(f, proto, data); !ok {
			return
		}
		f.Proto = proto
		if proto == layers.IPProtocolIPv6Fragment {
			return // a fragment inside a fragment: not decoded further
		}
	}
	r.dec.df.truncated = false
	r.dec.ipPayload(f, proto, data)
}

// add writes one fragment's bytes. Bytes already covered by a fragment with
// a lower or equal offset are kept; the rest, holes and bytes of fragments
// with a higher offset, are written.
func (dg *datagram) add(off, end int, data []byte) {
	// Insert after every fragment whose offset is <= off.
	i := len(dg.frags)
	for i > 0 && int(dg.frags[i-1].off) > off {
		i--
	}
	from := off
	if i > 0 && int(dg.frags[i-1].pmax) > from {
		from = int(dg.frags[i-1].pmax)
	}
	if from < end {
		if len(dg.buf) < end {
			dg.buf = dg.buf[:end]
		}
		copy(dg.buf[from:end], data[from-off:])
	}
	dg.frags = append(dg.frags, fragRange{})
	copy(dg.frags[i+1:], dg.frags[i:])
	dg.frags[i] = fragRange{off: int32(off), end: int32(end)}
	pmax := int32(0)
	if i > 0 {
		pmax = dg.frags[i-1].pmax
	}
	for j := i; j < len(dg.frags); j++ {
		pmax = max(pmax, dg.frags[j].end)
		dg.frags[j].pmax = pmax
	}
	// Coverage from 0 grows only through a fragment that starts inside it.
	if off <= dg.contig {
		for j := i; j < len(dg.frags) && int(dg.frags[j].off) <= dg.contig; j++ {
			dg.contig = max(dg.contig, int(dg.frags[j].end))
		}
	}
}

// fit makes dg's buffer hold end bytes, within the byte cap; false when it
// cannot (dg is then dropped).
func (r *Reassembler) fit(dg *datagram, end int) bool {
	if end <= cap(dg.buf) {
		return true
	}
	c := bufClass(end)
	need := (1 << (c + minBufShift)) - cap(dg.buf)
	for r.held+need > r.maxBytes && r.oldest != nil {
		if r.oldest == dg {
			if dg.next == nil {
				break
			}
			// dg is the oldest: drop the next oldest instead.
			r.stats.Evicted++
			r.drop(dg.next)
			continue
		}
		r.stats.Evicted++
		r.drop(r.oldest)
	}
	if r.held+need > r.maxBytes {
		r.stats.Evicted++
		r.drop(dg)
		return false
	}
	nb := r.getBuf(c)[:len(dg.buf)]
	copy(nb, dg.buf)
	r.putBuf(dg.buf)
	r.held += need
	dg.buf = nb
	r.stats.PeakBytes = max(r.stats.PeakBytes, r.held)
	return true
}

// bufClass is the size class of a buffer of n bytes (n <= 1<<maxBufShift).
func bufClass(n int) int {
	c := 0
	for (1 << (c + minBufShift)) < n {
		c++
	}
	return c
}

func (r *Reassembler) getBuf(c int) []byte {
	if l := r.freeBuf[c]; len(l) > 0 {
		b := l[len(l)-1]
		r.freeBuf[c] = l[:len(l)-1]
		r.freeHeld -= cap(b)
		return b[:0]
	}
	return make([]byte, 0, 1<<(c+minBufShift))
}

func (r *Reassembler) putBuf(b []byte) {
	if cap(b) == 0 || r.freeHeld+cap(b) > poolBytes {
		return
	}
	c := bufClass(cap(b))
	r.freeBuf[c] = append(r.freeBuf[c], b[:0])
	r.freeHeld += cap(b)
}

func (r *Reassembler) newDatagram(k fragKey, number int) *datagram {
	var dg *datagram
	if n := len(r.freeDG); n > 0 {
		dg = r.freeDG[n-1]
		r.freeDG = r.freeDG[:n-1]
	} else {
		dg = &datagram{}
	}
	dg.key, dg.total, dg.contig, dg.first = k, -1, 0, number
	dg.frags = dg.frags[:0]
	dg.prev, dg.next = r.newest, nil
	if r.newest != nil {
		r.newest.next = dg
	} else {
		r.oldest = dg
	}
	r.newest = dg
	r.pending[k] = dg
	r.stats.PeakPending = max(r.stats.PeakPending, len(r.pending))
	return dg
}

// unlink takes dg out of the datagrams in progress (its buffer stays).
func (r *Reassembler) unlink(dg *datagram) {
	delete(r.pending, dg.key)
	if dg.prev != nil {
		dg.prev.next = dg.next
	} else {
		r.oldest = dg.next
	}
	if dg.next != nil {
		dg.next.prev = dg.prev
	} else {
		r.newest = dg.prev
	}
	dg.prev, dg.next = nil, nil
	r.held -= cap(dg.buf)
}

// drop forgets a datagram in progress.
func (r *Reassembler) drop(dg *datagram) {
	r.unlink(dg)
	r.recycle(dg)
}

// recycle returns an unlinked datagram and its buffer to the pools.
func (r *Reassembler) recycle(dg *datagram) {
	r.putBuf(dg.buf)
	dg.buf = nil
	if cap(dg.frags) > 64 {
		dg.frags = nil // keep pooled datagrams small
	}
	if len(r.freeDG) < 1024 {
		r.freeDG = append(r.freeDG, dg)
	}
}

// Pending returns the datagrams in progress and the bytes their buffers hold.
func (r *Reassembler) Pending() (datagrams, bytes int) { return len(r.pending), r.held }

// Finish counts the datagrams still in progress as incomplete, forgets them
// and returns the statistics.
func (r *Reassembler) Finish() ReassemblyStats {
	if r.done != nil {
		r.recycle(r.done)
		r.done = nil
	}
	for r.oldest != nil {
		dg := r.oldest
		r.stats.Incomplete++
		r.stats.IncompleteFragments += len(dg.frags)
		r.drop(dg)
	}
	return r.stats
}
