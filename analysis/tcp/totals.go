package tcp

import "net/netip"

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
	rstBySource                        map[netip.Addr]int
	sourcesCapped                      bool
	flags                              FlagCounts
	dataSegments, retransData          int
	timeout, fast, spurious            int
	dir                                [2]DirStats // client->server, server->client
	dirFlags                           [2]FlagCounts
	synRST, synFIN                     [2]int // per direction: syn, rst counts
	finDir                             [2]int
}

func newTotals() *totals {
	return &totals{
		closedStates: map[string]int{"established": 0, "reset": 0, "closed": 0, "unknown": 0},
		connStates:   map[string]int{},
		rstBySource:  map[netip.Addr]int{},
	}
}

func (t *totals) add(r *ConnRow) {
	t.conns++
	t.packets += r.PacketCount
	if r.HandshakeCompleted {
		t.handshakeOK++
		t.established++
	} else if r.failedHandshake() {
		t.handshakeFailed++
	}
	switch r.State {
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
	t.connStates[r.ConnState]++
	t.syn += r.SynCount
	t.synAck += r.SynAckCount
	t.rst += r.RstCount
	t.fin += r.FinCount
	t.ack += r.AckCount
	if r.RstCount > 0 {
		t.connsWithRST++
	}
	t.dir[0].add(&r.ClientToServer)
	t.dir[1].add(&r.ServerToClient)
	t.dataSegments += int(r.ClientToServer.DataPackets + r.ServerToClient.DataPackets)
	for i, n := range r.fc {
		t.flags[i] += n
	}
	t.fast += r.fc[1]
	t.spurious += r.fc[2]
	t.timeout += r.fc[0] - r.fc[1] - r.fc[2]
	t.rstToServer += r.rstCounts[0]
	t.rstFromServer += r.rstCounts[1]
	t.finDir[0] += r.finCounts[0]
	t.finDir[1] += r.finCounts[1]
	t.synRST[0] += r.synCounts[0]
	t.synRST[1] += r.synCounts[1]
	t.dirFlags[0].addCounts(&r.dirFlags[0])
	t.dirFlags[1].addCounts(&r.dirFlags[1])
	t.retransData += r.retransData
	if r.rstCounts[0] > 0 {
		t.addSource(r.client, r.rstCounts[0])
	}
	if r.rstCounts[1] > 0 {
		t.addSource(r.server, r.rstCounts[1])
	}
}

func (t *totals) addSource(ip netip.Addr, n int) {
	if _, ok := t.rstBySource[ip]; !ok && len(t.rstBySource) >= maxSources {
		t.sourcesCapped = true
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

func (c *FlagCounts) addCounts(o *FlagCounts) {
	for i, n := range o {
		c[i] += n
	}
}
