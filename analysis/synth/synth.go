// Package synth writes a small synthetic capture of everyday traffic: DNS
// lookups, HTTP and TLS connections (with a retransmission, duplicate ACKs
// and resets now and then), ICMP echoes and errors, SIP registrations and
// DHCP leases, over IPv4 and IPv6. The browser runs it through the engine
// while the page is idle, so that the WebAssembly code an analysis runs is
// already optimised when a person's file comes (a fresh engine's first pass
// runs in the baseline compiler's code and is about twice as slow:
// docs/benchmarks.md).
//
// Every address is in the ranges set aside for documentation and private
// use; the bytes are made here, not copied from a capture.
package synth

import (
	"encoding/binary"
	"fmt"
	"slices"

	"pcaplens/analysis/internal/fraggen"
)

// Capture returns a pcap file (Ethernet, microsecond timestamps) of about
// 25 frames per conversation, conversations at the most 10,000.
func Capture(conversations int) []byte {
	conversations = max(0, min(conversations, 10_000))
	w := &writer{p: fraggen.NewPcap(1_700_000_000 * 1e9)}
	w.p.Buf = slices.Grow(w.p.Buf, conversations*25*400)
	for i := range conversations {
		c := newConv(i)
		w.dns(c, i)
		w.http(c, i)
		w.tls(c, i)
		if i%3 == 0 {
			w.echo(c, i)
		}
		if i%13 == 0 {
			w.unreachable(c, i)
		}
		if i%10 == 0 {
			w.sip(c, i)
		}
		if i%25 == 0 {
			w.dhcp(i)
		}
	}
	return w.p.Buf
}

// conv is one client and its servers.
type conv struct {
	v6         bool
	client     []byte
	server     []byte
	resolver   []byte
	clientMAC  []byte
	gatewayMAC []byte
	port       uint16
}

func newConv(i int) *conv {
	c := &conv{
		v6:         i%5 == 4,
		clientMAC:  []byte{0x02, 0, 0, 0, byte(i >> 8), byte(i)},
		gatewayMAC: []byte{0x02, 0, 0, 0xff, 0, 1},
		port:       uint16(49152 + i%16000),
	}
	if c.v6 {
		c.client = []byte{0xfd, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, byte(i >> 8), byte(i)}
		c.server = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, byte(1 + i%50)}
		c.resolver = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53}
	} else {
		c.client = []byte{10, 0, byte(i / 250), byte(1 + i%250)}
		c.server = []byte{192, 0, 2, byte(1 + i%50)}
		c.resolver = []byte{198, 51, 100, 53}
	}
	return c
}

type writer struct {
	p   *fraggen.Pcap
	ms  int // the last frame's time, in milliseconds from the first
	pkt []byte
}

// frame writes one record: Ethernet, then IP (v4 or v6 by the address
// length) carrying l4 with protocol proto. Each frame is a millisecond after
// the one before it.
func (w *writer) frame(srcMAC, dstMAC, src, dst []byte, proto byte, l4 []byte) {
	w.ms++
	p := w.pkt[:0]
	p = append(p, dstMAC...)
	p = append(p, srcMAC...)
	if len(src) == 16 {
		p = append(p, 0x86, 0xdd)
		p = append(p, 0x60, 0, 0, 0)
		p = binary.BigEndian.AppendUint16(p, uint16(len(l4)))
		p = append(p, proto, 64)
		p = append(p, src...)
		p = append(p, dst...)
	} else {
		p = append(p, 0x08, 0x00)
		ip := len(p)
		p = append(p, 0x45, 0)
		p = binary.BigEndian.AppendUint16(p, uint16(20+len(l4)))
		p = binary.BigEndian.AppendUint16(p, uint16(w.ms))
		p = append(p, 0x40, 0, 64, proto, 0, 0)
		p = append(p, src...)
		p = append(p, dst...)
		binary.BigEndian.PutUint16(p[ip+10:], checksum(p[ip:ip+20]))
	}
	p = append(p, l4...)
	w.pkt = p
	w.p.Frame(w.ms, p)
}

func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

func udp(sport, dport uint16, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint16(b[4:], uint16(8+len(payload)))
	return append(b, payload...)
}

// TCP flags.
const (
	fin = 0x01
	syn = 0x02
	rst = 0x04
	psh = 0x08
	ack = 0x10
)

func tcp(sport, dport uint16, seq, acked uint32, flags byte, payload []byte) []byte {
	hl := 20
	if flags&syn != 0 {
		hl = 32
	}
	b := make([]byte, hl, hl+len(payload))
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], acked)
	b[12] = byte(hl/4) << 4
	b[13] = flags
	binary.BigEndian.PutUint16(b[14:], 64240)
	if flags&syn != 0 {
		// MSS 1460, window scale 7, SACK permitted.
		copy(b[20:], []byte{2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 1, 1})
	}
	return append(b, payload...)
}

// stream is one TCP connection between the client and a server port.
type stream struct {
	w          *writer
	c          *conv
	dport      uint16
	cseq, sseq uint32
}

func (s *stream) client(flags byte, payload []byte) {
	s.w.frame(s.c.clientMAC, s.c.gatewayMAC, s.c.client, s.c.server, 6, tcp(s.c.port, s.dport, s.cseq, s.sseq, flags, payload))
	s.cseq += uint32(len(payload))
	if flags&(syn|fin) != 0 {
		s.cseq++
	}
}

func (s *stream) server(flags byte, payload []byte) {
	s.w.frame(s.c.gatewayMAC, s.c.clientMAC, s.c.server, s.c.client, 6, tcp(s.dport, s.c.port, s.sseq, s.cseq, flags, payload))
	s.sseq += uint32(len(payload))
	if flags&(syn|fin) != 0 {
		s.sseq++
	}
}

func (w *writer) open(c *conv, dport uint16, i int) *stream {
	s := &stream{w: w, c: c, dport: dport, cseq: uint32(i) * 7919, sseq: uint32(i) * 104729}
	s.client(syn, nil)
	s.server(syn|ack, nil)
	s.client(ack, nil)
	return s
}

// close ends the connection with FINs, or every eleventh one with a reset.
func (s *stream) close(i int) {
	if i%11 == 5 {
		s.client(rst|ack, nil)
		return
	}
	s.client(fin|ack, nil)
	s.server(fin|ack, nil)
	s.client(ack, nil)
}

func name(i int) string { return fmt.Sprintf("host%d.example.com", i%97) }

func (w *writer) dns(c *conv, i int) {
	qtype := uint16(1)
	if c.v6 {
		qtype = 28
	}
	q := binary.BigEndian.AppendUint16(nil, uint16(i))
	q = append(q, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0)
	for _, l := range []string{fmt.Sprintf("host%d", i%97), "example", "com"} {
		q = append(q, byte(len(l)))
		q = append(q, l...)
	}
	q = append(q, 0)
	q = binary.BigEndian.AppendUint16(q, qtype)
	q = append(q, 0, 1)
	sport := uint16(30000 + i%30000)
	w.frame(c.clientMAC, c.gatewayMAC, c.client, c.resolver, 17, udp(sport, 53, q))
	r := append([]byte(nil), q...)
	if i%7 == 3 {
		r[2], r[3] = 0x81, 0x83 // no such name
	} else {
		r[2], r[3] = 0x81, 0x80
		r[7] = 1
		r = append(r, 0xc0, 0x0c)
		r = binary.BigEndian.AppendUint16(r, qtype)
		r = append(r, 0, 1, 0, 0, 0x0e, 0x10)
		r = binary.BigEndian.AppendUint16(r, uint16(len(c.server)))
		r = append(r, c.server...)
	}
	w.frame(c.gatewayMAC, c.clientMAC, c.resolver, c.client, 17, udp(53, sport, r))
}

func (w *writer) http(c *conv, i int) {
	s := w.open(c, 80, i)
	req := fmt.Sprintf("GET /page/%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: pcaplens-warmup/1\r\nAccept: */*\r\n\r\n", i, name(i))
	s.client(psh|ack, []byte(req))
	s.server(ack, nil)
	status, body := "200 OK", make([]byte, 600+i%700)
	for k := range body {
		body[k] = 'a' + byte(k%26)
	}
	if i%8 == 2 {
		status, body = "404 Not Found", body[:40]
	}
	resp := []byte(fmt.Sprintf("HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n", status, len(body)))
	resp = append(resp, body...)
	if i%6 == 1 {
		// Sent twice: a retransmission.
		seq := s.sseq
		s.server(psh|ack, resp)
		s.sseq = seq
	}
	s.server(psh|ack, resp)
	s.client(ack, nil)
	if i%9 == 4 {
		s.client(ack, nil)
		s.client(ack, nil)
	}
	s.close(i)
}

func (w *writer) tls(c *conv, i int) {
	s := w.open(c, 443, i)
	s.client(psh|ack, clientHello(name(i), i))
	s.server(ack, nil)
	s.server(psh|ack, serverHello(i))
	s.client(psh|ack, record(23, 120+i%200, i))
	s.server(psh|ack, record(23, 900+i%400, i))
	s.client(ack, nil)
	s.close(i)
}

func record(typ byte, n, seed int) []byte {
	b := []byte{typ, 3, 3, byte(n >> 8), byte(n)}
	for k := range n {
		b = append(b, byte(k*31+seed))
	}
	return b
}

func ext(b []byte, typ uint16, body []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, uint16(len(body)))
	return append(b, body...)
}

func handshake(typ byte, body []byte) []byte {
	hs := []byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	rec := []byte{22, 3, 1, byte(len(hs) >> 8), byte(len(hs))}
	return append(rec, hs...)
}

func clientHello(server string, i int) []byte {
	b := []byte{3, 3}
	for k := range 32 {
		b = append(b, byte(k+i))
	}
	b = append(b, 32)
	for k := range 32 {
		b = append(b, byte(k*7+i))
	}
	b = append(b, 0, 8, 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2b, 0xc0, 0x2f, 1, 0)
	var e []byte
	sni := []byte{0, byte(len(server) + 3), 0, 0, byte(len(server))}
	e = ext(e, 0, append(sni, server...))
	e = ext(e, 10, []byte{0, 4, 0, 0x1d, 0, 0x17})
	e = ext(e, 11, []byte{1, 0})
	e = ext(e, 13, []byte{0, 4, 4, 3, 8, 4})
	e = ext(e, 16, []byte{0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'})
	e = ext(e, 43, []byte{4, 3, 4, 3, 3})
	b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
	b = append(b, e...)
	return handshake(1, b)
}

func serverHello(i int) []byte {
	b := []byte{3, 3}
	for k := range 32 {
		b = append(b, byte(k*3+i))
	}
	b = append(b, 0, 0x13, 0x01, 0)
	e := ext(nil, 43, []byte{3, 4})
	b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
	b = append(b, e...)
	return handshake(2, b)
}

func (w *writer) echo(c *conv, i int) {
	typ, reply, proto := byte(8), byte(0), byte(1)
	if c.v6 {
		typ, reply, proto = 128, 129, 58
	}
	for _, t := range []byte{typ, reply} {
		m := []byte{t, 0, 0, 0, byte(i >> 8), byte(i), 0, 1}
		for k := range 32 {
			m = append(m, byte(k))
		}
		if !c.v6 {
			binary.BigEndian.PutUint16(m[2:], checksum(m))
		}
		if t == typ {
			w.frame(c.clientMAC, c.gatewayMAC, c.client, c.server, proto, m)
		} else {
			w.frame(c.gatewayMAC, c.clientMAC, c.server, c.client, proto, m)
		}
	}
}

// unreachable is a UDP datagram to a closed port and the ICMP error that
// quotes it.
func (w *writer) unreachable(c *conv, i int) {
	if c.v6 {
		return
	}
	d := udp(c.port, 33434+uint16(i%30), []byte("probe"))
	w.frame(c.clientMAC, c.gatewayMAC, c.client, c.server, 17, d)
	quoted := []byte{0x45, 0, 0, byte(20 + len(d)), 0, 0, 0x40, 0, 64, 17, 0, 0}
	quoted = append(quoted, c.client...)
	quoted = append(quoted, c.server...)
	binary.BigEndian.PutUint16(quoted[10:], checksum(quoted))
	m := append([]byte{3, 3, 0, 0, 0, 0, 0, 0}, quoted...)
	m = append(m, d...)
	binary.BigEndian.PutUint16(m[2:], checksum(m))
	w.frame(c.gatewayMAC, c.clientMAC, c.server, c.client, 1, m)
}

func (w *writer) sip(c *conv, i int) {
	host := "192.0.2.200"
	if c.v6 {
		host = "[2001:db8::200]"
	}
	user := fmt.Sprintf("%d", 1000+i%50)
	call := fmt.Sprintf("reg%d@warmup.example", i)
	reg := fmt.Sprintf("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP client.example:5060;branch=z9hG4bK%d\r\nFrom: <sip:%s@%s>;tag=%d\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\nCSeq: 1 REGISTER\r\nContact: <sip:%s@client.example>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", host, i, user, host, i, user, host, call, user)
	res := fmt.Sprintf("SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP client.example:5060;branch=z9hG4bK%d\r\nFrom: <sip:%s@%s>;tag=%d\r\nTo: <sip:%s@%s>;tag=s%d\r\nCall-ID: %s\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm=\"warmup\", nonce=\"%08x\"\r\nContent-Length: 0\r\n\r\n", i, user, host, i, user, host, i, call, i)
	w.frame(c.clientMAC, c.gatewayMAC, c.client, c.server, 17, udp(5060, 5060, []byte(reg)))
	w.frame(c.gatewayMAC, c.clientMAC, c.server, c.client, 17, udp(5060, 5060, []byte(res)))
}

// dhcp is a lease: discover, offer, request, acknowledgement.
func (w *writer) dhcp(i int) {
	mac := []byte{0x02, 0xdc, 0, 0, byte(i >> 8), byte(i)}
	srv := []byte{0x02, 0, 0, 0xff, 0, 1}
	bcast := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	zero, all := []byte{0, 0, 0, 0}, []byte{255, 255, 255, 255}
	server := []byte{192, 168, 0, 1}
	offered := []byte{192, 168, 0, byte(10 + i%200)}
	for step, typ := range []byte{1, 2, 3, 5} {
		m := make([]byte, 236, 300)
		m[0] = 1
		if typ == 2 || typ == 5 {
			m[0] = 2
			copy(m[16:], offered)
		}
		m[1], m[2] = 1, 6
		binary.BigEndian.PutUint32(m[4:], uint32(0x5a000000+i))
		copy(m[28:], mac)
		m = append(m, 99, 130, 83, 99, 53, 1, typ)
		switch typ {
		case 1, 3:
			m = append(m, 50, 4)
			m = append(m, offered...)
			m = append(m, 55, 3, 1, 3, 6)
		default:
			m = append(m, 54, 4)
			m = append(m, server...)
			m = append(m, 51, 4, 0, 1, 0x51, 0x80, 1, 4, 255, 255, 255, 0, 3, 4)
			m = append(m, server...)
		}
		m = append(m, 255)
		if step%2 == 0 {
			w.frame(mac, bcast, zero, all, 17, udp(68, 67, m))
		} else {
			w.frame(srv, mac, server, offered, 17, udp(67, 68, m))
		}
	}
}
