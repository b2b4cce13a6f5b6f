package frame

// The layer path: every header the decoder read in one frame, outermost
// first, as gopacket's DecodingLayerParser lists the layers it decoded. It
// is held in a fixed array in the Frame (no allocation per packet); a frame
// with more headers than MaxLayers keeps the first MaxLayers and sets
// Frame.LayersCut.

// LayerKind names one kind of header in a frame's layer path.
type LayerKind uint8

// Layer kinds. Link layers first, then what a link layer carries (tags,
// LLC), network, extension headers, tunnels and transport.
const (
	LayerNone LayerKind = iota

	// Link layers (one per link type; a PKTAP header is followed by the
	// link layer it names).
	LayerEthernet  // Ethernet II or IEEE 802.3 MAC header
	LayerNull      // BSD loopback, host byte order (LINKTYPE_NULL)
	LayerLoop      // OpenBSD loopback, network byte order (LINKTYPE_LOOP)
	LayerRaw       // raw IP: no header of its own (length 0)
	LayerSLL       // Linux cooked capture v1
	LayerSLL2      // Linux cooked capture v2
	LayerPPP       // PPP (address, control and protocol fields)
	LayerRadiotap  // radiotap pseudo-header
	LayerIEEE80211 // IEEE 802.11 MAC header
	LayerARCNet    // ARCNET header
	LayerIPNet     // Solaris IPNET pseudo-header
	LayerNFLog     // Linux NFLOG header and TLVs up to the packet
	LayerIPoIB     // IP over InfiniBand pseudo-header
	LayerPKTAP     // Apple PKTAP pseudo-header
	LayerCHDLC     // Cisco HDLC header (address, control, protocol)
	LayerUserDLT   // LINKTYPE_USER2 (149), length 0: Wireshark's user link type table hands it to PKTAP

	// What a link layer carries before the network layer.
	LayerVLAN       // IEEE 802.1Q tag (and the pre-standard 0x9100 QinQ tag)
	LayerIEEE8021AD // IEEE 802.1ad service tag (EtherType 0x88A8)
	LayerPBB        // IEEE 802.1ah backbone service instance tag, customer MACs and EtherType
	LayerVNTag      // Cisco VN-Tag (EtherType 0x8926)
	LayerMACsec     // IEEE 802.1AE SecTAG (EtherType 0x88E5), with the EtherType after it when not encrypted
	LayerMPLS       // one MPLS label stack entry
	LayerPPPoE      // PPPoE session header (followed by LayerPPP for the PPP protocol)
	LayerLLC        // IEEE 802.2 LLC header
	LayerSNAP       // SNAP header after LLC AA-AA-03
	LayerSTP        // spanning tree BPDU (LLC SAP 0x42)
	LayerIPX        // IPX (LLC SAP 0xE0), not decoded further
	LayerOSI        // OSI network layer (LLC SAP 0xFE), not decoded further

	LayerARP // ARP or RARP

	// Network layer and IPv6 extension headers.
	LayerIPv4
	LayerIPv6
	LayerIPv6HopByHop
	LayerIPv6Routing
	LayerIPv6Fragment
	LayerIPv6Destination
	LayerAH            // IP authentication header (RFC 4302), in IPv4 or IPv6
	LayerIPv6Extension // another IPv6 extension header (mobility, HIP, shim6)

	// Tunnels (what they carry follows: IPv4, IPv6, Ethernet, PPP, 802.11).
	LayerGRE    // GRE version 0 or 1 (enhanced GRE, PPTP)
	LayerVXLAN  // VXLAN (UDP 4789)
	LayerGeneve // Geneve (UDP 6081)
	LayerERSPAN // ERSPAN type II or III header (type I has none: GRE then Ethernet)
	LayerGTP    // GTPv1-U header with its extension headers (UDP 2152)
	LayerTeredo // Teredo indications before IPv6 (UDP 3544); length 0 without any
	LayerAYIYA  // AYIYA header (UDP 5072)
	LayerCMD    // Cisco MetaData header (in GRE, 0x8909)
	LayerPIM    // PIM version 2 Register header before the packet it carries (IP protocol 103)

	// Transport.
	LayerTCP
	LayerUDP
	LayerICMPv4
	LayerICMPv6

	nLayerKinds
)

var layerNames = [nLayerKinds]string{
	LayerNone: "none", LayerEthernet: "eth", LayerNull: "null", LayerLoop: "loop", LayerRaw: "raw",
	LayerSLL: "sll", LayerSLL2: "sll2", LayerPPP: "ppp", LayerRadiotap: "radiotap", LayerIEEE80211: "wlan",
	LayerARCNet: "arcnet", LayerIPNet: "ipnet", LayerNFLog: "nflog", LayerIPoIB: "ipoib", LayerPKTAP: "pktap",
	LayerCHDLC: "chdlc", LayerUserDLT: "user_dlt",
	LayerVLAN: "vlan", LayerIEEE8021AD: "ieee8021ad", LayerPBB: "ieee8021ah", LayerVNTag: "vntag", LayerMACsec: "macsec", LayerMPLS: "mpls", LayerPPPoE: "pppoes", LayerLLC: "llc", LayerSNAP: "snap",
	LayerSTP: "stp", LayerIPX: "ipx", LayerOSI: "osi", LayerARP: "arp",
	LayerIPv4: "ip", LayerIPv6: "ipv6", LayerIPv6HopByHop: "ipv6.hopopts", LayerIPv6Routing: "ipv6.routing",
	LayerIPv6Fragment: "ipv6.fraghdr", LayerIPv6Destination: "ipv6.dstopts", LayerAH: "ah",
	LayerIPv6Extension: "ipv6.ext", LayerGRE: "gre", LayerVXLAN: "vxlan", LayerGeneve: "geneve",
	LayerERSPAN: "erspan", LayerGTP: "gtp", LayerTeredo: "teredo", LayerAYIYA: "ayiya", LayerCMD: "cmd", LayerPIM: "pim",
	LayerTCP: "tcp", LayerUDP: "udp", LayerICMPv4: "icmp", LayerICMPv6: "icmpv6",
}

// String names the kind as Wireshark names the protocol or field ("eth",
// "ip", "ipv6.fraghdr", "tcp").
func (k LayerKind) String() string {
	if k < nLayerKinds {
		return layerNames[k]
	}
	return "unknown"
}

// MaxLayers bounds the layer path of one frame.
const MaxLayers = 24

// Layer is one header of a frame's layer path: its kind, and where its
// header lies. Off and Len are a byte range of Frame.Data, or of
// Frame.Datagram when InDatagram is set (the layers a frame completing a
// fragmented datagram decoded in the reassembled payload). Len covers the
// header only (0 for LayerRaw); what follows it is the next layer.
type Layer struct {
	Kind       LayerKind
	InDatagram bool
	Off, Len   int32
}

// Path returns the frame's layer path, outermost first. The slice points
// into f: it is valid until the frame is decoded again.
func (f *Frame) Path() []Layer { return f.Layers[:f.NLayers] }

// LayerBytes returns the bytes of layer l from its header on (the header and
// everything captured after it, in the buffer it was decoded from), or nil
// when they are not there.
func (f *Frame) LayerBytes(l Layer) []byte {
	b := f.Data
	if l.InDatagram {
		b = f.Datagram
	}
	if l.Off < 0 || int(l.Off) > len(b) {
		return nil
	}
	return b[l.Off:]
}

// push appends a layer whose header starts at the beginning of data, a
// slice of the buffer being decoded (Frame.Data, or Frame.Datagram during
// reassembly).
func (d *Decoder) push(f *Frame, kind LayerKind, data []byte, hlen int) {
	if f.NLayers >= MaxLayers {
		f.LayersCut = true
		return
	}
	f.Layers[f.NLayers] = Layer{Kind: kind, InDatagram: d.inDatagram, Off: int32(cap(d.base) - cap(data)), Len: int32(hlen)}
	f.NLayers++
}

// CarrierUDPDstPort returns the destination port of the UDP header that
// carries the frame's innermost IP packet (a UDP tunnel's: Teredo, GTP-U,
// VXLAN...), and false when no UDP header does. It is the port Wireshark's
// dissectors above that packet see as the destination port: its ICMPv6
// takes an echo request to Teredo's port 3544 for a connectivity test
// carrying a nonce, not an echo to track.
func (f *Frame) CarrierUDPDstPort() (uint16, bool) {
	path := f.Path()
	inner := -1
	for i := len(path) - 1; i >= 0; i-- {
		if k := path[i].Kind; k == LayerIPv4 || k == LayerIPv6 {
			inner = i
			break
		}
	}
	for i := inner - 1; i >= 0; i-- {
		switch path[i].Kind {
		case LayerUDP:
			if b := f.LayerBytes(path[i]); len(b) >= 4 {
				return uint16(b[2])<<8 | uint16(b[3]), true
			}
			return 0, false
		case LayerIPv4, LayerIPv6:
			return 0, false // carried directly in IP
		}
	}
	return 0, false
}
