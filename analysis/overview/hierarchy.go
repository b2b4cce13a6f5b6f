package overview

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strconv"

	"pcaplens/analysis/frame"
)

// The protocol hierarchy and the conversation tables read the layer path
// the frame decoder recorded (frame.Frame.Path): one decoder for every
// analysis, so a link type is decoded everywhere or nowhere. This file
// names each layer as Wireshark's protocol hierarchy statistics (tshark -z
// io,phs) name it, and adds what Wireshark identifies above the decoded
// layers: the application protocol by port (a function of the transport
// fields), the protocol of an IP payload that is not decoded, the
// EtherType that is not followed.

// maxNames bounds the names of one frame's hierarchy path: the decoder's
// layers plus a packet comment and an application protocol.
const maxNames = frame.MaxLayers + 2

// maxIPLayers bounds the IP headers of one frame fed to the IP tables (one
// per tunnel level and the outer one), as Wireshark's ip tap fires once per
// IP header it dissects.
const maxIPLayers = 1 + frame.MaxTunnels

// ipHdr is one IP header of a frame.
type ipHdr struct {
	src, dst netip.Addr
	v6       bool
}

// udpHdr is a UDP header that carried a tunnel (VXLAN, Geneve, GRE, MPLS,
// GTP-U, Teredo, AYIYA), over the IP header ips[ip].
type udpHdr struct {
	ip               int
	srcPort, dstPort uint16
}

// view is what the overview takes from one frame's layer path.
type view struct {
	// read resets what is not an array: a field added here is reset there.
	names [maxNames]string
	n     int

	ips    [maxIPLayers]ipHdr
	nip    int
	tunUDP [frame.MaxTunnels]udpHdr
	ntun   int
	// ipFrame is true when the frame holds an IP header.
	ipFrame bool
	// dnsError is true for a DNS response over UDP with RCODE != 0.
	dnsError bool
}

func (v *view) push(name string) {
	if v.n < maxNames && name != "" {
		v.names[v.n] = name
		v.n++
	}
}

// linkTypeLayer names the top layer of a link type the decoder does not read.
func linkTypeLayer(lt uint16) string {
	return "linktype-" + strconv.Itoa(int(lt))
}

// layerName is a layer's name in Wireshark's hierarchy, "" for a header
// Wireshark shows inside the one before (SNAP in LLC, IPv6 extension
// headers other than AH, NFLOG's pseudo-header).
func layerName(k frame.LayerKind) string {
	switch k {
	case frame.LayerSNAP, frame.LayerNFLog, frame.LayerIPv6HopByHop, frame.LayerIPv6Routing,
		frame.LayerIPv6Fragment, frame.LayerIPv6Destination, frame.LayerIPv6Extension:
		return ""
	case frame.LayerSLL2:
		return "sll"
	}
	return k.String()
}

// isIP reports whether a layer is an IP header or one of its extension headers.
func isIP(k frame.LayerKind) bool {
	switch k {
	case frame.LayerIPv4, frame.LayerIPv6, frame.LayerIPv6HopByHop, frame.LayerIPv6Routing,
		frame.LayerIPv6Fragment, frame.LayerIPv6Destination, frame.LayerAH, frame.LayerIPv6Extension:
		return true
	}
	return false
}

// read fills v from f's layer path.
func (v *view) read(f *frame.Frame) {
	// Only the counts and flags: the arrays are read up to their counts, and
	// clearing them (strings and addresses, with the collector's write
	// barriers) was a third of this function under WebAssembly.
	v.n, v.nip, v.ntun, v.ipFrame, v.dnsError = 0, 0, 0, false, false
	if len(f.Comments) > 0 {
		// Wireshark shows packet comments as a protocol before the link layer.
		v.push("pkt_comment")
	}
	if !f.LinkDecoded {
		if f.LinkType >= frame.LinkUser0 && f.LinkType < frame.LinkUser0+16 {
			// A user link type Wireshark 4.0 has no dissector for by
			// default: it shows the bytes as data.
			v.push("user_dlt")
			v.push("data")
			return
		}
		v.push(linkTypeLayer(f.LinkType))
		return
	}
	path := f.Path()
	// The innermost IP header: the one a fragment's fields describe.
	lastIP := -1
	for i, l := range path {
		if l.Kind == frame.LayerIPv4 || l.Kind == frame.LayerIPv6 {
			lastIP = i
		}
	}
	for i, l := range path {
		last := i == len(path)-1
		switch l.Kind {
		case frame.LayerPBB:
			if i > 0 && path[i-1].Kind == frame.LayerIEEE8021AD {
				// Wireshark's 802.1ad dissector shows the I-TAG after
				// a B-TAG inside its own tree.
				continue
			}
		case frame.LayerRadiotap:
			v.push("radiotap")
			v.push("wlan_radio")
			continue
		case frame.LayerIEEE80211:
			v.push("wlan")
			if b := f.LayerBytes(l); last && len(b) > 0 && (b[0]>>2)&3 == 0 {
				v.push("wlan.mgt")
			}
			continue
		case frame.LayerIPv4, frame.LayerIPv6:
			b := f.LayerBytes(l)
			h := ipHdr{v6: l.Kind == frame.LayerIPv6}
			if h.v6 && !v.ipFrame && f.Tunnels == 0 && f.EtherType == frame.EtherIPv4 {
				// An IPv6 header where IPv4 was announced: Wireshark's
				// IPv4 dissector hands it to IPv6.
				v.push("ip")
			}
			if h.v6 && b[0]>>4 != 6 {
				// A bad version: Wireshark shows the rest as data.
				v.push("ipv6")
				v.push("data")
				return
			}
			if h.v6 {
				h.src, h.dst = netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
			} else {
				h.src, h.dst = netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20]))
			}
			v.ipFrame = true
			// Wireshark's ipv6 tap skips a fragment it shows as data (it
			// taps the reassembled packet).
			skip := h.v6 && f.Fragment && !f.Reassembled && i == lastIP
			if !skip && v.nip < maxIPLayers {
				v.ips[v.nip] = h
				v.nip++
			}
		case frame.LayerUDP:
			if !last && v.ntun < len(v.tunUDP) && v.nip > 0 {
				// A UDP header that carried a tunnel counts in the UDP
				// tables, as Wireshark's udp tap fires once per UDP header.
				b := f.LayerBytes(l)
				v.tunUDP[v.ntun] = udpHdr{ip: v.nip - 1, srcPort: binary.BigEndian.Uint16(b[0:2]), dstPort: binary.BigEndian.Uint16(b[2:4])}
				v.ntun++
			}
		}
		v.push(layerName(l.Kind))
	}
	v.tail(f, path)
}

// tail names what Wireshark identifies above the last decoded layer.
func (v *view) tail(f *frame.Frame, path []frame.Layer) {
	last := frame.LayerNone
	if len(path) > 0 {
		last = path[len(path)-1].Kind
	}
	switch {
	case last == frame.LayerTCP:
		if len(f.Payload) > 0 {
			v.push(appName(f.SrcPort, f.DstPort, true))
		}
	case last == frame.LayerUDP:
		if len(f.Payload) == 0 {
			return
		}
		name := appName(f.SrcPort, f.DstPort, false)
		v.push(name)
		// DNS header (RFC 1035 section 4.1.1): QR is the top bit of byte
		// 2, RCODE the low four bits of byte 3.
		if p := f.Payload; name == "dns" && len(p) >= 4 && p[2]&0x80 != 0 && p[3]&0x0f != 0 {
			v.dnsError = true
		}
	case isIP(last):
		if f.Fragment && !f.Reassembled {
			// A fragment that does not complete its datagram: data, as
			// Wireshark shows it.
			v.push("data")
			return
		}
		if f.Transport == frame.TransportNone || f.Transport == frame.TransportOther {
			name := frame.IPProtocolAbbrev(uint8(f.Proto))
			if name == "data" && len(f.Payload) == 0 {
				return
			}
			v.push(name)
			if p := f.Payload; name == "gre" && len(p) >= 4 {
				// GRE the decoder does not follow: what its protocol
				// type names, as Wireshark does.
				v.push(greName(p))
			}
		}
	case f.Network == frame.NetOther && !isIP(last) && (f.EtherType == frame.EtherIPv4 || f.EtherType == frame.EtherIPv6):
		// An IP header that could not be decoded (cut short, a bad
		// header length): Wireshark names the protocol.
		if f.EtherType == frame.EtherIPv4 {
			v.push("ip")
		} else {
			v.push("ipv6")
		}
	case last == frame.LayerMACsec:
		// Encrypted or changed: Wireshark shows the secure data as data.
		if l := path[len(path)-1]; len(f.LayerBytes(l)) > int(l.Len) {
			v.push("data")
		}
	case last == frame.LayerERSPAN:
		// An ERSPAN type III frame that is not Ethernet (not a header
		// cut short).
		if l := path[len(path)-1]; len(f.LayerBytes(l)) > int(l.Len) {
			v.push("data")
		}
	case last == frame.LayerSNAP && !snapFollowed(f.LayerBytes(path[len(path)-1])):
		v.push(snapName(f.LayerBytes(path[len(path)-1])))
	case last == frame.LayerCHDLC && f.EtherType == frame.EtherSLARP:
		v.push("slarp")
	case last == frame.LayerCHDLC && f.EtherType == chdlcOSI:
		// OSI network layer; IS-IS by its NLPID (0x83), which may follow
		// a padding byte.
		if b := f.LayerBytes(path[len(path)-1]); len(b) > 5 && (b[4] == 0x83 || b[5] == 0x83) {
			v.push("isis")
		}
	case f.Network == frame.NetOther && f.EtherType > 1500 && (last == frame.LayerEthernet || last == frame.LayerVLAN || last == frame.LayerIEEE8021AD || last == frame.LayerPBB || last == frame.LayerVNTag || last == frame.LayerMACsec || last == frame.LayerSNAP || last == frame.LayerSLL || last == frame.LayerSLL2 || last == frame.LayerIPoIB || last == frame.LayerCHDLC):
		if name, ok := etherTypeNames[f.EtherType]; ok {
			v.push(name)
			return
		}
		v.push("ethertype")
		v.push("data")
	}
}

// chdlcOSI is Cisco HDLC's protocol value for the OSI network layer.
const chdlcOSI = 0xfefe

// greNames names protocols GRE carries that the decoder does not follow,
// as Wireshark names them.
var greNames = map[uint16]string{
	0x2000: "cdp", 0x2001: "nhrp", 0x8137: "ipx", 0x894f: "nsh",
}

// greName names what a GRE packet p (header first) the decoder does not
// follow carries: by its protocol type, and the OSI network layer (0x00FE)
// by its NLPID (IS-IS, 0x83), "" when Wireshark names nothing more.
func greName(p []byte) string {
	et := binary.BigEndian.Uint16(p[2:4])
	if et != greOSI {
		return greNames[et]
	}
	n := 4
	for _, bit := range []byte{0x80, 0x20, 0x10} { // checksum, key, sequence number
		if p[0]&bit != 0 {
			n += 4
		}
	}
	if len(p) > n && p[n] == 0x83 {
		return "isis"
	}
	return ""
}

// greOSI is GRE's protocol type for the OSI network layer.
const greOSI = 0x00fe

// snapFollowed reports whether the decoder follows what a SNAP header (its
// organization code and protocol ID, 5 bytes) announces: an EtherType
// under code 000000 or 0000F8.
func snapFollowed(b []byte) bool {
	return len(b) >= 5 && b[0] == 0 && b[1] == 0 && (b[2] == 0 || b[2] == 0xf8)
}

// snapNames names the protocols Wireshark finds under a SNAP organization
// code and protocol ID the decoder does not follow (Cisco's, Apple's).
var snapNames = map[uint64]string{
	0x00000c_2000: "cdp", 0x00000c_2003: "vtp", 0x00000c_2004: "dtp", 0x00000c_0111: "udld",
	0x00000c_010b: "stp", 0x080007_809b: "ddp", 0x080007_80f3: "aarp", 0x000081_01a1: "ndp", 0x000081_01a2: "ndp",
}

// snapName names what a SNAP header the decoder does not follow announces,
// "data" when Wireshark has no dissector for it.
func snapName(b []byte) string {
	if len(b) < 5 {
		return ""
	}
	k := uint64(b[0])<<32 | uint64(b[1])<<24 | uint64(b[2])<<16 | uint64(binary.BigEndian.Uint16(b[3:5]))
	if n, ok := snapNames[k]; ok {
		return n
	}
	return "data"
}

// etherTypeNames names EtherTypes the decoder does not follow, as
// Wireshark's protocol hierarchy does (not compared with tshark: see
// docs/reports.md).
var etherTypeNames = map[uint16]string{
	frame.EtherEAPOL:     "eapol",
	frame.EtherLLDP:      "lldp",
	frame.EtherPPPoEDisc: "pppoed",
	frame.EtherPTP:       "ptp",
	frame.EtherSlow:      "slow",
	frame.EtherLoopback:  "loop",
	frame.EtherIEEE1905:  "ieee1905",
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
	3544: "teredo", 5072: "ayiya", 2152: "gtp", 4754: "gre", 6635: "mpls",
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

// appPorts indexes the port tables by port (a table's name index + 1; 0:
// none), for appName: two lookups a frame in a map of uint16 were, under
// WebAssembly, a sixth of the overview's protocol hierarchy.
var appPorts = func() (idx [2][65536]uint8) {
	for i, apps := range []map[uint16]string{udpApps, tcpApps} {
		names := appNames[i][:0]
		for port, name := range apps {
			n := slices.Index(names, name)
			if n < 0 {
				n = len(names)
				names = append(names, name)
			}
			idx[i][port] = uint8(n + 1)
		}
		appNames[i] = names
	}
	return idx
}()

// appNames are the names appPorts indexes (UDP's, TCP's).
var appNames [2][]string

// appName names a transport payload by its ports, or "data".
func appName(src, dst uint16, tcp bool) string {
	lo, hi := src, dst
	if lo > hi {
		lo, hi = hi, lo
	}
	i := 0
	if tcp {
		i = 1
	}
	if n := appPorts[i][lo]; n != 0 {
		return appNames[i][n-1]
	}
	if n := appPorts[i][hi]; n != 0 {
		return appNames[i][n-1]
	}
	return "data"
}

// agreeing lists the hierarchy names whose figures agree with tshark's (on
// the testdata captures) when every layer above them is comparable too. TCP
// application protocols are not in it: Wireshark counts a TCP PDU in the frame
// that completes its reassembly, pcaplens counts every segment with payload.
var agreeing = map[string]bool{
	"pkt_comment": true,
	"eth":         true, "null": true, "loop": true, "raw": true, "sll": true, "ppp": true, "ipnet": true, "arcnet": true,
	"vlan": true, "llc": true, "stp": true, "arp": true,
	"ip": true, "ipv6": true, "tcp": true, "udp": true, "icmp": true, "icmpv6": true,
	// Tunnels and tags the walker follows as Wireshark does (what they
	// carry is named as outside a tunnel).
	"gre": true, "erspan": true, "ieee8021ad": true, "ieee8021ah": true, "vntag": true,
	"chdlc": true, "slarp": true, "user_dlt": true, "pktap": true,
	"mpls": true, "cdp": true, "ddp": true, "dtp": true, "vtp": true, "udld": true, "ndp": true,
	"nhrp": true, "isis": true, "cmd": true, "macsec": true, "pim": true,
}

// udpComparable lists the applications over UDP whose counts agree with
// tshark's: identified by port, one datagram each.
var udpComparable = map[string]bool{
	"dns": true, "mdns": true, "llmnr": true, "dhcp": true, "dhcpv6": true, "ntp": true,
	"nbns": true, "snmp": true, "syslog": true, "ssdp": true, "sip": true, "rip": true,
	"vxlan": true, "geneve": true, "gre": true, "gtp": true, "teredo": true, "ayiya": true, "mpls": true,
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
		// The payload of an IP fragment that does not complete its
		// datagram, of a user link type, of ERSPAN not carrying Ethernet, of
		// encrypted MACsec.
		return parent == "ip" || parent == "ipv6" || parent == "user_dlt" || parent == "erspan" || parent == "macsec"
	}
	return agreeing[name]
}
