package query

// SIP over TCP: messages span segments and segments hold several
// messages; tshark shows a message's fields on the frame that completes
// it. sip.TCPFramer, the tap's own reading (over tcpstream), follows the
// connections carrying SIP in sequence order.

// sipSegment feeds the frame's TCP segment to the framer and keeps the SIP
// messages it completes as the frame's application state.
func (s *source) sipSegment() {
	a := &s.app
	a.sipParsed, a.sipN = true, 0
	a.sipStr = a.sipStr[:0]
	for _, msg := range s.m.sipFramer.Segment(s.f) {
		if a.sipN == len(a.sipMsg) {
			break
		}
		a.sipMsg[a.sipN] = msg
		a.sipN++
	}
}
