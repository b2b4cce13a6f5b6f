package sip

import (
	"errors"
	"net/netip"

	"pcaplens/analysis/frame"
)

// tcpFlow frames SIP messages in one direction of a TCP connection by
// Content-Length (RFC 3261 section 18.3). It follows sequence numbers on its
// own: data already seen (retransmissions) is skipped, and a gap drops the
// buffer until a segment starts with a SIP start line again.
type tcpFlow struct {
	next   uint32
	synced bool
	buf    []byte
}

// segment handles one TCP segment.
func (t *Tap) segment(f *frame.Frame) {
	p := f.Payload
	known := knownPort(f.SrcPort) || knownPort(f.DstPort)
	k := flowKey{netip.AddrPortFrom(f.SrcIP, f.SrcPort), netip.AddrPortFrom(f.DstIP, f.DstPort), f.TCPStream}
	fl := t.tcp[k]
	if f.TCP.SYN {
		if fl != nil {
			fl.next, fl.synced, fl.buf = f.TCP.Seq+1, true, fl.buf[:0]
		}
		return
	}
	if fl != nil && (f.TCP.FIN || f.TCP.RST) {
		// The direction ends: handle its last data, then forget it.
		defer delete(t.tcp, k)
	}
	if len(p) == 0 {
		return
	}
	if fl == nil {
		// Follow a direction only once it carries SIP.
		if !LooksLikeSIP(p, known) && !mayStartSIP(p) {
			return
		}
		if len(t.tcp) >= maxTCPFlows {
			t.capHit("tcp_flows")
			return
		}
		fl = &tcpFlow{next: f.TCP.Seq, synced: true}
		t.tcp[k] = fl
	}
	seq := f.TCP.Seq
	if fl.synced {
		d := int32(seq - fl.next)
		switch {
		case d < 0:
			// Retransmitted or overlapping data: keep only what is new.
			if int(-d) >= len(p) {
				return
			}
			p = p[-d:]
		case d > 0:
			// Data missing: what is buffered cannot be completed.
			if len(fl.buf) > 0 {
				t.bad(f, "TCP data missing before this segment; partial SIP message dropped")
			}
			fl.buf = fl.buf[:0]
			fl.synced = false
		}
	}
	if !fl.synced {
		if !LooksLikeSIP(p, known) && !mayStartSIP(p) {
			return
		}
		fl.synced = true
	}
	fl.next = seq + uint32(len(f.Payload))
	t.feed(fl, f, p)
}

// feed appends p to the flow's buffer and handles every whole message in it.
func (t *Tap) feed(fl *tcpFlow, f *frame.Frame, p []byte) {
	data := p
	if len(fl.buf) > 0 {
		if len(fl.buf)+len(p) > MaxMessageSize+4096 {
			t.bad(f, "SIP message over TCP larger than 64 KiB; stream skipped")
			fl.buf = fl.buf[:0]
			fl.synced = false
			return
		}
		fl.buf = append(fl.buf, p...)
		data = fl.buf
	}
	counted := false
	for len(data) > 0 {
		// Keep-alives (RFC 5626 section 3.5.1) and stray line ends between messages.
		for len(data) > 0 && (data[0] == '\r' || data[0] == '\n') {
			data = data[1:]
		}
		if len(data) == 0 {
			break
		}
		m, n, err := Parse(data, true /* stream */)
		if errors.Is(err, errIncomplete) {
			break
		}
		if !counted {
			t.frames++
			counted = true
		}
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				t.bad(f, pe.Reason)
			}
			if m == nil {
				// Cannot find the next message boundary: resynchronise on a later start line.
				data = nil
				fl.synced = false
				break
			}
		}
		t.handle(m, f, "TCP")
		data = data[n:]
	}
	// Keep the unparsed rest (copied: data may alias the frame).
	if len(data) == 0 {
		fl.buf = fl.buf[:0]
		return
	}
	if len(fl.buf) > 0 && &data[0] != &fl.buf[0] {
		rest := append([]byte(nil), data...)
		fl.buf = append(fl.buf[:0], rest...)
		return
	}
	if len(fl.buf) == 0 {
		fl.buf = append(fl.buf[:0], data...)
	}
}
