package pktgen

import "net/netip"

// Conv drives one TCP conversation: it keeps each side's next sequence
// number and window and writes segments to a Pcap.
type Conv struct {
	P          *Pcap
	Now        int64 // nanoseconds
	C, S       netip.Addr
	CP, SP     uint16
	CSeq, SSeq uint32 // next sequence number of each side
	CWin, SWin uint16
	CAck, SAck uint32 // what each side acknowledges; 0: the peer's CSeq/SSeq
}

// Wait advances the clock.
func (c *Conv) Wait(ns int64) *Conv { c.Now += ns; return c }

// Client sends a segment from the client and advances its sequence number.
func (c *Conv) Client(flags uint8, n int, opts ...[]byte) *Conv {
	c.P.Add(&Seg{TimeNs: c.Now, Src: c.C, Dst: c.S, SrcPort: c.CP, DstPort: c.SP,
		Seq: c.CSeq, Ack: c.ack(flags, c.SSeq, c.CAck), Flags: flags, Window: c.CWin, Len: n, Options: Cat(opts...)})
	c.CSeq += uint32(n)
	if flags&(SYN|FIN) != 0 {
		c.CSeq++
	}
	return c
}

// Server sends a segment from the server and advances its sequence number.
func (c *Conv) Server(flags uint8, n int, opts ...[]byte) *Conv {
	c.P.Add(&Seg{TimeNs: c.Now, Src: c.S, Dst: c.C, SrcPort: c.SP, DstPort: c.CP,
		Seq: c.SSeq, Ack: c.ack(flags, c.CSeq, c.SAck), Flags: flags, Window: c.SWin, Len: n, Options: Cat(opts...)})
	c.SSeq += uint32(n)
	if flags&(SYN|FIN) != 0 {
		c.SSeq++
	}
	return c
}

func (c *Conv) ack(flags uint8, peer, fixed uint32) uint32 {
	if flags&ACK == 0 {
		return 0
	}
	if fixed != 0 {
		return fixed
	}
	return peer
}

// ClientAt sends a client segment at an explicit sequence number without
// moving the conversation's sequence state (retransmissions, probes).
func (c *Conv) ClientAt(seq uint32, flags uint8, n int) *Conv {
	c.P.Add(&Seg{TimeNs: c.Now, Src: c.C, Dst: c.S, SrcPort: c.CP, DstPort: c.SP,
		Seq: seq, Ack: c.ack(flags, c.SSeq, c.CAck), Flags: flags, Window: c.CWin, Len: n})
	return c
}

// ServerAt is ClientAt for the server.
func (c *Conv) ServerAt(seq uint32, flags uint8, n int) *Conv {
	c.P.Add(&Seg{TimeNs: c.Now, Src: c.S, Dst: c.C, SrcPort: c.SP, DstPort: c.CP,
		Seq: seq, Ack: c.ack(flags, c.CSeq, c.SAck), Flags: flags, Window: c.SWin, Len: n})
	return c
}

const ms = int64(1e6)

// Synthetic returns a capture exercising the tracker's hard cases: window
// scaling, window full, zero window and probes, keep-alives, sequence
// wrap-around, port reuse, mid-stream start with duplicate ACKs, fast,
// spurious and timeout retransmissions, out-of-order, lost and ACKed-unseen
// segments, simultaneous open, RST-only, refused and half-open
// connections, SACK and IPv6.
func Synthetic() *Pcap {
	p := NewPcap()
	cli := netip.MustParseAddr("10.0.0.1")
	srv := netip.MustParseAddr("10.0.0.2")
	t0 := int64(1_700_000_000) * 1e9

	// 1. Window scaling, window full, zero window, probes, keep-alives, FIN both ways.
	c := &Conv{P: p, Now: t0, C: cli, S: srv, CP: 40001, SP: 80, CSeq: 1000, SSeq: 5000, CWin: 64240, SWin: 65160}
	c.Client(SYN, 0, MSS(1460), SACKPerm(), WScale(7)).Wait(10 * ms)
	c.Server(SYN|ACK, 0, MSS(1460), SACKPerm(), WScale(2)).Wait(10 * ms)
	c.CWin, c.SWin = 502, 4
	c.Client(ACK, 0).Wait(1 * ms)
	c.Client(ACK|PSH, 8).Wait(1 * ms) // fills the server's 4<<2 = 16 byte window with the next
	c.Client(ACK|PSH, 8).Wait(10 * ms)
	c.SWin = 0
	c.Server(ACK, 0).Wait(100 * ms) // zero window
	c.ClientAt(c.CSeq, ACK, 1).Wait(1 * ms)
	c.Server(ACK, 0).Wait(200 * ms) // zero window probe ACK
	c.ClientAt(c.CSeq, ACK, 1).Wait(1 * ms)
	c.Server(ACK, 0).Wait(50 * ms)
	c.SWin = 4
	c.Server(ACK, 0).Wait(5 * ms) // window update
	c.Client(ACK|PSH, 16).Wait(5 * ms)
	c.Server(ACK|PSH, 100).Wait(5 * ms)
	c.Client(ACK, 0).Wait(1000 * ms)
	c.ClientAt(c.CSeq-1, ACK, 0).Wait(1 * ms) // keep-alive
	c.Server(ACK, 0).Wait(1000 * ms)          // keep-alive ACK
	c.ClientAt(c.CSeq-1, ACK, 1).Wait(1 * ms) // keep-alive with one byte
	c.Server(ACK, 0).Wait(5 * ms)
	c.Client(FIN|ACK, 0).Wait(1 * ms)
	c.Server(FIN|ACK, 0).Wait(1 * ms)
	c.Client(ACK, 0).Wait(10 * ms)

	// 2. Port reuse: the same ports again with a new initial sequence number.
	c2 := &Conv{P: p, Now: c.Now, C: cli, S: srv, CP: 40001, SP: 80, CSeq: 900000, SSeq: 77777, CWin: 8192, SWin: 8192}
	c2.Client(SYN, 0, MSS(1460)).Wait(2 * ms)
	c2.Server(SYN|ACK, 0, MSS(1460)).Wait(2 * ms)
	c2.Client(ACK, 0).Wait(1 * ms)
	c2.Client(ACK|PSH, 300).Wait(2 * ms)
	c2.Server(RST|ACK, 0).Wait(10 * ms)

	// 3. Sequence wrap-around, with a timeout retransmission, a lost segment
	// and an ACK of an unseen segment across the wrap.
	c3 := &Conv{P: p, Now: c2.Now, C: cli, S: srv, CP: 40002, SP: 443, CSeq: 0xFFFFFC00, SSeq: 0xFFFFFFF0, CWin: 8192, SWin: 8192}
	c3.Client(SYN, 0, MSS(1460), SACKPerm()).Wait(20 * ms)
	c3.Server(SYN|ACK, 0, MSS(1460), SACKPerm()).Wait(20 * ms)
	c3.Client(ACK, 0).Wait(1 * ms)
	for i := 0; i < 3; i++ {
		c3.Client(ACK|PSH, 500).Wait(1 * ms)
	}
	c3.Server(ACK, 0).Wait(300 * ms)
	c3.ClientAt(c3.CSeq-500, ACK|PSH, 500).Wait(1 * ms) // retransmission (timeout)
	c3.Server(ACK|PSH, 40).Wait(1 * ms)                 // server data crosses 2^32
	lost := c3.CSeq
	c3.CSeq += 700 // a segment the capture misses
	c3.Client(ACK|PSH, 100).Wait(1 * ms)
	c3.Server(ACK, 0, SACK(lost+700, lost+800)).Wait(50 * ms)
	c3.ClientAt(lost, ACK|PSH, 700).Wait(1 * ms) // fills the hole
	c3.Server(ACK, 0).Wait(1 * ms)
	c3.SSeq += 1000 // the server sends data the capture misses
	c3.Client(ACK, 0).Wait(1 * ms)
	c3.Client(FIN|ACK, 0).Wait(1 * ms)
	c3.Server(FIN|ACK, 0).Wait(1 * ms)
	c3.Client(ACK, 0).Wait(5 * ms)

	// 4. Mid-stream start: duplicate ACKs, fast retransmission, out-of-order,
	// spurious retransmission.
	c4 := &Conv{P: p, Now: c3.Now, C: cli, S: srv, CP: 40003, SP: 8080, CSeq: 123456, SSeq: 654321, CWin: 1000, SWin: 1000}
	c4.Server(ACK|PSH, 1000).Wait(1 * ms)
	c4.Client(ACK, 0).Wait(1 * ms)
	hole := c4.SSeq
	c4.SSeq += 1000
	c4.Server(ACK, 1000).Wait(1 * ms)
	c4.CAck = hole
	c4.Client(ACK, 0).Wait(1 * ms)
	c4.Client(ACK, 0).Wait(1 * ms)            // dup 1
	c4.Client(ACK, 0).Wait(1 * ms)            // dup 2
	c4.Client(ACK, 0).Wait(1 * ms)            // dup 3
	c4.ServerAt(hole, ACK, 1000).Wait(1 * ms) // fast retransmission
	c4.CAck = 0
	c4.Client(ACK, 0).Wait(1 * ms)
	c4.ServerAt(hole, ACK, 1000).Wait(1 * ms) // spurious: already acknowledged
	next := c4.SSeq
	c4.SSeq += 500
	c4.Server(ACK, 500).Wait(1 * ms)
	c4.ServerAt(next, ACK, 500).Wait(1 * ms) // out-of-order (within 3 ms)
	c4.Client(ACK, 0).Wait(1 * ms)

	// 5. Simultaneous open.
	c5 := &Conv{P: p, Now: c4.Now, C: cli, S: srv, CP: 40004, SP: 40005, CSeq: 1, SSeq: 2, CWin: 512, SWin: 512}
	c5.ClientAt(1, SYN, 0).ServerAt(2, SYN, 0).Wait(1 * ms)
	c5.CSeq, c5.SSeq = 2, 3
	c5.ClientAt(1, SYN|ACK, 0).ServerAt(2, SYN|ACK, 0).Wait(1 * ms)
	c5.Client(ACK, 0).Server(ACK, 0).Wait(1 * ms)

	// 6. RST only.
	c6 := &Conv{P: p, Now: c5.Now, C: cli, S: srv, CP: 40006, SP: 22, CSeq: 42, SSeq: 24}
	c6.Server(RST, 0).Wait(1 * ms)

	// 7. Refused (SYN, RST/ACK), and a SYN retransmitted unanswered.
	c7 := &Conv{P: p, Now: c6.Now, C: cli, S: srv, CP: 40007, SP: 23, CSeq: 7777, SSeq: 0, CWin: 1024}
	c7.Client(SYN, 0).Wait(1 * ms)
	c7.Server(RST|ACK, 0).Wait(1 * ms)
	c8 := &Conv{P: p, Now: c7.Now, C: cli, S: srv, CP: 40008, SP: 25, CSeq: 8888, CWin: 1024}
	c8.Client(SYN, 0).Wait(1000 * ms)
	c8.ClientAt(8888, SYN, 0).Wait(1 * ms)

	// 8. Half-open: SYN then FIN without an answer (SH); SYN/ACK then RST (RSTRH).
	c9 := &Conv{P: p, Now: c8.Now, C: cli, S: srv, CP: 40009, SP: 26, CSeq: 9999, CWin: 1024}
	c9.Client(SYN, 0).Wait(1*ms).Client(FIN, 0).Wait(1 * ms)
	c10 := &Conv{P: p, Now: c9.Now, C: cli, S: srv, CP: 40010, SP: 27, CSeq: 10000, SSeq: 20000, SWin: 1024}
	c10.Server(SYN|ACK, 0).Wait(1*ms).Server(RST, 0).Wait(1 * ms)

	// 9. IPv6 with a handshake, data and a reset from the client.
	c11 := &Conv{P: p, Now: c10.Now, C: netip.MustParseAddr("2001:db8::1"), S: netip.MustParseAddr("2001:db8::2"),
		CP: 50000, SP: 443, CSeq: 31337, SSeq: 73313, CWin: 2000, SWin: 2000}
	c11.Client(SYN, 0, MSS(1440), WScale(0)).Wait(3 * ms)
	c11.Server(SYN|ACK, 0, MSS(1440)).Wait(3 * ms)
	c11.Client(ACK, 0).Wait(1*ms).Client(ACK|PSH, 200).Wait(3 * ms)
	c11.Server(ACK|PSH, 1200).Wait(1*ms).Client(ACK, 0).Wait(1 * ms)
	c11.Client(RST|ACK, 0)
	return p
}

// ACKedUnseen returns a capture of the ways an ACK can cover data the
// capture never showed going the other way, for Wireshark's "ACKed unseen
// segment": a receiver acknowledging a sender seen only at its SYN/ACK
// (asymmetric capture), a gap followed by pure ACKs that keep acknowledging
// beyond it while the sender is silent, gaps the sender's later data moves
// past, a FIN the capture missed, a sender the capture never saw at all
// (one-sided), duplicate ACKs beyond the highest sequence number seen, and a
// fast retransmission that follows an ACK of unseen data.
func ACKedUnseen() *Pcap {
	p := NewPcap()
	cli := netip.MustParseAddr("192.0.2.1")
	srv := netip.MustParseAddr("192.0.2.2")
	t0 := int64(1_700_000_100) * 1e9

	// 1. Asymmetric: the server is seen at its SYN/ACK only; the client
	// acknowledges ever more server data.
	c := &Conv{P: p, Now: t0, C: cli, S: srv, CP: 41001, SP: 80, CSeq: 1000, SSeq: 5000, CWin: 8192, SWin: 8192}
	c.Client(SYN, 0).Wait(1 * ms)
	c.Server(SYN|ACK, 0).Wait(1 * ms)
	c.Client(ACK, 0).Wait(1 * ms)
	c.Client(ACK|PSH, 100).Wait(1 * ms)
	for i := 0; i < 5; i++ {
		c.SSeq += 1400 // server data the capture misses
		c.Client(ACK, 0).Wait(1 * ms)
	}
	c.Client(ACK|PSH, 50).Wait(1 * ms)
	c.SSeq += 1400
	c.Client(ACK, 0).Wait(1 * ms)

	// 2. A gap, then the receiver's pure ACKs beyond it while the sender
	// is silent, then the sender's data after the gap and more ACKs.
	c2 := &Conv{P: p, Now: c.Now, C: cli, S: srv, CP: 41002, SP: 80, CSeq: 70000, SSeq: 90000, CWin: 8192, SWin: 8192}
	c2.Client(SYN, 0).Wait(1 * ms)
	c2.Server(SYN|ACK, 0).Wait(1 * ms)
	c2.Client(ACK, 0).Wait(1 * ms)
	c2.Server(ACK|PSH, 1000).Wait(1 * ms)
	c2.SSeq += 1000 // missed
	c2.Client(ACK, 0).Wait(1 * ms)
	c2.Client(ACK, 0).Wait(1 * ms) // duplicate ACK beyond the highest seen
	c2.Client(ACK, 0).Wait(1 * ms)
	c2.Server(ACK|PSH, 1000).Wait(1 * ms)
	c2.Client(ACK, 0).Wait(1 * ms)
	c2.SSeq += 500 // missed
	c2.Server(ACK|PSH, 500).Wait(1 * ms)
	c2.Client(ACK, 0).Wait(1 * ms)
	c2.Client(ACK|PSH, 10).Wait(1 * ms) // the client's data moves its ACK along
	c2.SSeq += 300                      // missed
	c2.Client(ACK, 0).Wait(1 * ms)
	c2.Server(ACK, 0).Wait(1 * ms)
	c2.SSeq += 300 // missed
	c2.Client(ACK, 0).Wait(1 * ms)

	// 3. A FIN the capture missed: the ACK of it covers one unseen byte.
	c3 := &Conv{P: p, Now: c2.Now, C: cli, S: srv, CP: 41003, SP: 80, CSeq: 300, SSeq: 600, CWin: 8192, SWin: 8192}
	c3.Client(SYN, 0).Wait(1 * ms)
	c3.Server(SYN|ACK, 0).Wait(1 * ms)
	c3.Client(ACK|PSH, 20).Wait(1 * ms)
	c3.Server(ACK|PSH, 40).Wait(1 * ms)
	c3.SSeq++ // the server's FIN, missed
	c3.Client(FIN|ACK, 0).Wait(1 * ms)
	c3.Server(ACK, 0).Wait(1 * ms)

	// 4. One-sided: only the client is seen, acknowledging server data.
	c4 := &Conv{P: p, Now: c3.Now, C: cli, S: srv, CP: 41004, SP: 80, CSeq: 4000, SSeq: 8000, CWin: 8192, SWin: 8192}
	for i := 0; i < 4; i++ {
		c4.SSeq += 1000
		c4.Client(ACK, 0).Wait(1 * ms)
	}
	c4.Client(ACK|PSH, 30).Wait(1 * ms)
	c4.SSeq += 1000
	c4.Client(ACK, 0).Wait(1 * ms)

	// 5. Mid-stream start, both sides seen, then the sender's later data
	// seen while the receiver acknowledges past it each time.
	c5 := &Conv{P: p, Now: c4.Now, C: cli, S: srv, CP: 41005, SP: 80, CSeq: 123, SSeq: 456, CWin: 8192, SWin: 8192}
	c5.Server(ACK|PSH, 100).Wait(1 * ms)
	c5.Client(ACK, 0).Wait(1 * ms)
	for i := 0; i < 3; i++ {
		c5.Server(ACK|PSH, 100).Wait(1 * ms)
		c5.SSeq += 100 // missed
		c5.Client(ACK, 0).Wait(1 * ms)
		c5.Client(ACK, 0).Wait(1 * ms)
	}

	// 6. After an ACK of unseen data, the side whose data was unseen counts
	// as having sent many duplicate ACKs (Wireshark's dupacknum is unsigned
	// and holds -1): the other side's prompt retransmission of what that side
	// last acknowledged is a fast retransmission.
	c6 := &Conv{P: p, Now: c5.Now, C: cli, S: srv, CP: 41006, SP: 80, CSeq: 10, SSeq: 20, CWin: 8192, SWin: 8192}
	c6.Client(SYN, 0).Wait(1 * ms)
	c6.Server(SYN|ACK, 0).Wait(1 * ms)
	c6.Client(ACK, 0).Wait(1 * ms)
	c6.Server(ACK|PSH, 100).Wait(1 * ms)
	c6.CSeq += 50 // client data the capture misses
	c6.Server(ACK, 0).Wait(1 * ms)
	c6.ServerAt(c6.SSeq-100, ACK|PSH, 100).Wait(1 * ms)
	return p
}
