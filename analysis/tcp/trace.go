package tcp

import "pcaplens/analysis/frame"

// Caps of the per-connection packet traces behind the time/sequence graph.
const (
	maxTracePoints = 1000    // per connection
	maxTraceTotal  = 200_000 // over all connections
	// maxTraceConns keeps the budget for whole traces when many connections
	// are interleaved, rather than the first packets of every one.
	maxTraceConns = 20_000
)

// tracePoint is one packet of a connection's trace.
type tracePoint struct {
	ns       int64 // since the connection's first packet
	seq, ack uint32
	length   uint16
	dir      uint8 // 0: client to server, resolved at report time
	tcpFlags uint8
	flags    Flag
}

// trace keeps the first packets of a connection for its time/sequence graph.
type trace struct {
	pts       []tracePoint
	truncated bool
}

// Trace is the time/sequence data of one connection, column by column:
// seconds since the connection's first packet, direction (0 client to
// server, 1 server to client), relative sequence and acknowledgement numbers
// (as tshark shows them), payload length, TCP flags ("S", "SA", "A", "FA",
// "R", …) and the analysis flags (bit i is FlagNames[i]).
type Trace struct {
	T        []float64 `json:"t"`
	Dir      []int     `json:"dir"`
	Seq      []uint32  `json:"seq"`
	Ack      []uint32  `json:"ack"`
	Len      []uint16  `json:"len"`
	TCPFlags []string  `json:"tcp_flags"`
	Analysis []uint32  `json:"analysis"`
	// Truncated is set when the connection has packets beyond the trace
	// (per-connection or overall cap).
	Truncated bool `json:"truncated"`
}

func (t *Tap) record(c *Conn, dir int, f *frame.Frame, seglen int, fl Flag) {
	tr := t.tr.sideOf(c).trace
	if tr == nil {
		if t.tracePoints >= maxTraceTotal || t.traceConns >= maxTraceConns {
			return
		}
		tr = &trace{}
		t.tr.makeSide(c).trace = tr
		t.traceConns++
	}
	if len(tr.pts) >= maxTracePoints || t.tracePoints >= maxTraceTotal {
		tr.truncated = true
		return
	}
	fw, rv := t.tr.peek(c, dir), t.tr.peek(c, 1-dir)
	var tf uint8
	th := &f.TCP
	for _, b := range [...]struct {
		on  bool
		bit uint8
	}{{th.FIN, thFIN}, {th.SYN, thSYN}, {th.RST, thRST}, {th.PSH, thPSH}, {th.ACK, thACK}} {
		if b.on {
			tf |= b.bit
		}
	}
	if seglen > 0xffff {
		seglen = 0xffff
	}
	p := tracePoint{ns: f.TimeNs - c.firstNs, seq: th.Seq - fw.baseSeq, length: uint16(seglen), dir: uint8(dir), tcpFlags: tf, flags: fl}
	if th.ACK {
		p.ack = th.Ack - rv.baseSeq
	}
	tr.pts = append(tr.pts, p)
	t.tracePoints++
}

// export turns a trace into its report form; client is the client's endpoint index.
func (tr *trace) export(client int) *Trace {
	n := len(tr.pts)
	out := &Trace{T: make([]float64, n), Dir: make([]int, n), Seq: make([]uint32, n), Ack: make([]uint32, n),
		Len: make([]uint16, n), TCPFlags: make([]string, n), Analysis: make([]uint32, n), Truncated: tr.truncated}
	for i, p := range tr.pts {
		out.T[i] = secs(p.ns)
		out.Dir[i] = int(p.dir)
		if client == 1 {
			out.Dir[i] = 1 - int(p.dir)
		}
		out.Seq[i], out.Ack[i], out.Len[i] = p.seq, p.ack, p.length
		out.TCPFlags[i] = tcpFlagsText(p.tcpFlags)
		a := uint32(0)
		if p.flags&anyRetransmission != 0 {
			a |= 1
		}
		out.Analysis[i] = a | uint32(p.flags&^1)
	}
	return out
}

func tcpFlagsText(f uint8) string {
	var b [5]byte
	n := 0
	for _, x := range [...]struct {
		bit uint8
		c   byte
	}{{thSYN, 'S'}, {thFIN, 'F'}, {thRST, 'R'}, {thPSH, 'P'}, {thACK, 'A'}} {
		if f&x.bit != 0 {
			b[n] = x.c
			n++
		}
	}
	return string(b[:n])
}
