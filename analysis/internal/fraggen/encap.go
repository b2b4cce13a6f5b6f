package fraggen

import (
	"encoding/binary"
	"net/netip"
)

// Encapsulations beyond tunnel.go's, for the tests of what the decoder
// follows as Wireshark does by default (issue 15).

// NewPcapLink returns a pcap file of link type lt with its header written.
func NewPcapLink(t0 int64, lt uint32) *Pcap {
	p := NewPcap(t0)
	binary.LittleEndian.PutUint32(p.Buf[20:], lt)
	return p
}

// IPProto returns an IP packet from src to dst of protocol proto carrying payload.
func IPProto(src, dst netip.Addr, proto uint8, payload []byte) []byte {
	d := Datagram{Src: src, Dst: dst, Proto: proto, Payload: payload}
	return d.Whole()
}

// UDPPacket returns an IP/UDP packet from src:sport to dst:dport.
func UDPPacket(src, dst netip.Addr, sport, dport uint16, payload []byte) []byte {
	return IPProto(src, dst, 17, UDP(src, dst, sport, dport, payload))
}

// EtherType returns the EtherType of an IP packet by its version.
func EtherType(ip []byte) uint16 {
	if len(ip) > 0 && ip[0]>>4 == 6 {
		return 0x86dd
	}
	return 0x0800
}

// EtherFrame returns an Ethernet II frame (addresses 02:00:00:00:00:0a
// and :0b) with EtherType et around payload.
func EtherFrame(et uint16, payload []byte) []byte {
	return append([]byte{2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a, byte(et >> 8), byte(et)}, payload...)
}

// GREHeader returns a GRE version 0 header with the flags' optional
// fields (checksum 0, key 1, sequence number seq) and protocol type et.
func GREHeader(flags, et uint16, seq uint32) []byte {
	h := []byte{byte(flags >> 8), byte(flags), byte(et >> 8), byte(et)}
	if flags&GREChecksum != 0 {
		h = append(h, 0, 0, 0, 0)
	}
	if flags&GREKey != 0 {
		h = append(h, 0, 0, 0, 1)
	}
	if flags&GRESeq != 0 {
		h = binary.BigEndian.AppendUint32(h, seq)
	}
	return h
}

// ERSPAN2 returns an ERSPAN type II header (version 1) for session id.
func ERSPAN2(vlan, session uint16) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h[0:], 1<<12|vlan&0xfff)
	binary.BigEndian.PutUint16(h[2:], session&0x3ff)
	return h
}

// ERSPAN3 returns an ERSPAN type III header (version 2) for session id,
// with the 8-byte platform-specific subheader when sub is set; ft is the
// frame type (0 Ethernet).
func ERSPAN3(vlan, session uint16, ft uint8, sub bool) []byte {
	h := make([]byte, 12, 20)
	binary.BigEndian.PutUint16(h[0:], 2<<12|vlan&0xfff)
	binary.BigEndian.PutUint16(h[2:], session&0x3ff)
	binary.BigEndian.PutUint32(h[4:], 123456)
	// SGT (2 bytes), then P, FT (5 bits), HW ID (6 bits), D, Gra (2 bits), O.
	binary.BigEndian.PutUint16(h[10:], uint16(ft&0x1f)<<10)
	if sub {
		h[11] |= 1
		h = append(h, 0x0c, 0, 0, 0, 0, 0, 0, 0) // platform ID 3
	}
	return h
}

// PPTP returns an enhanced GRE (version 1) header for call id, with a
// sequence number and, when ack is not 0, an acknowledgment number, and
// the PPP frame ppp after it.
func PPTP(call uint16, seq, ack uint32, ppp []byte) []byte {
	flags := uint16(0x2001 | 0x1000)
	if ack != 0 {
		flags |= 0x0080
	}
	h := []byte{byte(flags >> 8), byte(flags), 0x88, 0x0b}
	h = binary.BigEndian.AppendUint16(h, uint16(len(ppp)))
	h = binary.BigEndian.AppendUint16(h, call)
	h = binary.BigEndian.AppendUint32(h, seq)
	if ack != 0 {
		h = binary.BigEndian.AppendUint32(h, ack)
	}
	return append(h, ppp...)
}

// PPPFrame returns a PPP frame carrying an IP packet: with the address and
// control fields and a 2-byte protocol, or both compressed away (RFC 1661
// protocol-field compression) when compressed is set.
func PPPFrame(ip []byte, compressed bool) []byte {
	proto := uint16(0x0021)
	if EtherType(ip) == 0x86dd {
		proto = 0x0057
	}
	if compressed {
		return append([]byte{byte(proto)}, ip...)
	}
	return append([]byte{0xff, 0x03, byte(proto >> 8), byte(proto)}, ip...)
}

// GTPU returns a GTPv1-U G-PDU header for tunnel id teid around the IP
// packet ip, with a PDU session container extension header when ext is set.
func GTPU(teid uint32, ext bool, ip []byte) []byte {
	h := []byte{0x30, 0xff, 0, 0}
	h = binary.BigEndian.AppendUint32(h, teid)
	if ext {
		h[0] |= 0x04
		// Sequence number, N-PDU number, next extension type (0x85, PDU
		// session container), then the extension: length in 4-byte units,
		// its content, the next type (none).
		h = append(h, 0, 0, 0, 0x85, 1, 0x10, 0x09, 0)
	}
	binary.BigEndian.PutUint16(h[2:], uint16(len(h)-8+len(ip)))
	return append(h, ip...)
}

// TeredoOrigin returns a Teredo origin indication (RFC 4380 section 5.1.1)
// for port and IPv4 address addr, obfuscated.
func TeredoOrigin(port uint16, addr netip.Addr) []byte {
	a := addr.As4()
	return []byte{0, 0, byte(^port >> 8), byte(^port), ^a[0], ^a[1], ^a[2], ^a[3]}
}

// TeredoAuth returns a Teredo authentication indication with a client
// identifier of idLen bytes and an authentication value of auLen bytes.
func TeredoAuth(idLen, auLen int) []byte {
	h := []byte{0, 1, byte(idLen), byte(auLen)}
	h = append(h, Pattern(idLen+auLen)...)
	return append(h, 1, 2, 3, 4, 5, 6, 7, 8, 0) // nonce, confirmation
}

// AYIYA returns an AYIYA header (an identity of 16 bytes, a SHA-1
// signature of 20 bytes, opcode forward) announcing next header next.
func AYIYA(next uint8) []byte {
	h := []byte{4<<4 | 2, 5<<4 | 2, 2<<4 | 1, next, 0x5a, 0, 0, 0}
	h = append(h, make([]byte, 16)...)
	return append(h, Pattern(20)...)
}

// MPLSLabel returns an MPLS label stack entry; bottom sets S.
func MPLSLabel(label uint32, bottom bool) []byte {
	v := label<<12 | 64
	if bottom {
		v |= 1 << 8
	}
	return binary.BigEndian.AppendUint32(nil, v)
}

// EncapCapturePath is where the committed capture that EncapCapture builds
// lives, relative to a package directory under analysis/; CHDLCCapturePath,
// PKTAPUserCapturePath and UserCapturePath likewise for the link-type
// captures.
const (
	EncapCapturePath     = "../../testdata/captures/pcaplens-encap.pcap"
	CHDLCCapturePath     = "../../testdata/captures/pcaplens-chdlc.pcap"
	PKTAPUserCapturePath = "../../testdata/captures/pcaplens-user2-pktap.pcap"
	UserCapturePath      = "../../testdata/captures/pcaplens-user0.pcap"
)

// Addresses of the encapsulation captures.
var (
	encapR1, encapR2 = netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	encapA4, encapB4 = netip.MustParseAddr("10.2.0.1"), netip.MustParseAddr("10.2.0.2")
	encapA6, encapB6 = netip.MustParseAddr("2001:db8:2::1"), netip.MustParseAddr("2001:db8:2::2")
	// Teredo addresses (2001:0::/32 prefix).
	teredoC, teredoS = netip.MustParseAddr("2001:0:c000:201:0:f227:3fff:fdfe"), netip.MustParseAddr("2001:db8:2::53")
)

// dnsPair returns an IP/UDP DNS query from a:sport to b:53 and its response.
func dnsPair(a, b netip.Addr, sport, id uint16, name string) (q, r []byte) {
	q = UDPPacket(a, b, sport, 53, DNSQuery(id, name, 1))
	r = UDPPacket(b, a, 53, sport, DNSResponse(id, name, 0, 1))
	return q, r
}

// synPair returns a TCP SYN from a:sport to b:dport and its SYN-ACK.
func synPair(a, b netip.Addr, sport, dport uint16) (syn, synack []byte) {
	syn = IPProto(a, b, 6, TCP(a, b, sport, dport, 1000, 0, SYN, nil))
	synack = IPProto(b, a, 6, TCP(b, a, dport, sport, 5000, 1001, SYN|ACK, nil))
	return syn, synack
}

// EncapCapture builds an Ethernet capture of the encapsulations Wireshark
// 4.0 follows by default beyond IP-in-IP, GRE, VXLAN and Geneve, each
// carrying a DNS exchange, a TCP handshake or an ICMPv6 echo: ERSPAN types
// I, II and III (one not carrying Ethernet), PPTP's enhanced GRE with PPP,
// WCCP, Aruba's 802.11 in GRE, GRE and MPLS in UDP, GTP-U (with extension
// headers, IPv4 and IPv6), Teredo (with authentication and origin
// indications), AYIYA, PBB, VN-Tag, 802.1ad, LLC/SNAP variants; then
// fragments inside tunnels (GRE, 6in4, GTP-U) to reassemble; Cisco
// MetaData and CDP in GRE; MACsec, PIM Register messages and Ethernet in
// IP (protocol 143, after an IPv6 segment routing header too).
func EncapCapture() []byte {
	p := NewPcap(1700000000e9)
	ms := 0
	frame := func(b []byte) { ms += 10; p.Frame(ms, b) }
	r1, r2 := encapR1, encapR2
	a4, b4, a6, b6 := encapA4, encapB4, encapA6, encapB6
	gre := func(src, dst netip.Addr, hdr, payload []byte) []byte {
		return Ethernet(IPProto(src, dst, 47, append(append([]byte(nil), hdr...), payload...)))
	}
	udp := func(src, dst netip.Addr, sp, dp uint16, payload []byte) []byte {
		return Ethernet(UDPPacket(src, dst, sp, dp, payload))
	}
	eth := func(ip []byte) []byte { return EtherFrame(EtherType(ip), ip) }
	cat := func(bs ...[]byte) []byte {
		var out []byte
		for _, b := range bs {
			out = append(out, b...)
		}
		return out
	}

	// 1-2: ERSPAN type I (GRE 0x88BE without a sequence number).
	q, r := dnsPair(a4, b4, 5401, 0x101, "erspan1.example")
	frame(gre(r1, r2, GREHeader(0, 0x88be, 0), eth(q)))
	frame(gre(r1, r2, GREHeader(0, 0x88be, 0), eth(r)))
	// 3-4: ERSPAN type II.
	s, sa := synPair(a4, b4, 40001, 80)
	frame(gre(r1, r2, GREHeader(GRESeq, 0x88be, 1), cat(ERSPAN2(10, 1), eth(s))))
	frame(gre(r1, r2, GREHeader(GRESeq, 0x88be, 2), cat(ERSPAN2(10, 1), eth(sa))))
	// 5-6: ERSPAN type III, over IPv6 inside, the second with the
	// platform-specific subheader.
	q, r = dnsPair(a6, b6, 5402, 0x102, "erspan3.example")
	frame(gre(r1, r2, GREHeader(GRESeq, 0x22eb, 1), cat(ERSPAN3(20, 2, 0, false), eth(q))))
	frame(gre(r1, r2, GREHeader(GRESeq, 0x22eb, 2), cat(ERSPAN3(20, 2, 0, true), eth(r))))
	// 7: ERSPAN type III carrying an IP frame (frame type 2): data.
	frame(gre(r1, r2, GREHeader(GRESeq, 0x22eb, 3), cat(ERSPAN3(20, 2, 2, false), q)))
	// 8-10: PPTP (enhanced GRE, version 1) with PPP: a query with the
	// address and control fields, its response with the protocol field
	// compressed (and an acknowledgment), an acknowledgment alone.
	q, r = dnsPair(a4, b4, 5403, 0x103, "pptp.example")
	frame(gre(r1, r2, PPTP(7, 1, 0, PPPFrame(q, false)), nil))
	frame(gre(r2, r1, PPTP(8, 1, 1, PPPFrame(r, true)), nil))
	frame(gre(r1, r2, []byte{0x20, 0x81, 0x88, 0x0b, 0, 0, 0, 7, 0, 0, 0, 1}, nil))
	// 11-12: WCCP redirect in GRE.
	q, r = dnsPair(a4, b4, 5404, 0x104, "wccp.example")
	frame(gre(r1, r2, GREHeader(0, 0x883e, 0), cat([]byte{0, 0, 0, 0}, q)))
	frame(gre(r2, r1, GREHeader(0, 0x883e, 0), cat([]byte{0, 0, 0, 0}, r)))
	// 13-14: Aruba's 802.11 data frames in GRE (0x8200, 0x8210).
	q, r = dnsPair(a4, b4, 5405, 0x105, "aruba.example")
	dot11 := func(ip []byte) []byte {
		h := []byte{0x08, 0x01, 0, 0, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 3, 0, 0, 0xaa, 0xaa, 3, 0, 0, 0, 8, 0}
		return append(h, ip...)
	}
	frame(gre(r1, r2, GREHeader(0, 0x8200, 0), dot11(q)))
	frame(gre(r2, r1, GREHeader(0, 0x8210, 0), dot11(r)))
	// 15-16: GRE in UDP (port 4754), a TCP handshake.
	s, sa = synPair(a4, b4, 40002, 443)
	frame(udp(r1, r2, 50001, 4754, cat(GREHeader(0, 0x0800, 0), s)))
	frame(udp(r2, r1, 50002, 4754, cat(GREHeader(0, 0x0800, 0), sa)))
	// 17-18: MPLS in UDP (port 6635), two labels.
	q, r = dnsPair(a4, b4, 5406, 0x106, "mpls.example")
	frame(udp(r1, r2, 50003, 6635, cat(MPLSLabel(100, false), MPLSLabel(200, true), q)))
	frame(udp(r2, r1, 50004, 6635, cat(MPLSLabel(300, true), r)))
	// 19-22: GTP-U: DNS over IPv4, the response with a PDU session
	// container; a TCP handshake over IPv6.
	q, r = dnsPair(a4, b4, 5407, 0x107, "gtp.example")
	frame(udp(r1, r2, 2152, 2152, GTPU(0x11, false, q)))
	frame(udp(r2, r1, 2152, 2152, GTPU(0x22, true, r)))
	s, sa = synPair(a6, b6, 40003, 80)
	frame(udp(r1, r2, 2152, 2152, GTPU(0x11, true, s)))
	frame(udp(r2, r1, 2152, 2152, GTPU(0x22, false, sa)))
	// 23-25: Teredo: an ICMPv6 echo with an authentication indication,
	// its reply with an origin indication, a DNS query with neither.
	echo := IPProto(teredoC, teredoS, 58, Echo(teredoC, teredoS, true, 9, 1, Pattern(16)))
	reply := IPProto(teredoS, teredoC, 58, Echo(teredoS, teredoC, false, 9, 1, Pattern(16)))
	frame(udp(r1, r2, 40000, 3544, cat(TeredoAuth(4, 8), echo)))
	frame(udp(r2, r1, 3544, 40000, cat(TeredoOrigin(40000, r1), reply)))
	frame(udp(r1, r2, 40000, 3544, UDPPacket(teredoC, teredoS, 5408, 53, DNSQuery(0x108, "teredo.example", 28))))
	// 26-28: AYIYA: DNS over IPv6, a TCP SYN over IPv4.
	q, r = dnsPair(a6, b6, 5409, 0x109, "ayiya.example")
	frame(udp(r1, r2, 40010, 5072, cat(AYIYA(41), q)))
	frame(udp(r2, r1, 40011, 5072, cat(AYIYA(41), r)))
	s, _ = synPair(a4, b4, 40004, 22)
	frame(udp(r1, r2, 40010, 5072, cat(AYIYA(4), s)))
	// 29-30: PBB (802.1ah) after an 802.1ad B-TAG, then alone.
	q, r = dnsPair(a4, b4, 5410, 0x10a, "pbb.example")
	frame(EtherFrame(0x88a8, cat([]byte{0, 7, 0x88, 0xe7, 0, 0, 0, 5}, eth(q))))
	frame(EtherFrame(0x88e7, cat([]byte{0, 0, 0, 5}, eth(r))))
	// 31-32: VN-Tag.
	q, r = dnsPair(a4, b4, 5411, 0x10b, "vntag.example")
	frame(EtherFrame(0x8926, cat([]byte{0x80, 1, 0, 2, 0x08, 0x00}, q)))
	frame(EtherFrame(0x8926, cat([]byte{0x00, 2, 0, 1, 0x08, 0x00}, r)))
	// 33-34: 802.1ad service tag and 802.1Q customer tag (QinQ).
	q, r = dnsPair(a4, b4, 5412, 0x10c, "qinq.example")
	frame(EtherFrame(0x88a8, cat([]byte{0, 7, 0x81, 0, 0, 8, 0x08, 0}, q)))
	frame(EtherFrame(0x88a8, cat([]byte{0, 7, 0x81, 0, 0, 8, 0x08, 0}, r)))
	// 35-39: LLC and SNAP: IPv4 on SAP 6, SNAP 802.1H (0000F8), an
	// Ethernet frame bridged in SNAP (0080C2, without FCS, padded), Cisco's
	// CDP and Apple's DDP in SNAP.
	q, r = dnsPair(a4, b4, 5413, 0x10d, "llc.example")
	llc := func(b []byte) []byte { return EtherFrame(uint16(len(b)), b) }
	frame(llc(cat([]byte{6, 6, 3}, q)))
	frame(llc(cat([]byte{0xaa, 0xaa, 3, 0, 0, 0xf8, 0x08, 0}, r)))
	q, _ = dnsPair(a4, b4, 5414, 0x10e, "bridged.example")
	frame(llc(cat([]byte{0xaa, 0xaa, 3, 0, 0x80, 0xc2, 0, 7, 0, 0}, eth(q))))
	frame(llc(cat([]byte{0xaa, 0xaa, 3, 0, 0, 0x0c, 0x20, 0x00}, Pattern(24))))
	frame(llc(cat([]byte{0xaa, 0xaa, 3, 8, 0, 7, 0x80, 0x9b}, Pattern(24))))
	// 40-42: an IPv4 DNS response in three fragments inside GRE.
	resp := UDP(b4, a4, 53, 5415, DNSResponse(0x10f, "fragments.example", 0, 4))
	dg := Datagram{Src: b4, Dst: a4, Proto: 17, ID: 0x4242, Payload: resp}
	for _, fr := range dg.Split(64) {
		frame(gre(r2, r1, GREHeader(GREKey, 0x0800, 0), fr))
	}
	// 43-44: an IPv6 DNS response in two fragments inside IPv4 (6in4),
	// the last first.
	resp = UDP(b6, a6, 53, 5416, DNSResponse(0x110, "fragments6.example", 0, 3))
	dg = Datagram{Src: b6, Dst: a6, Proto: 17, ID: 0x4243, Payload: resp}
	frame(Ethernet(IPIP(r2, r1, dg.Fragment(64, -1, false))))
	frame(Ethernet(IPIP(r2, r1, dg.Fragment(0, 64, true))))
	// 45-46: an IPv4 DNS response in two fragments inside GTP-U.
	resp = UDP(b4, a4, 53, 5417, DNSResponse(0x111, "gtpfrag.example", 0, 2))
	dg = Datagram{Src: b4, Dst: a4, Proto: 17, ID: 0x4244, Payload: resp}
	for _, fr := range dg.Split(48) {
		frame(udp(r2, r1, 2152, 2152, GTPU(0x22, false, fr)))
	}
	// 47-49: Cisco MetaData in GRE (its protocol type first, then version,
	// length, options, SGT) carrying DNS; CDP in GRE, not followed.
	q, r = dnsPair(a4, b4, 5418, 0x112, "cmd.example")
	cmd := []byte{0x08, 0, 1, 1, 0, 1, 0, 0}
	frame(gre(r1, r2, GREHeader(GREKey, 0x8909, 0), cat(cmd, q)))
	frame(gre(r2, r1, GREHeader(GREKey, 0x8909, 0), cat(cmd, r)))
	frame(gre(r1, r2, GREHeader(0, 0x2000, 0), Pattern(40)))
	// 69-71: MACsec (802.1AE) with integrity only, with and without the
	// secure channel identifier (followed to DNS before the 16-byte ICV);
	// encrypted (data).
	q, r = dnsPair(a4, b4, 5419, 0x113, "macsec.example")
	icv := Pattern(16)
	frame(EtherFrame(0x88e5, cat([]byte{0x20, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0x0a, 0, 1, 0x08, 0}, q, icv)))
	frame(EtherFrame(0x88e5, cat([]byte{0x00, 0, 0, 0, 0, 2, 0x08, 0}, r, icv)))
	frame(EtherFrame(0x88e5, cat([]byte{0x2c, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 0x0a, 0, 1}, Pattern(40), icv)))
	// 72-74: PIM Register messages carrying DNS over IPv4 and over IPv6;
	// a null register (its zeroed header: not followed).
	q, _ = dnsPair(a4, b4, 5420, 0x114, "pim.example")
	pim := []byte{0x21, 0, 0, 0, 0, 0, 0, 0}
	frame(Ethernet(IPProto(r1, r2, 103, cat(pim, q))))
	q, _ = dnsPair(a6, b6, 5421, 0x115, "pim6.example")
	frame(Ethernet(IPProto(r1, r2, 103, cat(pim, q))))
	frame(Ethernet(IPProto(r1, r2, 103, cat([]byte{0x21, 0, 0, 0, 0x40, 0, 0, 0}, make([]byte, 20)))))
	// 75-76: Ethernet in IP (protocol 143): in IPv4, and in IPv6 after a
	// segment routing header, carrying a DNS exchange.
	q, r = dnsPair(a4, b4, 5422, 0x116, "etherip.example")
	frame(Ethernet(IPProto(r1, r2, 143, eth(q))))
	srh := cat([]byte{143, 2, 4, 0, 0, 0, 0, 0}, encapB6.AsSlice())
	frame(Ethernet(IPProto(encapA6, encapB6, 43, cat(srh, eth(r)))))
	return p.Buf
}

// CHDLCCapture builds a Cisco HDLC capture (link type 104): a DNS exchange
// over IPv4, a TCP handshake over IPv6, a SLARP request.
func CHDLCCapture() []byte {
	p := NewPcapLink(1700000000e9, 104)
	q, r := dnsPair(encapA4, encapB4, 5501, 0x201, "chdlc.example")
	s, sa := synPair(encapA6, encapB6, 40101, 80)
	p.Frame(10, append([]byte{0x0f, 0, 0x08, 0}, q...))
	p.Frame(20, append([]byte{0x0f, 0, 0x08, 0}, r...))
	p.Frame(30, append([]byte{0x0f, 0, 0x86, 0xdd}, s...))
	p.Frame(40, append([]byte{0x0f, 0, 0x86, 0xdd}, sa...))
	p.Frame(50, append([]byte{0x8f, 0, 0x80, 0x35}, 0, 0, 0, 0, 10, 2, 0, 1, 255, 255, 255, 0, 0xff, 0xff))
	return p.Buf
}

// pktapHeader returns a 108-byte PKTAP header for a record of type
// rectype whose packet has link type dlt.
func pktapHeader(rectype, dlt uint32) []byte {
	h := make([]byte, 108)
	binary.LittleEndian.PutUint32(h[0:], 108)
	binary.LittleEndian.PutUint32(h[4:], rectype)
	binary.LittleEndian.PutUint32(h[8:], dlt)
	copy(h[12:], "en0")
	return h
}

// PKTAPUserCapture builds a capture of link type USER2 (149), which
// Wireshark 4.0 reads as PKTAP: a DNS exchange over Ethernet and over raw
// IP (link type 12), and a record that is not a packet.
func PKTAPUserCapture() []byte {
	p := NewPcapLink(1700000000e9, 149)
	q, r := dnsPair(encapA4, encapB4, 5601, 0x301, "pktap.example")
	p.Frame(10, append(pktapHeader(1, 1), Ethernet(q)...))
	p.Frame(20, append(pktapHeader(1, 12), r...))
	p.Frame(30, pktapHeader(0, 1))
	return p.Buf
}

// UserCapture builds a capture of link type USER0 (147), which Wireshark
// 4.0 does not decode by default: one Ethernet frame in it.
func UserCapture() []byte {
	p := NewPcapLink(1700000000e9, 147)
	q, _ := dnsPair(encapA4, encapB4, 5701, 0x401, "user.example")
	p.Frame(10, Ethernet(q))
	return p.Buf
}
