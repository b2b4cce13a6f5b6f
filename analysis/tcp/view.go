package tcp

// What a tracker's OnPacket reads of a connection: dir is the direction
// OnPacket gave with the segment (0: the direction of the connection's first
// packet); called from OnPacket, the figures include the current segment.

// Relative returns seq and ack relative to the connection's base sequence
// numbers, as tshark shows tcp.seq and tcp.ack by default (relative
// sequence numbers on).
func (t *Tracker) Relative(c *Conn, dir int, seq, ack uint32) (rseq, rack uint32) {
	return seq - t.peek(c, dir&1).baseSeq, ack - t.peek(c, 1-dir&1).baseSeq
}

// BaseSeq returns the base sequence number of direction dir of c, from
// which tshark counts relative sequence numbers (tcp.seq is seq -
// BaseSeq(dir), tcp.ack is ack - BaseSeq(1-dir)), and whether it is known
// yet.
func (t *Tracker) BaseSeq(c *Conn, dir int) (uint32, bool) {
	f := t.peek(c, dir&1)
	return f.baseSeq, f.baseSet
}

// WindowScale returns the window scale shift of direction dir of c as
// tshark applies it to tcp.window_size (Wireshark's win_scale): the shift
// (0 to 14) once both SYNs announced one, -1 while it is not known (no SYN
// seen) and -2 when scaling is not in use. A SYN's window is never scaled,
// and the window tshark shows for a segment uses the value before it.
func (t *Tracker) WindowScale(c *Conn, dir int) int { return int(t.peek(c, dir&1).winScale) }

// BytesInFlight returns Wireshark's bytes in flight after the last
// segment of direction dir (tcp.analysis.bytes_in_flight): the highest
// sequence number of dir to be acknowledged less the other side's last
// acknowledgement, in relative numbers, and whether Wireshark shows it
// (more than 0, less than 2,000,000,000). Wireshark computes it for a
// segment with data.
func (t *Tracker) BytesInFlight(c *Conn, dir int) (uint32, bool) {
	fw, rv := t.peek(c, dir&1), t.peek(c, 1-dir&1)
	base := fw.baseSeq
	var ack uint32
	if rv.lastAck != 0 {
		ack = rv.lastAck - base
	}
	n := fw.maxSeqToBeAcked - base - ack
	return n, n > 0 && n < 2_000_000_000
}

// AckedBeyond reports whether the last packet analysed on c (the one
// OnPacket is called with) acknowledged beyond the highest contiguous
// sequence number seen from the other side. Wireshark then records a SEQ/ACK
// analysis for the frame (tcp.analysis is present) even when the ACK is not
// flagged as covering an unseen segment again.
func (c *Conn) AckedBeyond() bool { return c.ackedBeyond }
