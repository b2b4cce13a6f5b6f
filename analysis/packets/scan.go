// Package packets answers questions about single frames of a capture: the
// packet list as tshark prints it (one row per frame: No., Time, Source,
// Destination, Protocol, Length, Info), a frame's layer tree and bytes,
// a TCP or UDP conversation as tshark's "follow" prints it, and the export
// of selected frames as pcapng (Wireshark's "Export Specified Packets").
//
// Everything runs over a Scanner: one pass over the capture with the
// engine's decoder, IP reassembler and stream numbering, plus the TCP
// tracker (for relative sequence numbers and analysis flags) and a frame
// index (capture.Index) so that frames can be read back later without a
// second pass. The values of display-filter fields (--fields, the
// detail) come from analysis/query's Matcher, the filters' own Source. Which frames are wanted is a Matcher's business (a display
// filter); this package only asks it per frame.
package packets

import (
	"errors"
	"hash/fnv"
	"io"
	"net/netip"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/query"
	"pcaplens/analysis/tcp"
)

// Matcher selects frames: the display filter's matcher, called once per
// frame in file order, after decoding, reassembly and stream numbering.
type Matcher interface {
	Match(f *frame.Frame) bool
}

// All is the Matcher that selects every frame.
var All Matcher = all{}

type all struct{}

func (all) Match(*frame.Frame) bool { return true }

// Scanner reads a capture front to back and decodes each frame as the
// engine does (decoder, reassembler, stream assigner), keeping the state
// the rows need: the first frame's time, and per TCP stream the tracker's
// relative sequence numbers, window scaling and analysis flags. It indexes
// the frames as it goes (Index).
type Scanner struct {
	rd      *capture.Reader
	ix      *capture.Indexer
	rec     capture.Record
	fr      frame.Frame
	dec     *frame.Decoder
	reasm   *frame.Reassembler
	streams *frame.StreamAssigner
	tr      *tcp.Tracker
	// ext serves every registry field of the current frame (fields and
	// the detail): the display filter's Source, the one extraction.
	ext *query.Matcher
	err error
	n   int

	first    int64 // time of the first frame with a time
	hasFirst bool
	prev     int64

	// TCP state of the current frame, set by the tracker's callback.
	tcpSet     bool
	tcpFlags   tcp.Flag
	relSeq     uint32
	relAck     uint32
	win        uint32
	winShift   int8   // the scale applied to win, -1 for none
	seqBase    uint32 // the base of the segment's direction (0 while unset)
	ackBase    uint32 // the base of the other direction (0 while unset)
	dupNum     int
	dupFrame   int
	reqIn      int // frame of the echo request the current reply answers
	tcpStreams map[int]*streamState
	echo       map[echoKey]int

	// replay keeps the per-frame state for replay (nil when not asked, see
	// Record); ifcs are the interfaces of a Replayer's scanner, which has
	// no reader.
	replay *State
	ifcs   []capture.Interface
}

// interfaces are the capture's interfaces (for timestamp resolution).
func (s *Scanner) interfaces() []capture.Interface {
	if s.rd == nil {
		return s.ifcs
	}
	return s.rd.Info().Interfaces
}

// streamState is what the rows of one TCP stream need from its past.
type streamState struct {
	ack   [2]ackState
	scale [2]int8
	seen  bool
}

type ackState struct {
	frame int
	ack   uint32
	num   int
}

// echoKey finds the request of an ICMP echo reply.
type echoKey struct {
	src, dst netip.Addr
	id, seq  uint16
	data     uint32 // hash of the data
}

// NewScanner opens the capture read from r (pcap, pcapng, or either
// gzip-compressed) for one pass, with a checkpoint every `every` frames in
// its index (capture.DefaultIndexEvery when every <= 0).
func NewScanner(r io.Reader, every int) (*Scanner, error) {
	rd, err := capture.Open(r)
	if err != nil {
		return nil, err
	}
	s := &Scanner{
		rd:         rd,
		ix:         capture.NewIndexer(rd, every),
		dec:        frame.NewDecoder(),
		reasm:      frame.NewReassembler(frame.ReassemblyLimits{}),
		streams:    frame.NewStreamAssigner(0),
		tr:         tcp.NewTracker(0),
		tcpStreams: map[int]*streamState{},
		echo:       map[echoKey]int{},
	}
	s.tr.OnPacket = s.onTCP
	s.ext, _ = query.NewMatcher("") // the empty filter compiles
	s.ext.WantAll()
	s.ext.SetStreams(s.streams)
	return s, nil
}

// onTCP keeps what the row of the current frame needs from the tracker.
func (s *Scanner) onTCP(c *tcp.Conn, dir int, f *frame.Frame, seglen int, fl tcp.Flag) {
	s.tcpSet = true
	s.tcpFlags = fl
	s.relSeq, s.relAck = s.tr.Relative(c, dir, f.TCP.Seq, f.TCP.Ack)
	s.seqBase, s.ackBase = f.TCP.Seq-s.relSeq, f.TCP.Ack-s.relAck
	st := s.streamState(c.Stream)
	// The window tshark shows uses the scale known before this segment.
	s.win, s.winShift = uint32(f.TCP.Window), -1
	if sc := st.scale[dir]; !f.TCP.SYN && st.seen && sc >= 0 {
		s.win <<= uint(sc)
		s.winShift = sc
	}
	st.seen = true
	st.scale[0], st.scale[1] = int8(s.tr.WindowScale(c, 0)), int8(s.tr.WindowScale(c, 1))
	// Wireshark numbers duplicate ACKs after the last ACK that changed the
	// acknowledgement number ("Dup ACK <frame>#<n>").
	a := &st.ack[dir]
	if fl&tcp.FlagDuplicateACK != 0 {
		a.num++
		s.dupFrame, s.dupNum = a.frame, a.num
	} else if a.frame == 0 || a.ack != f.TCP.Ack {
		a.frame, a.ack, a.num = f.Number, f.TCP.Ack, 0
	}
}

// streamState returns the row state of TCP stream n.
func (s *Scanner) streamState(n int) *streamState {
	st := s.tcpStreams[n]
	if st == nil {
		if len(s.tcpStreams) >= maxAckStates {
			clear(s.tcpStreams)
		}
		st = &streamState{}
		s.tcpStreams[n] = st
	}
	return st
}

// maxAckStates bounds the TCP stream table of the rows.
const maxAckStates = 1 << 20

// Next reads and decodes the next frame. It returns io.EOF at the end of
// the capture, or the capture's *capture.Error when the file is damaged
// (the frames before it were returned).
func (s *Scanner) Next() (*frame.Frame, error) {
	if s.err != nil {
		return nil, s.err
	}
	if err := s.ix.Next(&s.rec); err != nil {
		s.err = err
		return nil, err
	}
	s.n++
	f := &s.fr
	s.dec.Decode(&s.rec, s.n, f)
	s.reasm.Add(f)
	s.streams.Assign(f)
	s.tcpSet, s.tcpFlags, s.dupNum = false, 0, 0
	s.tr.Packet(f)
	s.ext.Match(f)
	s.reqIn = 0
	if f.Transport == frame.TransportICMPv4 && !f.Fragment || f.Reassembled && f.Transport == frame.TransportICMPv4 {
		s.pairEcho(f)
	}
	if !f.NoTime && !s.hasFirst {
		s.first, s.hasFirst, s.prev = f.TimeNs, true, f.TimeNs
	}
	if s.replay != nil {
		s.replay.observe(s)
	}
	return f, nil
}

// Frame returns the current frame (the one Next returned last).
func (s *Scanner) Frame() *frame.Frame { return &s.fr }

// Info returns what the reader learnt about the file so far.
func (s *Scanner) Info() *capture.FileInfo { return s.rd.Info() }

// Index returns the index of the frames read so far.
func (s *Scanner) Index() *capture.Index { return s.ix.Index() }

// Err returns the error that ended the pass (nil at a clean end).
func (s *Scanner) Err() error {
	if s.err == io.EOF {
		return nil
	}
	return s.err
}

// Drain reads the rest of the capture (for its index). It returns the error
// that ended it, nil at a clean end.
func (s *Scanner) Drain() error {
	for {
		if _, err := s.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// pairEcho remembers ICMP echo requests and finds the request of a reply
// ("(request in N)", as tshark's one pass shows).
func (s *Scanner) pairEcho(f *frame.Frame) {
	t := f.ICMPv4.TypeCode.Type()
	if t != 0 && t != 8 {
		return
	}
	// Wireshark pairs on the checksum too, so a reply must carry the
	// request's data.
	h := fnv.New32a()
	h.Write(f.ICMPv4.Payload)
	k := echoKey{f.SrcIP, f.DstIP, f.ICMPv4.Id, f.ICMPv4.Seq, h.Sum32()}
	if t == 8 {
		if len(s.echo) >= maxAckStates {
			clear(s.echo)
		}
		s.echo[k] = f.Number
		return
	}
	k.src, k.dst = k.dst, k.src
	// The first reply answers the request; later ones are not linked.
	if n, ok := s.echo[k]; ok {
		s.reqIn = n
		delete(s.echo, k)
	}
}
