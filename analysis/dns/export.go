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
// segments, as the tap does: bounded in flows and bytes, retransmitted
// bytes dropped, early segments held until the gap fills.
type TCPFramer struct{ r *tcpReassembler }

// NewTCPFramer returns a framer following at most maxFlows directions at once.
func NewTCPFramer(maxFlows int) *TCPFramer {
	return &TCPFramer{r: newTCPReassembler(maxFlows)}
}

// Segment feeds the TCP segment of f and returns the DNS messages it
// completes. The slices are valid until the next call.
func (t *TCPFramer) Segment(f *frame.Frame) [][]byte {
	k := flowKey{f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, f.TCPStream}
	return t.r.segment(k, f.TCP.Seq, f.TCP.SYN, f.TCP.FIN, f.TCP.RST, f.Payload, f.TimeNs)
}
