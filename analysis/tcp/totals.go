package tcp

import (
	"maps"
	"net/netip"
	"slices"

	"pcaplens/analysis/finding"
)

// maxSources caps the per-address tables kept while totalling.
const maxSources = 10_000

// totals adds up connection rows; evicted connections are folded in here
// before their state is dropped.
type totals struct {
	conns, packets                     int
	handshakeOK, handshakeFailed       int
	established, reset, normal, active int
	closedStates                       map[string]int // seed's connection_states
	connStates                         map[string]int
	syn, synAck, rst, fin, ack         int
	rstToServer, rstFromServer         int
	connsWithRST                       int
	// resetBy counts the connections with a RST by who sent one: only
	// the client, only the server, both.
	resetBy        [3]int
	rstBySource    map[netip.Addr]int
	sourcesDropped int
	flags          FlagCounts
	dataSegments   int
	retransData    int
	timeout, fast  int
	spurious       int
	// rstFrames are the first RST frame of each connection with a RST.
	rstFrames finding.Frames
	// failedFrames are the first frames of the failed handshakes and
	// failedStreams their streams.
	failedFrames  finding.Frames
	failedStreams []int
}

// attempts counts the connections that began with a client's SYN.
func (t *totals) attempts() int { return t.handshakeOK + t.handshakeFailed }

func newTotals() *totals {
	return &totals{
		closedStates: map[string]int{"established": 0, "reset": 0, "closed": 0, "unknown": 0},
		connStates:   map[string]int{},
		rstBySource:  map[netip.Addr]int{},
	}
}

// clone returns a copy of t that adding to leaves t as it is (reports
// are built from the pass's totals more than once).
func (t *totals) clone() *totals {
	u := *t
	u.closedStates = maps.Clone(t.closedStates)
	u.connStates = maps.Clone(t.connStates)
	u.rstBySource = maps.Clone(t.rstBySource)
	u.rstFrames = t.rstFrames.Clone()
	u.failedFrames = t.failedFrames.Clone()
	u.failedStreams = slices.Clone(t.failedStreams)
	return &u
}

func (t *totals) add(r *brief) {
	t.conns++
	t.packets += r.packets()
	if r.handshakeDone() {
		t.handshakeOK++
		t.established++
	} else if r.failedHandshake() {
		t.handshakeFailed++
		t.failedFrames.Add(r.firstFrame())
		t.failedStreams = append(t.failedStreams, r.stream())
	}
	switch state, _ := r.state(); state {
	case "reset":
		t.reset++
		t.closedStates["reset"]++
	case "closed":
		t.normal++
		t.closedStates["closed"]++
	case "closing":
		t.closedStates["closed"]++
	case "established":
		t.active++
		t.closedStates["established"]++
	default:
		t.closedStates["unknown"]++
	}
	t.connStates[r.connState()]++
	syn, synAck := r.syns()
	t.syn += syn
	t.synAck += synAck
	rst := r.rsts()
	t.rst += rst
	t.fin += r.fins()
	t.ack += r.acks()
	if rst > 0 {
		t.connsWithRST++
		c, s := r.rstCount(0) > 0, r.rstCount(1) > 0
		switch {
		case c && s:
			t.resetBy[2]++
		case c:
			t.resetBy[0]++
		default:
			t.resetBy[1]++
		}
		first, serverRST := r.dir(0).firstRST, r.dir(1).firstRST
		if first == 0 || serverRST != 0 && serverRST < first {
			first = serverRST
		}
		t.rstFrames.Add(int(first))
	}
	t.dataSegments += r.dataPackets()
	fc := r.flagCounts()
	for i, n := range fc {
		t.flags[i] += n
	}
	t.fast += fc[1]
	t.spurious += fc[2]
	t.timeout += fc[0] - fc[1] - fc[2]
	t.rstToServer += r.rstCount(0)
	t.rstFromServer += r.rstCount(1)
	t.retransData += r.retransData()
	if n := r.rstCount(0); n > 0 {
		t.addSource(r.client(), n)
	}
	if n := r.rstCount(1); n > 0 {
		t.addSource(r.server(), n)
	}
}

func (t *totals) addSource(ip netip.Addr, n int) {
	if _, ok := t.rstBySource[ip]; !ok && len(t.rstBySource) >= maxSources {
		t.sourcesDropped++
		return
	}
	t.rstBySource[ip] += n
}

func (d *DirStats) add(o *DirStats) {
	d.Packets += o.Packets
	d.IPBytes += o.IPBytes
	d.PayloadBytes += o.PayloadBytes
	d.DataPackets += o.DataPackets
	d.Retransmissions += o.Retransmissions
}
