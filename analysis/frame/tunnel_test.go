package frame_test

import (
	"bytes"
	"net/netip"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/fraggen"
)

// TestTunnelsCapture keeps the committed capture equal to what
// fraggen.TunnelCapture builds (go test -update rewrites it; then rerun the
// testdata/tshark scripts for it).
func TestTunnelsCapture(t *testing.T) {
	checkGenerated(t, fraggen.TunnelCapturePath, fraggen.TunnelCapture())
}

var (
	outer4a, outer4b = netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	outer6a, outer6b = netip.MustParseAddr("2001:db8:ffff::1"), netip.MustParseAddr("2001:db8:ffff::2")
	in4a, in4b       = netip.MustParseAddr("10.1.0.1"), netip.MustParseAddr("10.1.0.2")
	in6a, in6b       = netip.MustParseAddr("2001:db8:1::1"), netip.MustParseAddr("2001:db8:1::2")
)

// innerTCP is a TCP SYN from a:40000 to b:80; innerDNS a DNS query a:5353 → b:53.
func innerTCP(a, b netip.Addr) []byte {
	d := fraggen.Datagram{Src: a, Dst: b, Proto: 6, Payload: fraggen.TCP(a, b, 40000, 80, 1, 0, fraggen.SYN, nil)}
	return d.Whole()
}

func innerDNS(a, b netip.Addr) []byte {
	d := fraggen.Datagram{Src: a, Dst: b, Proto: 17, Payload: fraggen.UDP(a, b, 5353, 53, fraggen.DNSQuery(7, "example.org", 1))}
	return d.Whole()
}

// greIn returns an Ethernet frame carrying IPv4 from outer4a to outer4b,
// GRE (header hdr) and payload.
func greIn(hdr, payload []byte) []byte {
	return fraggen.Ethernet(fraggen.IPProto(outer4a, outer4b, 47, append(append([]byte(nil), hdr...), payload...)))
}

// udpIn returns an Ethernet frame carrying IPv4/UDP from outer4a:sport to
// outer4b:dport with payload.
func udpIn(sport, dport uint16, payload []byte) []byte {
	return fraggen.Ethernet(fraggen.UDPPacket(outer4a, outer4b, sport, dport, payload))
}

// ether returns an Ethernet frame with EtherType et around payload.
func ether(et uint16, payload []byte) []byte {
	return append([]byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, byte(et >> 8), byte(et)}, payload...)
}

func TestTunnels(t *testing.T) {
	tests := []struct {
		name         string
		data         []byte // an Ethernet frame
		tunnel       int
		depth        int
		outerA       netip.Addr
		outerB       netip.Addr
		network      int
		transport    int
		src, dst     netip.Addr
		sport, dport uint16
	}{
		{"4in4", fraggen.Ethernet(fraggen.IPIP(outer4a, outer4b, innerTCP(in4a, in4b))), frame.TunnelIPIP, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"6in4", fraggen.Ethernet(fraggen.IPIP(outer4a, outer4b, innerDNS(in6a, in6b))), frame.TunnelIPIP, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"4in6", fraggen.Ethernet(fraggen.IPIP(outer6a, outer6b, innerDNS(in4a, in4b))), frame.TunnelIPIP, 1, outer6a, outer6b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"6in6", fraggen.Ethernet(fraggen.IPIP(outer6a, outer6b, innerTCP(in6a, in6b))), frame.TunnelIPIP, 1, outer6a, outer6b, frame.NetIPv6, frame.TransportTCP, in6a, in6b, 40000, 80},
		{"gre ipv4", fraggen.Ethernet(fraggen.GRE(outer4a, outer4b, 0, 0x0800, innerTCP(in4a, in4b))), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"gre key seq checksum ipv6", fraggen.Ethernet(fraggen.GRE(outer4a, outer4b, fraggen.GREChecksum|fraggen.GREKey|fraggen.GRESeq, 0x86dd, innerDNS(in6a, in6b))), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"gre over ipv6, ethernet", fraggen.Ethernet(fraggen.GRE(outer6a, outer6b, fraggen.GREKey, 0x6558, ether(0x0800, innerDNS(in4a, in4b)))), frame.TunnelGRE, 1, outer6a, outer6b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"gre ethernet vlan", fraggen.Ethernet(fraggen.GRE(outer4a, outer4b, 0, 0x6558, ether(0x8100, append([]byte{0, 5, 0x08, 0x00}, innerTCP(in4a, in4b)...)))), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"vxlan", fraggen.Ethernet(fraggen.VXLAN(outer4a, outer4b, 50000, 42, ether(0x0800, innerTCP(in4a, in4b)))), frame.TunnelVXLAN, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"vxlan over ipv6, arp", fraggen.Ethernet(fraggen.VXLAN(outer6a, outer6b, 50000, 42, ether(0x0806, make([]byte, 28)))), frame.TunnelVXLAN, 1, outer6a, outer6b, frame.NetARP, frame.TransportNone, netip.Addr{}, netip.Addr{}, 0, 0},
		{"geneve ipv4", fraggen.Ethernet(fraggen.Geneve(outer4a, outer4b, 60000, 0x0800, 0, innerDNS(in4a, in4b))), frame.TunnelGeneve, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"geneve options ethernet", fraggen.Ethernet(fraggen.Geneve(outer4a, outer4b, 60000, 0x6558, 3, ether(0x86dd, innerTCP(in6a, in6b)))), frame.TunnelGeneve, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportTCP, in6a, in6b, 40000, 80},
		{"vxlan in gre in 6in4", fraggen.Ethernet(fraggen.IPIP(outer4a, outer4b, fraggen.GRE(outer6a, outer6b, 0, 0x86dd, fraggen.VXLAN(in6b, in6a, 50000, 1, ether(0x0800, innerDNS(in4a, in4b)))))), frame.TunnelIPIP, 3, outer4a, outer4b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"erspan type I", greIn(fraggen.GREHeader(0, 0x88be, 0), ether(0x0800, innerTCP(in4a, in4b))), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"erspan type II", greIn(fraggen.GREHeader(fraggen.GRESeq, 0x88be, 1), append(fraggen.ERSPAN2(1, 2), ether(0x86dd, innerDNS(in6a, in6b))...)), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"erspan type III subheader", greIn(fraggen.GREHeader(fraggen.GRESeq, 0x22eb, 1), append(fraggen.ERSPAN3(1, 2, 0, true), ether(0x0800, innerDNS(in4a, in4b))...)), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"pptp ppp", greIn(fraggen.PPTP(7, 1, 0, fraggen.PPPFrame(innerDNS(in4a, in4b), false)), nil), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"pptp ppp compressed ack", greIn(fraggen.PPTP(7, 1, 1, fraggen.PPPFrame(innerTCP(in6a, in6b), true)), nil), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportTCP, in6a, in6b, 40000, 80},
		{"wccp", greIn(fraggen.GREHeader(0, 0x883e, 0), append([]byte{0, 0, 0, 0}, innerTCP(in4a, in4b)...)), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"cisco metadata", greIn(fraggen.GREHeader(fraggen.GREKey, 0x8909, 0), append([]byte{0x86, 0xdd, 1, 1, 0, 1, 0, 0}, innerDNS(in6a, in6b)...)), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"mpls in gre", greIn(fraggen.GREHeader(0, 0x8847, 0), append(fraggen.MPLSLabel(5, true), innerDNS(in4a, in4b)...)), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"gre in udp", udpIn(50000, 4754, append(fraggen.GREHeader(0, 0x86dd, 0), innerDNS(in6a, in6b)...)), frame.TunnelGRE, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"mpls in udp", udpIn(50000, 6635, append(fraggen.MPLSLabel(5, true), innerTCP(in4a, in4b)...)), frame.TunnelMPLS, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"gtp-u", udpIn(2152, 2152, fraggen.GTPU(1, false, innerDNS(in4a, in4b))), frame.TunnelGTP, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		{"gtp-u extension ipv6", udpIn(2152, 2152, fraggen.GTPU(1, true, innerTCP(in6a, in6b))), frame.TunnelGTP, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportTCP, in6a, in6b, 40000, 80},
		{"teredo", udpIn(3544, 40000, innerDNS(in6a, in6b)), frame.TunnelTeredo, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"teredo auth origin", udpIn(40000, 3544, append(append(fraggen.TeredoAuth(3, 5), fraggen.TeredoOrigin(40000, outer4a)...), innerTCP(in6a, in6b)...)), frame.TunnelTeredo, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportTCP, in6a, in6b, 40000, 80},
		{"ayiya ipv4", udpIn(40000, 5072, append(fraggen.AYIYA(4), innerTCP(in4a, in4b)...)), frame.TunnelAYIYA, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"ayiya ipv6", udpIn(40000, 5072, append(fraggen.AYIYA(41), innerDNS(in6a, in6b)...)), frame.TunnelAYIYA, 1, outer4a, outer4b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"pim register", fraggen.Ethernet(fraggen.IPProto(outer4a, outer4b, 103, append(pimRegister(), innerTCP(in4a, in4b)...))), frame.TunnelPIM, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"pim register ipv6", fraggen.Ethernet(fraggen.IPProto(outer6a, outer6b, 103, append(pimRegister(), innerDNS(in6a, in6b)...))), frame.TunnelPIM, 1, outer6a, outer6b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		{"ethernet in ipv4", fraggen.Ethernet(fraggen.IPProto(outer4a, outer4b, 143, ether(0x0800, innerTCP(in4a, in4b)))), frame.TunnelEthernet, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportTCP, in4a, in4b, 40000, 80},
		{"ethernet after a segment routing header", fraggen.Ethernet(fraggen.IPProto(outer6a, outer6b, 43, append(srh(143), ether(0x86dd, innerDNS(in6a, in6b))...))), frame.TunnelEthernet, 1, outer6a, outer6b, frame.NetIPv6, frame.TransportUDP, in6a, in6b, 5353, 53},
		// A source port below the tunnel's with no dissector in Wireshark:
		// the tunnel's port is tried next.
		{"geneve from a lower port", fraggen.Ethernet(fraggen.Geneve(outer4a, outer4b, 5799, 0x0800, 0, innerDNS(in4a, in4b))), frame.TunnelGeneve, 1, outer4a, outer4b, frame.NetIPv4, frame.TransportUDP, in4a, in4b, 5353, 53},
		// Beyond MaxTunnels (4), the fifth IP-in-IP header is the payload.
		{"depth cap", fraggen.Ethernet(fraggen.IPIP(outer4a, outer4b, fraggen.IPIP(outer4a, outer4b, fraggen.IPIP(outer4a, outer4b, fraggen.IPIP(outer4a, outer4b, fraggen.IPIP(in4b, in4a, innerTCP(in4a, in4b))))))), frame.TunnelIPIP, 4, outer4a, outer4b, frame.NetIPv4, frame.TransportOther, in4b, in4a, 0, 0},
		// Not followed: GRE version 1 (PPTP), an unknown GRE protocol, VXLAN on a higher port, a cut Geneve header.
		{"gre version 1", fraggen.Ethernet(append(fraggen.GRE(outer4a, outer4b, 1, 0x880b, nil), 0, 0, 0, 0)), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportOther, outer4a, outer4b, 0, 0},
		{"gre unknown protocol", fraggen.Ethernet(fraggen.GRE(outer4a, outer4b, 0, 0x88d2, make([]byte, 20))), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportOther, outer4a, outer4b, 0, 0},
		{"erspan type III not ethernet", greIn(fraggen.GREHeader(fraggen.GRESeq, 0x22eb, 1), append(fraggen.ERSPAN3(1, 2, 2, false), innerTCP(in4a, in4b)...)), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportNone, outer4a, outer4b, 0, 0},
		{"gtp-u echo request", udpIn(2152, 2152, []byte{0x32, 1, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0}), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportUDP, outer4a, outer4b, 2152, 2152},
		{"gtp-u extension cut", udpIn(2152, 2152, []byte{0x34, 0xff, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0x85, 2, 0}), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportUDP, outer4a, outer4b, 2152, 2152},
		{"teredo not ipv6", udpIn(3544, 40000, innerDNS(in4a, in4b)), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportUDP, outer4a, outer4b, 3544, 40000},
		{"ayiya not forward", udpIn(40000, 5072, append([]byte{0x42, 0x52, 0x22, 41, 0, 0, 0, 0}, make([]byte, 56)...)), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportUDP, outer4a, outer4b, 40000, 5072},
		{"pim null register", fraggen.Ethernet(fraggen.IPProto(outer4a, outer4b, 103, append([]byte{0x21, 0, 0, 0, 0x40, 0, 0, 0}, make([]byte, 20)...))), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportOther, outer4a, outer4b, 0, 0},
		{"pim join", fraggen.Ethernet(fraggen.IPProto(outer4a, outer4b, 103, append([]byte{0x23, 0, 0, 0, 0, 0, 0, 0}, innerTCP(in4a, in4b)...))), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportOther, outer4a, outer4b, 0, 0},
		{"udp 53 to 4789", fraggen.Ethernet((&fraggen.Datagram{Src: outer4a, Dst: outer4b, Proto: 17, Payload: fraggen.UDP(outer4a, outer4b, 53, 4789, make([]byte, 60))}).Whole()), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportUDP, outer4a, outer4b, 53, 4789},
		{"geneve cut", fraggen.Ethernet((&fraggen.Datagram{Src: outer4a, Dst: outer4b, Proto: 17, Payload: fraggen.UDP(outer4a, outer4b, 60000, 6081, []byte{3, 0, 0x08, 0, 0, 0, 0, 0, 1, 2})}).Whole()), frame.TunnelNone, 0, netip.Addr{}, netip.Addr{}, frame.NetIPv4, frame.TransportUDP, outer4a, outer4b, 60000, 6081},
	}
	d := frame.NewDecoder()
	var f frame.Frame
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A tunnelled frame after an ordinary one and before one:
			// nothing carries over.
			plain := fraggen.Ethernet(innerTCP(in6b, in6a))
			d.Decode(&capture.Record{Data: plain, OrigLen: len(plain), LinkType: frame.LinkEthernet}, 1, &f)
			d.Decode(&capture.Record{Data: tc.data, OrigLen: len(tc.data), LinkType: frame.LinkEthernet}, 2, &f)
			if f.Tunnel != tc.tunnel || f.Tunnels != tc.depth || f.OuterSrcIP != tc.outerA || f.OuterDstIP != tc.outerB {
				t.Errorf("tunnel %d depth %d outer %v → %v", f.Tunnel, f.Tunnels, f.OuterSrcIP, f.OuterDstIP)
			}
			if f.Network != tc.network || f.Transport != tc.transport || f.SrcIP != tc.src || f.DstIP != tc.dst || f.SrcPort != tc.sport || f.DstPort != tc.dport {
				t.Errorf("network %d transport %d %v:%d → %v:%d (anomaly %q)", f.Network, f.Transport, f.SrcIP, f.SrcPort, f.DstIP, f.DstPort, f.Anomaly)
			}
			if f.Anomaly != "" || f.Truncated {
				t.Errorf("anomaly %q truncated %v", f.Anomaly, f.Truncated)
			}
			if f.SrcMAC != [6]byte{0, 1, 2, 3, 4, 6} || f.NVLAN != 0 {
				t.Errorf("link fields are the inner frame's: %x %d", f.SrcMAC, f.NVLAN)
			}
			if tc.transport == frame.TransportUDP && tc.dport == 53 && !bytes.Equal(f.Payload, fraggen.DNSQuery(7, "example.org", 1)) {
				t.Errorf("payload %x", f.Payload)
			}
			d.Decode(&capture.Record{Data: plain, OrigLen: len(plain), LinkType: frame.LinkEthernet}, 3, &f)
			if f.Tunnel != frame.TunnelNone || f.Tunnels != 0 || f.OuterSrcIP.IsValid() || f.SrcIP != in6b {
				t.Errorf("after a tunnel: %d %d %v %v", f.Tunnel, f.Tunnels, f.OuterSrcIP, f.SrcIP)
			}
		})
	}
}

// pimRegister is a PIM version 2 Register header (checksum 0) without the
// border and null-register flags.
func pimRegister() []byte { return []byte{0x21, 0, 0, 0, 0, 0, 0, 0} }

// srh is an IPv6 segment routing header (routing type 4) with one segment,
// followed by next.
func srh(next uint8) []byte {
	return append([]byte{next, 2, 4, 0, 0, 0, 0, 0}, netip.MustParseAddr("2001:db8::5").AsSlice()...)
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// TestMACsec: Wireshark 4.0 follows the EtherType after a MACsec SecTAG (8
// or 16 bytes by the SC bit) when the frame is neither encrypted nor
// changed, stopping before the 16-byte ICV; it shows the secure data of
// another frame as data, and a frame with the version bit set or too short
// for a SecTAG and an ICV as an unknown EtherType.
func TestMACsec(t *testing.T) {
	ping := fraggen.IPProto(in4a, in4b, 1, fraggen.Echo(in4a, in4b, true, 1, 1, fraggen.Pattern(16)))
	icv := bytes.Repeat([]byte{0xee}, 16)
	sci := []byte{1, 2, 3, 4, 5, 6, 0, 1}
	tests := []struct {
		name    string
		data    []byte
		network int
		macsec  bool // a MACsec layer in the path
	}{
		{"integrity only, SCI", ether(0x88e5, join([]byte{0x20, 0, 0, 0, 0, 1}, sci, []byte{8, 0}, ping, icv)), frame.NetIPv4, true},
		{"integrity only", ether(0x88e5, join([]byte{0x00, 0, 0, 0, 0, 1}, []byte{8, 0}, ping, icv)), frame.NetIPv4, true},
		{"encrypted", ether(0x88e5, join([]byte{0x0c, 0, 0, 0, 0, 1}, []byte{8, 0}, ping, icv)), frame.NetOther, true},
		{"changed", ether(0x88e5, join([]byte{0x04, 0, 0, 0, 0, 1}, []byte{8, 0}, ping, icv)), frame.NetOther, true},
		{"version 1", ether(0x88e5, join([]byte{0x80, 0, 0, 0, 0, 1}, []byte{8, 0}, ping, icv)), frame.NetOther, false},
		{"no room for the ICV", ether(0x88e5, join([]byte{0x00, 0, 0, 0, 0, 1}, []byte{8, 0}, ping[:10])), frame.NetOther, false},
	}
	d := frame.NewDecoder()
	var f frame.Frame
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d.Decode(&capture.Record{Data: tc.data, OrigLen: len(tc.data), LinkType: frame.LinkEthernet}, 1, &f)
			if f.Network != tc.network {
				t.Errorf("network %d, want %d", f.Network, tc.network)
			}
			has := false
			for _, l := range f.Path() {
				has = has || l.Kind == frame.LayerMACsec
			}
			if has != tc.macsec {
				t.Errorf("macsec layer %v, path %v", has, f.Path())
			}
			if tc.network == frame.NetIPv4 {
				if f.Transport != frame.TransportICMPv4 || f.SrcIP != in4a || f.Anomaly != "" || f.Truncated || bytes.Contains(f.Payload, icv) {
					t.Errorf("transport %d src %v anomaly %q truncated %v payload %x", f.Transport, f.SrcIP, f.Anomaly, f.Truncated, f.Payload)
				}
			} else if f.EtherType != frame.EtherMACsec {
				t.Errorf("ethertype %#x", f.EtherType)
			}
		})
	}
}

// TestUDPBadLength: a UDP length shorter than the header stops Wireshark
// after the UDP header (no tunnel, no payload, no UDP stream), except a
// length of 0 over IPv6 (a jumbogram's); one longer than the datagram does
// not.
func TestUDPBadLength(t *testing.T) {
	vx := func(src, dst netip.Addr, ulen int, totalZero bool) []byte {
		p := fraggen.VXLAN(src, dst, 50000, 1, ether(0x0800, innerTCP(in4a, in4b)))
		h := 20
		if src.Is6() {
			h = 40
		}
		if ulen >= 0 {
			p[h+4], p[h+5] = byte(ulen>>8), byte(ulen)
		}
		if totalZero {
			p[2], p[3] = 0, 0 // BIG TCP / GSO: no IPv4 total length
		}
		return fraggen.Ethernet(p)
	}
	tests := []struct {
		name      string
		data      []byte
		transport int
		tunnel    int
	}{
		{"length 0 over ipv4", vx(outer4a, outer4b, 0, false), frame.TransportNone, frame.TunnelNone},
		{"length 0, ipv4 total length 0", vx(outer4a, outer4b, 0, true), frame.TransportNone, frame.TunnelNone},
		{"length 7", vx(outer4a, outer4b, 7, false), frame.TransportNone, frame.TunnelNone},
		{"length 0 over ipv6", vx(outer6a, outer6b, 0, false), frame.TransportTCP, frame.TunnelVXLAN},
		{"ipv4 total length 0", vx(outer4a, outer4b, -1, true), frame.TransportTCP, frame.TunnelVXLAN},
	}
	d := frame.NewDecoder()
	var f frame.Frame
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d.Decode(&capture.Record{Data: tc.data, OrigLen: len(tc.data), LinkType: frame.LinkEthernet}, 1, &f)
			path := f.Path()
			if f.Transport != tc.transport || f.Tunnel != tc.tunnel {
				t.Errorf("transport %d tunnel %d, want %d %d", f.Transport, f.Tunnel, tc.transport, tc.tunnel)
			}
			if tc.tunnel == frame.TunnelNone && (len(path) != 3 || path[2].Kind != frame.LayerUDP || f.Payload != nil || f.Anomaly != frame.AnomalyBadUDPHeader) {
				t.Errorf("path %v payload %d anomaly %q", path, len(f.Payload), f.Anomaly)
			}
		})
	}
}

// TestCarrierUDPDstPort: the destination port of the UDP header carrying
// the innermost IP packet, and none for IP carried otherwise.
func TestCarrierUDPDstPort(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		port uint16
		ok   bool
	}{
		{"teredo to the server", udpIn(40000, 3544, innerDNS(in6a, in6b)), 3544, true},
		{"teredo from the server", udpIn(3544, 40000, innerDNS(in6a, in6b)), 40000, true},
		{"vxlan", fraggen.Ethernet(fraggen.VXLAN(outer4a, outer4b, 50000, 42, ether(0x0800, innerTCP(in4a, in4b)))), 4789, true},
		{"gre", fraggen.Ethernet(fraggen.GRE(outer4a, outer4b, 0, 0x0800, innerTCP(in4a, in4b))), 0, false},
		{"not tunnelled", fraggen.Ethernet(innerDNS(in4a, in4b)), 0, false},
	}
	d := frame.NewDecoder()
	var f frame.Frame
	for _, tc := range tests {
		d.Decode(&capture.Record{Data: tc.data, OrigLen: len(tc.data), LinkType: frame.LinkEthernet}, 1, &f)
		if p, ok := f.CarrierUDPDstPort(); p != tc.port || ok != tc.ok {
			t.Errorf("%s: %d %v, want %d %v", tc.name, p, ok, tc.port, tc.ok)
		}
	}
}

// TestTunnelFragments: an outer fragment carries no inner layers until it
// is reassembled, then the tunnel is followed in the datagram; fragments
// inside a tunnel are reassembled too.
func TestTunnelFragments(t *testing.T) {
	gre := fraggen.GRE(outer4a, outer4b, fraggen.GREKey, 0x0800, innerDNS(in4a, in4b))
	outer := fraggen.Datagram{Src: outer4a, Dst: outer4b, Proto: 47, ID: 9, Payload: gre[20:]}
	d := frame.NewDecoder()
	r := frame.NewReassembler(frame.ReassemblyLimits{})
	var f frame.Frame
	frags := outer.Split(24)
	for i, ip := range frags {
		b := fraggen.Ethernet(ip)
		d.Decode(&capture.Record{Data: b, OrigLen: len(b), LinkType: frame.LinkEthernet}, i+1, &f)
		if !f.Fragment || f.Tunnels != 0 || f.SrcIP != outer4a || f.Proto != 47 || f.Transport != frame.TransportNone {
			t.Fatalf("fragment %d: fragment %v tunnels %d %v proto %d transport %d", i+1, f.Fragment, f.Tunnels, f.SrcIP, f.Proto, f.Transport)
		}
		r.Add(&f)
		if i < len(frags)-1 {
			if f.Reassembled {
				t.Fatalf("fragment %d reassembled", i+1)
			}
			continue
		}
		if !f.Reassembled || f.Tunnel != frame.TunnelGRE || f.Tunnels != 1 || f.OuterSrcIP != outer4a || f.OuterDstIP != outer4b {
			t.Fatalf("last fragment: reassembled %v tunnel %d depth %d outer %v", f.Reassembled, f.Tunnel, f.Tunnels, f.OuterSrcIP)
		}
		if f.SrcIP != in4a || f.DstIP != in4b || f.Transport != frame.TransportUDP || f.DstPort != 53 || !bytes.Equal(f.Payload, fraggen.DNSQuery(7, "example.org", 1)) {
			t.Fatalf("reassembled: %v → %v transport %d port %d", f.SrcIP, f.DstIP, f.Transport, f.DstPort)
		}
	}

	// Fragments inside a tunnel are reassembled, keyed by the inner
	// addresses: the last one carries the inner datagram's transport.
	inner := fraggen.Datagram{Src: in4a, Dst: in4b, Proto: 17, ID: 3, Payload: fraggen.UDP(in4a, in4b, 5353, 53, fraggen.DNSQuery(7, "example.org", 1))}
	frags = inner.Split(16)
	for i, ip := range frags {
		b := fraggen.Ethernet(fraggen.IPIP(outer4a, outer4b, ip))
		d.Decode(&capture.Record{Data: b, OrigLen: len(b), LinkType: frame.LinkEthernet}, 10+i, &f)
		if !f.Fragment || f.Tunnels != 1 || f.SrcIP != in4a || f.Proto != 17 || f.Transport != frame.TransportNone || f.FragOffset != 16*i {
			t.Fatalf("inner fragment %d: fragment %v tunnels %d %v proto %d transport %d offset %d", i, f.Fragment, f.Tunnels, f.SrcIP, f.Proto, f.Transport, f.FragOffset)
		}
		r.Add(&f)
		if last := i == len(frags)-1; f.Reassembled != last {
			t.Fatalf("inner fragment %d: reassembled %v", i, f.Reassembled)
		}
	}
	if f.Transport != frame.TransportUDP || f.DstPort != 53 || f.OuterSrcIP != outer4a || !bytes.Equal(f.Payload, fraggen.DNSQuery(7, "example.org", 1)) {
		t.Fatalf("inner datagram: transport %d port %d outer %v payload %x", f.Transport, f.DstPort, f.OuterSrcIP, f.Payload)
	}
	inner6 := fraggen.Datagram{Src: in6a, Dst: in6b, Proto: 17, ID: 3, Payload: inner.Payload}
	for i, ip := range [][]byte{inner6.Fragment(16, -1, false), inner6.Fragment(0, 16, true)} {
		b := fraggen.Ethernet(fraggen.GRE(outer6a, outer6b, 0, 0x86dd, ip))
		d.Decode(&capture.Record{Data: b, OrigLen: len(b), LinkType: frame.LinkEthernet}, 20+i, &f)
		if !f.Fragment || f.Tunnels != 1 || f.SrcIP != in6a || f.Proto != 17 || f.Transport != frame.TransportNone {
			t.Fatalf("inner IPv6 fragment: fragment %v tunnels %d %v proto %d transport %d", f.Fragment, f.Tunnels, f.SrcIP, f.Proto, f.Transport)
		}
		r.Add(&f)
	}
	if !f.Reassembled || f.FirstFragment != 20 || f.Transport != frame.TransportUDP || !bytes.Equal(f.Payload, fraggen.DNSQuery(7, "example.org", 1)) {
		t.Fatalf("inner IPv6 datagram: reassembled %v first %d transport %d payload %x", f.Reassembled, f.FirstFragment, f.Transport, f.Payload)
	}
}

func TestTunnelDecodeDoesNotAllocate(t *testing.T) {
	recs := []capture.Record{
		{Data: fraggen.Ethernet(innerTCP(in4a, in4b))},
		{Data: fraggen.Ethernet(fraggen.IPIP(outer6a, outer6b, innerDNS(in4a, in4b)))},
		{Data: fraggen.Ethernet(fraggen.GRE(outer4a, outer4b, fraggen.GREKey, 0x6558, ether(0x86dd, innerTCP(in6a, in6b))))},
		{Data: fraggen.Ethernet(fraggen.VXLAN(outer4a, outer4b, 50000, 1, ether(0x0800, innerDNS(in4a, in4b))))},
		{Data: fraggen.Ethernet(fraggen.Geneve(outer6a, outer6b, 50000, 0x0800, 2, innerTCP(in4a, in4b)))},
		{Data: greIn(fraggen.GREHeader(fraggen.GRESeq, 0x22eb, 1), append(fraggen.ERSPAN3(1, 2, 0, true), ether(0x0800, innerDNS(in4a, in4b))...))},
		{Data: greIn(fraggen.PPTP(7, 1, 1, fraggen.PPPFrame(innerTCP(in6a, in6b), true)), nil)},
		{Data: udpIn(2152, 2152, fraggen.GTPU(1, true, innerTCP(in6a, in6b)))},
		{Data: udpIn(40000, 3544, append(fraggen.TeredoAuth(3, 5), innerTCP(in6a, in6b)...))},
		{Data: udpIn(40000, 5072, append(fraggen.AYIYA(4), innerTCP(in4a, in4b)...))},
		{Data: udpIn(50000, 6635, append(fraggen.MPLSLabel(5, true), innerTCP(in4a, in4b)...))},
	}
	d := frame.NewDecoder()
	var f frame.Frame
	for i := range recs {
		recs[i].LinkType, recs[i].OrigLen = frame.LinkEthernet, len(recs[i].Data)
		d.Decode(&recs[i], i+1, &f)
		if i > 0 && (f.Tunnels != 1 || f.Transport == frame.TransportNone) {
			t.Fatalf("record %d: %d tunnels, transport %d", i, f.Tunnels, f.Transport)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		for i := range recs {
			d.Decode(&recs[i], i+1, &f)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per decode", allocs)
	}
}

func BenchmarkDecodeTunnel(b *testing.B) {
	recs := []capture.Record{
		{Data: fraggen.Ethernet(fraggen.GRE(outer4a, outer4b, fraggen.GREKey, 0x0800, innerTCP(in4a, in4b)))},
		{Data: fraggen.Ethernet(fraggen.VXLAN(outer4a, outer4b, 50000, 1, ether(0x0800, innerDNS(in4a, in4b))))},
	}
	for i := range recs {
		recs[i].LinkType, recs[i].OrigLen = frame.LinkEthernet, len(recs[i].Data)
	}
	d := frame.NewDecoder()
	var f frame.Frame
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d.Decode(&recs[i&1], i, &f)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}

// TestEncapCaptures keeps the committed encapsulation captures equal to
// what their generators build (go test -update rewrites them; then rerun
// the testdata/tshark scripts for them).
func TestEncapCaptures(t *testing.T) {
	checkGenerated(t, fraggen.EncapCapturePath, fraggen.EncapCapture())
	checkGenerated(t, fraggen.CHDLCCapturePath, fraggen.CHDLCCapture())
	checkGenerated(t, fraggen.PKTAPUserCapturePath, fraggen.PKTAPUserCapture())
	checkGenerated(t, fraggen.UserCapturePath, fraggen.UserCapture())
}
