// Package overview is the first view of a capture: the protocol hierarchy
// (as tshark -z io,phs), endpoints and conversations for IPv4, IPv6, TCP and
// UDP (as Wireshark's Endpoints and Conversations, tshark -z conv,… and
// -z endpoints,…), an I/O graph and overview-specific findings (decoding
// anomalies and link types not decoded are the capinfos report's findings).
//
// The protocol hierarchy reads the layer path the shared frame decoder
// recorded (frame.Frame.Path, hierarchy.go), naming application protocols
// by port as Wireshark does for the ones the overview compares. TCP
// conversations are Wireshark's TCP streams (frame.Frame.TCPStream, numbered
// once for every analyzer). Tunnels: like Wireshark, every IP header of a
// tunnelled packet (outer first, one per level) feeds the IP tables, and a
// UDP header that carried a tunnel the UDP tables; TCP and UDP are the
// innermost.
package overview

import (
	"cmp"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

func init() {
	engine.Register(engine.Factory{
		Name:         "overview",
		Tools:        []string{"overview"},
		Reports:      map[string]any{"overview": Report{}},
		Descriptions: map[string]string{"overview": "What the capture is about: the protocol hierarchy (Wireshark's Statistics > Protocol Hierarchy), the top conversations and endpoints, and an I/O graph of packets and bytes over time. Read it first to see which protocols and hosts matter before drilling into one analysis."},
		New:          func(o *engine.Options) engine.Tap { return New(o) },
	})
}

// Table caps: an attacker controls how many addresses and ports a capture
// holds. Table updates lost to a full table are counted in Report.Caps.
const (
	// MaxConversations bounds each conversation table (IPv4, IPv6, TCP, UDP).
	MaxConversations = 20000
	// MaxEndpoints bounds each endpoint table.
	MaxEndpoints = 20000
	// maxPHSNodes bounds the protocol hierarchy (names come from fixed tables,
	// so this is a safety net).
	maxPHSNodes = 4096
)

// Report is the overview tool's report.
type Report struct {
	File string `json:"file"`
	// Packets and Bytes are the frames read and the sum of their lengths on the wire.
	Packets int   `json:"packets"`
	Bytes   int64 `json:"bytes"`
	// FirstTime and LastTime are the earliest and latest frame times (epoch
	// seconds; also RFC 3339 UTC and epoch nanoseconds).
	FirstTime    float64 `json:"first_time"`
	FirstTimeUTC string  `json:"first_time_utc,omitempty"`
	FirstTimeNs  int64   `json:"first_time_ns"`
	LastTime     float64 `json:"last_time"`
	LastTimeUTC  string  `json:"last_time_utc,omitempty"`
	LastTimeNs   int64   `json:"last_time_ns"`
	// Duration is LastTime - FirstTime in seconds.
	Duration float64 `json:"duration"`
	// ProtocolHierarchy is the tree, depth first, children in order of first appearance.
	ProtocolHierarchy []PHSRow `json:"protocol_hierarchy"`
	// Conversations and Endpoints are keyed "ip", "ipv6", "tcp", "udp".
	Conversations map[string][]Conversation `json:"conversations"`
	// TCPConversations counts every TCP conversation (one per tcp.stream
	// with an IP header, as tshark -z conv,tcp lists them), those past the
	// table's cap too, which Conversations["tcp"] leaves out.
	TCPConversations int                   `json:"tcp_conversations"`
	Endpoints        map[string][]Endpoint `json:"endpoints"`
	IOGraph          IOGraph               `json:"io_graph"`
	// Findings are the overview's findings (broadcasts, fragments, time
	// going backwards), most serious first.
	Findings []finding.Finding `json:"findings"`
	// Caps are the tables that were full: "conversations.tcp",
	// "endpoints.ip", … with the frames counted in none of their rows.
	Caps     []report.Cap `json:"caps"`
	Warnings []string     `json:"warnings"`
}

// FindingList implements finding.Lister.
func (r *Report) FindingList() []finding.Finding { return r.Findings }

// PHSRow is one node of the protocol hierarchy.
type PHSRow struct {
	// Path names the layers from the link layer down, joined by ':' ("eth:ip:udp:dns").
	Path     string `json:"path"`
	Protocol string `json:"protocol"`
	Depth    int    `json:"depth"`
	Frames   int    `json:"frames"`
	Bytes    int64  `json:"bytes"`
	// FramesPct and BytesPct are shares of all frames and bytes, in percent.
	FramesPct float64 `json:"frames_pct"`
	BytesPct  float64 `json:"bytes_pct"`
	// Comparable is true when the figures are meant to equal tshark's (see docs/reports.md).
	Comparable bool `json:"comparable"`
}

// Conversation is one row of a conversation table. A is the source of the
// conversation's first frame, as in Wireshark.
type Conversation struct {
	A     string  `json:"a"`
	PortA *uint16 `json:"port_a,omitempty"`
	B     string  `json:"b"`
	PortB *uint16 `json:"port_b,omitempty"`
	// Frames and bytes (frame lengths) each way and in total.
	FramesAB int   `json:"frames_ab"`
	BytesAB  int64 `json:"bytes_ab"`
	FramesBA int   `json:"frames_ba"`
	BytesBA  int64 `json:"bytes_ba"`
	Frames   int   `json:"frames"`
	Bytes    int64 `json:"bytes"`
	// RelStart is the first frame's time relative to the capture's first frame,
	// Duration the time to the last frame, in seconds (also in nanoseconds).
	RelStart   float64 `json:"rel_start"`
	RelStartNs int64   `json:"rel_start_ns"`
	Duration   float64 `json:"duration"`
	DurationNs int64   `json:"duration_ns"`
	// Start is the first frame's time (epoch seconds; also RFC 3339 UTC and nanoseconds).
	Start    float64 `json:"start"`
	StartUTC string  `json:"start_utc"`
	StartNs  int64   `json:"start_ns"`
}

// Endpoint is one row of an endpoint table.
type Endpoint struct {
	Address   string  `json:"address"`
	Port      *uint16 `json:"port,omitempty"`
	Packets   int     `json:"packets"`
	Bytes     int64   `json:"bytes"`
	TxPackets int     `json:"tx_packets"`
	TxBytes   int64   `json:"tx_bytes"`
	RxPackets int     `json:"rx_packets"`
	RxBytes   int64   `json:"rx_bytes"`
}

// IOGraph holds per-bucket series, all of the same length: bucket i covers
// [Start + i·Interval, Start + (i+1)·Interval). The interval is the
// narrowest of report.BucketLadder that covers the capture in at most
// report.MaxBuckets buckets; a coarser view is the sum of whole buckets.
// tcp_retransmissions.io_graph has the same axis.
type IOGraph struct {
	report.Axis
	Packets []int   `json:"packets"`
	Bits    []int64 `json:"bits"`
	// TCPSyn counts TCP segments with SYN set and ACK clear (connection attempts).
	TCPSyn []int `json:"tcp_syn"`
	// TCPRst counts TCP segments with RST set.
	TCPRst []int `json:"tcp_rst"`
	// DNSErrors counts DNS responses over UDP with RCODE other than 0.
	DNSErrors []int `json:"dns_errors"`
}

// phsNode is a protocol hierarchy tree node.
type phsNode struct {
	name     string
	frames   int
	bytes    int64
	children []*phsNode
}

type convKey struct {
	lo, hi   netip.Addr
	plo, phi uint16
	// stream is a TCP conversation's tcp.stream (frame.Frame.TCPStream):
	// connections that reuse one address and port pair are apart.
	stream int
}

type conv struct {
	a, b             netip.Addr
	pa, pb           uint16
	framesAB         int
	framesBA         int
	bytesAB, bytesBA int64
	first, last      int64
	// epA and epB are the endpoints of a and b in the endpoint table of the
	// same kind, nil while that table was full when the conversation began.
	epA, epB *ep
	// ip is a TCP or UDP conversation's IP conversation (of its innermost IP
	// header), nil until known or while the IP table is full.
	ip *conv
}

type epKey struct {
	addr netip.Addr
	port uint16
}

type ep struct {
	txP, rxP int
	txB, rxB int64
}

// table kinds.
const (
	kIP = iota
	kIPv6
	kTCP
	kUDP
	nKinds
)

var kindNames = [nKinds]string{"ip", "ipv6", "tcp", "udp"}

type bucket struct {
	packets        int
	bytes          int64
	syn, rst, dnsE int
}

func mergeBuckets(into, from *bucket) {
	into.packets += from.packets
	into.bytes += from.bytes
	into.syn += from.syn
	into.rst += from.rst
	into.dnsE += from.dnsE
}

// Tap is the overview analyzer.
type Tap struct {
	v view

	packets     int
	bytes       int64
	first, last int64 // min and max frame time
	t0          int64 // first frame's time (reference for relative times)
	seen        bool

	root     phsNode
	phsNodes int

	convs [nKinds]table[convKey, conv]
	// tcpConv holds the TCP conversation of each tcp.stream once looked up
	// (nil while unknown, droppedConv when the table was full): it saves a
	// lookup.
	tcpConv []*conv
	// udpConv holds a UDP conversation of each udp.stream once looked up:
	// one udp.stream may cover several address and port pairs (announced
	// conversations, ICMP errors), so the pair is checked before use.
	udpConv []*conv
	eps     [nKinds]table[epKey, ep]
	// hash hashes the keys of convs and eps.
	hash    hasher
	dropped [nKinds * 2]int
	// tcpPast counts the TCP conversations the full table had no room for.
	tcpPast int

	io *report.Grid[bucket]

	// Findings' inputs.
	ipFrames       int
	fragFrames     finding.Frames
	bcastFrames    finding.Frames
	bcastSecond    int64
	bcastInSecond  int
	bcastMaxSecond int
	bcastMaxAt     int64
	// prev is the previous frame's time; backwards are the frames earlier
	// than the frame before them (frame.time_delta < 0).
	prev      int64
	backwards finding.Frames
}

// New returns a fresh overview tap.
func New(o *engine.Options) *Tap {
	t := &Tap{io: report.NewGrid(mergeBuckets), bcastSecond: math.MinInt64}
	t.hash = newHasher()
	return t
}

// Packet implements engine.Tap.
func (t *Tap) Packet(f *frame.Frame) {
	ts := f.TimeNs
	length := int64(f.OrigLen)
	if length < int64(f.CapLen) {
		length = int64(f.CapLen)
	}
	if !t.seen {
		t.seen = true
		t.first, t.last, t.t0 = ts, ts, ts
	} else {
		if ts < t.prev {
			t.backwards.Add(f.Number)
		}
		if ts < t.first {
			t.first = ts
		}
		if ts > t.last {
			t.last = ts
		}
	}
	t.prev = ts
	t.packets++
	t.bytes += length

	v := &t.v
	v.read(f)
	t.addPath(length)

	// Conversations and endpoints: one update per IP header, then the
	// transport. The transport conversation, found first (by its TCP
	// stream or in the UDP table), remembers the innermost IP one, which
	// saves its lookup.
	tcp := f.Transport == frame.TransportTCP && f.TCPStream >= 0
	udp := f.Transport == frame.TransportUDP
	var tc, inner *conv
	tcpDropped := false
	if v.nip > 0 {
		switch {
		case tcp:
			if f.TCPStream < len(t.tcpConv) {
				tc = t.tcpConv[f.TCPStream]
			}
			if tc == droppedConv {
				tc, tcpDropped = nil, true
			}
		case udp:
			if s := f.UDPStream; s >= 0 && s < len(t.udpConv) && t.udpConv[s].is(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort) {
				tc = t.udpConv[s]
			} else {
				key := convKeyOf(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, 0)
				tc = t.convs[kUDP].get(&key, t.hash.conv(&key))
				if tc != nil && s >= 0 {
					t.setUDPConv(s, tc)
				}
			}
		}
	}
	for i := 0; i < v.nip; i++ {
		h := &v.ips[i]
		k := kIP
		if h.v6 {
			k = kIPv6
		}
		if i == v.nip-1 && tc != nil && tc.ip != nil {
			t.addFrame(k, tc.ip, h.src, h.dst, 0, 0, ts, length, true /* lookup */)
			continue
		}
		inner = t.count(k, h.src, h.dst, 0, 0, 0, ts, length)
	}
	if v.ipFrame {
		t.ipFrames++
		if f.Fragment {
			t.fragFrames.Add(f.Number)
		}
	}
	for i := 0; i < v.ntun; i++ {
		// UDP headers that carried a tunnel (VXLAN, Geneve).
		u := &v.tunUDP[i]
		h := &v.ips[u.ip]
		t.count(kUDP, h.src, h.dst, u.srcPort, u.dstPort, 0, ts, length)
	}
	if v.nip > 0 && (tcp || udp) {
		k := kTCP
		if udp {
			k = kUDP
		}
		switch {
		case tc != nil:
			t.addFrame(k, tc, f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, ts, length, true /* lookup */)
		case tcpDropped:
			t.countDropped(k, f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, length)
		default:
			stream := 0
			if tcp {
				stream = f.TCPStream
			}
			tc = t.count(k, f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, stream, ts, length)
			if tcp {
				for len(t.tcpConv) <= f.TCPStream {
					t.tcpConv = append(t.tcpConv, nil)
				}
				if tc == nil {
					t.tcpPast++
				}
				t.tcpConv[f.TCPStream] = cmp.Or(tc, droppedConv)
			}
			if udp && tc != nil && f.UDPStream >= 0 {
				t.setUDPConv(f.UDPStream, tc)
			}
		}
		if tc != nil && tc.ip == nil {
			tc.ip = inner
		}
	}

	// I/O graph.
	b := t.io.At(ts)
	b.packets++
	b.bytes += length
	if f.Transport == frame.TransportTCP {
		if f.TCP.SYN && !f.TCP.ACK {
			b.syn++
		}
		if f.TCP.RST {
			b.rst++
		}
	}
	if v.dnsError {
		b.dnsE++
	}

	// Broadcast rate, per whole second since the first frame.
	if f.LinkType == frame.LinkEthernet && f.DstMAC == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		t.bcastFrames.Add(f.Number)
		sec := (ts - t.t0) / int64(time.Second)
		if sec != t.bcastSecond {
			t.bcastSecond, t.bcastInSecond = sec, 0
		}
		t.bcastInSecond++
		if t.bcastInSecond > t.bcastMaxSecond {
			t.bcastMaxSecond, t.bcastMaxAt = t.bcastInSecond, sec
		}
	}
}

// addPath adds one frame to the protocol hierarchy.
func (t *Tap) addPath(length int64) {
	n := &t.root
	n.frames++
	n.bytes += length
	for i := 0; i < t.v.n; i++ {
		name := t.v.names[i]
		var c *phsNode
		for _, x := range n.children {
			if x.name == name {
				c = x
				break
			}
		}
		if c == nil {
			if t.phsNodes >= maxPHSNodes {
				return
			}
			t.phsNodes++
			c = &phsNode{name: name}
			n.children = append(n.children, c)
		}
		c.frames++
		c.bytes += length
		n = c
	}
}

func addrLess(a netip.Addr, pa uint16, b netip.Addr, pb uint16) bool {
	if c := a.Compare(b); c != 0 {
		return c < 0
	}
	return pa < pb
}

// is reports whether c is the conversation of src:sp and dst:dp (either
// way); false for nil.
func (c *conv) is(src, dst netip.Addr, sp, dp uint16) bool {
	if c == nil {
		return false
	}
	return c.pa == sp && c.pb == dp && c.a == src && c.b == dst ||
		c.pa == dp && c.pb == sp && c.a == dst && c.b == src
}

// setUDPConv remembers c as the conversation of udp.stream s.
func (t *Tap) setUDPConv(s int, c *conv) {
	for len(t.udpConv) <= s {
		t.udpConv = append(t.udpConv, nil)
	}
	t.udpConv[s] = c
}

// convKeyOf is the conversation key of a frame, the same both ways.
func convKeyOf(src, dst netip.Addr, sp, dp uint16, stream int) convKey {
	if addrLess(dst, dp, src, sp) {
		return convKey{lo: dst, hi: src, plo: dp, phi: sp, stream: stream}
	}
	return convKey{lo: src, hi: dst, plo: sp, phi: dp, stream: stream}
}

// count adds one frame to the conversation and endpoint tables of kind k
// and returns its conversation (nil when the table is full).
func (t *Tap) count(k int, src, dst netip.Addr, sp, dp uint16, stream int, ts, length int64) *conv {
	key := convKeyOf(src, dst, sp, dp, stream)
	h := t.hash.conv(&key)
	c := t.convs[k].get(&key, h)
	if c == nil {
		if t.convs[k].len() >= MaxConversations {
			t.countDropped(k, src, dst, sp, dp, length)
			return nil
		}
		c = &conv{a: src, b: dst, pa: sp, pb: dp, first: ts, last: ts}
		t.convs[k].put(&key, h, c)
		c.epA = t.endpoint(k, src, sp)
		c.epB = t.endpoint(k, dst, dp)
		t.addFrame(k, c, src, dst, sp, dp, ts, length, false /* lookup */)
		return c
	}
	t.addFrame(k, c, src, dst, sp, dp, ts, length, true /* lookup */)
	return c
}

// droppedConv stands, in tcpConv, for a TCP conversation the full table
// had no room for: its later frames skip a lookup that would fail again
// (the table never shrinks during the pass, and a TCP conversation's key
// holds its tcp.stream). On a capture of 213,621 TCP connections, most are
// past the table's cap.
var droppedConv = &conv{}

// countDropped counts a frame of a conversation the full table had no room
// for: without a conversation, each frame looks its endpoints up.
func (t *Tap) countDropped(k int, src, dst netip.Addr, sp, dp uint16, length int64) {
	t.dropped[k]++
	if e := t.endpoint(k, src, sp); e != nil {
		e.txP++
		e.txB += length
	}
	if e := t.endpoint(k, dst, dp); e != nil {
		e.rxP++
		e.rxB += length
	}
}

// addFrame adds one frame from src:sp to dst:dp to conversation c and its
// endpoints. With lookup, an endpoint the table had no room for when the
// conversation began is looked up again (and counted as dropped again), as
// it would be without the conversation's pointers; the frame that began the
// conversation has just looked its endpoints up.
func (t *Tap) addFrame(k int, c *conv, src, dst netip.Addr, sp, dp uint16, ts, length int64, lookup bool) {
	tx, rx := c.epA, c.epB
	if c.a == src && c.pa == sp {
		c.framesAB++
		c.bytesAB += length
	} else {
		c.framesBA++
		c.bytesBA += length
		tx, rx = rx, tx
	}
	if ts < c.first {
		c.first = ts
	}
	if ts > c.last {
		c.last = ts
	}
	if tx == nil && lookup {
		tx = t.endpoint(k, src, sp)
	}
	if tx != nil {
		tx.txP++
		tx.txB += length
	}
	if rx == nil && lookup {
		rx = t.endpoint(k, dst, dp)
	}
	if rx != nil {
		rx.rxP++
		rx.rxB += length
	}
}

func (t *Tap) endpoint(k int, a netip.Addr, p uint16) *ep {
	key := epKey{a, p}
	h := t.hash.ep(&key)
	e := t.eps[k].get(&key, h)
	if e == nil {
		if t.eps[k].len() >= MaxEndpoints {
			t.dropped[nKinds+k]++
			return nil
		}
		e = &ep{}
		t.eps[k].put(&key, h, e)
	}
	return e
}

func rfc3339(ns int64) string { return report.Time(ns) }

func secs(ns int64) float64 { return float64(ns) / 1e9 }

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(float64(a)*10000/float64(b)) / 100
}

// Finish implements engine.Tap.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	r := &Report{
		File:              c.FileName,
		Packets:           t.packets,
		Bytes:             t.bytes,
		Conversations:     map[string][]Conversation{},
		Endpoints:         map[string][]Endpoint{},
		Warnings:          append([]string{}, c.Warnings...),
		ProtocolHierarchy: []PHSRow{},
	}
	if t.seen {
		r.FirstTime, r.FirstTimeUTC, r.FirstTimeNs = secs(t.first), rfc3339(t.first), t.first
		r.LastTime, r.LastTimeUTC, r.LastTimeNs = secs(t.last), rfc3339(t.last), t.last
		r.Duration = secs(t.last - t.first)
	}
	t.hierarchy(r)
	var caps report.Caps
	for k := 0; k < nKinds; k++ {
		r.Conversations[kindNames[k]] = t.convRows(k)
		r.Endpoints[kindNames[k]] = t.epRows(k)
		if t.dropped[k] > 0 {
			caps.HitUnits("conversations."+kindNames[k], "frames", MaxConversations, t.dropped[k])
		}
		if t.dropped[nKinds+k] > 0 {
			caps.HitUnits("endpoints."+kindNames[k], "frames", MaxEndpoints, t.dropped[nKinds+k])
		}
	}
	r.TCPConversations = t.convs[kTCP].len() + t.tcpPast
	r.Caps = caps.List()
	r.Warnings = append(r.Warnings, caps.Warnings()...)
	t.ioGraph(r)
	r.Findings = t.findings()
	return map[string]any{"overview": r}
}

func (t *Tap) hierarchy(r *Report) {
	var visit func(n *phsNode, path string, depth int, parentComparable bool, parent string)
	visit = func(n *phsNode, path string, depth int, parentComparable bool, parent string) {
		ok := parentComparable && isComparable(parent, n.name)
		r.ProtocolHierarchy = append(r.ProtocolHierarchy, PHSRow{
			Path: path, Protocol: n.name, Depth: depth,
			Frames: n.frames, Bytes: n.bytes,
			FramesPct: pct(int64(n.frames), int64(t.packets)), BytesPct: pct(n.bytes, t.bytes),
			Comparable: ok,
		})
		for _, c := range n.children {
			visit(c, path+":"+c.name, depth+1, ok, n.name)
		}
	}
	for _, c := range t.root.children {
		visit(c, c.name, 0, true, "")
	}
}

func portPtr(p uint16) *uint16 { return &p }

func (t *Tap) convRows(k int) []Conversation {
	rows := make([]Conversation, 0, t.convs[k].len())
	ported := k == kTCP || k == kUDP
	for i := range t.convs[k].ents {
		c := t.convs[k].ents[i].v
		row := Conversation{
			A: c.a.String(), B: c.b.String(),
			FramesAB: c.framesAB, BytesAB: c.bytesAB,
			FramesBA: c.framesBA, BytesBA: c.bytesBA,
			Frames: c.framesAB + c.framesBA, Bytes: c.bytesAB + c.bytesBA,
			RelStartNs: c.first - t.t0, DurationNs: c.last - c.first,
			Start: secs(c.first), StartUTC: rfc3339(c.first), StartNs: c.first,
		}
		row.RelStart, row.Duration = secs(row.RelStartNs), secs(row.DurationNs)
		if ported {
			row.PortA, row.PortB = portPtr(c.pa), portPtr(c.pb)
		}
		rows = append(rows, row)
	}
	report.Permute(rows, report.Order(len(rows), func(i, j int) int {
		a, b := &rows[i], &rows[j]
		if c := busier(a.Frames, b.Frames, a.Bytes, b.Bytes); c != 0 {
			return c
		}
		if a.RelStartNs != b.RelStartNs {
			return cmp.Compare(a.RelStartNs, b.RelStartNs)
		}
		return strings.Compare(convSortKey(a), convSortKey(b))
	}))
	return rows
}

// busier orders the tables' rows: more packets first, then more bytes; 0
// when both are equal.
func busier[P, B cmp.Ordered](pa, pb P, ba, bb B) int {
	if c := cmp.Compare(pb, pa); c != 0 {
		return c
	}
	return cmp.Compare(bb, ba)
}

func convSortKey(c *Conversation) string {
	var b strings.Builder
	b.WriteString(c.A)
	if c.PortA != nil {
		b.WriteString(" " + strconv.Itoa(int(*c.PortA)))
	}
	b.WriteString(" " + c.B)
	if c.PortB != nil {
		b.WriteString(" " + strconv.Itoa(int(*c.PortB)))
	}
	return b.String()
}

func (t *Tap) epRows(k int) []Endpoint {
	rows := make([]Endpoint, 0, t.eps[k].len())
	ported := k == kTCP || k == kUDP
	keys := make([]epKey, 0, t.eps[k].len())
	for i := range t.eps[k].ents {
		key, e := t.eps[k].ents[i].k, t.eps[k].ents[i].v
		row := Endpoint{
			Address: key.addr.String(),
			Packets: e.txP + e.rxP, Bytes: e.txB + e.rxB,
			TxPackets: e.txP, TxBytes: e.txB, RxPackets: e.rxP, RxBytes: e.rxB,
		}
		if ported {
			row.Port = portPtr(key.port)
		}
		rows = append(rows, row)
		keys = append(keys, key)
	}
	report.Permute(rows, report.Order(len(rows), func(i, j int) int {
		if c := busier(rows[i].Packets, rows[j].Packets, rows[i].Bytes, rows[j].Bytes); c != 0 {
			return c
		}
		ka, kb := &keys[i], &keys[j]
		switch {
		case addrLess(ka.addr, ka.port, kb.addr, kb.port):
			return -1
		case addrLess(kb.addr, kb.port, ka.addr, ka.port):
			return 1
		}
		return 0
	}))
	return rows
}

func (t *Tap) ioGraph(r *Report) {
	g := IOGraph{
		Axis:    t.io.Axis(),
		Packets: []int{}, Bits: []int64{}, TCPSyn: []int{}, TCPRst: []int{}, DNSErrors: []int{},
	}
	for _, b := range t.io.Buckets() {
		g.Packets = append(g.Packets, b.packets)
		g.Bits = append(g.Bits, b.bytes*8)
		g.TCPSyn = append(g.TCPSyn, b.syn)
		g.TCPRst = append(g.TCPRst, b.rst)
		g.DNSErrors = append(g.DNSErrors, b.dnsE)
	}
	r.IOGraph = g
}
