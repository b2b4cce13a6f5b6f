package frame

import (
	"net/netip"
	"testing"

	"pcaplens/analysis/capture"
)

// ipv4UDP is an IPv4/UDP DNS query header, 10.0.0.1:5353 → 10.0.0.2:53, with 4 payload bytes.
//
//	45 00 00 20  00 01 00 00  40 11 00 00  0a 00 00 01  0a 00 00 02   IPv4, len 32, TTL 64, UDP
//	14 e9 00 35  00 0c 00 00                                          UDP 5353 → 53, len 12
//	de ad be ef                                                       payload
var ipv4UDP = []byte{
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
}

// ipv6TCP is an IPv6/TCP SYN, 2001:db8::1:40000 → 2001:db8::2:80, through a
// destination-options extension header.
//
//	60 00 00 00  00 1c 3c 40  <src 16>  <dst 16>      IPv6, payload 28, next 60 (dest opts), hop 64
//	06 00 01 04 00 00 00 00                            dest opts: next TCP, len 0 (8 bytes), PadN
//	9c 40 00 50  00 00 00 01  00 00 00 00  50 02 fa f0  00 00 00 00   TCP SYN
var ipv6TCP = []byte{
	0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x3c, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x06, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	macs    = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	ethIPv4 = cat(macs, []byte{0x08, 0x00})
	ethIPv6 = cat(macs, []byte{0x86, 0xdd})
)

func TestDecode(t *testing.T) {
	v4src, v4dst := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	v6src, v6dst := netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
	tests := []struct {
		name      string
		link      uint16
		data      []byte
		network   int
		transport int
		src, dst  netip.Addr
		sport     uint16
		dport     uint16
		payload   int
		vlans     int
		anomaly   Anomaly
		truncated bool
		decoded   bool
	}{
		{"ethernet ipv4 udp", LinkEthernet, cat(ethIPv4, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"ethernet padding trimmed", LinkEthernet, cat(ethIPv4, ipv4UDP, make([]byte, 14)), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"ethernet ipv6 ext tcp", LinkEthernet, cat(ethIPv6, ipv6TCP), NetIPv6, TransportTCP, v6src, v6dst, 40000, 80, 0, 0, "", false, true},
		{"802.1Q", LinkEthernet, cat(macs, []byte{0x81, 0x00, 0x00, 0x64, 0x08, 0x00}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 1, "", false, true},
		{"QinQ", LinkEthernet, cat(macs, []byte{0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x86, 0xdd}, ipv6TCP), NetIPv6, TransportTCP, v6src, v6dst, 40000, 80, 0, 2, "", false, true},
		{"raw ip 101", LinkRaw, ipv4UDP, NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"raw ip 12", LinkRaw12, ipv6TCP, NetIPv6, TransportTCP, v6src, v6dst, 40000, 80, 0, 0, "", false, true},
		{"ipv4 228", LinkIPv4, ipv4UDP, NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"ipv6 229", LinkIPv6, ipv6TCP, NetIPv6, TransportTCP, v6src, v6dst, 40000, 80, 0, 0, "", false, true},
		{"null little-endian", LinkNull, cat([]byte{2, 0, 0, 0}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"null big-endian ipv6", LinkNull, cat([]byte{0, 0, 0, 30}, ipv6TCP), NetIPv6, TransportTCP, v6src, v6dst, 40000, 80, 0, 0, "", false, true},
		{"openbsd loop", LinkLoop, cat([]byte{0, 0, 0, 2}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"linux sll", LinkLinuxSLL, cat([]byte{0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"linux sll2", LinkLinuxSLL2, cat([]byte{0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0}, ipv6TCP), NetIPv6, TransportTCP, v6src, v6dst, 40000, 80, 0, 0, "", false, true},
		{"ppp with address", LinkPPP, cat([]byte{0xff, 0x03, 0x00, 0x21}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"ppp compressed protocol", LinkPPP, cat([]byte{0x21}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"802.11 data to DS", LinkIEEE80211, cat([]byte{0x08, 0x01, 0, 0}, macs, macs[:6], []byte{0, 0}, []byte{0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"radiotap qos data with fcs", LinkRadiotap, cat([]byte{0, 0, 9, 0, 0x02, 0, 0, 0, 0x10}, []byte{0x88, 0x02, 0, 0}, macs, macs[:6], []byte{0, 0, 0, 0}, []byte{0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd}, ipv6TCP, []byte{1, 2, 3, 4}), NetIPv6, TransportTCP, v6src, v6dst, 40000, 80, 0, 0, "", false, true},
		{"snap in 802.3", LinkEthernet, cat(macs, []byte{0x00, 0x28, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00}, ipv4UDP), NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 4, 0, "", false, true},
		{"arp", LinkEthernet, cat(macs, []byte{0x08, 0x06}, make([]byte, 28)), NetARP, TransportNone, netip.Addr{}, netip.Addr{}, 0, 0, 0, 0, "", false, true},
		{"truncated ethernet", LinkEthernet, macs, NetNone, TransportNone, netip.Addr{}, netip.Addr{}, 0, 0, 0, 0, "truncated_ethernet", true, true},
		{"truncated ipv4", LinkEthernet, cat(ethIPv4, ipv4UDP[:12]), NetOther, TransportNone, netip.Addr{}, netip.Addr{}, 0, 0, 0, 0, "bad_ipv4_header", true, true},
		{"udp cut in payload", LinkRaw, ipv4UDP[:30], NetIPv4, TransportUDP, v4src, v4dst, 5353, 53, 2, 0, "", true, true},
		{"tcp header cut", LinkRaw, ipv6TCP[:60], NetIPv6, TransportNone, v6src, v6dst, 0, 0, 0, 0, "truncated_tcp", true, true},
		{"unknown link type", 147, ipv4UDP, NetNone, TransportNone, netip.Addr{}, netip.Addr{}, 0, 0, 0, 0, "", false, false},
		{"empty", LinkEthernet, nil, NetNone, TransportNone, netip.Addr{}, netip.Addr{}, 0, 0, 0, 0, "truncated_ethernet", true, true},
	}
	d := NewDecoder()
	var f Frame
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := capture.Record{Data: tc.data, OrigLen: len(tc.data), LinkType: tc.link, TimeNs: 1}
			d.Decode(&rec, 7, &f)
			if f.Number != 7 || f.TimeNs != 1 {
				t.Errorf("number/time not set: %d %d", f.Number, f.TimeNs)
			}
			if f.LinkDecoded != tc.decoded {
				t.Errorf("LinkDecoded = %v", f.LinkDecoded)
			}
			if f.Network != tc.network || f.Transport != tc.transport {
				t.Errorf("network %d transport %d, want %d %d (anomaly %q)", f.Network, f.Transport, tc.network, tc.transport, f.Anomaly)
			}
			if f.SrcIP != tc.src || f.DstIP != tc.dst {
				t.Errorf("addresses %v → %v", f.SrcIP, f.DstIP)
			}
			if f.SrcPort != tc.sport || f.DstPort != tc.dport {
				t.Errorf("ports %d → %d", f.SrcPort, f.DstPort)
			}
			if len(f.Payload) != tc.payload && tc.transport != TransportNone {
				t.Errorf("payload %d bytes, want %d", len(f.Payload), tc.payload)
			}
			if f.NVLAN != tc.vlans {
				t.Errorf("%d VLAN tags", f.NVLAN)
			}
			if f.Anomaly != tc.anomaly {
				t.Errorf("anomaly %q, want %q", f.Anomaly, tc.anomaly)
			}
			if f.Truncated != tc.truncated {
				t.Errorf("truncated %v", f.Truncated)
			}
		})
	}
}

func TestFragmentsStopAtIP(t *testing.T) {
	frag := append([]byte(nil), ipv4UDP...)
	frag[6], frag[7] = 0x20, 0x02 // more fragments, offset 16 bytes
	d := NewDecoder()
	var f Frame
	d.Decode(&capture.Record{Data: frag, OrigLen: len(frag), LinkType: LinkRaw}, 1, &f)
	if !f.Fragment || f.Transport != TransportNone || f.Proto != 17 || f.FragOffset != 16 || !f.MoreFragments || f.FragID != 1 || !f.fragWhole || len(f.fragData) != 12 {
		t.Fatalf("fragment: %v %d %d %v %d %v", f.Fragment, f.Transport, f.FragOffset, f.MoreFragments, f.FragID, f.fragWhole)
	}
	// The next packet is not a fragment: every fragment field is reset.
	d.Decode(&capture.Record{Data: ipv4UDP, OrigLen: len(ipv4UDP), LinkType: LinkRaw}, 2, &f)
	if f.Fragment || f.FragOffset != 0 || f.MoreFragments || f.FragID != 0 || f.fragData != nil || f.Transport != TransportUDP {
		t.Fatalf("after a fragment: %+v", f)
	}

	// IPv6: a fragment header (next header UDP, offset 8, M, id 0x01020304)
	// before the UDP header of ipv4UDP.
	six := cat(ipv6TCP[:40], []byte{17, 0, 0x00, 0x09, 1, 2, 3, 4}, ipv4UDP[20:])
	six[4], six[5], six[6] = 0, byte(8+len(ipv4UDP)-20), 44
	d.Decode(&capture.Record{Data: six, OrigLen: len(six), LinkType: LinkRaw}, 3, &f)
	if !f.Fragment || f.Transport != TransportNone || f.Proto != 17 || f.FragOffset != 8 || !f.MoreFragments || f.FragID != 0x01020304 || !f.fragWhole {
		t.Fatalf("ipv6 fragment: %v %d %d %v %#x %v", f.Fragment, f.Transport, f.FragOffset, f.MoreFragments, f.FragID, f.fragWhole)
	}
	// Offset 0 without M: an atomic fragment (RFC 6946), decoded whole.
	six[40+3] = 0
	d.Decode(&capture.Record{Data: six, OrigLen: len(six), LinkType: LinkRaw}, 4, &f)
	if f.Fragment || f.Transport != TransportUDP || f.DstPort != 53 {
		t.Fatalf("atomic fragment: %v %d", f.Fragment, f.Transport)
	}
	// An IPv4 first fragment captured short: decoded as far as it goes.
	frag[6], frag[7] = 0x20, 0
	d.Decode(&capture.Record{Data: frag[:26], OrigLen: len(frag), LinkType: LinkRaw}, 5, &f)
	if !f.Fragment || f.fragWhole || f.Transport != TransportNone || f.Anomaly != "truncated_udp" {
		t.Fatalf("short first fragment: %v %v %d %q", f.Fragment, f.fragWhole, f.Transport, f.Anomaly)
	}
	d.Decode(&capture.Record{Data: frag[:30], OrigLen: len(frag), LinkType: LinkRaw}, 6, &f)
	if !f.Fragment || f.fragWhole || f.Transport != TransportUDP || f.DstPort != 53 {
		t.Fatalf("short first fragment: %v %v %d", f.Fragment, f.fragWhole, f.Transport)
	}
}

func TestDecodeDoesNotAllocate(t *testing.T) {
	d := NewDecoder()
	var f Frame
	recs := []capture.Record{
		{Data: cat(ethIPv4, ipv4UDP), LinkType: LinkEthernet},
		{Data: cat(ethIPv6, ipv6TCP), LinkType: LinkEthernet},
	}
	d.Decode(&recs[1], 1, &f)
	allocs := testing.AllocsPerRun(100, func() {
		for i := range recs {
			d.Decode(&recs[i], i+1, &f)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per decode", allocs)
	}
}

func BenchmarkDecode(b *testing.B) {
	d := NewDecoder()
	var f Frame
	recs := []capture.Record{
		{Data: cat(ethIPv4, ipv4UDP), LinkType: LinkEthernet},
		{Data: cat(ethIPv6, ipv6TCP), LinkType: LinkEthernet},
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d.Decode(&recs[i&1], i, &f)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}

// TestTCPHeaderCut: a TCP header cut short, by the capture or by the IP
// payload length, is dissected as Wireshark does once its first 16 bytes
// (through the window) are there: its fixed fields, no payload, in a
// stream; its segment length is known when the capture cut it. One
// shorter, or with a data offset under 5 words, is not TCP.
func TestTCPHeaderCut(t *testing.T) {
	syn := cat(ipv6TCP[:40], ipv6TCP[48:])
	syn[6] = 6
	syn[4], syn[5] = 0, 32 // payload length: 32 (a 32-byte TCP header)
	syn[40+12] = 0x80      // data offset 8 words: 12 bytes of options
	syn = cat(syn, []byte{2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7})
	short := append([]byte(nil), syn[:64]...)
	short[5] = 24 // the IP payload holds 24 bytes of the 32-byte header
	tests := []struct {
		name    string
		data    []byte
		origLen int
		tcp     bool
		tcpLen  int
		anomaly Anomaly
	}{
		{"options cut by the capture", syn[:40+24], len(syn), true, 0, AnomalyTruncatedTCP},
		{"through the window", syn[:40+16], len(syn), true, 0, AnomalyTruncatedTCP},
		{"ip payload shorter than the header", short, len(short), true, -1, AnomalyBadTCPHeader},
		{"before the window", syn[:40+15], len(syn), false, 0, AnomalyTruncatedTCP},
		{"data offset 3", cat(syn[:52], []byte{0x30, 2, 0xfa, 0xf0, 0, 0, 0, 0}), len(syn), false, 0, AnomalyTruncatedTCP},
	}
	d := NewDecoder()
	var f Frame
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d.Decode(&capture.Record{Data: tc.data, OrigLen: tc.origLen, LinkType: LinkIPv6}, 1, &f)
			if !tc.tcp {
				if f.Transport == TransportTCP {
					t.Errorf("decoded as TCP")
				}
				return
			}
			if f.Transport != TransportTCP || f.SrcPort != 40000 || f.DstPort != 80 || !f.TCP.SYN || f.TCP.ACK || f.TCP.Seq != 1 || f.TCP.Window != 0xfaf0 || f.TCP.DataOffset != 8 {
				t.Fatalf("transport %d %d → %d %+v", f.Transport, f.SrcPort, f.DstPort, f.TCP)
			}
			if len(f.Payload) != 0 || f.Anomaly != tc.anomaly || f.TCPLen() != tc.tcpLen {
				t.Errorf("payload %d anomaly %q tcp.len %d", len(f.Payload), f.Anomaly, f.TCPLen())
			}
			if p := f.Path(); len(p) != 2 || p[1].Kind != LayerTCP {
				t.Errorf("path %v", p)
			}
		})
	}
}
