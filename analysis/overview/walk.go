package overview

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// maxLayers bounds the protocol path of one frame (link, VLANs, IP, tunnels,
// transport, application).
const maxLayers = 16

// maxTunnels bounds the tunnels followed in one frame (IP-in-IP, GRE, VXLAN,
// Geneve), as frame.MaxTunnels does in the shared decoder.
const maxTunnels = 4

// maxIPLayers is how many IP headers of one frame (outer first, then one
// per tunnel) feed the IP conversation tables, as Wireshark's ip tap fires
// once per IP header it dissects.
const maxIPLayers = 1 + maxTunnels

// Transport kinds of a walked frame.
const (
	tpNone = iota
	tpTCP
	tpUDP
)

// ipHdr is one IP header of a frame.
type ipHdr struct {
	src, dst netip.Addr
	v6       bool
}

// udpHdr is a UDP header that carried a tunnel, over the IP header ips[ip].
type udpHdr struct {
	ip               int
	srcPort, dstPort uint16
}

// walk is what one pass over a frame's bytes found. The walker decodes only
// what the overview needs and names each layer as Wireshark's protocol
// hierarchy statistics (tshark -z io,phs) name it.
type walk struct {
	layers [maxLayers]string
	n      int
	// linkKnown is false when the link type is not one the walker reads.
	linkKnown bool
	// broadcast is true for an Ethernet destination of ff:ff:ff:ff:ff:ff.
	broadcast bool

	ips [maxIPLayers]ipHdr
	nip int
	// tunnels counts the tunnels followed; tunUDP holds the UDP headers
	// that carried one (VXLAN, Geneve), which count in the UDP tables as
	// Wireshark's udp tap fires once per UDP header.
	tunnels int
	tunUDP  [maxTunnels]udpHdr
	ntun    int
	// ipFrame is true when the frame holds an IP header; fragment when the
	// (outer) IP packet is a fragment.
	ipFrame  bool
	fragment bool

	transport        int
	srcPort, dstPort uint16
	tcpFlags         uint8
	tcpSeq           uint32
	// dnsError is true for a DNS response over UDP with RCODE != 0.
	dnsError bool

	// datagram is the reassembled payload of the outermost IP header when
	// this frame completes a fragmented datagram (frame.Frame.Datagram).
	datagram []byte
}

func (w *walk) push(name string) {
	if w.n < maxLayers {
		w.layers[w.n] = name
		w.n++
	}
}

// LINKTYPE_ values the walker reads.
const (
	ltNull        = 0
	ltEthernet    = 1
	ltPPP         = 9
	ltRaw12       = 12
	ltRaw14       = 14
	ltLoop        = 108
	ltRaw         = 101
	ltSLL         = 113
	ltIPv4        = 228
	ltIPv6        = 229
	ltSLL2        = 276
	ltIPNet       = 226
	ltARCNet      = 7
	ltARCNetLinux = 129
)

// arcnet reads an ARCNET header: source, destination (and a 2-byte offset
// on Linux), protocol ID; RFC 1201 protocols add a split flag and a sequence
// number. at is the protocol ID's offset.
func (w *walk) arcnet(b []byte, at int) {
	w.push("arcnet")
	if len(b) <= at {
		return
	}
	p, hdr := b[at], at+1
	switch p {
	case 0xd4, 0xd5, 0xd6, 0xdd, 0xcd, 0xfa: // RFC 1201 protocol IDs
		if len(b) <= hdr {
			return
		}
		split := b[hdr]
		hdr += 3
		if split == 0xff { // exception packet
			hdr += 4
		}
	}
	if len(b) < hdr {
		return
	}
	switch p {
	case 0xf0, 0xd4: // IP (RFC 1051, RFC 1201)
		w.ipv4(b[hdr:])
	case 0xf1, 0xd5: // ARP
		w.push("arp")
	}
}

// EtherTypes.
const (
	etIPv4  = 0x0800
	etARP   = 0x0806
	etRARP  = 0x8035
	etVLAN  = 0x8100
	etQinQ  = 0x88a8
	etQinQ9 = 0x9100
	etIPv6  = 0x86dd
)

// etherTypeNames names EtherTypes the walker does not follow, as Wireshark's
// protocol hierarchy does (not compared with tshark: see docs/reports.md).
var etherTypeNames = map[uint16]string{
	0x8847: "mpls",
	0x8848: "mpls",
	0x888e: "eapol",
	0x88cc: "lldp",
	0x8863: "pppoed",
	0x8864: "pppoes",
	0x88f7: "ptp",
	0x8809: "slow",
	0x9000: "loop",
	0x88e5: "macsec",
	0x893a: "ieee1905",
}

// walkFrame fills w from a frame's bytes; it never panics on short input.
// datagram is the frame's reassembled datagram (frame.Frame.Datagram) when
// the frame completes one, or nil.
func (w *walk) walkFrame(linkType uint16, b []byte, comment bool, datagram []byte) {
	*w = walk{}
	w.linkKnown = true
	w.datagram = datagram
	if comment {
		// Wireshark shows packet comments as a protocol before the link layer.
		w.push("pkt_comment")
	}
	switch linkType {
	case ltEthernet:
		w.push("eth")
		if len(b) < 14 {
			return
		}
		w.broadcast = b[0]&b[1]&b[2]&b[3]&b[4]&b[5] == 0xff
		w.ether(binary.BigEndian.Uint16(b[12:14]), b[14:], 0)
	case ltNull, ltLoop:
		if linkType == ltNull {
			w.push("null")
		} else {
			w.push("loop")
		}
		if len(b) < 4 {
			return
		}
		// The family is in host order for NULL, network order for LOOP;
		// accept either, as Wireshark does.
		fam := binary.LittleEndian.Uint32(b[:4])
		if fam > 0xffff {
			fam = binary.BigEndian.Uint32(b[:4])
		}
		switch fam {
		case 2:
			w.ipv4(b[4:])
		case 10, 24, 28, 30:
			w.ipv6(b[4:])
		default:
			w.push("data")
		}
	case ltRaw, ltRaw12, ltRaw14:
		w.push("raw")
		w.rawIP(b)
	case ltIPv4:
		w.ipv4(b)
	case ltIPv6:
		w.ipv6(b)
	case ltSLL:
		w.push("sll")
		if len(b) < 16 {
			return
		}
		w.sllProto(binary.BigEndian.Uint16(b[14:16]), b[16:])
	case ltSLL2:
		w.push("sll")
		if len(b) < 20 {
			return
		}
		w.sllProto(binary.BigEndian.Uint16(b[0:2]), b[20:])
	case ltPPP:
		w.push("ppp")
		if len(b) >= 2 && b[0] == 0xff && b[1] == 0x03 {
			b = b[2:]
		}
		if len(b) < 2 {
			return
		}
		switch binary.BigEndian.Uint16(b[:2]) {
		case 0x0021:
			w.ipv4(b[2:])
		case 0x0057:
			w.ipv6(b[2:])
		}
	case ltIPNet:
		// Solaris ipnet header (24 bytes): version, family, …
		w.push("ipnet")
		if len(b) < 24 {
			return
		}
		switch b[1] {
		case 2:
			w.ipv4(b[24:])
		case 26:
			w.ipv6(b[24:])
		}
	case ltARCNet:
		w.arcnet(b, 2)
	case ltARCNetLinux:
		w.arcnet(b, 4)
	default:
		w.linkKnown = false
		w.push(linkTypeLayer(linkType))
	}
}

// linkTypeLayer names the top layer of a link type the walker does not read.
func linkTypeLayer(lt uint16) string {
	switch lt {
	case 105:
		return "wlan"
	case 127:
		return "radiotap"
	case 7:
		return "arcnet"
	}
	return "linktype-" + strconv.Itoa(int(lt))
}

func (w *walk) rawIP(b []byte) {
	if len(b) == 0 {
		return
	}
	switch b[0] >> 4 {
	case 4:
		w.ipv4(b)
	case 6:
		w.ipv6(b)
	}
}

func (w *walk) sllProto(proto uint16, b []byte) {
	switch proto {
	case 0x0004, 0x0001: // 802.2 LLC, 802.3 (Novell)
		w.llc(b)
	default:
		w.etherPayload(proto, b)
	}
}

// ether reads what follows an Ethernet type/length field (depth counts VLAN tags).
func (w *walk) ether(et uint16, b []byte, depth int) {
	if et <= 1500 { // IEEE 802.3 length: an LLC header follows.
		if int(et) < len(b) {
			b = b[:et]
		}
		w.llc(b)
		return
	}
	switch et {
	case etVLAN, etQinQ, etQinQ9:
		w.push("vlan")
		if len(b) < 4 || depth >= 4 {
			return
		}
		w.ether(binary.BigEndian.Uint16(b[2:4]), b[4:], depth+1)
		return
	}
	w.etherPayload(et, b)
}

func (w *walk) etherPayload(et uint16, b []byte) {
	switch et {
	case etIPv4:
		w.ipv4(b)
	case etIPv6:
		w.ipv6(b)
	case etARP, etRARP:
		w.push("arp")
	default:
		if name, ok := etherTypeNames[et]; ok {
			w.push(name)
			return
		}
		w.push("ethertype")
		if len(b) > 0 {
			w.push("data")
		}
	}
}

// llc reads an IEEE 802.2 LLC header.
func (w *walk) llc(b []byte) {
	w.push("llc")
	if len(b) < 3 {
		return
	}
	switch {
	case b[0] == 0x42 && b[1] == 0x42:
		w.push("stp")
	case b[0] == 0xe0 && b[1] == 0xe0:
		w.push("ipx")
	case b[0] == 0xfe && b[1] == 0xfe:
		w.push("osi")
	}
}

// IPv4 header fields (RFC 791 section 3.1).
const (
	ipv4MinLen  = 20
	ipv4TotLen  = 2
	ipv4Frag    = 6
	ipv4Proto   = 9
	ipv4Src     = 12
	ipv4Dst     = 16
	ipv4FlagMF  = 0x2000
	ipv4OffMask = 0x1fff
)

func (w *walk) ipv4(b []byte) {
	w.push("ip")
	if len(b) > 0 && b[0]>>4 == 6 {
		// Wireshark's IP dissector hands a version 6 header to IPv6.
		w.ipv6(b)
		return
	}
	if len(b) < ipv4MinLen || b[0]>>4 != 4 {
		return
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < ipv4MinLen || ihl > len(b) {
		return
	}
	first := !w.ipFrame
	w.ipFrame = true
	if w.nip < maxIPLayers {
		w.ips[w.nip] = ipHdr{
			src: netip.AddrFrom4([4]byte(b[ipv4Src : ipv4Src+4])),
			dst: netip.AddrFrom4([4]byte(b[ipv4Dst : ipv4Dst+4])),
		}
		w.nip++
	}
	// Trim to the total length (Ethernet padding), never extend.
	tl := int(binary.BigEndian.Uint16(b[ipv4TotLen:]))
	whole := tl <= len(b)
	if tl >= ihl && tl < len(b) {
		b = b[:tl]
	}
	frag := binary.BigEndian.Uint16(b[ipv4Frag:])
	proto := b[ipv4Proto]
	payload := b[ihl:]
	if frag&(ipv4FlagMF|ipv4OffMask) != 0 {
		if first {
			w.fragment = true
		}
		// Wireshark reassembles only fragments captured whole; a first
		// fragment that is cut short is dissected as if unfragmented.
		if whole {
			if first && w.datagram != nil {
				// The frame that completes the datagram carries all of it.
				d := w.datagram
				w.datagram = nil
				w.ipPayload(proto, d, false)
				return
			}
			w.fragmentPayload(!first && frag&ipv4FlagMF == 0, proto, false)
			return
		}
		if frag&ipv4OffMask != 0 {
			w.push("data")
			return
		}
	}
	w.ipPayload(proto, payload, false)
}

// fragmentPayload names the payload of a fragment that the frame does not
// complete: "data", as Wireshark shows a fragment. The frame decoder
// reassembles the outermost IP only (it follows tunnels in the reassembled
// datagram, and so does the walker); a fragment inside a tunnel (inner)
// that is the last one is named by its protocol, where Wireshark would show
// the reassembled packet, without reading it.
func (w *walk) fragmentPayload(inner bool, proto uint8, v6 bool) {
	if !inner {
		w.push("data")
		return
	}
	w.push(ipProtoName(proto, v6))
}

// IPv6 header fields (RFC 8200 section 3).
const (
	ipv6HdrLen  = 40
	ipv6PayLen  = 4
	ipv6NextHdr = 6
	ipv6Src     = 8
	ipv6Dst     = 24
)

func (w *walk) ipv6(b []byte) {
	w.push("ipv6")
	if len(b) > 0 && b[0]>>4 != 6 {
		// A bad version: Wireshark shows the rest as data.
		w.push("data")
		return
	}
	if len(b) < ipv6HdrLen {
		return
	}
	first := !w.ipFrame
	w.ipFrame = true
	// Wireshark's ipv6 tap skips the fragments it shows as data (it taps
	// the reassembled packet), so the header is kept only after the
	// extension headers are read.
	hdr := ipHdr{
		src: netip.AddrFrom16([16]byte(b[ipv6Src : ipv6Src+16])),
		dst: netip.AddrFrom16([16]byte(b[ipv6Dst : ipv6Dst+16])),
		v6:  true,
	}
	keep := func() {
		if w.nip < maxIPLayers {
			w.ips[w.nip] = hdr
			w.nip++
		}
	}
	pl := int(binary.BigEndian.Uint16(b[ipv6PayLen:]))
	whole := ipv6HdrLen+pl <= len(b)
	if pl > 0 && ipv6HdrLen+pl < len(b) {
		b = b[:ipv6HdrLen+pl]
	}
	next := b[ipv6NextHdr]
	b = b[ipv6HdrLen:]
	// Extension headers (RFC 8200 section 4) are not layers of their own in
	// Wireshark's hierarchy; skip them, at most 8.
	for i := 0; i < 8; i++ {
		switch next {
		case 0, 43, 60: // hop-by-hop, routing, destination options
			if len(b) < 8 {
				keep()
				return
			}
			l := (int(b[1]) + 1) * 8
			if l > len(b) {
				keep()
				return
			}
			next, b = b[0], b[l:]
			continue
		case 44: // fragment (RFC 8200 section 4.5)
			if len(b) < 8 {
				return
			}
			off := binary.BigEndian.Uint16(b[2:4])
			if off&0xfff9 != 0 { // offset or M flag
				if first {
					w.fragment = true
				}
				if first && whole && w.datagram != nil {
					// The frame that completes the datagram: the headers
					// after the fragment header, then the payload.
					next, b = b[0], w.datagram
					w.datagram = nil
					continue
				}
				// Wireshark shows any other fragment as data (one captured
				// short too, even the first).
				inner := !first && whole && off&1 == 0
				if inner {
					keep()
				}
				w.fragmentPayload(inner, b[0], true)
				return
			}
			// An atomic fragment (RFC 6946): the packet is whole.
			next, b = b[0], b[8:]
			continue
		case 51: // AH (RFC 4302): Wireshark shows it as "ah" and goes on.
			w.push("ah")
			if len(b) < 8 {
				keep()
				return
			}
			l := (int(b[1]) + 2) * 4
			if l > len(b) {
				keep()
				return
			}
			next, b = b[0], b[l:]
			continue
		}
		break
	}
	keep()
	w.ipPayload(next, b, true)
}

// ipProtoName names an IP payload protocol as Wireshark's hierarchy does.
func ipProtoName(p uint8, v6 bool) string {
	switch p {
	case 1:
		return "icmp"
	case 2:
		return "igmp"
	case 4:
		return "ip"
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 41:
		return "ipv6"
	case 47:
		return "gre"
	case 50:
		return "esp"
	case 51:
		return "ah"
	case 58:
		return "icmpv6"
	case 89:
		return "ospf"
	case 103:
		return "pim"
	case 112:
		return "vrrp"
	case 132:
		return "sctp"
	case 3:
		return "ggp"
	case 8:
		return "egp"
	case 9:
		return "igrp"
	case 33:
		return "dccp"
	case 46:
		return "rsvp"
	case 88:
		return "eigrp"
	case 97:
		return "etherip"
	case 108:
		return "ipcomp"
	case 113:
		return "pgm"
	case 115:
		return "l2tp"
	case 137:
		return "mpls"
	case 59:
		return "" // no next header
	}
	return "data"
}

func (w *walk) ipPayload(proto uint8, b []byte, v6 bool) {
	switch proto {
	case 6:
		w.tcp(b)
	case 17:
		w.udp(b)
	case 4, 41:
		// IP in IP: Wireshark dissects the inner header too. Bound the
		// recursion by the tunnels followed and the path length.
		if w.tunnels >= maxTunnels || w.n >= maxLayers-2 {
			w.push(ipProtoName(proto, v6))
			return
		}
		w.tunnels++
		if proto == 4 {
			w.ipv4(b)
		} else {
			w.ipv6(b)
		}
	case 47:
		w.push("gre")
		w.gre(b)
	default:
		if name := ipProtoName(proto, v6); name != "" {
			if name == "data" && len(b) == 0 {
				return
			}
			w.push(name)
		}
	}
}

// gre reads a GRE header (RFC 2784, RFC 2890) and what it carries: IPv4,
// IPv6 or Ethernet (transparent Ethernet bridging) for version 0, as the
// shared decoder follows; anything else is left as "gre" alone (Wireshark
// names PPTP's PPP, Cisco metadata, ERSPAN…: not compared).
func (w *walk) gre(b []byte) {
	if len(b) < 4 || w.tunnels >= maxTunnels {
		return
	}
	flags := binary.BigEndian.Uint16(b[0:2])
	if flags&0x4007 != 0 { // routing present, or a version other than 0
		return
	}
	n := 4
	for _, bit := range [...]uint16{0x8000, 0x2000, 0x1000} { // checksum, key, sequence
		if flags&bit != 0 {
			n += 4
		}
	}
	if len(b) < n {
		return
	}
	w.tunnelPayload(binary.BigEndian.Uint16(b[2:4]), b[n:])
}

// tunnelPayload reads what a GRE or Geneve header carries, by its protocol type.
func (w *walk) tunnelPayload(et uint16, b []byte) {
	switch et {
	case etIPv4:
		w.tunnels++
		w.ipv4(b)
	case etIPv6:
		w.tunnels++
		w.ipv6(b)
	case 0x6558: // transparent Ethernet bridging
		w.tunnels++
		w.innerEthernet(b)
	default:
		if len(b) > 0 {
			w.push("data")
		}
	}
}

// innerEthernet reads an Ethernet frame inside a tunnel.
func (w *walk) innerEthernet(b []byte) {
	w.push("eth")
	if len(b) < 14 {
		return
	}
	w.ether(binary.BigEndian.Uint16(b[12:14]), b[14:], 0)
}

// vxlan reads VXLAN's 8-byte header (RFC 7348) and the Ethernet frame after it.
func (w *walk) vxlan(b []byte) {
	if len(b) < 8 {
		return
	}
	w.tunnels++
	w.innerEthernet(b[8:])
}

// geneve reads a Geneve header (RFC 8926): version and options length in
// 4-byte words, flags, protocol type, VNI; then what the protocol type says.
func (w *walk) geneve(b []byte) {
	if len(b) < 8 || b[0]>>6 != 0 {
		return
	}
	n := 8 + int(b[0]&0x3f)*4
	if len(b) < n {
		return
	}
	w.tunnelPayload(binary.BigEndian.Uint16(b[2:4]), b[n:])
}

// TCP flags.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
)

func (w *walk) tcp(b []byte) {
	w.push("tcp")
	if len(b) < 20 {
		return
	}
	off := int(b[12]>>4) * 4
	if off < 20 || off > len(b) {
		return
	}
	w.transport = tpTCP
	w.srcPort = binary.BigEndian.Uint16(b[0:2])
	w.dstPort = binary.BigEndian.Uint16(b[2:4])
	w.tcpFlags = b[13]
	w.tcpSeq = binary.BigEndian.Uint32(b[4:8])
	if len(b) > off {
		w.push(appName(w.srcPort, w.dstPort, true))
	}
}

func (w *walk) udp(b []byte) {
	w.push("udp")
	if len(b) < 8 {
		return
	}
	w.transport = tpUDP
	w.srcPort = binary.BigEndian.Uint16(b[0:2])
	w.dstPort = binary.BigEndian.Uint16(b[2:4])
	if ul := int(binary.BigEndian.Uint16(b[4:6])); ul >= 8 && ul < len(b) {
		b = b[:ul]
	}
	payload := b[8:]
	if len(payload) == 0 {
		return
	}
	name := appName(w.srcPort, w.dstPort, false)
	w.push(name)
	if (name == "vxlan" || name == "geneve") && w.tunnels < maxTunnels && w.ntun < len(w.tunUDP) && w.nip > 0 {
		// The UDP header counts in the UDP tables; the transport fields
		// become the tunnelled packet's.
		w.tunUDP[w.ntun] = udpHdr{ip: w.nip - 1, srcPort: w.srcPort, dstPort: w.dstPort}
		w.ntun++
		w.transport, w.srcPort, w.dstPort = tpNone, 0, 0
		if name == "vxlan" {
			w.vxlan(payload)
		} else {
			w.geneve(payload)
		}
		return
	}
	// DNS header (RFC 1035 section 4.1.1): QR is the top bit of byte 2,
	// RCODE the low four bits of byte 3.
	if name == "dns" && len(payload) >= 4 && payload[2]&0x80 != 0 && payload[3]&0x0f != 0 {
		w.dnsError = true
	}
}

// Port tables: the application protocols Wireshark registers on well-known
// ports. Wireshark tries the lower port first, then the higher one.
var udpApps = map[uint16]string{
	53: "dns", 5353: "mdns", 5355: "llmnr",
	67: "dhcp", 68: "dhcp",
	546: "dhcpv6", 547: "dhcpv6",
	69:  "tftp",
	123: "ntp",
	137: "nbns", 138: "nbdgm",
	161: "snmp", 162: "snmp",
	514:  "syslog",
	520:  "rip",
	1900: "ssdp",
	5060: "sip",
	500:  "isakmp", 4500: "isakmp",
	1812: "radius", 1813: "radius",
	3544: "teredo",
	4789: "vxlan",
	6081: "geneve",
	3478: "stun",
}

var tcpApps = map[uint16]string{
	80: "http", 8080: "http",
	443: "tls", 993: "tls", 995: "tls", 465: "tls", 8443: "tls",
	53: "dns",
	25: "smtp", 587: "smtp",
	21: "ftp", 20: "ftp-data",
	22:   "ssh",
	23:   "telnet",
	110:  "pop",
	143:  "imap",
	139:  "nbss",
	445:  "nbss",
	179:  "bgp",
	389:  "ldap",
	88:   "kerberos",
	3389: "tpkt",
	5060: "sip",
	1433: "tds",
	3306: "mysql",
	5432: "pgsql",
	6379: "resp",
}

// appName names a transport payload by its ports, or "data".
func appName(src, dst uint16, tcp bool) string {
	lo, hi := src, dst
	if lo > hi {
		lo, hi = hi, lo
	}
	apps := udpApps
	if tcp {
		apps = tcpApps
	}
	if n, ok := apps[lo]; ok {
		return n
	}
	if n, ok := apps[hi]; ok {
		return n
	}
	return "data"
}

// comparable lists the hierarchy names whose figures agree with tshark's (on
// the testdata captures) when every layer above them is comparable too. TCP
// application protocols are not in it: Wireshark counts a TCP PDU in the frame
// that completes its reassembly, pcaplens counts every segment with payload.
var comparable = map[string]bool{
	"pkt_comment": true,
	"eth":         true, "null": true, "loop": true, "raw": true, "sll": true, "ppp": true, "ipnet": true, "arcnet": true,
	"vlan": true, "llc": true, "stp": true, "arp": true,
	"ip": true, "ipv6": true, "tcp": true, "udp": true, "icmp": true, "icmpv6": true,
	// Tunnels the walker follows as Wireshark does (what they carry is
	// named as outside a tunnel).
	"gre": true,
}

// udpComparable lists the applications over UDP whose counts agree with
// tshark's: identified by port, one datagram each.
var udpComparable = map[string]bool{
	"dns": true, "mdns": true, "llmnr": true, "dhcp": true, "dhcpv6": true, "ntp": true,
	"nbns": true, "snmp": true, "syslog": true, "ssdp": true, "sip": true, "rip": true,
	"vxlan": true, "geneve": true,
}

// isComparable reports whether a hierarchy node named name under parent is
// meant to agree with tshark (given that its parent does).
func isComparable(parent, name string) bool {
	switch {
	case parent == "udp":
		return udpComparable[name]
	case parent == "tcp":
		return false
	case name == "data":
		// The payload of an IP fragment that does not complete its datagram.
		return parent == "ip" || parent == "ipv6"
	}
	return comparable[name]
}
