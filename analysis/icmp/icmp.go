// Package icmp analyses ICMP (RFC 792) and ICMPv6 (RFC 4443): every message
// named from the IANA tables, echo requests paired with replies exactly as
// Wireshark pairs them (icmp.resptime), per-destination ping summaries,
// errors with their quoted datagram decoded, path MTU and redirects,
// traceroute paths rebuilt from time-exceeded messages, neighbour discovery
// and MLD, and observations (sweeps, floods, tunnel-like payloads).
//
// Counting: like Wireshark, only the outer ICMP message of a frame counts;
// an ICMP message quoted inside an error is decoded as the error's quote.
// Tunnels: the frame decoder gives the innermost IP (it follows IP-in-IP,
// GRE, VXLAN and Geneve), so ICMP inside a tunnel is seen. Fragmented ICMP messages (a ping larger than the MTU) are counted
// once, at the frame that completes their reassembly, as in Wireshark.
package icmp

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"time"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

func init() {
	engine.Register(engine.Factory{
		Name:         "icmp",
		Tools:        []string{"icmp"},
		Reports:      map[string]any{"icmp": Report{}},
		Descriptions: map[string]string{"icmp": "ICMP and ICMPv6: counts by type and code, echo requests paired with their replies (loss and round-trip times per pair of hosts), unreachables and other errors with the connection they quote, path MTU messages, traceroutes, sweeps and floods, and the messages themselves (capped)."},
		New:          func(o *engine.Options) engine.Tap { return New(o) },
	})
}

// Caps on tables an attacker can grow.
const (
	maxAddrs      = 10000
	maxEchoPairs  = 10000
	maxDests      = 10000
	maxSamples    = 2000
	maxRTTs       = 500000
	maxRefs       = 1000
	maxErrors     = 10000
	maxUnreach    = 10000
	maxProbes     = 100000
	maxTraces     = 1000
	maxTraceTTL   = 64
	maxHopRouters = 16
	maxSources    = 10000
	maxSweepDsts  = 1000
	maxNDEntries  = 4096
	maxFrames     = 20
	probeMaxTTL   = 32

	sweepMinDests = 10
	floodMinRate  = 100
	largePayload  = 1024
	entropyMinLen = 128
	// portTeredo is Teredo's UDP port (RFC 4380).
	portTeredo       = 3544
	entropyThreshold = 7.0
	manyUnreachables = 10
)

// maxPending caps the echo requests kept for pairing (a variable for tests).
// When it is reached, requests older than pendingTTL are forgotten: a reply
// arriving later than that is then counted as unmatched (Wireshark would
// still pair it), and a forgotten unanswered request stays unanswered.
var maxPending = 100000

const (
	pendingTTLNs = 120 * int64(time.Second)
	probeTTLNs   = 10 * int64(time.Second)
)

// Tap is the ICMP analyzer.
type Tap struct {
	opts       *engine.Options
	maxPackets int
	caps       report.Caps

	found   int
	packets []Packet
	typeCnt map[string]int
	srcs    map[netip.Addr]struct{}
	dsts    map[netip.Addr]struct{}
	pairs   map[uint16]*EchoPair
	unreach map[netip.Addr]struct{}

	fam [2]family // 0: ICMPv4, 1: ICMPv6

	pending     map[echoKey]*pending
	bySeq       map[seqKey]*pending // the same requests by addresses, identifier and sequence
	errAnswered []EchoRef
	lastEvict   int64
	evicted     int
	dests       map[pairKey]*dest
	destOrder   []pairKey
	unanswered  []EchoRef
	dupReplies  []EchoRef

	errors    []ErrorMessage
	unreachT  map[unreachKey]*Unreachable
	mtu       []MTUEvent
	redirects []Redirect

	probes         map[probeKey]probe
	lastProbeSweep int64
	traces         map[pairKey]*trace
	reach          map[pairKey]int

	sources       map[netip.Addr]*source
	bcastFrames   finding.Frames
	bcastCount    int
	mtuCount      int
	redirectCount int
	bcastDsts     map[string]struct{}
	large         []payloadEv
	entropic      []payloadEv
	reporters     map[netip.Addr]int

	nd  ndState
	mld mldState
}

type family struct {
	packets, requests, replies, matched, dups, unmatched int
	typeCodes                                            map[uint16]int // type<<8 | code
	rtts                                                 []float64
}

type echoKey struct {
	a, b  netip.Addr
	ck    uint16
	idseq uint32
}

// seqKey finds the echo request an ICMP error quotes: the quoted datagram
// has its addresses, identifier and sequence number (its checksum may be
// cut off).
type seqKey struct {
	src, dst netip.Addr
	id, seq  uint16
}

type pending struct {
	frame    int
	ns       int64
	pktIdx   int
	matched  bool
	errFrame int    // an ICMP error quoting this request, 0 if none
	errName  string // what the error said ("time exceeded")
	errFrom  netip.Addr
	src, dst netip.Addr
	id, seq  uint16
	ttl      uint8
}

type pairKey struct{ src, dst netip.Addr }

type dest struct {
	tx, rx, dups, errs int
	errAnswered        int            // requests answered by an ICMP error and not by a reply
	errKinds           map[string]int // those requests by the error's name
	sum, sumsq         float64
	min, max, last     float64
	jitterSum          float64
	jitterN            int
	samples            []RTTSample
}

type unreachKey struct {
	reporter netip.Addr
	what     string
	code     uint8
	v6       bool
}

type probeKey struct {
	src, dst netip.Addr
	proto    uint8
	a        uint32
	ipid     uint16
}

type probe struct {
	ttl   uint8
	ns    int64
	frame int
}

type trace struct {
	proto string
	hops  map[int]map[netip.Addr]*hopStat
}

type hopStat struct {
	replies, matched int
	sum, min, max    float64
}

type source struct {
	count, curCount, peak int
	curSec, peakSec       int64
	firstFrame            int
	peakFrame             int
	echoDsts              map[netip.Addr]struct{}
	echoReqs              int
	firstNs, lastNs       int64
	frames, echoFrames    finding.Frames // all its messages; its echo requests
}

type payloadEv struct {
	frame   int
	size    int
	entropy float64
	src     string
	dst     string
}

// New returns an ICMP tap.
func New(o *engine.Options) *Tap {
	if o == nil {
		o = &engine.Options{}
	}
	t := &Tap{
		opts: o, maxPackets: report.ListLimit(o.MaxPackets),
		typeCnt: map[string]int{}, srcs: map[netip.Addr]struct{}{}, dsts: map[netip.Addr]struct{}{},
		pairs: map[uint16]*EchoPair{}, unreach: map[netip.Addr]struct{}{},
		pending: map[echoKey]*pending{}, bySeq: map[seqKey]*pending{}, dests: map[pairKey]*dest{},
		unreachT: map[unreachKey]*Unreachable{}, probes: map[probeKey]probe{},
		traces: map[pairKey]*trace{}, reach: map[pairKey]int{},
		sources: map[netip.Addr]*source{}, bcastDsts: map[string]struct{}{},
		reporters: map[netip.Addr]int{},
		nd:        newND(), mld: newMLD(),
	}
	t.fam[0].typeCodes = map[uint16]int{}
	t.fam[1].typeCodes = map[uint16]int{}
	return t
}

// capNames are the tables a cap applies to, by the name limit is given,
// with the words and the limit the report's caps use.
var capNames = map[string]struct {
	what  string
	limit int
	// unit names what the cap counts when not the table's items (report.Cap.Unit):
	// the messages that found no room in it.
	unit string
}{
	"unique_sources":           {"unique sources", maxAddrs, "messages"},
	"unique_destinations":      {"unique destinations", maxAddrs, "messages"},
	"unreachable_destinations": {"unreachable destinations", maxAddrs, "messages"},
	"echo_pairs":               {"echo identifiers", maxEchoPairs, "messages"},
	"echo_destinations":        {"echo destinations", maxDests, "messages"},
	"pending_echo_requests":    {"echo requests waiting for a reply", 0, ""},
	"rtt_samples":              {"round-trip times", maxRTTs, ""},
	"duplicate_replies":        {"duplicate replies listed", maxRefs, ""},
	"unanswered_requests":      {"unanswered requests listed", maxRefs, ""},
	"errors":                   {"error messages listed", maxErrors, ""},
	"path_mtu":                 {"path MTU messages listed", maxErrors, ""},
	"redirects":                {"redirects listed", maxErrors, ""},
	"unreachables":             {"unreachable endpoints", maxUnreach, "messages"},
	"traceroute_probes":        {"traceroute probes", maxProbes, ""},
	"traceroutes":              {"traceroutes", maxTraces, "messages"},
	"traceroute_hops":          {"traceroute hops", maxTraceTTL, "messages"},
	"traceroute_hop_routers":   {"routers per traceroute hop", maxHopRouters, "messages"},
	"error_answered_requests":  {"requests answered by an error listed", maxRefs, ""},
	"sources":                  {"sources", maxSources, "messages"},
	"nd_routers":               {"neighbor discovery routers", maxNDEntries, "messages"},
	"nd_neighbors":             {"neighbor discovery targets", maxNDEntries, "messages"},
	"mld_groups":               {"multicast groups", maxNDEntries, "group records"},
}

// limit counts one item of a table not kept at its cap.
func (t *Tap) limit(name string) {
	c, ok := capNames[name]
	if !ok {
		c.what = name
	}
	if name == "pending_echo_requests" {
		c.limit = maxPending
	}
	t.caps.HitUnits(c.what, c.unit, c.limit, 1)
}

// msg is the decoded outer ICMP message of a frame.
type msg struct {
	v6        bool
	typ, code uint8
	cksum     uint16
	id, seq   uint16
	rest      []byte // bytes after the first 8 (the body)
	word      []byte // bytes 4..8 of the message (may be short)
	echo      bool
	request   bool
}

// Packet handles one frame.
func (t *Tap) Packet(f *frame.Frame) {
	if f.Network != frame.NetIPv4 && f.Network != frame.NetIPv6 || badVersion(f) {
		return
	}
	t.recordProbe(f)
	var m msg
	switch f.Transport {
	case frame.TransportICMPv4:
		m.typ, m.code = f.ICMPv4.TypeCode.Type(), f.ICMPv4.TypeCode.Code()
		m.cksum, m.id, m.seq = f.ICMPv4.Checksum, f.ICMPv4.Id, f.ICMPv4.Seq
		m.rest = f.ICMPv4.Payload
		if m.rest == nil {
			m.rest = f.Payload
		}
		if c := f.ICMPv4.Contents; len(c) >= 8 {
			m.word = c[4:8]
		}
		m.echo = m.typ == 0 || m.typ == 8
		m.request = m.typ == 8
	case frame.TransportICMPv6:
		m.v6 = true
		m.typ, m.code = f.ICMPv6.TypeCode.Type(), f.ICMPv6.TypeCode.Code()
		m.cksum = f.ICMPv6.Checksum
		body := f.ICMPv6.Payload
		if len(body) >= 4 {
			m.word = body[:4]
			m.id = binary.BigEndian.Uint16(body)
			m.seq = binary.BigEndian.Uint16(body[2:])
			m.rest = body[4:]
		}
		m.echo = (m.typ == 128 || m.typ == 129) && len(body) >= 4
		m.request = m.typ == 128
		if p, ok := f.CarrierUDPDstPort(); ok && p == portTeredo && m.request {
			// Wireshark takes an echo request to Teredo's port for its
			// direct connectivity test (RFC 4380 section 5.2.9): the data
			// is a nonce and the request is not tracked, so it stays
			// unanswered and no reply is paired with it.
			m.echo = false
		}
	default:
		// Fragments are counted where their datagram is reassembled.
		if !shortHeader(f, &m) {
			return
		}
	}
	t.found++
	fi := 0
	if m.v6 {
		fi = 1
	}
	fam := &t.fam[fi]
	fam.packets++
	fam.typeCodes[uint16(m.typ)<<8|uint16(m.code)]++
	tname := TypeName(m.v6, m.typ)
	t.typeCnt[tname]++
	t.addAddr(t.srcs, f.SrcIP, "unique_sources")
	t.addAddr(t.dsts, f.DstIP, "unique_destinations")
	t.activity(f, &m)

	pktIdx := -1
	if len(t.packets) < t.maxPackets {
		p := Packet{
			PacketNumber: f.Number, Timestamp: f.Time(), Time: rfc3339(f.TimeNs),
			SrcIP: f.SrcIP.String(), DstIP: f.DstIP.String(), PacketSize: f.CapLen,
			ICMPType: int(m.typ), ICMPCode: int(m.code), TypeName: tname,
			CodeName: CodeName(m.v6, m.typ, m.code), Checksum: fmt.Sprintf("0x%04x", m.cksum),
		}
		ttl := int(f.TTL)
		if m.v6 {
			p.IPVersion, p.HopLimit = 6, &ttl
		} else {
			p.IPVersion, p.TTL = 4, &ttl
		}
		if m.echo || (!m.v6 && m.typ >= 13 && m.typ <= 18) {
			id, seq := int(m.id), int(m.seq)
			p.ID, p.Seq = &id, &seq
		}
		t.packets = append(t.packets, p)
		pktIdx = len(t.packets) - 1
	}

	if m.echo {
		t.echo(f, &m, fam, pktIdx)
		return
	}
	if (m.v6 && (m.typ == 128 || m.typ == 129)) || (!m.v6 && (m.typ == 8 || m.typ == 0)) {
		// Too short for an identifier and sequence number: counted as tshark
		// counts it (an unanswered request, or a reply), not paired.
		if m.request {
			fam.requests++
		} else {
			fam.replies++
			fam.unmatched++
		}
		return
	}
	if isError(m.v6, m.typ) {
		t.errorMsg(f, &m, pktIdx)
		return
	}
	if m.v6 {
		t.ndmld(f, &m)
	}
}

// shortHeader fills m from an ICMP header too short for the frame decoder
// (which reads 8 bytes of ICMPv4, 4 of ICMPv6) and reports whether f has
// one that tshark counts: ICMPv4 from 6 bytes on (Wireshark reads the
// original-datagram length at byte 5 before anything else; shorter, the
// message is not selected by the display filter icmp), ICMPv6 from 2 (its
// type and code). Its identifier, sequence number and body are not read:
// an echo message counts as an unpaired request or reply.
func shortHeader(f *frame.Frame, m *msg) bool {
	if f.Transport != frame.TransportNone {
		return false
	}
	var b []byte
	need := 6
	switch f.Anomaly {
	case frame.AnomalyTruncatedICMP:
		b = f.IPv4.Payload
	case frame.AnomalyTruncatedICMPv6:
		m.v6 = true
		need = 2
		if p := f.Path(); len(p) > 0 {
			if l := p[len(p)-1]; int(l.Len) <= len(f.LayerBytes(l)) {
				b = f.LayerBytes(l)[l.Len:]
			}
		}
	default:
		return false
	}
	if len(b) < need {
		return false
	}
	m.typ, m.code = b[0], b[1]
	if m.v6 {
		m.request = m.typ == 128
	} else {
		m.request = m.typ == 8
	}
	return true
}

// badVersion reports an IP header whose version field is wrong: Wireshark
// does not dissect what follows it ("Bogus IP version"), nor does pcaplens.
func badVersion(f *frame.Frame) bool {
	if f.Network == frame.NetIPv4 {
		return f.IPv4.Version != 4
	}
	return f.IPv6.Version != 6
}

func typeCode(t, c uint8) string {
	var b [8]byte
	n := putU8(b[:0], t)
	n = append(n, '/')
	n = putU8(n, c)
	return string(n)
}

func putU8(b []byte, v uint8) []byte {
	if v >= 100 {
		b = append(b, '0'+v/100)
	}
	if v >= 10 {
		b = append(b, '0'+v/10%10)
	}
	return append(b, '0'+v%10)
}

func isError(v6 bool, t uint8) bool {
	if v6 {
		return t >= 1 && t <= 4
	}
	switch t {
	case 3, 4, 5, 11, 12:
		return true
	}
	return false
}

func (t *Tap) addAddr(m map[netip.Addr]struct{}, a netip.Addr, name string) {
	if _, ok := m[a]; ok {
		return
	}
	if len(m) >= maxAddrs {
		t.limit(name)
		return
	}
	m[a] = struct{}{}
}

// pairKeyFor returns Wireshark's echo matching key: the unordered address
// pair, the identifier and sequence number, and the checksum the reply must
// carry (the request's checksum plus the type difference, in one's complement).
func pairKeyFor(f *frame.Frame, m *msg) echoKey {
	a, b := f.SrcIP, f.DstIP
	if b.Less(a) {
		a, b = b, a
	}
	ck := m.cksum
	if m.request {
		// The reply's checksum is the request's with the type word changed:
		// 0x0800 → 0x0000 for ICMP, 0x8000 → 0x8100 for ICMPv6.
		add := uint32(^uint16(0x0800))
		if m.v6 {
			add = 0x0100
		}
		s := uint32(^m.cksum) + add
		s = (s & 0xffff) + (s >> 16)
		s = (s & 0xffff) + (s >> 16)
		ck = ^uint16(s)
	}
	return echoKey{a: a, b: b, ck: ck, idseq: uint32(m.id)<<16 | uint32(m.seq)}
}

func (t *Tap) echo(f *frame.Frame, m *msg, fam *family, pktIdx int) {
	if !m.v6 {
		ep := t.pairs[m.id]
		if ep == nil && len(t.pairs) < maxEchoPairs {
			ep = &EchoPair{}
			t.pairs[m.id] = ep
		}
		switch {
		case ep == nil:
			t.limit("echo_pairs")
		case m.request:
			ep.Requests++
		default:
			ep.Replies++
		}
	}
	k := pairKeyFor(f, m)
	if m.request {
		fam.requests++
		d := t.dest(f.SrcIP, f.DstIP)
		if d != nil {
			d.tx++
		}
		if old := t.pending[k]; old != nil && !old.matched {
			t.addUnanswered(old)
		}
		if len(t.pending) >= maxPending {
			if _, ok := t.pending[k]; !ok {
				t.evict(f.TimeNs)
			}
			if _, ok := t.pending[k]; !ok && len(t.pending) >= maxPending {
				t.limit("pending_echo_requests")
				return
			}
		}
		p := t.pending[k]
		if p == nil {
			p = &pending{}
			t.pending[k] = p
		}
		*p = pending{frame: f.Number, ns: f.TimeNs, pktIdx: pktIdx, src: f.SrcIP, dst: f.DstIP, id: m.id, seq: m.seq, ttl: f.TTL}
		t.bySeq[seqKey{f.SrcIP, f.DstIP, m.id, m.seq}] = p
		t.payload(f, m)
		return
	}
	fam.replies++
	p := t.pending[k]
	if p == nil || p.frame >= f.Number {
		fam.unmatched++
		return
	}
	if p.matched {
		fam.dups++
		if d := t.dests[pairKey{p.src, p.dst}]; d != nil {
			d.dups++
		}
		if len(t.dupReplies) < maxRefs {
			t.dupReplies = append(t.dupReplies, EchoRef{Frame: f.Number, Timestamp: f.Time(), Source: f.SrcIP.String(), Destination: f.DstIP.String(), ID: int(m.id), Seq: int(m.seq)})
		} else {
			t.limit("duplicate_replies")
		}
		return
	}
	p.matched = true
	if p.errFrame != 0 {
		// A reply after all: the request is answered, not answered by an error.
		if d := t.dests[pairKey{p.src, p.dst}]; d != nil {
			d.errAnswered--
			if d.errKinds[p.errName] > 0 {
				d.errKinds[p.errName]--
				if d.errKinds[p.errName] == 0 {
					delete(d.errKinds, p.errName)
				}
			}
		}
		p.errFrame = 0
	}
	fam.matched++
	rtt := float64(f.TimeNs-p.ns) / 1e9
	if len(fam.rtts) < maxRTTs {
		fam.rtts = append(fam.rtts, rtt)
	} else {
		t.limit("rtt_samples")
	}
	if p.pktIdx >= 0 {
		t.packets[p.pktIdx].ResponseIn = f.Number
	}
	if pktIdx >= 0 {
		t.packets[pktIdx].ResponseTo = p.frame
		r := rtt
		t.packets[pktIdx].ResponseTime = &r
	}
	if d := t.dests[pairKey{p.src, p.dst}]; d != nil {
		d.rx++
		if d.rx == 1 {
			d.min, d.max = rtt, rtt
		} else {
			d.min, d.max = math.Min(d.min, rtt), math.Max(d.max, rtt)
			d.jitterSum += math.Abs(rtt - d.last)
			d.jitterN++
		}
		d.last = rtt
		d.sum += rtt
		d.sumsq += rtt * rtt
		if len(d.samples) < maxSamples {
			d.samples = append(d.samples, RTTSample{Frame: f.Number, Timestamp: f.Time(), Seq: int(p.seq), RTT: rtt})
		}
	}
	if p.ttl <= probeMaxTTL {
		pk := pairKey{p.src, p.dst}
		if _, ok := t.traces[pk]; ok || len(t.reach) < maxTraces {
			if old, ok := t.reach[pk]; !ok || int(p.ttl) < old {
				t.reach[pk] = int(p.ttl)
			}
		}
	}
}

// evict forgets echo requests older than pendingTTLNs, at most once per
// pendingTTLNs/4 of capture time (so a full table of recent requests is not
// swept on every packet).
func (t *Tap) evict(now int64) {
	if t.lastEvict != 0 && now-t.lastEvict < pendingTTLNs/4 {
		return
	}
	t.lastEvict = now
	var old []*pending
	for k, p := range t.pending {
		if now-p.ns > pendingTTLNs {
			if !p.matched {
				old = append(old, p)
			}
			delete(t.pending, k)
			if sk := (seqKey{p.src, p.dst, p.id, p.seq}); t.bySeq[sk] == p {
				delete(t.bySeq, sk)
			}
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].frame < old[j].frame })
	for _, p := range old {
		t.addUnanswered(p)
	}
	t.evicted += len(old)
}

func (t *Tap) dest(src, dst netip.Addr) *dest {
	k := pairKey{src, dst}
	d := t.dests[k]
	if d == nil {
		if len(t.dests) >= maxDests {
			t.limit("echo_destinations")
			return nil
		}
		d = &dest{}
		t.dests[k] = d
		t.destOrder = append(t.destOrder, k)
	}
	return d
}

// addUnanswered lists a request no reply answered: apart when an ICMP error
// answered it (a traceroute probe answered by time exceeded is not a lost ping).
func (t *Tap) addUnanswered(p *pending) {
	if p.errFrame != 0 {
		if len(t.errAnswered) < maxRefs {
			t.errAnswered = append(t.errAnswered, EchoRef{Frame: p.frame, Timestamp: float64(p.ns) / 1e9,
				Source: p.src.String(), Destination: p.dst.String(), ID: int(p.id), Seq: int(p.seq),
				AnsweredBy: p.errName + " from " + p.errFrom.String(), ErrorFrame: p.errFrame})
		} else {
			t.limit("error_answered_requests")
		}
		return
	}
	if len(t.unanswered) < maxRefs {
		t.unanswered = append(t.unanswered, EchoRef{Frame: p.frame, Timestamp: float64(p.ns) / 1e9,
			Source: p.src.String(), Destination: p.dst.String(), ID: int(p.id), Seq: int(p.seq)})
	} else {
		t.limit("unanswered_requests")
	}
}

// recordProbe remembers low-TTL packets that traceroute could have sent, so
// that a time-exceeded message can be matched to its probe's TTL and time.
// A fragmented probe is recorded where it is reassembled (other fragments
// have no transport header to key it by).
func (t *Tap) recordProbe(f *frame.Frame) {
	if f.TTL == 0 || f.TTL > probeMaxTTL || f.DstIP.IsMulticast() {
		return
	}
	k, ok := probeKeyOf(f)
	if !ok {
		return
	}
	if len(t.probes) >= maxProbes {
		if _, ok := t.probes[k]; !ok {
			// Probes are answered within seconds: forget those older than
			// probeTTLNs, at most once per probeTTLNs of capture time.
			if f.TimeNs-t.lastProbeSweep > probeTTLNs {
				t.lastProbeSweep = f.TimeNs
				for pk, p := range t.probes {
					if f.TimeNs-p.ns > probeTTLNs {
						delete(t.probes, pk)
					}
				}
			}
			if len(t.probes) >= maxProbes {
				t.limit("traceroute_probes")
				return
			}
		}
	}
	t.probes[k] = probe{ttl: f.TTL, ns: f.TimeNs, frame: f.Number}
}

func probeKeyOf(f *frame.Frame) (probeKey, bool) {
	k := probeKey{src: f.SrcIP, dst: f.DstIP}
	if f.Network == frame.NetIPv4 {
		k.ipid = f.IPv4.Id
	}
	switch f.Transport {
	case frame.TransportUDP:
		k.proto, k.a = 17, uint32(f.SrcPort)<<16|uint32(f.DstPort)
	case frame.TransportTCP:
		k.proto, k.a = 6, uint32(f.SrcPort)<<16|uint32(f.DstPort)
	case frame.TransportICMPv4:
		if f.ICMPv4.TypeCode.Type() != 8 {
			return k, false
		}
		k.proto, k.a = 1, uint32(f.ICMPv4.Id)<<16|uint32(f.ICMPv4.Seq)
	case frame.TransportICMPv6:
		if f.ICMPv6.TypeCode.Type() != 128 || len(f.ICMPv6.Payload) < 4 {
			return k, false
		}
		k.proto, k.a = 58, binary.BigEndian.Uint32(f.ICMPv6.Payload)
	default:
		return k, false
	}
	return k, true
}

func quotedProbeKey(q *Quoted) (probeKey, bool) {
	if q.Version == 0 {
		return probeKey{}, false
	}
	k := probeKey{src: q.src, dst: q.dst, proto: uint8(q.Protocol)}
	if q.Version == 4 {
		k.ipid = uint16(q.IPID)
	}
	switch {
	case q.HasPorts && (q.Protocol == 6 || q.Protocol == 17):
		k.a = uint32(q.SrcPort)<<16 | uint32(q.DstPort)
	case q.HasICMP && (q.ICMPType == 8 || q.ICMPType == 128) && !q.Truncated:
		k.a = uint32(q.ICMPID)<<16 | uint32(q.ICMPSeq)
	default:
		return k, false
	}
	return k, true
}

func (t *Tap) errorMsg(f *frame.Frame, m *msg, pktIdx int) {
	q := ParseQuoted(m.rest)
	e := ErrorMessage{
		Frame: f.Number, Time: rfc3339(f.TimeNs), Timestamp: f.Time(),
		Reporter: f.SrcIP.String(), To: f.DstIP.String(),
		Type: int(m.typ), Code: int(m.code),
		TypeName: TypeName(m.v6, m.typ), CodeName: CodeName(m.v6, m.typ, m.code),
		Quoted: q, IPVersion: 4,
	}
	if m.v6 {
		e.IPVersion = 6
	}
	what := q.Endpoint()
	if q.HasICMP && (q.ICMPType == 8 || q.ICMPType == 128) {
		d := t.dests[pairKey{q.src, q.dst}]
		if d != nil {
			d.errs++
		}
		// The request it answers, unless a reply answered it already.
		if p := t.bySeq[seqKey{q.src, q.dst, uint16(q.ICMPID), uint16(q.ICMPSeq)}]; p != nil && !p.matched && p.errFrame == 0 && p.frame < f.Number {
			name := lower(e.CodeName) // "time to live exceeded in transit", "port unreachable"
			if name == "" {
				name = lower(e.TypeName)
			}
			p.errFrame, p.errName, p.errFrom = f.Number, name, f.SrcIP
			if d != nil {
				d.errAnswered++
				if d.errKinds == nil {
					d.errKinds = map[string]int{}
				}
				if _, ok := d.errKinds[name]; ok || len(d.errKinds) < maxHopRouters {
					d.errKinds[name]++
				}
			}
		}
	}
	reason := e.CodeName
	unreachable := (!m.v6 && m.typ == 3) || (m.v6 && m.typ == 1)
	switch {
	case !m.v6 && m.typ == 3 && m.code == 4, m.v6 && m.typ == 2:
		if len(m.word) == 4 {
			if m.v6 {
				e.MTU = int(binary.BigEndian.Uint32(m.word))
			} else {
				e.MTU = int(binary.BigEndian.Uint16(m.word[2:]))
			}
		}
		e.Summary = fmt.Sprintf("%s needs fragmentation: next-hop MTU %d", what, e.MTU)
		if m.v6 {
			e.Summary = fmt.Sprintf("%s: packet too big, MTU %d", what, e.MTU)
		}
		t.mtuCount++
		if len(t.mtu) < maxErrors {
			t.mtu = append(t.mtu, MTUEvent{Frame: f.Number, Reporter: e.Reporter, Source: q.Src, Destination: q.Dst, MTU: e.MTU, IPVersion: e.IPVersion})
		} else {
			t.limit("path_mtu")
		}
	case !m.v6 && m.typ == 5:
		if len(m.word) == 4 {
			e.Gateway = netip.AddrFrom4([4]byte(m.word)).String()
		}
		e.Summary = fmt.Sprintf("redirect for %s: use gateway %s (%s)", what, e.Gateway, reason)
		t.redirectCount++
		if len(t.redirects) < maxErrors {
			t.redirects = append(t.redirects, Redirect{Frame: f.Number, Router: e.Reporter, Host: e.To, Destination: q.Dst, Gateway: e.Gateway, Code: reason})
		} else {
			t.limit("redirects")
		}
	case (!m.v6 && m.typ == 12) || (m.v6 && m.typ == 4):
		if len(m.word) == 4 {
			var p int
			if m.v6 {
				p = int(binary.BigEndian.Uint32(m.word))
			} else {
				p = int(m.word[0])
			}
			e.Pointer = &p
		}
		e.Summary = fmt.Sprintf("%s: parameter problem (%s)", what, reason)
	case (!m.v6 && m.typ == 11) || (m.v6 && m.typ == 3):
		e.Summary = fmt.Sprintf("%s: %s", what, lower(reason))
		if m.code == 0 {
			t.traceHop(f, &q)
		}
	default:
		e.Summary = fmt.Sprintf("%s: %s", what, lower(reason))
	}
	if unreachable {
		if m.v6 || m.code != 4 {
			e.Summary = fmt.Sprintf("%s %s", what, lower(reason))
		}
		if q.dst.IsValid() {
			t.addAddr(t.unreach, q.dst, "unreachable_destinations")
		}
		t.reporters[f.SrcIP]++
		uk := unreachKey{f.SrcIP, what, m.code, m.v6}
		u := t.unreachT[uk]
		if u == nil {
			if len(t.unreachT) >= maxUnreach {
				t.limit("unreachables")
			} else {
				u = &Unreachable{Reporter: e.Reporter, Unreachable: what, Reason: reason, Code: int(m.code), IPVersion: e.IPVersion, FirstFrame: f.Number}
				t.unreachT[uk] = u
			}
		}
		if u != nil {
			u.Count++
			u.LastFrame = f.Number
		}
		// A port unreachable from the destination ends a UDP traceroute.
		if q.src.IsValid() && q.dst == f.SrcIP {
			if pk, ok := quotedProbeKey(&q); ok {
				if pr, ok := t.probes[pk]; ok {
					k := pairKey{q.src, q.dst}
					if old, ok := t.reach[k]; (!ok && len(t.reach) < maxTraces) || (ok && int(pr.ttl) < old) {
						t.reach[k] = int(pr.ttl)
					}
				}
			}
		}
	}
	if pktIdx >= 0 {
		t.packets[pktIdx].Summary = e.Summary
	}
	if len(t.errors) < maxErrors {
		t.errors = append(t.errors, e)
	} else {
		t.limit("errors")
	}
}

func lower(s string) string {
	return strings.ToLower(s)
}

// traceHop adds a time-exceeded reply to the traceroute of its quoted datagram.
func (t *Tap) traceHop(f *frame.Frame, q *Quoted) {
	if !q.src.IsValid() {
		return
	}
	k := pairKey{q.src, q.dst}
	tr := t.traces[k]
	if tr == nil {
		if len(t.traces) >= maxTraces {
			t.limit("traceroutes")
			return
		}
		tr = &trace{proto: q.ProtocolName, hops: map[int]map[netip.Addr]*hopStat{}}
		t.traces[k] = tr
	}
	ttl := 0 // unknown: probe not seen
	rtt := -1.0
	if pk, ok := quotedProbeKey(q); ok {
		if pr, ok := t.probes[pk]; ok && pr.ns <= f.TimeNs {
			ttl = int(pr.ttl)
			rtt = float64(f.TimeNs-pr.ns) / 1e9
		}
	}
	h := tr.hops[ttl]
	if h == nil {
		if len(tr.hops) >= maxTraceTTL {
			t.limit("traceroute_hops")
			return
		}
		h = map[netip.Addr]*hopStat{}
		tr.hops[ttl] = h
	}
	hs := h[f.SrcIP]
	if hs == nil {
		if len(h) >= maxHopRouters {
			t.limit("traceroute_hop_routers")
			return
		}
		hs = &hopStat{}
		h[f.SrcIP] = hs
	}
	hs.replies++
	if rtt >= 0 {
		if hs.matched == 0 {
			hs.min, hs.max = rtt, rtt
		} else {
			hs.min, hs.max = math.Min(hs.min, rtt), math.Max(hs.max, rtt)
		}
		hs.matched++
		hs.sum += rtt
	}
}

// activity tracks per-source rates and echo destinations for sweep and flood observations.
func (t *Tap) activity(f *frame.Frame, m *msg) {
	s := t.sources[f.SrcIP]
	if s == nil {
		if len(t.sources) >= maxSources {
			t.limit("sources")
			return
		}
		s = &source{firstFrame: f.Number, curSec: f.TimeNs / 1e9, firstNs: f.TimeNs}
		t.sources[f.SrcIP] = s
	}
	s.count++
	s.frames.Add(f.Number)
	s.lastNs = f.TimeNs
	sec := f.TimeNs / 1e9
	if sec != s.curSec {
		s.curSec, s.curCount = sec, 0
	}
	s.curCount++
	if s.curCount > s.peak {
		s.peak, s.peakSec, s.peakFrame = s.curCount, sec, f.Number
	}
	if m.request {
		s.echoReqs++
		s.echoFrames.Add(f.Number)
		if s.echoDsts == nil {
			s.echoDsts = map[netip.Addr]struct{}{}
		}
		if len(s.echoDsts) < maxSweepDsts {
			s.echoDsts[f.DstIP] = struct{}{}
		}
		if isBroadcast(f) {
			t.bcastCount++
			t.bcastFrames.Add(f.Number)
			if len(t.bcastDsts) < 100 {
				t.bcastDsts[f.DstIP.String()] = struct{}{}
			}
		}
	}
}

func isBroadcast(f *frame.Frame) bool {
	d := f.DstIP
	if d.IsMulticast() {
		return true
	}
	if d.Is4() {
		b := d.As4()
		if b == [4]byte{255, 255, 255, 255} || b[3] == 255 {
			return true
		}
		if f.HasMAC && f.DstMAC == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
			return true
		}
	}
	return false
}

// payload checks an echo request's data for size and for a non-pattern,
// high-entropy content (tunnel-like).
func (t *Tap) payload(f *frame.Frame, m *msg) {
	data := m.rest // after identifier and sequence number, for both families
	n := len(data)
	if n >= largePayload {
		if len(t.large) < maxRefs {
			t.large = append(t.large, payloadEv{frame: f.Number, size: n, entropy: entropy(data), src: f.SrcIP.String(), dst: f.DstIP.String()})
		}
	}
	if n >= entropyMinLen && !patterned(data) {
		if e := entropy(data); e >= entropyThreshold {
			if len(t.entropic) < maxRefs {
				t.entropic = append(t.entropic, payloadEv{frame: f.Number, size: n, entropy: e, src: f.SrcIP.String(), dst: f.DstIP.String()})
			}
		}
	}
}

// entropy is the Shannon entropy of b in bits per byte.
func entropy(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	var c [256]int
	for _, x := range b {
		c[x]++
	}
	e := 0.0
	n := float64(len(b))
	for _, k := range c {
		if k > 0 {
			p := float64(k) / n
			e -= p * math.Log2(p)
		}
	}
	return e
}

// patterned reports whether b looks like a ping filler: an incrementing run
// or a short repeated pattern (over the first 512 bytes, after a possible
// 16-byte timestamp).
func patterned(b []byte) bool {
	if len(b) > 16+512 {
		b = b[:16+512]
	}
	if len(b) > 32 {
		b = b[16:]
	}
	inc := 0
	for i := 1; i < len(b); i++ {
		if b[i] == b[i-1]+1 {
			inc++
		}
	}
	if inc*10 >= (len(b)-1)*8 {
		return true
	}
	for p := 1; p <= 32 && p < len(b); p++ {
		same := 0
		for i := p; i < len(b); i++ {
			if b[i] == b[i-p] {
				same++
			}
		}
		if same*10 >= (len(b)-p)*9 {
			return true
		}
	}
	return false
}

// rfc3339 formats a Unix time in nanoseconds as UTC RFC 3339 with nanoseconds.
func rfc3339(ns int64) string { return report.Time(ns) }

func sortAddrStrings(v []string) {
	sort.Slice(v, func(i, j int) bool {
		a, ea := netip.ParseAddr(v[i])
		b, eb := netip.ParseAddr(v[j])
		if ea == nil && eb == nil {
			return a.Less(b)
		}
		return v[i] < v[j]
	})
}

func addrList(m map[netip.Addr]struct{}) []string {
	as := make([]netip.Addr, 0, len(m))
	for a := range m {
		as = append(as, a)
	}
	sort.Slice(as, func(i, j int) bool { return as[i].Less(as[j]) })
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}
