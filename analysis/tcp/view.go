package tcp

// Relative returns seq and ack relative to the connection's base sequence
// numbers, as tshark shows tcp.seq and tcp.ack by default (relative
// sequence numbers on). dir is the direction Tracker.OnPacket gave with
// the segment; call it from OnPacket.
func (c *Conn) Relative(dir int, seq, ack uint32) (rseq, rack uint32) {
	fw, rv := &c.flow[dir&1], &c.flow[1-dir&1]
	return seq - fw.baseSeq, ack - rv.baseSeq
}

// WindowScale returns the window scale (shift count) the tracker holds for
// direction dir: -1 while unknown, -2 when the connection does not scale
// (Wireshark's win_scale). Called from OnPacket it includes the current
// segment; the window tshark shows for a segment uses the value before it.
func (c *Conn) WindowScale(dir int) int {
	return int(c.flow[dir&1].winScale)
}
