package fraggen

import (
	"fmt"
	"net/netip"
	"strings"
)

// CapturePath is where the committed capture that Capture builds lives,
// relative to a package directory under analysis/.
const CapturePath = "../../testdata/captures/pcaplens-ip-fragments.pcap"

// Addresses of the capture.
var (
	Client4 = netip.MustParseAddr("10.0.0.1")
	Server4 = netip.MustParseAddr("10.0.0.53")
	Peer4   = netip.MustParseAddr("10.0.0.2")
	Web4    = netip.MustParseAddr("10.0.0.80")
	Client6 = netip.MustParseAddr("2001:db8::1")
	Server6 = netip.MustParseAddr("2001:db8::53")
	Peer6   = netip.MustParseAddr("2001:db8::2")
)

// DNSQuery returns a DNS query for name (one question of type qtype, class IN).
func DNSQuery(id uint16, name string, qtype uint16) []byte {
	b := []byte{byte(id >> 8), byte(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	return question(b, name, qtype)
}

// DNSResponse returns a DNS response (RCODE rcode) to a TXT query for name
// with n TXT answers of 200 bytes each, about 215 bytes an answer.
func DNSResponse(id uint16, name string, rcode uint8, n int) []byte {
	b := []byte{byte(id >> 8), byte(id), 0x81, 0x80 | rcode, 0, 1, byte(n >> 8), byte(n), 0, 0, 0, 0}
	b = question(b, name, 16)
	for i := 0; i < n; i++ {
		// Name: a pointer to the question's (offset 12); TXT IN, TTL 3600,
		// one 200-byte character-string.
		b = append(b, 0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0x0e, 0x10, 0, 201, 200)
		b = append(b, Pattern(200)...)
		b[len(b)-1] = '0' + byte(i%10)
	}
	return b
}

func question(b []byte, name string, qtype uint16) []byte {
	for _, l := range strings.Split(name, ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0, byte(qtype>>8), byte(qtype), 0, 1)
}

// SIP returns a SIP message: a start line, the usual headers for a call
// between alice and bob, extra headers and a body (Content-Type ctype).
func SIP(start, method string, cseq int, from, to netip.Addr, ctype string, body []byte) []byte {
	var s strings.Builder
	fmt.Fprintf(&s, "%s\r\n", start)
	fmt.Fprintf(&s, "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-frag-%d\r\n", hostOf(from), cseq)
	fmt.Fprintf(&s, "From: <sip:alice@%s>;tag=a1\r\n", hostOf(Client4))
	fmt.Fprintf(&s, "To: <sip:bob@%s>\r\n", hostOf(Peer4))
	fmt.Fprintf(&s, "Call-ID: frag-call-%d@pcaplens\r\n", cseq/10)
	fmt.Fprintf(&s, "CSeq: %d %s\r\n", cseq, method)
	fmt.Fprintf(&s, "Contact: <sip:alice@%s:5060>\r\n", hostOf(from))
	fmt.Fprintf(&s, "Max-Forwards: 70\r\n")
	fmt.Fprintf(&s, "User-Agent: pcaplens-fraggen\r\n")
	if ctype != "" {
		fmt.Fprintf(&s, "Content-Type: %s\r\n", ctype)
	}
	fmt.Fprintf(&s, "Content-Length: %d\r\n\r\n", len(body))
	return append([]byte(s.String()), body...)
}

func hostOf(a netip.Addr) string {
	if a.Is6() {
		return "[" + a.String() + "]"
	}
	return a.String()
}

// SDP returns an SDP body offering audio at addr:port, padded with
// attribute lines to about n bytes.
func SDP(addr netip.Addr, port, n int) []byte {
	ip := "IP4"
	if addr.Is6() {
		ip = "IP6"
	}
	var s strings.Builder
	fmt.Fprintf(&s, "v=0\r\no=- 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n", ip, addr, ip, addr)
	fmt.Fprintf(&s, "m=audio %d RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n", port)
	for i := 0; s.Len() < n; i++ {
		fmt.Fprintf(&s, "a=x-pad%03d:%s\r\n", i, Pattern(60))
	}
	return []byte(s.String())
}

// Capture builds pcaplens-ip-fragments.pcap: DNS, SIP, TCP and ICMP
// datagrams over IPv4 and IPv6, fragmented in order and out of order, with
// duplicate, overlapping, missing and short fragments. Its tshark figures
// are in testdata/expected like any other capture's.
func Capture() []byte {
	p := NewPcap(1700000000e9)
	ms := 0
	at := func() int { ms += 10; return ms }
	udp := func(src, dst netip.Addr, sp, dp uint16, id uint32, payload []byte) *Datagram {
		return &Datagram{Src: src, Dst: dst, Proto: 17, ID: id, Payload: UDP(src, dst, sp, dp, payload)}
	}
	frames := func(fr ...[]byte) {
		for _, f := range fr {
			p.Frame(at(), Ethernet(f))
		}
	}

	// 1-3: IPv4 DNS query, response (about 2,600 bytes) in two fragments in order.
	frames(udp(Client4, Server4, 40001, 53, 0x101, DNSQuery(1, "big.example.com", 16)).Whole())
	fr := udp(Server4, Client4, 53, 40001, 0x201, DNSResponse(1, "big.example.com", 0, 12)).Split(1480)
	frames(fr...)

	// 4-7: IPv6 DNS query, response in three fragments: first, last, middle
	// (the middle one completes the datagram).
	frames(udp(Client6, Server6, 40002, 53, 0, DNSQuery(2, "big6.example.com", 16)).Whole())
	fr = udp(Server6, Client6, 53, 40002, 0x1002, DNSResponse(2, "big6.example.com", 0, 12)).Split(1232)
	frames(fr[0], fr[2], fr[1])

	// 8-13: SIP over IPv4: an INVITE in two fragments, the last one first;
	// 100 Trying; 200 OK in two fragments; ACK.
	inv := SIP("INVITE sip:bob@10.0.0.2 SIP/2.0", "INVITE", 11, Client4, Peer4, "application/sdp", SDP(Client4, 40000, 1800))
	fr = udp(Client4, Peer4, 5060, 5060, 0x301, inv).Split(1480)
	frames(fr[1], fr[0])
	frames(udp(Peer4, Client4, 5060, 5060, 0x401, SIP("SIP/2.0 100 Trying", "INVITE", 11, Client4, Peer4, "", nil)).Whole())
	ok := SIP("SIP/2.0 200 OK", "INVITE", 11, Client4, Peer4, "application/sdp", SDP(Peer4, 50000, 1800))
	frames(udp(Peer4, Client4, 5060, 5060, 0x402, ok).Split(1480)...)
	frames(udp(Client4, Peer4, 5060, 5060, 0x302, SIP("ACK sip:bob@10.0.0.2 SIP/2.0", "ACK", 11, Client4, Peer4, "", nil)).Whole())

	// 14-16: SIP over IPv6: a MESSAGE of 2,000 bytes in two fragments, 200 OK.
	msg := SIP("MESSAGE sip:bob@[2001:db8::2] SIP/2.0", "MESSAGE", 21, Client6, Peer6, "text/plain", Pattern(2000))
	frames(udp(Client6, Peer6, 5060, 5060, 0x2001, msg).Split(1232)...)
	frames(udp(Peer6, Client6, 5060, 5060, 0, SIP("SIP/2.0 200 OK", "MESSAGE", 21, Client6, Peer6, "", nil)).Whole())

	// 17-25: TCP: handshake, a 2,000-byte segment in two fragments, its
	// ACK, the close.
	tcp := func(src, dst netip.Addr, sp, dp uint16, seq, ack uint32, fl uint8, id uint32, data []byte) *Datagram {
		return &Datagram{Src: src, Dst: dst, Proto: 6, ID: id, Payload: TCP(src, dst, sp, dp, seq, ack, fl, data)}
	}
	frames(tcp(Client4, Web4, 40100, 9000, 1000, 0, SYN, 0x501, nil).Whole())
	frames(tcp(Web4, Client4, 9000, 40100, 5000, 1001, SYN|ACK, 0x601, nil).Whole())
	frames(tcp(Client4, Web4, 40100, 9000, 1001, 5001, ACK, 0x502, nil).Whole())
	frames(tcp(Client4, Web4, 40100, 9000, 1001, 5001, PSH|ACK, 0x503, Pattern(2000)).Split(1480)...)
	frames(tcp(Web4, Client4, 9000, 40100, 5001, 3001, ACK, 0x602, nil).Whole())
	frames(tcp(Client4, Web4, 40100, 9000, 3001, 5001, FIN|ACK, 0x504, nil).Whole())
	frames(tcp(Web4, Client4, 9000, 40100, 5001, 3002, FIN|ACK, 0x603, nil).Whole())
	frames(tcp(Client4, Web4, 40100, 9000, 3002, 5002, ACK, 0x505, nil).Whole())

	// 26-31: an ICMP echo request of 3,000 bytes in three fragments, the
	// first one twice (a duplicate before completion); the reply in two.
	req := &Datagram{Src: Client4, Dst: Peer4, Proto: 1, ID: 0x701, Payload: Echo(Client4, Peer4, true, 7, 1, Pattern(3000))}
	fr = req.Split(1480)
	frames(fr[0], fr[0], fr[1], fr[2])
	rep := &Datagram{Src: Peer4, Dst: Client4, Proto: 1, ID: 0x801, Payload: Echo(Peer4, Client4, false, 7, 1, Pattern(3000))}
	frames(rep.Split(2000)...)

	// 32-34: overlapping fragments that disagree: the last fragment, whose
	// first 80 bytes are garbage, then the first fragment, which covers
	// them. The bytes of the fragment with the lower offset are kept, as
	// Wireshark keeps them, so the response parses.
	frames(udp(Client4, Server4, 40003, 53, 0x103, DNSQuery(3, "overlap.example.com", 16)).Whole())
	d := udp(Server4, Client4, 53, 40003, 0x203, DNSResponse(3, "overlap.example.com", 0, 10))
	bad := *d
	bad.Payload = append([]byte(nil), d.Payload...)
	for i := 1400; i < 1480; i++ {
		bad.Payload[i] = 0xff
	}
	frames(bad.Fragment(1400, -1, false), d.Fragment(0, 1480, true))

	// 35-37: a response whose first fragment was captured short: Wireshark
	// dissects that one as far as it goes and never reassembles the datagram.
	frames(udp(Client4, Server4, 40004, 53, 0x104, DNSQuery(4, "short.example.com", 16)).Whole())
	fr = udp(Server4, Client4, 53, 40004, 0x204, DNSResponse(4, "short.example.com", 0, 10)).Split(1480)
	p.Short(at(), Ethernet(fr[0]), 200)
	frames(fr[1])

	// 38-40: the same over IPv6: the short fragment is data.
	frames(udp(Client6, Server6, 40005, 53, 0, DNSQuery(5, "short6.example.com", 16)).Whole())
	fr = udp(Server6, Client6, 53, 40005, 0x1005, DNSResponse(5, "short6.example.com", 0, 10)).Split(1232)
	p.Short(at(), Ethernet(fr[0]), 300)
	frames(fr[1])

	// 41: the first fragment of a SIP INVITE whose other fragment is missing.
	inv2 := SIP("INVITE sip:bob@10.0.0.2 SIP/2.0", "INVITE", 31, Client4, Peer4, "application/sdp", SDP(Client4, 40010, 1800))
	frames(udp(Client4, Peer4, 5060, 5060, 0x305, inv2).Split(1480)[0])

	// 42-46: a UDP datagram (DNS response) and an ICMP echo request with the
	// same IPv4 identification between the same hosts, interleaved: the
	// protocol keeps them apart.
	frames(udp(Client4, Server4, 40006, 53, 0x106, DNSQuery(6, "same-id.example.com", 16)).Whole())
	u := udp(Server4, Client4, 53, 40006, 0x999, DNSResponse(6, "same-id.example.com", 3, 8)).Split(1480)
	e := (&Datagram{Src: Server4, Dst: Client4, Proto: 1, ID: 0x999, Payload: Echo(Server4, Client4, true, 9, 1, Pattern(2000))}).Split(1480)
	frames(u[0], e[0], u[1], e[1])

	// 47-48: an IPv6 atomic fragment (RFC 6946) carrying a DNS query, and
	// the response, whole.
	q := udp(Client6, Server6, 40007, 53, 0x1007, DNSQuery(7, "atomic.example.com", 16))
	frames(q.Fragment(0, -1, false))
	frames(udp(Server6, Client6, 53, 40007, 0, DNSResponse(7, "atomic.example.com", 0, 1)).Whole())

	// 49-52: a response in two fragments, then its last fragment again
	// after the datagram completed: Wireshark starts a new datagram with it,
	// which never completes.
	frames(udp(Client4, Server4, 40008, 53, 0x108, DNSQuery(8, "again.example.com", 16)).Whole())
	fr = udp(Server4, Client4, 53, 40008, 0x208, DNSResponse(8, "again.example.com", 0, 10)).Split(1480)
	frames(fr[0], fr[1], fr[1])

	// 53-55: fragments of one datagram on two VLANs: Wireshark keys IPv4
	// reassembly by VLAN too, so they are not joined.
	frames(udp(Client4, Server4, 40009, 53, 0x109, DNSQuery(9, "vlan.example.com", 16)).Whole())
	fr = udp(Server4, Client4, 53, 40009, 0x209, DNSResponse(9, "vlan.example.com", 0, 10)).Split(1480)
	p.Frame(at(), VLAN(10, fr[0]))
	p.Frame(at(), VLAN(20, fr[1]))
	return p.Buf
}
