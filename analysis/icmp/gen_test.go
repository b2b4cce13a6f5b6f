package icmp_test

import (
	"bytes"
	"net"
	"os"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"pcaplens/analysis/golden"
)

// edgesPath is a generated capture of echo and error edge cases; tshark's
// figures for it are in testdata/expected/icmp like any other capture.
const edgesPath = "../../testdata/captures/pcaplens-icmp-edges.pcap"

var t0 = time.Unix(1700000000, 0).UTC()

type gen struct {
	w *pcapgo.Writer
}

var (
	macA = net.HardwareAddr{0, 1, 2, 3, 4, 5}
	macB = net.HardwareAddr{0, 1, 2, 3, 4, 6}
	opts = gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
)

func (g *gen) write(ms int, ls ...gopacket.SerializableLayer) {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	g.w.WritePacket(gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(ms) * time.Millisecond), CaptureLength: len(b), Length: len(b)}, b)
}

func eth4() *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}
}

func eth6() *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv6}
}

func ip4(src, dst string, ttl uint8, proto layers.IPProtocol, id uint16) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: ttl, Id: id, Protocol: proto, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
}

func ip6(src, dst string, hl uint8, next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: hl, NextHeader: next, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
}

// echo4 writes an ICMPv4 echo (typ 8) or reply (typ 0).
func (g *gen) echo4(ms int, src, dst string, typ uint8, id, seq uint16, ttl uint8, payload []byte) {
	g.write(ms, eth4(), ip4(src, dst, ttl, layers.IPProtocolICMPv4, seq), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, 0), Id: id, Seq: seq}, gopacket.Payload(payload))
}

func (g *gen) echo6(ms int, src, dst string, typ uint8, id, seq uint16, payload []byte) {
	ip := ip6(src, dst, 64, layers.IPProtocolICMPv6)
	ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, 0)}
	ic.SetNetworkLayerForChecksum(ip)
	g.write(ms, eth6(), ip, ic, &layers.ICMPv6Echo{Identifier: id, SeqNumber: seq}, gopacket.Payload(payload))
}

// quote4 returns the bytes of an IPv4 datagram (for quoting in errors), cut to n bytes (0: whole).
func quote4(n int, ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	if n > 0 && n < len(b) {
		b = b[:n]
	}
	return append([]byte(nil), b...)
}

// err4 writes an ICMPv4 error; word is bytes 4..8 of the ICMP header.
func (g *gen) err4(ms int, src, dst string, typ, code uint8, word [4]byte, quoted []byte) {
	body := append(word[:], quoted...)
	ic := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code)}
	// gopacket's ICMPv4 holds Id/Seq as bytes 4..8.
	ic.Id = uint16(word[0])<<8 | uint16(word[1])
	ic.Seq = uint16(word[2])<<8 | uint16(word[3])
	g.write(ms, eth4(), ip4(src, dst, 250, layers.IPProtocolICMPv4, 0), ic, gopacket.Payload(body[4:]))
}

func (g *gen) icmp6(ms int, src, dst string, typ, code uint8, body []byte) {
	ip := ip6(src, dst, 255, layers.IPProtocolICMPv6)
	ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, code)}
	ic.SetNetworkLayerForChecksum(ip)
	g.write(ms, eth6(), ip, ic, gopacket.Payload(body))
}

func udp4(src, dst string, ttl uint8, id uint16, sp, dp int, payload []byte) []gopacket.SerializableLayer {
	ip := ip4(src, dst, ttl, layers.IPProtocolUDP, id)
	u := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
	u.SetNetworkLayerForChecksum(ip)
	return []gopacket.SerializableLayer{ip, u, gopacket.Payload(payload)}
}

// edges builds the edge-case capture.
func edges() []byte {
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	g := &gen{w: w}
	A, B, C, R1, R2 := "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.9.1", "10.0.9.2"
	p := []byte("abcdefghijklmnopqrstuvwabcdefghi")
	q := []byte("abcdefghijklmnopqrstuvwabcdefghX")
	// Echo pairing as tshark does it.
	g.echo4(0, A, B, 8, 1, 1, 64, p)   // 1 request
	g.echo4(10, B, A, 0, 1, 1, 64, p)  // 2 reply, 10 ms
	g.echo4(20, B, A, 0, 1, 1, 64, p)  // 3 duplicate reply
	g.echo4(100, A, B, 8, 1, 2, 64, p) // 4 request
	g.echo4(110, B, A, 0, 1, 2, 64, q) // 5 reply with other data: checksum differs, unmatched
	g.echo4(200, A, B, 8, 1, 3, 64, p) // 6 request, superseded by 7: unanswered
	g.echo4(210, A, B, 8, 1, 3, 64, p) // 7 same request again
	g.echo4(225, B, A, 0, 1, 3, 64, p) // 8 reply to 7, 15 ms
	g.echo4(300, A, C, 8, 1, 4, 64, p) // 9 request to C
	g.echo4(310, B, A, 0, 1, 4, 64, p) // 10 reply from B: other conversation, unmatched
	g.echo4(400, B, A, 0, 1, 5, 64, p) // 11 reply before its request
	g.echo4(410, A, B, 8, 1, 5, 64, p) // 12 request: unanswered
	g.echo4(500, A, B, 8, 2, 7, 64, p) // 13
	g.echo4(530, B, A, 0, 2, 7, 64, p) // 14 reply, 30 ms
	g.echo4(600, A, B, 8, 2, 7, 64, p) // 15 same id/seq again, after an answer
	g.echo4(620, B, A, 0, 2, 7, 64, p) // 16 reply, 20 ms
	// ICMPv6 echo.
	g.echo6(700, "fe80::1", "fe80::2", 128, 9, 9, p)  // 17
	g.echo6(705, "fe80::2", "fe80::1", 129, 9, 9, p)  // 18 reply, 5 ms
	g.echo6(710, "fe80::2", "fe80::1", 129, 9, 9, p)  // 19 duplicate
	g.echo6(800, "fe80::1", "fe80::2", 128, 9, 10, p) // 20 unanswered
	// UDP traceroute from A to C: probes with TTL 1, 2, 3; C answers port unreachable.
	g.write(1000, append([]gopacket.SerializableLayer{eth4()}, udp4(A, C, 1, 101, 40000, 33434, p)...)...) // 21
	g.err4(1002, R1, A, 11, 0, [4]byte{}, quote4(28, udp4(A, C, 1, 101, 40000, 33434, p)...))              // 22 hop 1
	g.write(1010, append([]gopacket.SerializableLayer{eth4()}, udp4(A, C, 2, 102, 40000, 33435, p)...)...) // 23
	g.err4(1015, R2, A, 11, 0, [4]byte{}, quote4(28, udp4(A, C, 1, 102, 40000, 33435, p)...))              // 24 hop 2
	g.write(1020, append([]gopacket.SerializableLayer{eth4()}, udp4(A, C, 3, 103, 40000, 33436, p)...)...) // 25
	g.err4(1028, C, A, 3, 3, [4]byte{}, quote4(0, udp4(A, C, 1, 103, 40000, 33436, p)...))                 // 26 port unreachable
	// Fragmentation needed (MTU 1400), redirect, parameter problem, truncated quotes.
	g.err4(1100, R1, A, 3, 4, [4]byte{0, 0, 0x05, 0x78}, quote4(28, udp4(A, "192.0.2.7", 64, 7, 5000, 443, p)...)) // 27
	g.err4(1200, R1, A, 5, 1, [4]byte{10, 0, 9, 2}, quote4(28, udp4(A, "192.0.2.8", 64, 8, 5001, 53, p)...))       // 28
	g.err4(1300, R2, A, 12, 0, [4]byte{20, 0, 0, 0}, quote4(28, udp4(A, "192.0.2.9", 64, 9, 5002, 80, p)...))      // 29
	g.err4(1400, R2, A, 3, 1, [4]byte{}, quote4(22, udp4(A, "192.0.2.10", 64, 10, 5003, 123, p)...))               // 30 quote cut inside UDP
	g.err4(1500, R2, A, 3, 13, [4]byte{}, quote4(12, udp4(A, "192.0.2.11", 64, 11, 5004, 22, p)...))               // 31 quote cut inside IP
	// ICMPv6 packet too big (MTU 1280) quoting UDP, and port unreachable.
	q6 := func(dst string, sp, dp int) []byte {
		ip := ip6("2001:db8::1", dst, 64, layers.IPProtocolUDP)
		u := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
		u.SetNetworkLayerForChecksum(ip)
		return quote4(0, ip, u, gopacket.Payload(p))
	}
	g.icmp6(1600, "2001:db8::ff", "2001:db8::1", 2, 0, append([]byte{0, 0, 5, 0}, q6("2001:db8::9", 6000, 443)...)) // 32
	g.icmp6(1700, "2001:db8::9", "2001:db8::1", 1, 4, append([]byte{0, 0, 0, 0}, q6("2001:db8::9", 6001, 53)...))   // 33
	// Neighbour discovery: DAD probe, NA, RA with a prefix; MLDv2 report.
	target := net.ParseIP("2001:db8::1")
	g.icmp6(1800, "::", "ff02::1:ff00:1", 135, 0, append([]byte{0, 0, 0, 0}, target...)) // 34 DAD
	na := append([]byte{0x60, 0, 0, 0}, target...)
	na = append(na, 2, 1, 0, 1, 2, 3, 4, 5)
	g.icmp6(1810, "2001:db8::1", "ff02::1", 136, 0, na) // 35
	ra := []byte{64, 0x40, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0}
	ra = append(ra, 3, 4, 64, 0xc0, 0, 0, 0x0e, 0x10, 0, 0, 0x07, 0x08, 0, 0, 0, 0)
	ra = append(ra, net.ParseIP("2001:db8:1::")...)
	ra = append(ra, 5, 1, 0, 0, 0, 0, 0x05, 0xdc)
	g.icmp6(1900, "fe80::1", "ff02::1", 134, 0, ra) // 36
	mld := []byte{0, 0, 0, 1, 4, 0, 0, 0}
	mld = append(mld, net.ParseIP("ff02::fb")...)
	g.icmp6(2000, "fe80::2", "ff02::16", 143, 0, mld) // 37
	return out.Bytes()
}

// TestEdgesCapture keeps the committed capture equal to what edges() builds
// (go test -update rewrites it; then rerun testdata/tshark/icmp.sh).
func TestEdgesCapture(t *testing.T) {
	b := edges()
	if golden.Updating() {
		if err := os.WriteFile(edgesPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(edgesPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, b) {
		t.Fatalf("%s differs from what edges() builds: run go test -update and testdata/tshark/icmp.sh", edgesPath)
	}
}
