package dns

import (
	"encoding/binary"
	"net/netip"
)

// DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by
// a two-byte length. This is a minimal per-direction reassembler: in-order
// bytes are appended, bytes already seen (retransmissions) are dropped,
// segments that arrive early are held (16 segments, 64 KiB per flow) until
// the gap fills; a gap that does not fill (a segment not captured)
// discards the partial message and resynchronises on the next segment.

// maxTCPBuffered bounds the bytes held in partial messages over all flows.
const maxTCPBuffered = 8 << 20

// flowKey is one direction of a TCP connection: its addresses and ports,
// and its tcp.stream (frame.Frame.TCPStream, numbered once by the engine),
// so that a connection reusing the address and port pair is a new flow.
type flowKey struct {
	src, dst     netip.Addr
	sport, dport uint16
	stream       int
}

type tcpFlow struct {
	next     uint32 // next expected sequence number
	synced   bool   // next is known
	buf      []byte // bytes of the current, incomplete message
	lastNs   int64
	ooo      []oooSeg // segments ahead of next, held
	oooBytes int
}

// tcpReassembler tracks DNS-over-TCP flows, bounded in flows and bytes.
type tcpReassembler struct {
	flows  map[flowKey]*tcpFlow
	max    int
	capHit bool
	// buffered is the number of bytes held in all flows' buffers.
	buffered int
	gaps     int
	retrans  int
	out      [][]byte
	scratch  []byte
}

func newTCPReassembler(max int) *tcpReassembler {
	return &tcpReassembler{flows: map[flowKey]*tcpFlow{}, max: max}
}

// seqLess reports a < b in sequence-number arithmetic (RFC 793 §3.3).
func seqLess(a, b uint32) bool { return int32(a-b) < 0 }

// segment feeds one TCP segment and returns the messages it completes.
// syn, fin and rst are the segment's flags; the flow's state is dropped
// on FIN or RST once its data is consumed.
func (t *tcpReassembler) segment(k flowKey, seq uint32, syn, fin, rst bool, payload []byte, ns int64) [][]byte {
	t.out = t.out[:0]
	t.scratch = t.scratch[:0]
	fl := t.flows[k]
	if fl == nil {
		if len(payload) == 0 && !syn {
			return nil
		}
		if len(t.flows) >= t.max {
			t.evict(ns)
			if len(t.flows) >= t.max {
				t.capHit = true
				return nil
			}
		}
		fl = &tcpFlow{}
		t.flows[k] = fl
	}
	fl.lastNs = ns
	if syn {
		fl.next, fl.synced = seq+1, true
		t.dropPartial(fl)
		seq++
	}
	if len(payload) > 0 {
		if !fl.synced {
			fl.next, fl.synced = seq, true
		}
		switch {
		case seq == fl.next:
		case seqLess(seq, fl.next):
			// Overlap with bytes already seen: keep only the new tail.
			seen := fl.next - seq
			if uint32(len(payload)) <= seen {
				t.retrans++
				payload = nil
			} else {
				payload = payload[seen:]
				seq = fl.next
			}
		default:
			// Ahead of what is expected: hold it for when the gap fills
			// (reordering), or give up on the partial message when too
			// much is held (a segment was not captured).
			if len(fl.ooo) < maxOOOSegments && fl.oooBytes+len(payload) <= maxOOOBytes && t.buffered+len(payload) <= maxTCPBuffered {
				fl.ooo = append(fl.ooo, oooSeg{seq, append([]byte(nil), payload...)})
				fl.oooBytes += len(payload)
				t.buffered += len(payload)
				payload = nil
			} else {
				t.gaps++
				t.dropPartial(fl)
				// The new segment is assumed to start a message.
			}
		}
		if len(payload) > 0 {
			t.feed(fl, seq, payload)
			// Held segments that now follow on.
			for again := true; again && len(fl.ooo) > 0; {
				again = false
				for i, o := range fl.ooo {
					if seqLess(fl.next, o.seq) {
						continue
					}
					fl.ooo = append(fl.ooo[:i], fl.ooo[i+1:]...)
					fl.oooBytes -= len(o.data)
					t.buffered -= len(o.data)
					if seen := fl.next - o.seq; uint32(len(o.data)) > seen {
						t.feed(fl, fl.next, o.data[seen:])
					} else {
						t.retrans++
					}
					again = true
					break
				}
			}
		}
	}
	if fin || rst {
		if len(fl.ooo) > 0 {
			t.gaps++
		}
		t.dropPartial(fl)
		delete(t.flows, k)
	}
	return t.out
}

// Bounds on segments held out of order, per flow.
const (
	maxOOOSegments = 16
	maxOOOBytes    = 65536
)

type oooSeg struct {
	seq  uint32
	data []byte
}

// feed consumes in-order bytes starting at seq.
func (t *tcpReassembler) feed(fl *tcpFlow, seq uint32, p []byte) {
	fl.next = seq + uint32(len(p))
	before := len(fl.buf)
	t.consume(fl, p)
	t.buffered += len(fl.buf) - before
	if t.buffered > maxTCPBuffered {
		// Too many partial messages held: drop this one.
		t.capHit = true
		t.buffered -= len(fl.buf)
		fl.buf = fl.buf[:0]
	}
}

// dropPartial forgets the flow's partial message and held segments.
func (t *tcpReassembler) dropPartial(fl *tcpFlow) {
	t.buffered -= len(fl.buf) + fl.oooBytes
	fl.buf = fl.buf[:0]
	fl.ooo = fl.ooo[:0]
	fl.oooBytes = 0
}

// consume appends payload to the flow and cuts out complete messages.
// Messages wholly inside payload are returned without copying.
func (t *tcpReassembler) consume(fl *tcpFlow, p []byte) {
	if len(fl.buf) == 0 {
		for len(p) >= 2 {
			n := int(binary.BigEndian.Uint16(p))
			if len(p) < 2+n {
				break
			}
			t.out = append(t.out, p[2:2+n])
			p = p[2+n:]
		}
		if len(p) > 0 {
			fl.buf = append(fl.buf, p...)
		}
		return
	}
	// Complete the buffered message first.
	for len(p) > 0 {
		need := 2
		if len(fl.buf) >= 2 {
			need = 2 + int(binary.BigEndian.Uint16(fl.buf))
		}
		take := need - len(fl.buf)
		if take > len(p) {
			take = len(p)
		}
		fl.buf = append(fl.buf, p[:take]...)
		p = p[take:]
		if len(fl.buf) >= 2 && len(fl.buf) == 2+int(binary.BigEndian.Uint16(fl.buf)) {
			// Copy out: the flow buffer is reused for what follows.
			start := len(t.scratch)
			t.scratch = append(t.scratch, fl.buf[2:]...)
			t.out = append(t.out, t.scratch[start:])
			fl.buf = fl.buf[:0]
			t.consume2(fl, p)
			return
		}
	}
}

// consume2 handles what follows a completed buffered message.
func (t *tcpReassembler) consume2(fl *tcpFlow, p []byte) {
	for len(p) >= 2 {
		n := int(binary.BigEndian.Uint16(p))
		if len(p) < 2+n {
			break
		}
		t.out = append(t.out, p[2:2+n])
		p = p[2+n:]
	}
	if len(p) > 0 {
		fl.buf = append(fl.buf, p...)
	}
}

// evict drops flows idle for more than two minutes.
func (t *tcpReassembler) evict(ns int64) {
	for k, fl := range t.flows {
		if ns-fl.lastNs > 120e9 {
			t.dropPartial(fl)
			delete(t.flows, k)
		}
	}
}
