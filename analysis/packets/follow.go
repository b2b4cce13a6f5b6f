package packets

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"

	"pcaplens/analysis/frame"
)

// Follow kinds.
const (
	FollowTCP = "tcp"
	FollowUDP = "udp"
)

// MaxFollowBytes caps the payload a conversation keeps; beyond it the rest
// is left out and Conversation.Capped says so.
const MaxFollowBytes = 64 << 20

// Chunk is one piece of a followed conversation: the payload of one
// segment or datagram, in stream order (retransmitted and overlapping
// bytes removed, out-of-order segments put back in place, as tshark does).
type Chunk struct {
	// Frame is the frame whose payload this is.
	Frame int `json:"frame"`
	// Node is 0 for the side that sent the conversation's first packet,
	// 1 for the other.
	Node int    `json:"node"`
	Data []byte `json:"data"`
}

// Conversation is a followed TCP or UDP stream.
type Conversation struct {
	Kind   string `json:"kind"`
	Stream int    `json:"stream"`
	// Nodes are "address:port" of both sides (IPv6 addresses in brackets).
	Nodes  [2]string `json:"nodes"`
	Chunks []Chunk   `json:"chunks"`
	// Bytes is the payload kept, per node.
	Bytes [2]int `json:"bytes"`
	// Capped is true when the conversation was longer than the limit.
	Capped bool `json:"capped,omitempty"`
}

// follower rebuilds one stream as tshark's follow tap does.
type follower struct {
	c      *Conversation
	limit  int
	found  bool
	client netip.AddrPort
	seq    [2]uint32 // next expected sequence number per node
	seqSet [2]bool
	frags  [2][]frag // out-of-order segments waiting for their place
}

type frag struct {
	frame int
	seq   uint32
	data  []byte
}

// Follow reads the capture from s and returns the conversation of TCP or
// UDP stream `stream` (tcp.stream / udp.stream numbers). limit caps the
// payload kept (MaxFollowBytes when <= 0).
func Follow(s *Scanner, kind string, stream int, limit int) (*Conversation, error) {
	if kind != FollowTCP && kind != FollowUDP {
		return nil, fmt.Errorf("packets: follow: unknown kind %q (tcp or udp)", kind)
	}
	if limit <= 0 || limit > MaxFollowBytes {
		limit = MaxFollowBytes
	}
	fo := &follower{c: &Conversation{Kind: kind, Stream: stream, Chunks: []Chunk{}}, limit: limit}
	for {
		f, err := s.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if fo.found {
				break // a damaged file: what was read before
			}
			return nil, err
		}
		if kind == FollowTCP && f.Transport == frame.TransportTCP && f.TCPStream == stream {
			fo.tcp(f)
		} else if kind == FollowUDP && f.Transport == frame.TransportUDP && f.UDPStream == stream {
			fo.udp(f)
		}
	}
	if !fo.found {
		return nil, fmt.Errorf("packets: follow: there is no %s stream %d in the capture", kind, stream)
	}
	return fo.c, nil
}

func addrPort(a netip.Addr, p uint16) string {
	return netip.AddrPortFrom(a, p).String()
}

// node says which side sent f, setting the nodes on the first packet.
func (fo *follower) node(f *frame.Frame) int {
	src := netip.AddrPortFrom(f.SrcIP, f.SrcPort)
	if !fo.found {
		fo.found = true
		fo.client = src
		fo.c.Nodes = [2]string{addrPort(f.SrcIP, f.SrcPort), addrPort(f.DstIP, f.DstPort)}
	}
	if src == fo.client {
		return 0
	}
	return 1
}

func (fo *follower) add(frame, node int, data []byte) {
	if len(data) == 0 {
		return
	}
	total := fo.c.Bytes[0] + fo.c.Bytes[1]
	if total+len(data) > fo.limit {
		fo.c.Capped = true
		data = data[:max(0, fo.limit-total)]
		if len(data) == 0 {
			return
		}
	}
	fo.c.Chunks = append(fo.c.Chunks, Chunk{Frame: frame, Node: node, Data: append([]byte(nil), data...)})
	fo.c.Bytes[node] += len(data)
}

func (fo *follower) udp(f *frame.Frame) {
	n := fo.node(f)
	fo.add(f.Number, n, f.Payload)
}

// tcp is tshark 4.0's follow_tcp_tap_listener: data in sequence order,
// retransmitted bytes dropped, overlaps trimmed, segments beyond a hole
// kept until the hole is filled or the other side acknowledges past it.
func (fo *follower) tcp(f *frame.Frame) {
	n := fo.node(f)
	th := &f.TCP
	// The other side acknowledging beyond a hole: the missing bytes were
	// not captured; what waits after them is delivered.
	if th.ACK && len(fo.frags[1-n]) > 0 && fo.seqSet[1-n] && gtSeq(th.Ack, fo.seq[1-n]) {
		fo.flushAcked(1-n, th.Ack)
	}
	data := f.Payload
	seq := th.Seq
	if th.SYN {
		seq++
		if !fo.seqSet[n] {
			fo.seq[n], fo.seqSet[n] = seq, true
		}
	}
	if len(data) == 0 {
		return
	}
	if !fo.seqSet[n] {
		fo.seq[n], fo.seqSet[n] = seq, true
	}
	fo.segment(n, f.Number, seq, data)
}

// segment places one segment's data.
func (fo *follower) segment(n, frameNo int, seq uint32, data []byte) {
	exp := fo.seq[n]
	switch {
	case seq == exp:
	case ltSeq(seq, exp):
		// Retransmission or overlap: keep only the bytes beyond exp.
		if !gtSeq(seq+uint32(len(data)), exp) {
			return
		}
		data = data[exp-seq:]
		seq = exp
	default:
		// Beyond a hole: wait.
		if len(fo.frags[n]) < maxFrags {
			fo.frags[n] = append(fo.frags[n], frag{frameNo, seq, append([]byte(nil), data...)})
		}
		return
	}
	fo.add(frameNo, n, data)
	fo.seq[n] = seq + uint32(len(data))
	fo.drain(n)
}

// maxFrags bounds the out-of-order segments kept per side.
const maxFrags = 4096

// drain delivers waiting segments that now fit.
func (fo *follower) drain(n int) {
	for moved := true; moved; {
		moved = false
		for i := 0; i < len(fo.frags[n]); i++ {
			fr := fo.frags[n][i]
			if gtSeq(fr.seq, fo.seq[n]) {
				continue
			}
			fo.frags[n] = append(fo.frags[n][:i], fo.frags[n][i+1:]...)
			end := fr.seq + uint32(len(fr.data))
			if gtSeq(end, fo.seq[n]) {
				d := fr.data[fo.seq[n]-fr.seq:]
				fo.add(fr.frame, n, d)
				fo.seq[n] = end
			}
			moved = true
			break
		}
	}
}

// flushAcked delivers the waiting segments of node n below ack, lowest
// first, skipping the holes between them.
func (fo *follower) flushAcked(n int, ack uint32) {
	for {
		best := -1
		for i, fr := range fo.frags[n] {
			if ltSeq(fr.seq, ack) && (best < 0 || ltSeq(fr.seq, fo.frags[n][best].seq)) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		fr := fo.frags[n][best]
		if gtSeq(fr.seq, fo.seq[n]) {
			// tshark marks the hole with a NUL-terminated note.
			note := "[" + strconv.FormatUint(uint64(fr.seq-fo.seq[n]), 10) + " bytes missing in capture file]\x00"
			fo.add(fr.frame, n, []byte(note))
			fo.seq[n] = fr.seq
		}
		fo.drain(n)
	}
}

func ltSeq(a, b uint32) bool { return int32(a-b) < 0 }
func gtSeq(a, b uint32) bool { return int32(a-b) > 0 }

// Write prints the conversation as tshark -q -z follow,<kind>,raw (hex)
// or ascii prints it.
func (c *Conversation) Write(w io.Writer, ascii bool) error {
	mode := "raw"
	if ascii {
		mode = "ascii"
	}
	const bar = "==================================================================="
	b := make([]byte, 0, 4096)
	b = append(b, "\n"+bar+"\n"...)
	b = append(b, "Follow: "+c.Kind+","+mode+"\n"...)
	b = append(b, "Filter: "+c.Kind+".stream eq "+strconv.Itoa(c.Stream)+"\n"...)
	b = append(b, "Node 0: "+c.Nodes[0]+"\n"...)
	b = append(b, "Node 1: "+c.Nodes[1]+"\n"...)
	for _, ch := range c.Chunks {
		if ascii {
			if ch.Node == 1 {
				b = append(b, '\t')
			}
			b = strconv.AppendInt(b, int64(len(ch.Data)), 10)
			b = append(b, '\n')
			for _, x := range ch.Data {
				if x == '\n' || x == '\r' || (x >= 0x20 && x < 0x7f) {
					b = append(b, x)
				} else {
					b = append(b, '.')
				}
			}
			b = append(b, '\n')
		} else {
			if ch.Node == 1 {
				b = append(b, '\t')
			}
			b = hex.AppendEncode(b, ch.Data)
			b = append(b, '\n')
		}
		if len(b) > 1<<20 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, bar+"\n"...)
	_, err := w.Write(b)
	return err
}
