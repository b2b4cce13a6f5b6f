package dns

import "pcaplens/analysis/frame"

// Heuristic reports whether p, a UDP payload on ports not assigned to DNS,
// is a DNS message beyond doubt, as the tap decides (and as tshark shows
// DNS on other ports): one question, a standard opcode, plausible counts,
// and a whole message that parses. It parses p into m.
func Heuristic(p []byte, m *Message) bool {
	return quickHeader(p) && m.Parse(p) == nil && m.Plausible()
}

// TCPFramer finds the DNS messages carried over TCP (RFC 7766: each after a
// two-byte length), following each direction of each connection across
// segments, as the tap does (over tcpstream): bounded in connections and
// bytes, retransmitted bytes dropped, early segments held until the hole
// fills.
type TCPFramer struct{ r *tcpReassembler }

// NewTCPFramer returns a framer following at most maxFlows connections at once.
func NewTCPFramer(maxFlows int) *TCPFramer {
	return &TCPFramer{r: newTCPReassembler(maxFlows)}
}

// Segment feeds the TCP segment of f and returns the DNS messages it
// completes. The slices are valid until the next call.
func (t *TCPFramer) Segment(f *frame.Frame) [][]byte {
	return t.r.segment(f)
}
