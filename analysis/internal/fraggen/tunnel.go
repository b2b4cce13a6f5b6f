package fraggen

import (
	"encoding/binary"
	"net/netip"
)

// Tunnel encapsulations for the tests of tunnel decoding.

// IPIP returns the IP packet inner carried directly in an IP header from
// src to dst (IP protocol 4 for an IPv4 inner packet, 41 for IPv6).
func IPIP(src, dst netip.Addr, inner []byte) []byte {
	proto := uint8(4)
	if len(inner) > 0 && inner[0]>>4 == 6 {
		proto = 41
	}
	d := Datagram{Src: src, Dst: dst, Proto: proto, Payload: inner}
	return d.Whole()
}

// GRE flags (RFC 2784, RFC 2890).
const (
	GREChecksum = 0x8000
	GREKey      = 0x2000
	GRESeq      = 0x1000
)

// GRE returns an IP packet from src to dst carrying payload in GRE version
// 0 with protocol type et (0x0800, 0x86dd, 0x6558 for Ethernet) and the
// optional fields flags asks for (their values are arbitrary).
func GRE(src, dst netip.Addr, flags, et uint16, payload []byte) []byte {
	h := []byte{byte(flags >> 8), byte(flags), byte(et >> 8), byte(et)}
	for _, fl := range []uint16{GREChecksum, GREKey, GRESeq} {
		if flags&fl != 0 {
			h = append(h, 0, 0, byte(fl>>8), 1)
		}
	}
	d := Datagram{Src: src, Dst: dst, Proto: 47, Payload: append(h, payload...)}
	return d.Whole()
}

// VXLAN returns an IP/UDP packet from src to dst (source port sport,
// destination port 4789) carrying the Ethernet frame eth with VNI vni.
func VXLAN(src, dst netip.Addr, sport uint16, vni uint32, eth []byte) []byte {
	h := make([]byte, 8, 8+len(eth))
	h[0] = 0x08
	binary.BigEndian.PutUint32(h[4:], vni<<8)
	d := Datagram{Src: src, Dst: dst, Proto: 17, Payload: UDP(src, dst, sport, 4789, append(h, eth...))}
	return d.Whole()
}

// Geneve returns an IP/UDP packet from src to dst (source port sport,
// destination port 6081) carrying payload of protocol type et, after
// optWords 4-byte words of options.
func Geneve(src, dst netip.Addr, sport uint16, et uint16, optWords int, payload []byte) []byte {
	h := make([]byte, 8+4*optWords, 8+4*optWords+len(payload))
	h[0] = byte(optWords)
	binary.BigEndian.PutUint16(h[2:], et)
	if optWords > 0 {
		// One option: class 0x0104, type 1, its data filling the rest.
		copy(h[8:], []byte{0x01, 0x04, 0x01, byte(optWords - 1)})
	}
	d := Datagram{Src: src, Dst: dst, Proto: 17, Payload: UDP(src, dst, sport, 6081, append(h, payload...))}
	return d.Whole()
}

// TunnelCapturePath is where the committed capture that TunnelCapture
// builds lives, relative to a package directory under analysis/.
const TunnelCapturePath = "../../testdata/captures/pcaplens-tunnels.pcap"

// TunnelCapture builds a capture of tunnelled traffic: a TCP connection in
// GRE (with a key), DNS over IPv6 in IPv4 (6in4), DNS in VXLAN, a TCP
// connection over IPv6 in Geneve, an IPv4 GRE packet in two fragments
// carrying a DNS response, an ICMP echo in IPv4-in-IPv6, and an untunnelled
// DNS query between the inner addresses of the GRE tunnel.
func TunnelCapture() []byte {
	p := NewPcap(1700000000e9)
	ms := 0
	at := func() int { ms += 10; return ms }
	r1, r2 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	r61, r62 := netip.MustParseAddr("2001:db8:ffff::1"), netip.MustParseAddr("2001:db8:ffff::2")
	a4, b4 := netip.MustParseAddr("10.1.0.1"), netip.MustParseAddr("10.1.0.2")
	a6, b6 := netip.MustParseAddr("2001:db8:1::1"), netip.MustParseAddr("2001:db8:1::2")
	tcp := func(src, dst netip.Addr, sp, dp uint16, seq, ack uint32, flags uint8, data []byte) []byte {
		return (&Datagram{Src: src, Dst: dst, Proto: 6, Payload: TCP(src, dst, sp, dp, seq, ack, flags, data)}).Whole()
	}
	udp := func(src, dst netip.Addr, sp, dp uint16, data []byte) []byte {
		return (&Datagram{Src: src, Dst: dst, Proto: 17, Payload: UDP(src, dst, sp, dp, data)}).Whole()
	}
	eth := func(ip []byte) []byte { return Ethernet(ip) }
	frame := func(b []byte) { p.Frame(at(), Ethernet(b)) }
	gre := func(src, dst netip.Addr, ip []byte) []byte {
		et := uint16(0x0800)
		if ip[0]>>4 == 6 {
			et = 0x86dd
		}
		return GRE(src, dst, GREKey, et, ip)
	}
	req := []byte("GET / HTTP/1.1\r\nHost: tunnel.example\r\n\r\n")

	// 1-6: TCP in GRE: handshake, a request, its ACK, a retransmission.
	frame(gre(r1, r2, tcp(a4, b4, 40000, 80, 100, 0, SYN, nil)))
	frame(gre(r2, r1, tcp(b4, a4, 80, 40000, 500, 101, SYN|ACK, nil)))
	frame(gre(r1, r2, tcp(a4, b4, 40000, 80, 101, 501, ACK, nil)))
	frame(gre(r1, r2, tcp(a4, b4, 40000, 80, 101, 501, ACK|PSH, req)))
	frame(gre(r1, r2, tcp(a4, b4, 40000, 80, 101, 501, ACK|PSH, req)))
	frame(gre(r2, r1, tcp(b4, a4, 80, 40000, 501, 101+uint32(len(req)), ACK, nil)))
	// 7-8: DNS over IPv6 in IPv4.
	frame(IPIP(r1, r2, udp(a6, b6, 5301, 53, DNSQuery(0x61, "six.example", 16))))
	frame(IPIP(r2, r1, udp(b6, a6, 53, 5301, DNSResponse(0x61, "six.example", 3, 0))))
	// 9-10: DNS in VXLAN.
	frame(VXLAN(r1, r2, 50001, 7, eth(udp(a4, b4, 5302, 53, DNSQuery(0x62, "vx.example", 1)))))
	frame(VXLAN(r2, r1, 50002, 7, eth(udp(b4, a4, 53, 5302, DNSResponse(0x62, "vx.example", 0, 1)))))
	// 11-13: TCP over IPv6 in Geneve (with options).
	frame(Geneve(r61, r62, 50003, 0x86dd, 2, tcp(a6, b6, 40001, 443, 7, 0, SYN, nil)))
	frame(Geneve(r62, r61, 50004, 0x86dd, 2, tcp(b6, a6, 443, 40001, 900, 8, SYN|ACK, nil)))
	frame(Geneve(r61, r62, 50003, 0x86dd, 2, tcp(a6, b6, 40001, 443, 8, 901, ACK, nil)))
	// 14-15: a GRE packet in two outer fragments carrying a DNS response.
	inner := gre(r1, r2, udp(b4, a4, 53, 5303, DNSResponse(0x63, "frag.example", 0, 3)))
	outer := Datagram{Src: r1, Dst: r2, Proto: 47, ID: 0x777, Payload: inner[20:]}
	for _, f := range outer.Split(512) {
		frame(f)
	}
	// 16: an ICMP echo in IPv4 in IPv6.
	echo := (&Datagram{Src: a4, Dst: b4, Proto: 1, Payload: Echo(a4, b4, true, 1, 1, Pattern(32))}).Whole()
	frame(IPIP(r61, r62, echo))
	// 17: a DNS query between the GRE tunnel's inner addresses, not tunnelled.
	frame(udp(a4, b4, 5304, 53, DNSQuery(0x64, "plain.example", 1)))
	return p.Buf
}
