package tcp

import (
	"net/netip"

	"pcaplens/analysis/internal/slab"
	"pcaplens/analysis/report"
)

// DirStats counts one direction of a connection.
type DirStats struct {
	Packets         uint64 `json:"packets"`
	IPBytes         uint64 `json:"ip_bytes"`
	PayloadBytes    uint64 `json:"payload_bytes,omitempty"`
	DataPackets     uint32 `json:"data_packets,omitempty"`
	Retransmissions int    `json:"retransmissions,omitempty"`
}

// ConnOptions are the TCP options each side offered in its SYN.
type ConnOptions struct {
	ClientMSS         uint16 `json:"client_mss,omitempty"`
	ServerMSS         uint16 `json:"server_mss,omitempty"`
	ClientWindowScale *int   `json:"client_window_scale,omitempty"`
	ServerWindowScale *int   `json:"server_window_scale,omitempty"`
	// WindowScaling is true when both SYNs carried the option (RFC 7323 section 2.2).
	WindowScaling bool `json:"window_scaling,omitempty"`
	SACKPermitted bool `json:"sack_permitted,omitempty"`
	SACKSeen      bool `json:"sack_seen,omitempty"`
	Timestamps    bool `json:"timestamps,omitempty"`
}

// ConnRow is one connection in the reports. Keys that are not the seed's
// are left out when zero, false or empty (the rows of a detailed report on
// a big capture add up), and the endpoints' address and port are in client
// and server only.
type ConnRow struct {
	Stream             int            `json:"stream"`
	Client             string         `json:"client"`
	Server             string         `json:"server"`
	ClientPort         uint16         `json:"-"`
	ServerPort         uint16         `json:"-"`
	RoleInferred       bool           `json:"role_inferred,omitempty"`
	State              string         `json:"state"`
	ConnState          string         `json:"conn_state"`
	History            string         `json:"history"`
	HandshakeCompleted bool           `json:"handshake_completed"`
	SynCount           int            `json:"syn_count"`
	SynAckCount        int            `json:"syn_ack_count"`
	AckCount           int            `json:"ack_count"`
	RstCount           int            `json:"rst_count"`
	FinCount           int            `json:"fin_count"`
	DataPackets        int            `json:"data_packets"`
	Retransmissions    int            `json:"retransmissions"`
	CloseReason        string         `json:"close_reason"`
	Close              string         `json:"close"`
	PacketCount        int            `json:"packet_count"`
	FirstFrame         int            `json:"first_frame"`
	LastFrame          int            `json:"last_frame"`
	FirstTime          string         `json:"first_time"`
	LastTime           string         `json:"last_time"`
	DurationSeconds    float64        `json:"duration_seconds"`
	InitialRTT         *float64       `json:"initial_rtt_seconds,omitempty"`
	SynToSynAck        *float64       `json:"syn_to_syn_ack_seconds,omitempty"`
	ClientToServer     DirStats       `json:"client_to_server"`
	ServerToClient     DirStats       `json:"server_to_client"`
	Options            ConnOptions    `json:"options"`
	AnalysisFlags      map[string]int `json:"analysis_flags,omitempty"`
	FirstFlaggedFrame  int            `json:"first_flagged_frame,omitempty"`
	LastFlaggedFrame   int            `json:"last_flagged_frame,omitempty"`
	// Trace is the connection's first packets for a time/sequence graph
	// (present for the connections seen first, within the trace caps).
	Trace *Trace `json:"trace,omitempty"`

	rttNs       int64 // initial RTT, 0 if unknown
	synAckDelay int64 // SYN to SYN/ACK, -1 if unknown
	swapHist    bool
	filled      bool
	ci, si      int
	// conn is the connection the row was made from, ext its side: the
	// analysis flag counts and history are read from them (the rows of a
	// big capture add up, one per connection).
	conn *Conn
	ext  side
}

// client and server are the addresses of the connection's client and
// server (read from the connection: a row of each of 213,621 connections
// holding its own was 48 bytes more, with two pointers to scan).
func (r *ConnRow) client() netip.Addr { return r.conn.addr(r.ci) }
func (r *ConnRow) server() netip.Addr { return r.conn.addr(r.si) }

// dir is the connection's direction from the client (0) or from the
// server (1).
func (r *ConnRow) dir(i int) *flow {
	if i == 0 {
		return &r.conn.flow[r.ci]
	}
	return &r.conn.flow[r.si]
}

// rstCount, finCount and synCount are the RSTs, FINs and SYNs (with or
// without ACK) sent by the client (0) or the server (1).
func (r *ConnRow) rstCount(i int) int { return int(r.dir(i).rst) }
func (r *ConnRow) finCount(i int) int { return int(r.dir(i).fin) }
func (r *ConnRow) synCount(i int) int { return int(r.dir(i).syn) }

// retransData counts the retransmitted data segments, both directions.
func (r *ConnRow) retransData() int {
	return int(r.dir(0).retransData + r.dir(1).retransData)
}

// flagCount is the row's count of packets with analysis flag i (index as
// FlagNames; 0 is any retransmission), both directions.
func (r *ConnRow) flagCount(i int) int {
	fs := r.ext.flags
	if fs == nil {
		return 0
	}
	return int(fs.counts[0][i]) + int(fs.counts[1][i])
}

// flagCounts is flagCount of every flag.
func (r *ConnRow) flagCounts() FlagCounts {
	var out FlagCounts
	if fs := r.ext.flags; fs != nil {
		for i := range out {
			out[i] = int(fs.counts[0][i]) + int(fs.counts[1][i])
		}
	}
	return out
}

// Name is "client -> server" as the seed names connections.
func (r *ConnRow) Name() string { return r.Client + " -> " + r.Server }

func hostPort(a netip.Addr, p uint16) string {
	return netip.AddrPortFrom(a, p).String()
}

func secs(ns int64) float64 { return float64(ns) / 1e9 }

// rowAlloc makes the small values of the rows fill, in blocks: the optional
// figures the rows point to; their endpoints and times, written into one
// text a block of rows share; their history texts, of which a capture has
// few distinct ones. A row took up to ten allocations of them, one row per
// connection. The texts of a block are set when the block is full or at
// flush, which must come before any of them is read.
type rowAlloc struct {
	floats []float64
	ints   []int
	texts  map[string]string
	buf    []byte
	unset  []unsetText
}

// unsetText is a text of a block not yet set: buf[lo:hi] is its text.
type unsetText struct {
	dst    *string
	lo, hi int
}

// blockTexts is how many texts share one string.
const blockTexts = 1024

func (a *rowAlloc) hostPort(dst *string, addr netip.Addr, port uint16) {
	lo := len(a.buf)
	a.buf = netip.AddrPortFrom(addr, port).AppendTo(a.buf)
	a.written(dst, lo)
}

func (a *rowAlloc) time(dst *string, ns int64) {
	lo := len(a.buf)
	a.buf = report.AppendTime(a.buf, ns)
	a.written(dst, lo)
}

// written records that buf[lo:] is *dst's text.
func (a *rowAlloc) written(dst *string, lo int) {
	a.unset = append(a.unset, unsetText{dst, lo, len(a.buf)})
	if len(a.unset) == blockTexts {
		a.flush()
	}
}

// flush sets the texts written since the last flush.
func (a *rowAlloc) flush() {
	s := string(a.buf)
	for _, u := range a.unset {
		*u.dst = s[u.lo:u.hi]
	}
	a.buf, a.unset = a.buf[:0], a.unset[:0]
}

// rowBlock is how many values of a kind a block holds.
const rowBlock = 512

// maxTexts bounds the distinct texts a rowAlloc keeps for reuse.
const maxTexts = 4096

func (a *rowAlloc) float(v float64) *float64 {
	p := slab.Next(&a.floats, rowBlock)
	*p = v
	return p
}

func (a *rowAlloc) int(v int) *int {
	p := slab.Next(&a.ints, rowBlock)
	*p = v
	return p
}

// text returns b as a string, the same string as for an equal b before.
func (a *rowAlloc) text(b []byte) string {
	if s, ok := a.texts[string(b)]; ok {
		return s
	}
	s := string(b)
	if a.texts == nil {
		a.texts = map[string]string{}
	}
	if len(a.texts) < maxTexts {
		a.texts[s] = s
	}
	return s
}

// serverSide decides which endpoint is the server.
func (c *Conn) serverSide() (client int, inferred bool) {
	if c.client >= 0 {
		return int(c.client), false
	}
	// No SYN: the side using the well-known or lower port is the server.
	p0, p1 := c.port(0), c.port(1)
	switch {
	case p0 < 1024 && p1 >= 1024:
		return 1, true
	case p1 < 1024 && p0 >= 1024:
		return 0, true
	case p0 < p1:
		return 1, true
	case p1 < p0:
		return 0, true
	}
	return 0, true
}

// summarize sets r, a zero row, to the report row of a connection,
// without the fields fill sets. Its fields are set one by one: a composite
// literal assigned to *r is built aside and copied, and under WebAssembly
// the clearing and copying of a 480-byte row, one per connection, took half
// of summarize's time.
func (c *Conn) summarize(r *ConnRow, ext side) {
	ci, inferred := c.serverSide()
	si := 1 - ci
	cf, sf := &c.flow[ci], &c.flow[si]
	r.Stream = c.Stream
	r.ClientPort, r.ServerPort = c.port(ci), c.port(si)
	r.RoleInferred = inferred
	r.FirstFrame, r.LastFrame = c.firstFrame, c.lastFrame
	r.DurationSeconds = secs(c.lastNs - c.firstNs)
	if ext.flags != nil {
		r.FirstFlaggedFrame, r.LastFlaggedFrame = ext.flags.first, ext.flags.last
	}
	r.SynCount = int(cf.syn) // client SYNs (pure SYN from client side)
	r.SynAckCount = int(sf.syn)
	if !cf.sawSYN && cf.sawSYNACK { // odd roles: count by flag kind
		r.SynCount, r.SynAckCount = int(sf.syn), int(cf.syn)
	}
	r.AckCount = int(cf.ack + sf.ack)
	r.RstCount = int(cf.rst + sf.rst)
	r.FinCount = int(cf.fin + sf.fin)
	r.DataPackets = int(cf.dataPackets + sf.dataPackets)
	r.PacketCount = int(cf.packets + sf.packets)
	var cretr, sretr int
	if fs := ext.flags; fs != nil {
		cretr, sretr = int(fs.counts[ci][0]), int(fs.counts[si][0])
	}
	r.Retransmissions = cretr + sretr
	r.ClientToServer = DirStats{cf.packets, cf.ipBytes, cf.payload, cf.dataPackets, cretr}
	r.ServerToClient = DirStats{sf.packets, sf.ipBytes, sf.payload, sf.dataPackets, sretr}
	r.HandshakeCompleted = cf.sawSYN && sf.sawSYNACK && c.hsAckNs != 0
	if c.firstRTT > 0 {
		r.rttNs = c.firstRTT
	}
	r.synAckDelay = -1
	if c.synNs != 0 && c.synAckNs != 0 && c.synAckNs >= c.synNs {
		r.synAckDelay = c.synAckNs - c.synNs
	}
	// Letters were recorded with endpoint 0 as originator when no SYN said otherwise.
	r.swapHist = c.client < 0 && ci == 1
	r.ci, r.si, r.conn, r.ext = ci, si, c, ext

	origSYN, respSYNACK := cf.sawSYN, sf.sawSYNACK
	switch {
	case !origSYN && !respSYNACK:
		r.ConnState = "OTH"
	case origSYN && !respSYNACK:
		switch {
		case cf.sawRST:
			r.ConnState = "RSTOS0"
		case sf.sawRST:
			r.ConnState = "REJ"
		case cf.sawFIN:
			r.ConnState = "SH"
		default:
			r.ConnState = "S0"
		}
	case !origSYN && respSYNACK:
		switch {
		case sf.sawRST:
			r.ConnState = "RSTRH"
		case sf.sawFIN:
			r.ConnState = "SHR"
		default:
			r.ConnState = "OTH"
		}
	default:
		switch {
		case cf.sawRST && (!sf.sawRST || cf.firstRST <= sf.firstRST):
			r.ConnState = "RSTO"
		case sf.sawRST:
			r.ConnState = "RSTR"
		case cf.sawFIN && sf.sawFIN:
			r.ConnState = "SF"
		case cf.sawFIN:
			r.ConnState = "S2"
		case sf.sawFIN:
			r.ConnState = "S3"
		default:
			r.ConnState = "S1"
		}
	}

	switch {
	case cf.sawRST && (!sf.sawRST || cf.firstRST <= sf.firstRST):
		r.Close = "rst_by_client"
	case sf.sawRST:
		r.Close = "rst_by_server"
	case cf.sawFIN && sf.sawFIN:
		r.Close = "fin_both"
	case cf.sawFIN:
		r.Close = "fin_by_client"
	case sf.sawFIN:
		r.Close = "fin_by_server"
	default:
		r.Close = "open"
	}
	switch {
	case cf.sawRST || sf.sawRST:
		r.State, r.CloseReason = "reset", "reset"
	case cf.sawFIN && sf.sawFIN:
		r.State, r.CloseReason = "closed", "normal"
	case cf.sawFIN || sf.sawFIN:
		r.State, r.CloseReason = "closing", "normal"
	case r.HandshakeCompleted:
		r.State, r.CloseReason = "established", "active"
	case origSYN && respSYNACK:
		r.State, r.CloseReason = "syn_received", "unknown"
	case origSYN:
		r.State, r.CloseReason = "syn_sent", "unknown"
	default:
		r.State, r.CloseReason = "midstream", "unknown"
		if r.DataPackets > 0 {
			r.CloseReason = "active"
		}
	}
}

// fill sets the fields that cost allocations (text, maps, pointers); it is
// called only for the rows a report lists.
func (r *ConnRow) fill(a *rowAlloc) {
	if r.filled {
		return
	}
	r.filled = true
	c, ci, si := r.conn, r.ci, r.si
	// Not through names: looking the address up first took twice as long
	// under WebAssembly.
	a.hostPort(&r.Client, r.client(), r.ClientPort)
	a.hostPort(&r.Server, r.server(), r.ServerPort)
	a.time(&r.FirstTime, r.conn.firstNs)
	a.time(&r.LastTime, r.conn.lastNs)
	if r.ext.flags != nil { // else none, and the key is left out
		r.AnalysisFlags = map[string]int{}
		for i, n := range r.flagCounts() {
			if n > 0 {
				r.AnalysisFlags[FlagNames[i]] = n
			}
		}
	}
	if r.rttNs > 0 {
		r.InitialRTT = a.float(secs(r.rttNs))
	}
	if r.synAckDelay >= 0 {
		r.SynToSynAck = a.float(secs(r.synAckDelay))
	}
	cf, sf := &c.flow[ci], &c.flow[si]
	o := &r.Options
	o.ClientMSS, o.ServerMSS = cf.mss, sf.mss
	if cf.wsOpt >= 0 {
		o.ClientWindowScale = a.int(int(cf.wsOpt))
	}
	if sf.wsOpt >= 0 {
		o.ServerWindowScale = a.int(int(sf.wsOpt))
	}
	o.WindowScaling = cf.wsOpt >= 0 && sf.wsOpt >= 0
	o.SACKPermitted = cf.sackPerm && sf.sackPerm
	o.SACKSeen = cf.sackSeen || sf.sackSeen
	o.Timestamps = cf.tsSeen && sf.tsSeen
	// History, with the originator's letters in upper case.
	var hb [len(c.hist)]byte
	h := hb[:copy(hb[:], c.hist[:c.nhist])]
	if r.swapHist {
		for i, l := range h {
			if l >= 'a' {
				h[i] = l - ('a' - 'A')
			} else {
				h[i] = l + ('a' - 'A')
			}
		}
	}
	r.History = a.text(h)
}

// name is "client -> server" without filling the row.
func (r *ConnRow) name() string {
	c := r.conn
	if r.filled {
		return r.Name()
	}
	return hostPort(c.addr(r.ci), c.port(r.ci)) + " -> " + hostPort(c.addr(r.si), c.port(r.si))
}

// failedHandshake is a client SYN that never completed the handshake.
func (r *ConnRow) failedHandshake() bool { return r.SynCount > 0 && !r.HandshakeCompleted }
