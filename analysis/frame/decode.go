package frame

import (
	"encoding/binary"
	"net/netip"
	"slices"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"pcaplens/analysis/capture"
)

// LINKTYPE_ values decoded by pcaplens.
const (
	LinkNull      = 0
	LinkEthernet  = 1
	LinkPPP       = 9
	LinkRaw12     = 12
	LinkRaw14     = 14
	LinkRaw       = 101
	LinkIEEE80211 = 105
	LinkLoop      = 108
	LinkLinuxSLL  = 113
	LinkRadiotap  = 127
	LinkIPv4      = 228
	LinkIPv6      = 229
	LinkLinuxSLL2 = 276
	LinkARCNet    = 7
	LinkARCNetLnx = 129
	LinkIPNet     = 226
	LinkNFLog     = 239
	LinkIPoIB     = 242
	LinkPKTAP     = 258
	LinkCHDLC     = 104
	// LinkUser0 to LinkUser0+15 are LINKTYPE_USER0 to USER15, private link
	// types; Wireshark 4.0 maps only USER2 (149) by default, to PKTAP
	// (LinkUserPKTAP), and shows the others as data: the decoder reads
	// USER2 as PKTAP and leaves the others not decoded.
	LinkUser0     = 147
	LinkUserPKTAP = 149
)

// EtherType values.
const (
	EtherIPv4      = 0x0800
	EtherARP       = 0x0806
	EtherRARP      = 0x8035
	EtherVLAN      = 0x8100
	EtherQinQ      = 0x88a8
	EtherQinQ9100  = 0x9100 // pre-standard 802.1ad
	EtherIPv6      = 0x86dd
	EtherPPPoEDisc = 0x8863
	EtherPPPoE     = 0x8864 // PPPoE session
	EtherMPLS      = 0x8847
	EtherMPLSMcast = 0x8848
	EtherTEB       = 0x6558 // transparent Ethernet bridging (GRE, Geneve)
	EtherEAPOL     = 0x888e
	EtherLLDP      = 0x88cc
	EtherPTP       = 0x88f7
	EtherSlow      = 0x8809 // slow protocols (LACP)
	EtherLoopback  = 0x9000
	EtherMACsec    = 0x88e5
	EtherIEEE1905  = 0x893a
	EtherPBB       = 0x88e7 // IEEE 802.1ah backbone service instance tag
	EtherVNTag     = 0x8926 // Cisco VN-Tag
	EtherERSPAN    = 0x88be // ERSPAN type I and II (in GRE)
	EtherERSPAN3   = 0x22eb // ERSPAN type III (in GRE)
	EtherPPP       = 0x880b // PPP in enhanced GRE (PPTP)
	EtherWCCP      = 0x883e // WCCP redirect header, then IPv4 (in GRE)
	EtherCMD       = 0x8909 // Cisco MetaData
	EtherSLARP     = 0x8035 // Cisco SLARP in Cisco HDLC (RARP's value on Ethernet)
	etherMaxLength = 1500   // an EtherType field of at most 1500 is an 802.3 length
)

// UDP ports of the tunnels the decoder follows.
const (
	portVXLAN   = 4789
	portGeneve  = 6081
	portGREUDP  = 4754 // GRE in UDP (RFC 8086)
	portMPLSUDP = 6635 // MPLS in UDP (RFC 7510)
	portGTPU    = 2152 // GTPv1-U
	portTeredo  = 3544 // Teredo (RFC 4380)
	portAYIYA   = 5072 // AYIYA (Anything In Anything)
)

// IP protocols of the tunnels the decoder follows beside IP-in-IP and GRE.
const (
	protoPIM      = 103 // PIM (a Register message carries a packet)
	protoEthernet = 143 // Ethernet (RFC 8986)
)

// maxTags bounds how many VLAN/MPLS tags are walked.
const maxTags = 8

// feedback records truncation reported by gopacket's decoders.
type feedback struct{ truncated bool }

func (f *feedback) SetTruncated() { f.truncated = true }

// Decoder decodes records into frames. It holds the preallocated layers
// (copied into the Frame) and is not safe for concurrent use.
type Decoder struct {
	df feedback
	// base is the buffer being decoded (Frame.Data, or Frame.Datagram when
	// the reassembler decodes a datagram: inDatagram); layer offsets are
	// counted from its start.
	base       []byte
	inDatagram bool
}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder { return &Decoder{} }

var _ gopacket.DecodeFeedback = (*feedback)(nil)

// Decode fills f from rec. number is the 1-based frame number. It never
// fails: problems are recorded in f.Anomaly and f.Truncated. The layers
// inside f keep their buffers between calls, so decoding does not allocate.
func (d *Decoder) Decode(rec *capture.Record, number int, f *Frame) {
	f.Number = number
	f.TimeNs = rec.TimeNs
	f.NoTime = rec.NoTime
	f.CapLen = len(rec.Data)
	f.OrigLen = rec.OrigLen
	f.Interface = rec.Interface
	f.LinkType = rec.LinkType
	f.Data = rec.Data
	f.Comments = rec.Comments
	f.LinkDecoded = true
	f.HasMAC = false
	f.SrcMAC, f.DstMAC = [6]byte{}, [6]byte{}
	f.EtherType = 0
	f.NVLAN = 0
	f.VLANs = [2]uint16{}
	if f.Tunnels != 0 {
		f.Tunnel, f.Tunnels = TunnelNone, 0
		f.OuterSrcIP, f.OuterDstIP = netip.Addr{}, netip.Addr{}
	}
	f.Network = NetNone
	f.SrcIP, f.DstIP = netip.Addr{}, netip.Addr{}
	f.Proto = 0
	f.IPLen = 0
	f.TTL = 0
	if f.Fragment {
		// The fragment fields are set only on fragments (Reassembled ones
		// included): one predictable branch for every other packet.
		f.Fragment = false
		f.FragOffset, f.MoreFragments, f.FragID = 0, false, 0
		f.Reassembled, f.Fragments, f.FirstFragment = false, 0, 0
		f.Datagram, f.fragData, f.fragWhole = nil, nil, false
	}
	f.Transport = TransportNone
	f.SrcPort, f.DstPort = 0, 0
	f.Payload = nil
	f.Truncated = rec.OrigLen > len(rec.Data)
	f.Anomaly = ""
	f.NLayers, f.LayersCut = 0, false
	f.TCPStream, f.UDPStream = -1, -1
	f.TCPOpen, f.TCPReused = OpenNone, false
	d.df.truncated = false
	d.base, d.inDatagram = rec.Data, false

	if rec.LinkType == LinkEthernet {
		d.ethernet(f, rec.Data) // the common case, without the dispatch
	} else if !d.link(f, rec.LinkType, rec.Data) {
		f.LinkDecoded = false
	}
}

// link decodes data as a frame of link type lt; false when the link type is
// not one the decoder reads.
func (d *Decoder) link(f *Frame, lt uint16, data []byte) bool {
	switch lt {
	case LinkEthernet:
		d.ethernet(f, data)
	case LinkRaw, LinkRaw12, LinkRaw14:
		d.push(f, LayerRaw, data, 0)
		d.rawIP(f, data)
	case LinkIPv4:
		d.network(f, EtherIPv4, data)
	case LinkIPv6:
		d.network(f, EtherIPv6, data)
	case LinkNull:
		d.null(f, data, false)
	case LinkLoop:
		d.null(f, data, true)
	case LinkLinuxSLL:
		d.sll(f, data)
	case LinkLinuxSLL2:
		d.sll2(f, data)
	case LinkPPP:
		d.ppp(f, data)
	case LinkIEEE80211:
		d.dot11(f, data, false)
	case LinkRadiotap:
		d.radiotap(f, data)
	case LinkARCNet:
		d.arcnet(f, data, 2)
	case LinkARCNetLnx:
		d.arcnet(f, data, 4)
	case LinkIPNet:
		d.ipnet(f, data)
	case LinkNFLog:
		d.nflog(f, data)
	case LinkIPoIB:
		d.ipoib(f, data)
	case LinkPKTAP:
		d.pktap(f, data)
	case LinkCHDLC:
		d.chdlc(f, data)
	case LinkUserPKTAP:
		// Wireshark 4.0's default user link type table hands USER2 to PKTAP.
		d.push(f, LayerUserDLT, data, 0)
		d.pktap(f, data)
	default:
		// Not decoded (the other user link types among them: Wireshark
		// shows their bytes as data).
		return false
	}
	return true
}

// chdlc decodes a Cisco HDLC header: address, control and a 2-byte
// protocol (an EtherType; 0x8035 is SLARP, not RARP).
func (d *Decoder) chdlc(f *Frame, data []byte) {
	d.pushLink(f, LayerCHDLC, data, 4)
	if len(data) < 4 {
		d.anomaly(f, AnomalyTruncatedCHDLC)
		f.Truncated = true
		return
	}
	proto := binary.BigEndian.Uint16(data[2:4])
	if proto == EtherSLARP {
		f.EtherType = proto
		f.Network = NetOther
		return
	}
	d.etherPayload(f, proto, data[4:])
}

// arcnet decodes an ARCNET header: source, destination (and a 2-byte offset
// on Linux), then a protocol ID at offset at; the RFC 1201 protocol IDs add a
// split flag and a sequence number (and 4 more bytes for an exception packet).
func (d *Decoder) arcnet(f *Frame, data []byte, at int) {
	d.pushLink(f, LayerARCNet, data, at+1)
	if len(data) <= at {
		d.anomaly(f, AnomalyTruncatedARCNET)
		f.Truncated = true
		return
	}
	p, hdr := data[at], at+1
	switch p {
	case 0xd4, 0xd5, 0xd6, 0xdd, 0xcd, 0xfa: // RFC 1201
		if len(data) <= hdr {
			d.anomaly(f, AnomalyTruncatedARCNET)
			f.Truncated = true
			return
		}
		if data[hdr] == 0xff { // exception packet
			hdr += 4
		}
		hdr += 3
	}
	if len(data) < hdr {
		d.anomaly(f, AnomalyTruncatedARCNET)
		f.Truncated = true
		return
	}
	d.setLen(f, hdr)
	switch p {
	case 0xf0, 0xd4: // IP (RFC 1051, RFC 1201)
		d.network(f, EtherIPv4, data[hdr:])
	case 0xf1, 0xd5: // ARP
		d.network(f, EtherARP, data[hdr:])
	default:
		f.Network = NetOther
	}
}

// ipnet decodes Solaris IPNET's 24-byte header: version, address family
// (2 IPv4, 26 IPv6), then lengths and zone ids.
func (d *Decoder) ipnet(f *Frame, data []byte) {
	d.pushLink(f, LayerIPNet, data, 24)
	if len(data) < 24 {
		d.anomaly(f, AnomalyTruncatedIPNET)
		f.Truncated = true
		return
	}
	switch data[1] {
	case 2:
		d.network(f, EtherIPv4, data[24:])
	case 26:
		d.network(f, EtherIPv6, data[24:])
	default:
		f.Network = NetOther
	}
}

// nflog decodes Linux NFLOG: a 4-byte header (address family first), then
// TLVs with little-endian length and type; type 9 carries the packet.
func (d *Decoder) nflog(f *Frame, data []byte) {
	d.pushLink(f, LayerNFLog, data, 4)
	if len(data) < 4 {
		d.anomaly(f, AnomalyTruncatedNFLOG)
		f.Truncated = true
		return
	}
	fam := data[0]
	rest := data[4:]
	for len(rest) >= 4 {
		n := int(binary.LittleEndian.Uint16(rest[0:2]))
		typ := binary.LittleEndian.Uint16(rest[2:4]) & 0x7fff
		if n < 4 {
			break
		}
		if n > len(rest) {
			n = len(rest)
			f.Truncated = true
		}
		if typ == 9 { // NFULA_PAYLOAD
			d.setLen(f, len(data)-len(rest)+4)
			switch fam {
			case 2:
				d.network(f, EtherIPv4, rest[4:n])
			case 10:
				d.network(f, EtherIPv6, rest[4:n])
			default:
				f.Network = NetOther
			}
			return
		}
		n = (n + 3) &^ 3
		if n > len(rest) {
			break
		}
		rest = rest[n:]
	}
	f.Network = NetOther
}

// ipoib decodes the 44-byte IP-over-InfiniBand pseudo-header: addresses,
// then an EtherType at offset 40.
func (d *Decoder) ipoib(f *Frame, data []byte) {
	d.pushLink(f, LayerIPoIB, data, 44)
	if len(data) < 44 {
		d.anomaly(f, AnomalyTruncatedIPoIB)
		f.Truncated = true
		return
	}
	d.etherPayload(f, binary.BigEndian.Uint16(data[40:42]), data[44:])
}

// pktapMinLen is the shortest PKTAP header Wireshark dissects (its fields
// up to the effective command name).
const pktapMinLen = 108

// pktap decodes Apple's PKTAP header (little-endian: its length, the record
// type, the link type of the packet after it) and, for a packet record
// (type 1), the packet, as Wireshark does.
func (d *Decoder) pktap(f *Frame, data []byte) {
	d.pushLink(f, LayerPKTAP, data, pktapMinLen)
	if len(data) < 12 {
		d.anomaly(f, AnomalyTruncatedPKTAP)
		f.Truncated = true
		return
	}
	hlen := int(binary.LittleEndian.Uint32(data[0:4]))
	rectype := binary.LittleEndian.Uint32(data[4:8])
	dlt := binary.LittleEndian.Uint32(data[8:12])
	if hlen < pktapMinLen || hlen > len(data) {
		d.anomaly(f, AnomalyBadPKTAPLength)
		f.Network = NetOther
		return
	}
	d.setLen(f, hlen)
	if rectype != 1 || dlt > 0xffff || dlt == LinkPKTAP || dlt == LinkUserPKTAP || !d.link(f, uint16(dlt), data[hlen:]) {
		f.Network = NetOther
	}
}

// setLen sets the header length of the link layer just pushed, once known.
func (d *Decoder) setLen(f *Frame, n int) {
	if f.NLayers > 0 {
		f.Layers[f.NLayers-1].Len = int32(n)
	}
}

// pushLink pushes a link layer of header length hlen, or of what there is
// of it when the frame is shorter.
func (d *Decoder) pushLink(f *Frame, kind LayerKind, data []byte, hlen int) {
	d.push(f, kind, data, min(hlen, len(data)))
}

func (d *Decoder) anomaly(f *Frame, name Anomaly) {
	if f.Anomaly == "" {
		f.Anomaly = name
	}
}

// ethernet decodes an Ethernet II or 802.3 header, VLAN tags included.
func (d *Decoder) ethernet(f *Frame, data []byte) {
	d.pushLink(f, LayerEthernet, data, 14)
	if len(data) < 14 {
		d.anomaly(f, AnomalyTruncatedEthernet)
		f.Truncated = true
		return
	}
	copy(f.DstMAC[:], data[0:6])
	copy(f.SrcMAC[:], data[6:12])
	f.HasMAC = true
	et := binary.BigEndian.Uint16(data[12:14])
	d.etherPayload(f, et, data[14:])
}

// etherPayload follows an EtherType (or 802.3 length) through tags to the network layer.
func (d *Decoder) etherPayload(f *Frame, et uint16, data []byte) {
	for i := 0; ; i++ {
		switch {
		case et == EtherIPv4 || et == EtherIPv6:
			// IP first: most frames.
			d.network(f, et, data)
			return
		case et <= etherMaxLength:
			// 802.3 length: LLC, maybe SNAP.
			if et > 0 && int(et) < len(data) {
				data = data[:et] // Ethernet padding
			}
			d.llc(f, data)
			return
		case et == EtherVLAN || et == EtherQinQ || et == EtherQinQ9100:
			if len(data) < 4 {
				d.anomaly(f, AnomalyTruncatedVLAN)
				f.Truncated = true
				return
			}
			if et == EtherQinQ {
				d.push(f, LayerIEEE8021AD, data, 4)
			} else {
				d.push(f, LayerVLAN, data, 4)
			}
			if f.NVLAN < len(f.VLANs) {
				f.VLANs[f.NVLAN] = binary.BigEndian.Uint16(data[0:2]) & 0x0fff
			}
			f.NVLAN++
			et = binary.BigEndian.Uint16(data[2:4])
			data = data[4:]
		case et == EtherPPPoE:
			// PPPoE session: 6-byte header, then a 2-byte PPP protocol.
			if len(data) < 8 {
				d.anomaly(f, AnomalyTruncatedPPPoE)
				f.Truncated = true
				return
			}
			f.EtherType = et
			d.push(f, LayerPPPoE, data, 6)
			d.push(f, LayerPPP, data[6:], 2)
			d.pppProto(f, binary.BigEndian.Uint16(data[6:8]), data[8:])
			return
		case et == EtherPBB:
			// I-TAG (flags and service instance ID), then the customer
			// frame's MACs and EtherType: one header, as Wireshark shows it.
			if len(data) < 18 {
				d.anomaly(f, AnomalyTruncatedVLAN)
				f.Truncated = true
				return
			}
			d.push(f, LayerPBB, data, 18)
			et = binary.BigEndian.Uint16(data[16:18])
			data = data[18:]
		case et == EtherVNTag:
			if len(data) < 6 {
				d.anomaly(f, AnomalyTruncatedVLAN)
				f.Truncated = true
				return
			}
			d.push(f, LayerVNTag, data, 6)
			et = binary.BigEndian.Uint16(data[4:6])
			data = data[6:]
		case et == EtherMACsec:
			n, ok := d.macsec(f, data)
			if !ok {
				return
			}
			et = binary.BigEndian.Uint16(data[n-2 : n])
			data = data[n : len(data)-macsecICVLen]
		case et == EtherMPLS || et == EtherMPLSMcast:
			f.EtherType = et
			d.mpls(f, data)
			return
		default:
			f.EtherType = et
			d.network(f, et, data)
			return
		}
		if i >= maxTags {
			f.Network = NetOther
			return
		}
	}
}

// macsecICVLen is the length of the integrity check value ending a MACsec
// frame (the default cipher suites' 16 bytes).
const macsecICVLen = 16

// macsec reads an IEEE 802.1AE SecTAG: TCI and association number, short
// length, packet number, and the 8-byte secure channel identifier when the
// SC bit is set. Wireshark 4.0 takes it as MACsec when the version bit is
// clear and the frame holds the SecTAG and the ICV; it follows the
// EtherType after the SecTAG only when neither the E (encrypted) nor the C
// (changed) bit is set, and shows the rest as data otherwise. It returns
// the length of the SecTAG with that EtherType, and whether to follow it;
// when not, the frame's network layer is set.
func (d *Decoder) macsec(f *Frame, data []byte) (int, bool) {
	f.EtherType = EtherMACsec
	f.Network = NetOther
	if len(data) < 6 || data[0]&0x80 != 0 {
		return 0, false
	}
	n := 6
	if data[0]&0x20 != 0 {
		n = 14
	}
	if len(data) < n+macsecICVLen {
		return 0, false
	}
	if data[0]&0x0c != 0 || len(data) < n+2+macsecICVLen {
		d.push(f, LayerMACsec, data, n)
		return 0, false
	}
	d.push(f, LayerMACsec, data, n+2)
	f.Network = NetNone
	return n + 2, true
}

// mpls decodes an MPLS label stack and what its bottom carries: IPv4 or
// IPv6 by the first nibble, as Wireshark guesses it.
func (d *Decoder) mpls(f *Frame, data []byte) {
	for j := 0; ; j++ {
		if len(data) < 4 {
			d.anomaly(f, AnomalyTruncatedMPLS)
			f.Truncated = true
			return
		}
		d.push(f, LayerMPLS, data, 4)
		bottom := data[2]&1 == 1
		data = data[4:]
		if bottom {
			break
		}
		if j >= maxTags {
			f.Network = NetOther
			return
		}
	}
	if len(data) > 0 && (data[0]>>4 == 4 || data[0]>>4 == 6) {
		d.rawIP(f, data)
		return
	}
	f.Network = NetOther
}

// LLC service access points.
const (
	sapSNAP = 0xaa
	sapIP   = 0x06
	sapSTP  = 0x42
	sapIPX  = 0xe0
	sapOSI  = 0xfe
)

// SNAP organization codes whose protocol IDs Wireshark follows.
const (
	ouiEncapEther = 0x000000 // RFC 1042: the protocol ID is an EtherType
	ouiCiscoOld   = 0x0000f8 // IEEE 802.1H bridge tunnel: an EtherType
	ouiBridged    = 0x0080c2 // IEEE 802.1 bridged frames (RFC 2684)
)

// llc decodes an IEEE 802.2 LLC header: IPv4 on SAP 6, SNAP after AA-AA-03
// (an EtherType under organization code 0 or 0000F8, an Ethernet frame
// bridged under 0080C2); STP, IPX and OSI are named, not decoded.
func (d *Decoder) llc(f *Frame, data []byte) {
	f.EtherType = 0
	f.Network = NetOther
	if len(data) < 3 {
		if len(data) > 0 {
			d.anomaly(f, AnomalyTruncatedLLC)
			f.Truncated = true
		}
		return
	}
	dsap, ssap, ctl := data[0], data[1], data[2]
	// An unnumbered frame has a 1-byte control field, the others 2 bytes.
	hlen := 3
	if ctl&3 != 3 {
		hlen = 4
	}
	d.push(f, LayerLLC, data, min(hlen, len(data)))
	switch {
	case dsap == sapSNAP && ssap == sapSNAP && ctl == 3:
		if len(data) < 8 {
			d.anomaly(f, AnomalyTruncatedLLC)
			f.Truncated = true
			return
		}
		d.push(f, LayerSNAP, data[3:], 5)
		oui := uint32(data[3])<<16 | uint32(data[4])<<8 | uint32(data[5])
		pid := binary.BigEndian.Uint16(data[6:8])
		switch {
		case (oui == ouiEncapEther || oui == ouiCiscoOld) && pid > etherMaxLength:
			d.etherPayload(f, pid, data[8:])
		case oui == ouiBridged && (pid == 0x0001 || pid == 0x0007) && len(data) >= 10:
			// 802.3/Ethernet with (1) or without (7) its FCS, after 2
			// bytes of padding. The frame's MACs stay the outer ones.
			d.innerEthernet(f, data[10:])
		}
	case dsap == sapIP && ssap == sapIP:
		d.network(f, EtherIPv4, data[min(hlen, len(data)):])
	case dsap == sapSTP && ssap == sapSTP:
		d.push(f, LayerSTP, data[min(hlen, len(data)):], len(data)-min(hlen, len(data)))
	case dsap == sapIPX && ssap == sapIPX:
		d.push(f, LayerIPX, data[min(hlen, len(data)):], len(data)-min(hlen, len(data)))
	case dsap == sapOSI && ssap == sapOSI:
		d.push(f, LayerOSI, data[min(hlen, len(data)):], len(data)-min(hlen, len(data)))
	}
}

// rawIP decodes an IP packet whose version is given by its first nibble.
func (d *Decoder) rawIP(f *Frame, data []byte) {
	if len(data) < 1 {
		d.anomaly(f, AnomalyTruncatedIP)
		f.Truncated = true
		return
	}
	switch data[0] >> 4 {
	case 4:
		d.network(f, EtherIPv4, data)
	case 6:
		d.network(f, EtherIPv6, data)
	default:
		f.Network = NetOther
		d.anomaly(f, AnomalyUnknownIPVersion)
	}
}

// null decodes the BSD loopback header: a 4-byte address family in the
// capturing host's byte order (DLT_NULL) or in network order (DLT_LOOP).
func (d *Decoder) null(f *Frame, data []byte, bigEndian bool) {
	if bigEndian {
		d.pushLink(f, LayerLoop, data, 4)
	} else {
		d.pushLink(f, LayerNull, data, 4)
	}
	if len(data) < 4 {
		d.anomaly(f, AnomalyTruncatedLoopback)
		f.Truncated = true
		return
	}
	fam := binary.BigEndian.Uint32(data[0:4])
	if !bigEndian && fam > 0xffff {
		fam = binary.LittleEndian.Uint32(data[0:4])
	}
	switch fam {
	case 2:
		d.network(f, EtherIPv4, data[4:])
	case 10, 24, 28, 30:
		d.network(f, EtherIPv6, data[4:])
	default:
		f.Network = NetOther
	}
}

// sll decodes the Linux cooked-mode v1 header (16 bytes).
func (d *Decoder) sll(f *Frame, data []byte) {
	d.pushLink(f, LayerSLL, data, 16)
	if len(data) < 16 {
		d.anomaly(f, AnomalyTruncatedSLL)
		f.Truncated = true
		return
	}
	if binary.BigEndian.Uint16(data[4:6]) == 6 {
		copy(f.SrcMAC[:], data[6:12])
		f.HasMAC = true
	}
	d.sllProto(f, binary.BigEndian.Uint16(data[14:16]), data[16:])
}

// sll2 decodes the Linux cooked-mode v2 header (20 bytes).
func (d *Decoder) sll2(f *Frame, data []byte) {
	d.pushLink(f, LayerSLL2, data, 20)
	if len(data) < 20 {
		d.anomaly(f, AnomalyTruncatedSLL2)
		f.Truncated = true
		return
	}
	if data[11] == 6 {
		copy(f.SrcMAC[:], data[12:18])
		f.HasMAC = true
	}
	d.sllProto(f, binary.BigEndian.Uint16(data[0:2]), data[20:])
}

func (d *Decoder) sllProto(f *Frame, proto uint16, data []byte) {
	switch proto {
	case 0x0004, 0x0001: // 802.2 LLC frames, Novell 802.3 (shown as LLC)
		d.llc(f, data)
	case 0x0002, 0x0003: // AX.25, all
		f.Network = NetOther
	default:
		d.etherPayload(f, proto, data)
	}
}

// ppp decodes a PPP frame, with or without address/control bytes.
func (d *Decoder) ppp(f *Frame, data []byte) {
	start := data
	if len(data) >= 2 && data[0] == 0xff && data[1] == 0x03 {
		data = data[2:]
	}
	d.pushLink(f, LayerPPP, start, len(start)-len(data)+2)
	if len(data) < 1 {
		d.anomaly(f, AnomalyTruncatedPPP)
		f.Truncated = true
		return
	}
	var proto uint16
	if data[0]&1 == 1 { // protocol field compressed to one byte
		proto = uint16(data[0])
		data = data[1:]
		d.setLen(f, len(start)-len(data))
	} else {
		if len(data) < 2 {
			d.anomaly(f, AnomalyTruncatedPPP)
			f.Truncated = true
			return
		}
		proto = binary.BigEndian.Uint16(data[0:2])
		data = data[2:]
	}
	d.pppProto(f, proto, data)
}

func (d *Decoder) pppProto(f *Frame, proto uint16, data []byte) {
	switch proto {
	case 0x0021:
		d.network(f, EtherIPv4, data)
	case 0x0057:
		d.network(f, EtherIPv6, data)
	case 0x0281, 0x0283: // MPLS unicast, multicast
		d.etherPayload(f, EtherMPLS, data)
	default:
		f.Network = NetOther
	}
}

// radiotap skips the radiotap header (noting whether frames carry an FCS)
// and decodes the 802.11 frame after it.
func (d *Decoder) radiotap(f *Frame, data []byte) {
	d.pushLink(f, LayerRadiotap, data, 8)
	if len(data) < 8 {
		d.anomaly(f, AnomalyTruncatedRadiotap)
		f.Truncated = true
		return
	}
	hlen := int(binary.LittleEndian.Uint16(data[2:4]))
	if hlen < 8 || hlen > len(data) {
		d.anomaly(f, AnomalyBadRadiotapLength)
		f.Truncated = true
		return
	}
	d.setLen(f, hlen)
	// Walk the present bitmaps to find the Flags field (bit 1), which says
	// whether an FCS ends the frame.
	off := 4
	present := binary.LittleEndian.Uint32(data[4:8])
	p := present
	for p&(1<<31) != 0 {
		off += 4
		if off+4 > hlen {
			d.anomaly(f, AnomalyBadRadiotapLength)
			return
		}
		p = binary.LittleEndian.Uint32(data[off : off+4])
	}
	off += 4
	fcs := false
	if present&(1<<1) != 0 {
		if present&1 != 0 { // TSFT: 8 bytes aligned to 8
			off = (off + 7) &^ 7
			off += 8
		}
		if off < hlen {
			fcs = data[off]&0x10 != 0
		}
	}
	body := data[hlen:]
	if fcs && len(body) >= 4 && f.OrigLen <= len(data) {
		body = body[:len(body)-4]
	}
	d.dot11(f, body, fcs)
}

// dot11 decodes an IEEE 802.11 data frame's header and LLC/SNAP.
func (d *Decoder) dot11(f *Frame, data []byte, _ bool) {
	d.pushLink(f, LayerIEEE80211, data, 24)
	if len(data) < 24 {
		if len(data) < 10 {
			d.anomaly(f, AnomalyTruncated80211)
			f.Truncated = true
		}
		f.Network = NetOther
		return
	}
	fc0, fc1 := data[0], data[1]
	typ := (fc0 >> 2) & 3
	subtype := fc0 >> 4
	if typ != 2 { // management, control: no IP inside
		f.Network = NetOther
		return
	}
	toDS, fromDS := fc1&1 != 0, fc1&2 != 0
	hlen := 24
	if toDS && fromDS {
		hlen = 30
	}
	if subtype&8 != 0 { // QoS data
		hlen += 2
		if fc1&0x80 != 0 { // +HTC
			hlen += 4
		}
	}
	var da, sa []byte
	switch {
	case !toDS && !fromDS:
		da, sa = data[4:10], data[10:16]
	case toDS && !fromDS:
		da, sa = data[16:22], data[10:16]
	case !toDS && fromDS:
		da, sa = data[4:10], data[16:22]
	default:
		if len(data) >= 30 {
			da, sa = data[16:22], data[24:30]
		}
	}
	if da != nil {
		copy(f.DstMAC[:], da)
		copy(f.SrcMAC[:], sa)
		f.HasMAC = true
	}
	if subtype&4 != 0 || fc1&0x40 != 0 { // null data, or protected (encrypted)
		f.Network = NetOther
		return
	}
	if len(data) < hlen {
		f.Network = NetOther
		return
	}
	d.setLen(f, hlen)
	d.llc(f, data[hlen:])
}

// network decodes the IP layer and the transport above it.
func (d *Decoder) network(f *Frame, et uint16, data []byte) {
	f.EtherType = et
	switch et {
	case EtherIPv4:
		if len(data) > 0 && data[0]>>4 == 6 {
			// Wireshark's IPv4 dissector hands a version 6 header to IPv6,
			// after an expert error ("Bogus IPv4 version").
			d.anomaly(f, AnomalyBadIPVersion)
			d.network(f, EtherIPv6, data)
			f.EtherType = EtherIPv4
			return
		}
		f.Network = NetIPv4
		ip := &f.IPv4
		if err := ip.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, AnomalyBadIPv4Header)
			f.Truncated = f.Truncated || d.df.truncated
			f.Network = NetOther
			return
		}
		d.push(f, LayerIPv4, data, len(ip.Contents))
		if ip.Version != 4 {
			d.anomaly(f, AnomalyBadIPVersion)
		}
		f.SrcIP = netip.AddrFrom4([4]byte(ip.SrcIP.To4()))
		f.DstIP = netip.AddrFrom4([4]byte(ip.DstIP.To4()))
		f.Proto = ip.Protocol
		f.IPLen = int(ip.Length)
		f.TTL = ip.TTL
		if d.df.truncated {
			f.Truncated = true
		}
		if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
			if d.inDatagram {
				return // a fragment inside a reassembled datagram: not reassembled
			}
			f.Fragment = true
			f.FragOffset = int(ip.FragOffset) * 8
			f.MoreFragments = ip.Flags&layers.IPv4MoreFragments != 0
			f.FragID = uint32(ip.Id)
			f.fragData = ip.Payload
			// Reassembly takes a fragment captured whole, with a length in
			// its header (not 0, as TSO leaves it) and data after the header.
			hlen := int(ip.IHL) * 4
			f.fragWhole = binary.BigEndian.Uint16(data[2:4]) != 0 && int(ip.Length) > hlen && len(ip.Payload) == int(ip.Length)-hlen
			if !f.fragWhole && f.FragOffset == 0 {
				// Wireshark dissects a first fragment it cannot reassemble
				// as if it were whole.
				d.ipPayload(f, ip.Protocol, ip.Payload)
			}
			return
		}
		d.ipPayload(f, ip.Protocol, ip.Payload)
	case EtherIPv6:
		f.Network = NetIPv6
		ip := &f.IPv6
		if err := ip.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, AnomalyBadIPv6Header)
			f.Truncated = f.Truncated || d.df.truncated
			f.Network = NetOther
			return
		}
		d.push(f, LayerIPv6, data, 40)
		f.SrcIP = netip.AddrFrom16([16]byte(ip.SrcIP.To16()))
		f.DstIP = netip.AddrFrom16([16]byte(ip.DstIP.To16()))
		f.IPLen = 40 + int(ip.Length)
		f.TTL = ip.HopLimit
		if d.df.truncated {
			f.Truncated = true
		}
		next := ip.NextHeader
		if ip.HopByHop != nil {
			next = ip.HopByHop.NextHeader
			d.push(f, LayerIPv6HopByHop, data[40:], ip.HopByHop.ActualLength)
		}
		next, payload, ok := d.ipv6Extensions(f, next, ip.Payload)
		if !ok {
			return
		}
		if next == layers.IPProtocolIPv6Fragment {
			// RFC 8200 section 4.5: next header, reserved, offset (13
			// bits) with the M flag in bit 0, identification.
			if len(payload) < 8 {
				d.anomaly(f, AnomalyTruncatedIPv6Extension)
				f.Truncated = true
				f.Proto = next
				return
			}
			d.push(f, LayerIPv6Fragment, payload, 8)
			fo := binary.BigEndian.Uint16(payload[2:4])
			f.Proto = layers.IPProtocol(payload[0])
			if d.inDatagram {
				return // a fragment inside a reassembled datagram: not reassembled
			}
			f.Fragment = true
			f.FragOffset = int(fo &^ 7)
			f.MoreFragments = fo&1 != 0
			f.FragID = binary.BigEndian.Uint32(payload[4:8])
			f.fragData = payload[8:]
			// Wireshark reassembles a fragment captured up to the end its
			// payload length claims, and shows any other as data, the
			// first one included.
			f.fragWhole = len(data) >= 40+int(ip.Length)
			return
		}
		f.Proto = next
		d.ipPayload(f, next, payload)
	case EtherARP, EtherRARP:
		d.push(f, LayerARP, data, len(data))
		f.Network = NetARP
	default:
		f.Network = NetOther
	}
}

// ipv6Extensions walks IPv6 extension headers from next over payload (RFC
// 8200 section 4) up to the upper-layer header or a fragment header that
// starts a fragment, pushing a layer for each. An atomic fragment (offset 0,
// M clear: RFC 6946) is skipped like the other headers. It returns false,
// with the anomaly recorded, when a header is cut short.
func (d *Decoder) ipv6Extensions(f *Frame, next layers.IPProtocol, payload []byte) (layers.IPProtocol, []byte, bool) {
	for i := 0; i < MaxIPv6Extensions; i++ {
		n, ok := IPv6ExtensionLen(uint8(next), payload)
		if n == 0 {
			break // not an extension header
		}
		if !ok {
			d.anomaly(f, AnomalyTruncatedIPv6Extension)
			f.Truncated = true
			f.Proto = next
			return next, nil, false
		}
		if next == layers.IPProtocolIPv6Fragment && !IPv6AtomicFragment(payload) {
			break // a fragment: the caller decides
		}
		d.push(f, ipv6ExtLayer(next), payload, n)
		next = layers.IPProtocol(payload[0])
		payload = payload[n:]
	}
	return next, payload, true
}

// ipPayload decodes what an IP header carries: a tunnel (IP-in-IP, GRE, or
// VXLAN or Geneve over UDP), followed to the innermost IP packet, or the
// transport layer.
func (d *Decoder) ipPayload(f *Frame, proto layers.IPProtocol, data []byte) {
	switch proto {
	case layers.IPProtocolIPv4, layers.IPProtocolIPv6, layers.IPProtocolGRE, protoPIM, protoEthernet:
		if d.ipTunnel(f, proto, data) {
			return
		}
	}
	d.transport(f, proto, data)
	// Wireshark tries the lower port's dissector first, then the higher
	// port's when the lower one has none. A tunnel's source port is
	// usually chosen high (RFC 7348 section 5, RFC 8926 section 3.3, RFC
	// 8086 section 3.2, RFC 7510 section 3), but a hash can put it below
	// the tunnel's port.
	if f.Transport == TransportUDP {
		lo, hi := min(f.SrcPort, f.DstPort), max(f.SrcPort, f.DstPort)
		if udpTunnelPort(lo) {
			d.udpTunnel(f, lo)
		} else if udpTunnelPort(hi) && !wiresharkUDPPort(lo) {
			d.udpTunnel(f, hi)
		}
	}
}

// udpTunnelPort reports whether p is the UDP port of a tunnel the decoder
// follows.
func udpTunnelPort(p uint16) bool {
	switch p {
	case portVXLAN, portGeneve, portGREUDP, portMPLSUDP, portGTPU, portTeredo, portAYIYA:
		return true
	}
	return false
}

// ipTunnel follows IP-in-IP or GRE; false when it does not (too deep, or a
// GRE payload it does not follow).
func (d *Decoder) ipTunnel(f *Frame, proto layers.IPProtocol, data []byte) bool {
	switch proto {
	case layers.IPProtocolIPv4:
		if d.enter(f, TunnelIPIP) {
			d.network(f, EtherIPv4, data)
			return true
		}
	case layers.IPProtocolIPv6:
		if d.enter(f, TunnelIPIP) {
			d.network(f, EtherIPv6, data)
			return true
		}
	case layers.IPProtocolGRE:
		return d.gre(f, data)
	case protoPIM:
		// A PIM version 2 Register message: the header (version and
		// type, reserved, checksum), the border and null-register
		// flags, then the packet by its version (RFC 7761 section
		// 4.9.3); Wireshark shows another version (a null register's
		// zeroed header) as nothing more.
		if len(data) > 8 && data[0] == 0x21 && (data[8]>>4 == 4 || data[8]>>4 == 6) && d.enter(f, TunnelPIM) {
			d.push(f, LayerPIM, data, 8)
			d.rawIP(f, data[8:])
			return true
		}
	case protoEthernet:
		if d.enter(f, TunnelEthernet) {
			d.innerEthernet(f, data)
			return true
		}
	}
	return false
}

// enter starts decoding the packet inside a tunnel of the given kind: the
// outermost addresses are kept and the network and transport fields are
// cleared for the inner packet. It returns false when MaxTunnels are
// already followed.
func (d *Decoder) enter(f *Frame, kind int) bool {
	if f.Tunnels >= MaxTunnels {
		return false
	}
	if f.Tunnels == 0 {
		f.Tunnel = kind
		f.OuterSrcIP, f.OuterDstIP = f.SrcIP, f.DstIP
	}
	f.Tunnels++
	f.Network = NetNone
	f.SrcIP, f.DstIP = netip.Addr{}, netip.Addr{}
	f.Proto, f.IPLen, f.TTL = 0, 0, 0
	f.Transport = TransportNone
	f.SrcPort, f.DstPort = 0, 0
	f.Payload = nil
	d.df.truncated = false
	return true
}

// GRE header (RFC 2784, RFC 2890): flags and version, protocol type, then
// a checksum and reserved word (C), a key (K) and a sequence number (S).
// Enhanced GRE (version 1, RFC 2637) has a payload length and call ID in
// place of the key, then a sequence number (S) and an acknowledgment
// number (A).
const (
	greChecksum = 0x8000
	greRouting  = 0x4000 // RFC 1701 source routing: not followed
	greKey      = 0x2000
	greSeq      = 0x1000
	greAck      = 0x0080 // version 1
	greVersion  = 0x0007
)

// gre follows a GRE header (version 0 or 1) to what it carries; false when
// it does not (the payload is then the frame's TransportOther payload).
func (d *Decoder) gre(f *Frame, b []byte) bool {
	if len(b) < 4 {
		return false
	}
	flags := binary.BigEndian.Uint16(b[0:2])
	if flags&greRouting != 0 {
		return false
	}
	n := 4
	switch flags & greVersion {
	case 0:
		if flags&greChecksum != 0 {
			n += 4
		}
		if flags&greKey != 0 {
			n += 4
		}
		if flags&greSeq != 0 {
			n += 4
		}
	case 1:
		n += 4 // payload length, call ID
		if flags&greSeq != 0 {
			n += 4
		}
		if flags&greAck != 0 {
			n += 4
		}
	default:
		return false
	}
	if len(b) < n || f.Tunnels >= MaxTunnels {
		return false
	}
	et := binary.BigEndian.Uint16(b[2:4])
	h := b
	b = b[n:]
	switch {
	case et == EtherWCCP:
		// A 4-byte redirect header (version 1 and 2 alike), then IPv4:
		// Wireshark shows it inside GRE.
		if len(b) < 4 {
			return false
		}
		n += 4
		b = b[4:]
		et = EtherIPv4
	case et == EtherERSPAN || et == EtherERSPAN3:
		return d.erspan(f, h, n, flags&greSeq != 0, et)
	}
	switch {
	case et == EtherIPv4 || et == EtherIPv6 || et == EtherTEB:
	case et == EtherPPP:
		if len(b) == 0 {
			return false
		}
	case et == EtherMPLS || et == EtherMPLSMcast:
	case et&0xfe0f == 0x8200 && et <= 0x8370:
		// Aruba's 802.11 frames (0x8200 to 0x8370 in steps of 0x10).
	case et == EtherCMD:
		if !cmdFollowed(b) {
			return false
		}
	default:
		return false
	}
	d.push(f, LayerGRE, h, n)
	return d.tunnelPayload(f, TunnelGRE, et, b)
}

// erspan follows GRE's ERSPAN payload (h is the GRE header of length n):
// type I (0x88BE without a GRE sequence number) has no header of its own;
// type II (version 1) an 8-byte header; type III (0x22EB, version 2) a
// 12-byte header and, with its O flag, an 8-byte platform-specific
// subheader. Then an Ethernet frame; a type III frame of another frame
// type is not followed (Wireshark shows it as data).
func (d *Decoder) erspan(f *Frame, h []byte, n int, seq bool, et uint16) bool {
	b := h[n:]
	hlen := 0
	if et == EtherERSPAN3 || seq {
		hlen = 8
		if et == EtherERSPAN3 {
			hlen = 12
		}
		if len(b) >= 1 {
			switch b[0] >> 4 {
			case 1:
				hlen = 8
			case 2:
				hlen = 12
				if len(b) >= 12 && b[11]&1 != 0 {
					hlen += 8
				}
			default:
				return false
			}
		}
		if len(b) < hlen {
			// Cut short: Wireshark shows what there is of ERSPAN.
			d.push(f, LayerGRE, h, n)
			d.push(f, LayerERSPAN, b, len(b))
			f.Truncated = true
			return true
		}
	}
	d.push(f, LayerGRE, h, n)
	d.push(f, LayerERSPAN, b, hlen)
	if hlen >= 12 && (b[10]>>2)&0x1f != 0 {
		return true // not Ethernet: no transport layer, data
	}
	d.enter(f, TunnelGRE) // the caller checked MaxTunnels
	d.innerEthernet(f, b[hlen:])
	return true
}

// tunnelPayload enters a tunnel carrying et (IPv4, IPv6, Ethernet, PPP,
// MPLS or Aruba's 802.11) and decodes b; false for another EtherType or
// beyond MaxTunnels.
func (d *Decoder) tunnelPayload(f *Frame, kind int, et uint16, b []byte) bool {
	switch {
	case et == EtherIPv4 || et == EtherIPv6:
		if !d.enter(f, kind) {
			return false
		}
		d.network(f, et, b)
	case et == EtherTEB:
		if !d.enter(f, kind) {
			return false
		}
		d.innerEthernet(f, b)
	case et == EtherPPP:
		if !d.enter(f, kind) {
			return false
		}
		d.ppp(f, b)
	case et == EtherMPLS || et == EtherMPLSMcast:
		if !d.enter(f, kind) {
			return false
		}
		d.mpls(f, b)
	case et&0xfe0f == 0x8200 && et <= 0x8370:
		if !d.enter(f, kind) {
			return false
		}
		d.innerDot11(f, b)
	case et == EtherCMD && cmdFollowed(b):
		if !d.enter(f, kind) {
			return false
		}
		d.push(f, LayerCMD, b, 8)
		d.network(f, binary.BigEndian.Uint16(b[0:2]), b[8:])
	default:
		return false
	}
	return true
}

// cmdFollowed reports whether b is a Cisco MetaData header as GRE carries
// it (the protocol type of what follows, version, length, options, SGT: 8
// bytes) before IPv4 or IPv6.
func cmdFollowed(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	et := binary.BigEndian.Uint16(b[0:2])
	return et == EtherIPv4 || et == EtherIPv6
}

// innerDot11 decodes an 802.11 frame inside a tunnel, keeping the captured
// frame's MACs.
func (d *Decoder) innerDot11(f *Frame, b []byte) {
	has, src, dst := f.HasMAC, f.SrcMAC, f.DstMAC
	d.dot11(f, b, false)
	f.HasMAC, f.SrcMAC, f.DstMAC = has, src, dst
}

// innerEthernet decodes an Ethernet frame inside a tunnel. The frame's MACs
// and VLAN IDs stay those of the captured frame.
func (d *Decoder) innerEthernet(f *Frame, b []byte) {
	if len(b) < 14 {
		d.anomaly(f, AnomalyTruncatedEthernet)
		f.Truncated = true
		return
	}
	d.push(f, LayerEthernet, b, 14)
	nv, vl := f.NVLAN, f.VLANs
	d.etherPayload(f, binary.BigEndian.Uint16(b[12:14]), b[14:])
	f.NVLAN, f.VLANs = nv, vl
}

// udpTunnel follows the tunnel registered on UDP port port in the UDP
// payload of f: VXLAN (an 8-byte header, then Ethernet), Geneve (an 8-byte
// header, options, then the protocol its header names), GRE, MPLS, GTP-U,
// Teredo or AYIYA. A header cut short, or one carrying what the decoder
// does not follow, is not followed: the frame stays UDP.
func (d *Decoder) udpTunnel(f *Frame, port uint16) {
	b := f.Payload
	switch port {
	case portVXLAN:
		if len(b) >= 8 && d.enter(f, TunnelVXLAN) {
			d.push(f, LayerVXLAN, b, 8)
			d.innerEthernet(f, b[8:])
		}
	case portGeneve:
		// Geneve (RFC 8926 section 3.4): version (2 bits) and options
		// length in 4-byte words (6 bits), flags, protocol type, VNI,
		// reserved.
		if len(b) < 8 || b[0]>>6 != 0 {
			return
		}
		n := 8 + int(b[0]&0x3f)*4
		if len(b) < n {
			return
		}
		if et := binary.BigEndian.Uint16(b[2:4]); (et == EtherIPv4 || et == EtherIPv6 || et == EtherTEB) && f.Tunnels < MaxTunnels {
			d.push(f, LayerGeneve, b, n)
			d.tunnelPayload(f, TunnelGeneve, et, b[n:])
		}
	case portGREUDP:
		d.gre(f, b)
	case portMPLSUDP:
		if len(b) >= 4 && d.enter(f, TunnelMPLS) {
			d.mpls(f, b)
		}
	case portGTPU:
		d.gtpu(f, b)
	case portTeredo:
		d.teredo(f, b)
	case portAYIYA:
		d.ayiya(f, b)
	}
}

// maxGTPExtensions bounds the GTP extension headers walked.
const maxGTPExtensions = 16

// gtpu follows a GTPv1-U G-PDU (3GPP TS 29.281 section 5): flags (version
// 1, protocol type GTP, E, S, PN), message type 255, length, TEID; the
// sequence number, N-PDU number and next extension type when E, S or PN is
// set; the extension headers (length in 4-byte units, next type last);
// then the user's IPv4 or IPv6 packet.
func (d *Decoder) gtpu(f *Frame, b []byte) {
	if len(b) < 8 || b[0]>>5 != 1 || b[0]&0x10 == 0 || b[1] != 0xff {
		return
	}
	n := 8
	if b[0]&0x07 != 0 {
		n = 12
		if len(b) < n {
			return
		}
		next := b[11]
		if b[0]&0x04 == 0 {
			next = 0
		}
		for i := 0; next != 0; i++ {
			if i >= maxGTPExtensions || len(b) <= n || b[n] == 0 || len(b) < n+int(b[n])*4 {
				return
			}
			n += int(b[n]) * 4
			next = b[n-1]
		}
	}
	if len(b) <= n || (b[n]>>4 != 4 && b[n]>>4 != 6) || f.Tunnels >= MaxTunnels {
		return
	}
	d.push(f, LayerGTP, b, n)
	d.enter(f, TunnelGTP)
	d.rawIP(f, b[n:])
}

// teredo follows Teredo (RFC 4380 section 5.1.1): an authentication
// indication (0x0001, identifier and authentication lengths, both, an
// 8-byte nonce, a confirmation byte), an origin indication (0x0000, port,
// IPv4 address), either optional in that order, then IPv6.
func (d *Decoder) teredo(f *Frame, b []byte) {
	n := 0
	if len(b) >= 4 && b[0] == 0 && b[1] == 1 {
		n = 4 + int(b[2]) + int(b[3]) + 9
	}
	if len(b) >= n+8 && b[n] == 0 && b[n+1] == 0 {
		n += 8
	}
	if len(b) <= n || b[n]>>4 != 6 || f.Tunnels >= MaxTunnels {
		return
	}
	d.push(f, LayerTeredo, b, n)
	d.enter(f, TunnelTeredo)
	d.network(f, EtherIPv6, b[n:])
}

// ayiya follows AYIYA: identity length (a power of two) and type,
// signature length (4-byte words) and hash method, authentication method
// and opcode, next header, epoch time, identity, signature; a forwarded
// packet (opcode 1) of IPv4 or IPv6 follows.
func (d *Decoder) ayiya(f *Frame, b []byte) {
	if len(b) < 8 || b[2]&0x0f != 1 {
		return
	}
	n := 8 + 1<<(b[0]>>4) + int(b[1]>>4)*4
	var et uint16
	switch b[3] {
	case 4:
		et = EtherIPv4
	case 41:
		et = EtherIPv6
	default:
		return
	}
	if len(b) <= n || f.Tunnels >= MaxTunnels {
		return
	}
	d.push(f, LayerAYIYA, b, n)
	d.enter(f, TunnelAYIYA)
	d.network(f, et, b[n:])
}

// tcpCutHeader fills t from a TCP header cut short: its first 16 bytes
// (through the window) are in b, its data offset is at least 5 words but
// more than b holds. The fields b lacks are 0, there are no options, the
// bytes there are its contents and there is no payload. It returns false
// for another header.
func tcpCutHeader(t *layers.TCP, b []byte) bool {
	if len(b) < 16 {
		return false
	}
	off := b[12] >> 4
	if off < 5 || int(off)*4 <= len(b) {
		return false
	}
	t.SrcPort = layers.TCPPort(binary.BigEndian.Uint16(b[0:2]))
	t.DstPort = layers.TCPPort(binary.BigEndian.Uint16(b[2:4]))
	t.Seq = binary.BigEndian.Uint32(b[4:8])
	t.Ack = binary.BigEndian.Uint32(b[8:12])
	t.DataOffset = off
	fl := b[13]
	t.NS = b[12]&1 != 0
	t.CWR, t.ECE, t.URG, t.ACK = fl&0x80 != 0, fl&0x40 != 0, fl&0x20 != 0, fl&0x10 != 0
	t.PSH, t.RST, t.SYN, t.FIN = fl&0x08 != 0, fl&0x04 != 0, fl&0x02 != 0, fl&0x01 != 0
	t.Window = binary.BigEndian.Uint16(b[14:16])
	t.Checksum, t.Urgent = 0, 0
	if len(b) >= 18 {
		t.Checksum = binary.BigEndian.Uint16(b[16:18])
	}
	if len(b) >= 20 {
		t.Urgent = binary.BigEndian.Uint16(b[18:20])
	}
	t.Options = t.Options[:0]
	t.Padding = nil
	t.Contents, t.Payload = b, b[len(b):]
	return true
}

// transport decodes TCP, UDP, ICMPv4 or ICMPv6.
func (d *Decoder) transport(f *Frame, proto layers.IPProtocol, data []byte) {
	d.df.truncated = false
	switch proto {
	case layers.IPProtocolTCP:
		if err := f.TCP.DecodeFromBytes(data, &d.df); err != nil {
			if tcpCutHeader(&f.TCP, data) {
				// A header cut short (by the capture, or by the IP
				// length): Wireshark dissects what there is of it and
				// puts the segment in its stream once the window is
				// there (RFC 9293 section 3.1: ports, numbers, data
				// offset and flags come first).
				if f.Truncated {
					d.anomaly(f, AnomalyTruncatedTCP)
					f.Truncated = true
				} else {
					d.anomaly(f, AnomalyBadTCPHeader)
				}
				d.push(f, LayerTCP, data, len(data))
				f.Transport = TransportTCP
				f.SrcPort, f.DstPort = uint16(f.TCP.SrcPort), uint16(f.TCP.DstPort)
				f.Payload = f.TCP.Payload
				return
			}
			if d.df.truncated {
				d.anomaly(f, AnomalyTruncatedTCP)
				f.Truncated = true
			} else {
				d.anomaly(f, AnomalyBadTCPHeader)
			}
			return
		}
		d.push(f, LayerTCP, data, len(f.TCP.Contents))
		f.Transport = TransportTCP
		f.SrcPort, f.DstPort = uint16(f.TCP.SrcPort), uint16(f.TCP.DstPort)
		f.Payload = f.TCP.Payload
	case layers.IPProtocolUDP:
		if len(data) >= 8 {
			if n := binary.BigEndian.Uint16(data[4:6]); n < 8 && (n != 0 || f.Network != NetIPv6) {
				// A length shorter than the header (0 is an IPv6
				// jumbogram's): Wireshark shows the header and
				// nothing after it, in no UDP stream.
				d.push(f, LayerUDP, data, 8)
				d.anomaly(f, AnomalyBadUDPHeader)
				return
			}
		}
		if err := f.UDP.DecodeFromBytes(data, &d.df); err != nil {
			if d.df.truncated {
				d.anomaly(f, AnomalyTruncatedUDP)
				f.Truncated = true
			} else {
				d.anomaly(f, AnomalyBadUDPHeader)
			}
			return
		}
		d.push(f, LayerUDP, data, 8)
		f.Transport = TransportUDP
		f.SrcPort, f.DstPort = uint16(f.UDP.SrcPort), uint16(f.UDP.DstPort)
		f.Payload = f.UDP.Payload
		if d.df.truncated {
			f.Truncated = true
		}
	case layers.IPProtocolICMPv4:
		if err := f.ICMPv4.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, AnomalyTruncatedICMP)
			f.Truncated = true
			return
		}
		d.push(f, LayerICMPv4, data, len(f.ICMPv4.Contents))
		f.Transport = TransportICMPv4
		f.Payload = f.ICMPv4.Payload
	case layers.IPProtocolICMPv6:
		if err := f.ICMPv6.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, AnomalyTruncatedICMPv6)
			f.Truncated = true
			return
		}
		d.push(f, LayerICMPv6, data, len(f.ICMPv6.Contents))
		f.Transport = TransportICMPv6
		f.Payload = f.ICMPv6.Payload
	default:
		f.Transport = TransportOther
		f.Payload = data
	}
}

// wiresharkUDPPort reports whether Wireshark 4.0 has a dissector for UDP
// port p by default (wiresharkUDPPorts, generated).
func wiresharkUDPPort(p uint16) bool {
	_, ok := slices.BinarySearch(wiresharkUDPPorts[:], p)
	return ok
}
