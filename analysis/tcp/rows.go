package tcp

import (
	"net/netip"
	"sync"

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
}

// brief is a connection as the reports read it: the connection, its side,
// and which endpoint is the client. Its figures are read from the
// connection when asked, and a row is made only for the rows a report
// lists when they are read: the builder reads every connection's figures,
// and a row made for each held 480 bytes a connection, 213,621 of them on
// a real 1 M frame capture.
type brief struct {
	c        *Conn
	f1       *second // the connection's direction 1 and handshake times (Tracker.peekSecond)
	ext      side
	ci, si   int8
	inferred bool
}

func newBrief(t *Tracker, c *Conn) brief {
	ci, inferred := c.serverSide()
	return brief{c: c, f1: t.peekSecond(c), ext: t.sideOf(c), ci: int8(ci), si: int8(1 - ci), inferred: inferred}
}

// client and server are the addresses of the connection's client and server.
func (b *brief) client() netip.Addr { return b.c.addr(int(b.ci)) }
func (b *brief) server() netip.Addr { return b.c.addr(int(b.si)) }
func (b *brief) clientPort() uint16 { return b.c.port(int(b.ci)) }
func (b *brief) serverPort() uint16 { return b.c.port(int(b.si)) }
func (b *brief) stream() int        { return b.c.Stream }
func (b *brief) firstFrame() int    { return b.c.firstFrame }

// dir is the connection's direction from the client (0) or from the
// server (1).
func (b *brief) dir(i int) *flow {
	if (i == 0) == (b.ci == 0) {
		return &b.c.flow0
	}
	return &b.f1.flow
}

func (b *brief) packets() int     { return int(b.dir(0).packets + b.dir(1).packets) }
func (b *brief) dataPackets() int { return int(b.dir(0).dataPackets + b.dir(1).dataPackets) }
func (b *brief) acks() int        { return int(b.dir(0).ack + b.dir(1).ack) }
func (b *brief) rsts() int        { return int(b.dir(0).rst + b.dir(1).rst) }
func (b *brief) fins() int        { return int(b.dir(0).fin + b.dir(1).fin) }

// syns are the client's SYNs and the server's SYN/ACKs.
func (b *brief) syns() (syn, synAck int) {
	cf, sf := b.dir(0), b.dir(1)
	if !cf.sawSYN && cf.sawSYNACK { // odd roles: count by flag kind
		return int(sf.syn), int(cf.syn)
	}
	return int(cf.syn), int(sf.syn)
}

// rstCount, finCount and synCount are the RSTs, FINs and SYNs (with or
// without ACK) sent by the client (0) or the server (1).
func (b *brief) rstCount(i int) int { return int(b.dir(i).rst) }
func (b *brief) finCount(i int) int { return int(b.dir(i).fin) }
func (b *brief) synCount(i int) int { return int(b.dir(i).syn) }

// retransData counts the retransmitted data segments, both directions.
func (b *brief) retransData() int {
	return int(b.dir(0).retransData + b.dir(1).retransData)
}

// sentFlag is the count of packets with analysis flag i (index as
// FlagNames; 0 is any retransmission) sent by the client (0) or the
// server (1).
func (b *brief) sentFlag(dir, i int) int {
	fs := b.ext.flags
	if fs == nil {
		return 0
	}
	if dir == 0 {
		return fs.count(int(b.ci), i)
	}
	return fs.count(int(b.si), i)
}

// flagCount is the count of packets with analysis flag i, both directions.
func (b *brief) flagCount(i int) int {
	fs := b.ext.flags
	if fs == nil {
		return 0
	}
	return fs.total(i)
}

// flagCounts is flagCount of every flag.
func (b *brief) flagCounts() FlagCounts {
	var out FlagCounts
	if fs := b.ext.flags; fs != nil {
		fs.addTo(&out, -1)
	}
	return out
}

func (b *brief) retransmissions() int { return b.flagCount(0) }

// dirStats is the figures of the direction from the client (0) or the
// server (1).
func (b *brief) dirStats(i int) DirStats {
	f := b.dir(i)
	return DirStats{f.packets, f.ipBytes, f.payload, f.dataPackets, b.sentFlag(i, 0)}
}

func (b *brief) handshakeDone() bool {
	return b.dir(0).sawSYN && b.dir(1).sawSYNACK && b.f1.hsAckNs != 0
}

// failedHandshake is a client SYN that never completed the handshake.
func (b *brief) failedHandshake() bool {
	syn, _ := b.syns()
	return syn > 0 && !b.handshakeDone()
}

// rtt is the initial RTT, 0 if unknown.
func (b *brief) rtt() int64 { return max(b.f1.firstRTT, 0) }

// synAckDelay is SYN to SYN/ACK, -1 if unknown.
func (b *brief) synAckDelay() int64 {
	syn, synAck := b.c.synNs, b.f1.synAckNs
	if syn != 0 && synAck != 0 && synAck >= syn {
		return synAck - syn
	}
	return -1
}

// connState is Zeek's conn_state.
func (b *brief) connState() string {
	cf, sf := b.dir(0), b.dir(1)
	origSYN, respSYNACK := cf.sawSYN, sf.sawSYNACK
	switch {
	case !origSYN && !respSYNACK:
		return "OTH"
	case origSYN && !respSYNACK:
		switch {
		case cf.sawRST:
			return "RSTOS0"
		case sf.sawRST:
			return "REJ"
		case cf.sawFIN:
			return "SH"
		}
		return "S0"
	case !origSYN && respSYNACK:
		switch {
		case sf.sawRST:
			return "RSTRH"
		case sf.sawFIN:
			return "SHR"
		}
		return "OTH"
	}
	return [...]string{"S1", "RSTO", "RSTR", "SF", "S2", "S3"}[b.end()]
}

// end is how the connection ended: 0 it did not, 1 a RST from the client
// first, 2 from the server, 3 FINs from both, 4 from the client, 5 from the
// server.
func (b *brief) end() int {
	cf, sf := b.dir(0), b.dir(1)
	switch {
	case cf.sawRST && (!sf.sawRST || cf.firstRST <= sf.firstRST):
		return 1
	case sf.sawRST:
		return 2
	case cf.sawFIN && sf.sawFIN:
		return 3
	case cf.sawFIN:
		return 4
	case sf.sawFIN:
		return 5
	}
	return 0
}

// closing is how the connection closed (the row's close).
func (b *brief) closing() string {
	return [...]string{"open", "rst_by_client", "rst_by_server", "fin_both", "fin_by_client", "fin_by_server"}[b.end()]
}

// state is the row's state and close reason.
func (b *brief) state() (state, reason string) {
	cf, sf := b.dir(0), b.dir(1)
	switch {
	case cf.sawRST || sf.sawRST:
		return "reset", "reset"
	case cf.sawFIN && sf.sawFIN:
		return "closed", "normal"
	case cf.sawFIN || sf.sawFIN:
		return "closing", "normal"
	case b.handshakeDone():
		return "established", "active"
	case cf.sawSYN && sf.sawSYNACK:
		return "syn_received", "unknown"
	case cf.sawSYN:
		return "syn_sent", "unknown"
	case b.dataPackets() > 0:
		return "midstream", "active"
	}
	return "midstream", "unknown"
}

// name is "client -> server".
func (b *brief) name() string {
	return hostPort(b.client(), b.clientPort()) + " -> " + hostPort(b.server(), b.serverPort())
}

func hostPort(a netip.Addr, p uint16) string {
	return netip.AddrPortFrom(a, p).String()
}

func secs(ns int64) float64 { return float64(ns) / 1e9 }

// rowAlloc makes the small values of the rows brief.row makes: the optional
// figures the rows point to, from blocks; their endpoints and times, written
// into one text they share; their history texts, of which a capture has few
// distinct ones. A row took up to ten allocations of them. The texts are set
// at flush, which must come before any of them is read; rowAllocs keeps
// them from row to row.
type rowAlloc struct {
	floats []float64
	ints   []int
	texts  map[string]string
	buf    []byte
	unset  []unsetText
}

// unsetText is a text not yet set: buf[lo:hi] is its text.
type unsetText struct {
	dst    *string
	lo, hi int
}

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

// row makes the report row of a connection into r, a zero row. Its fields
// are set one by one: a composite literal assigned to *r is built aside and
// copied, and under WebAssembly the clearing and copying of a 480-byte row
// took half the time of making it.
func (b *brief) row(r *ConnRow, a *rowAlloc) {
	c := b.c
	cf, sf := b.dir(0), b.dir(1)
	r.Stream = c.Stream
	r.ClientPort, r.ServerPort = b.clientPort(), b.serverPort()
	r.RoleInferred = b.inferred
	r.FirstFrame, r.LastFrame = c.firstFrame, c.lastFrame
	r.DurationSeconds = secs(c.lastNs - c.firstNs)
	if fs := b.ext.flags; fs != nil {
		r.FirstFlaggedFrame, r.LastFlaggedFrame = fs.first, fs.last
	}
	r.SynCount, r.SynAckCount = b.syns()
	r.AckCount, r.RstCount, r.FinCount = b.acks(), b.rsts(), b.fins()
	r.DataPackets = b.dataPackets()
	r.PacketCount = b.packets()
	r.Retransmissions = b.retransmissions()
	r.ClientToServer, r.ServerToClient = b.dirStats(0), b.dirStats(1)
	r.HandshakeCompleted = b.handshakeDone()
	r.ConnState = b.connState()
	r.Close = b.closing()
	r.State, r.CloseReason = b.state()
	if tr := b.ext.trace; tr != nil {
		r.Trace = tr.export(int(b.ci))
	}
	// The texts: not through names, as looking the address up first took
	// twice as long under WebAssembly.
	a.hostPort(&r.Client, b.client(), b.clientPort())
	a.hostPort(&r.Server, b.server(), b.serverPort())
	a.time(&r.FirstTime, c.firstNs)
	a.time(&r.LastTime, c.lastNs)
	if b.ext.flags != nil { // else none, and the key is left out
		r.AnalysisFlags = map[string]int{}
		for i, n := range b.flagCounts() {
			if n > 0 {
				r.AnalysisFlags[FlagNames[i]] = n
			}
		}
	}
	if d := b.rtt(); d > 0 {
		r.InitialRTT = a.float(secs(d))
	}
	if d := b.synAckDelay(); d >= 0 {
		r.SynToSynAck = a.float(secs(d))
	}
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
	// History, with the originator's letters in upper case. Letters were
	// recorded with endpoint 0 as originator when no SYN said otherwise.
	var hb [len(c.hist)]byte
	h := hb[:copy(hb[:], c.hist[:c.nhist])]
	if c.client < 0 && b.ci == 1 {
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

// rowAllocs are the rowAllocs of the rows made when read (a list's rows
// may be read from several goroutines: the MCP server's calls).
var rowAllocs = sync.Pool{New: func() any { return new(rowAlloc) }}
