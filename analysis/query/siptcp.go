package query

import (
	"net/netip"

	"pcaplens/analysis/sip"
)

// SIP over TCP: messages span segments and segments hold several
// messages; tshark shows a message's fields on the frame that completes
// it. sipFlows follows each direction of the TCP connections carrying SIP
// (port 5060, or a first segment that starts a SIP message), in sequence
// order: bytes already seen are dropped, a gap drops the partial message.

// Bounds of the SIP-over-TCP framing.
const (
	maxSIPFlows  = 4096
	maxSIPBuffer = 64 << 10
)

type sipFlowKey struct {
	src    netip.AddrPort
	stream int
}

type sipFlow struct {
	next uint32
	buf  []byte
}

// sipSegment feeds the frame's TCP segment to its flow and parses the SIP
// messages it completes into the frame's application state.
func (s *source) sipSegment() {
	f := s.f
	a := &s.app
	a.sipParsed, a.sipN = true, 0
	a.sipStr = a.sipStr[:0]
	m := s.m
	k := sipFlowKey{netip.AddrPortFrom(f.SrcIP, f.SrcPort), f.TCPStream}
	fl := m.sipFlows[k]
	p := f.Payload
	seq := f.TCP.Seq
	if f.TCP.SYN {
		seq++
	}
	if fl == nil {
		known := f.SrcPort == 5060 || f.DstPort == 5060
		if len(p) == 0 || !(sip.LooksLikeSIP(p, known) || known) {
			return
		}
		if len(m.sipFlows) >= maxSIPFlows {
			clear(m.sipFlows)
		}
		fl = &sipFlow{next: seq}
		m.sipFlows[k] = fl
	}
	if f.TCP.FIN || f.TCP.RST {
		defer delete(m.sipFlows, k)
	}
	if d := int32(seq - fl.next); d < 0 {
		if int(-d) >= len(p) {
			return // retransmitted
		}
		p, seq = p[-d:], fl.next
	} else if d > 0 {
		fl.buf = fl.buf[:0] // a gap: start again here
	}
	fl.next = seq + uint32(len(p))
	if len(p) == 0 {
		return
	}
	if len(fl.buf)+len(p) > maxSIPBuffer {
		fl.buf = fl.buf[:0]
	}
	fl.buf = append(fl.buf, p...)
	used := 0
	for a.sipN < len(a.sipMsg) {
		// CRLFs before a start line are keep-alives (RFC 5626 section
		// 4.4.1), ignored (RFC 3261 section 7.5).
		for used < len(fl.buf) && (fl.buf[used] == '\r' || fl.buf[used] == '\n') {
			used++
		}
		rest := fl.buf[used:]
		if len(rest) == 0 || !sip.LooksLikeSIP(rest, true) {
			if len(rest) > 256 {
				used = len(fl.buf) // not SIP: drop it
			}
			break
		}
		msg, n, err := sip.Parse(rest, true /* stream */)
		if msg == nil || n <= 0 {
			if err != nil && n > 0 {
				used += n
				continue
			}
			break // incomplete
		}
		// Keep the body: the flow's buffer is reused.
		msg.Body = append([]byte(nil), msg.Body...)
		a.sipMsg[a.sipN] = msg
		a.sipN++
		used += n
	}
	fl.buf = fl.buf[:copy(fl.buf, fl.buf[used:])]
}
