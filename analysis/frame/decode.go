package frame

import (
	"encoding/binary"
	"net/netip"

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
)

// EtherType values the decoder follows.
const (
	etherIPv4   = 0x0800
	etherARP    = 0x0806
	etherVLAN   = 0x8100
	etherQinQ   = 0x88a8
	etherQinQ2  = 0x9100
	etherIPv6   = 0x86dd
	etherPPPoE  = 0x8864
	etherMPLS   = 0x8847
	etherMPLSmc = 0x8848
	etherTEB    = 0x6558 // transparent Ethernet bridging (GRE, Geneve)
)

// UDP ports of the tunnels the decoder follows.
const (
	portVXLAN  = 4789
	portGeneve = 6081
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
	d.df.truncated = false

	data := rec.Data
	switch rec.LinkType {
	case LinkEthernet:
		d.ethernet(f, data)
	case LinkRaw, LinkRaw12, LinkRaw14:
		d.rawIP(f, data)
	case LinkIPv4:
		d.network(f, etherIPv4, data)
	case LinkIPv6:
		d.network(f, etherIPv6, data)
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
	default:
		f.LinkDecoded = false
	}
}

// arcnet decodes an ARCNET header: source, destination (and a 2-byte offset
// on Linux), then a protocol ID at offset at; the RFC 1201 protocol IDs add a
// split flag and a sequence number (and 4 more bytes for an exception packet).
func (d *Decoder) arcnet(f *Frame, data []byte, at int) {
	if len(data) <= at {
		d.anomaly(f, "truncated_arcnet")
		f.Truncated = true
		return
	}
	p, hdr := data[at], at+1
	switch p {
	case 0xd4, 0xd5, 0xd6, 0xdd, 0xcd, 0xfa: // RFC 1201
		if len(data) <= hdr {
			d.anomaly(f, "truncated_arcnet")
			f.Truncated = true
			return
		}
		if data[hdr] == 0xff { // exception packet
			hdr += 4
		}
		hdr += 3
	}
	if len(data) < hdr {
		d.anomaly(f, "truncated_arcnet")
		f.Truncated = true
		return
	}
	switch p {
	case 0xf0, 0xd4: // IP (RFC 1051, RFC 1201)
		d.network(f, etherIPv4, data[hdr:])
	case 0xf1, 0xd5: // ARP
		f.Network = NetARP
	default:
		f.Network = NetOther
	}
}

// ipnet decodes Solaris IPNET's 24-byte header: version, address family
// (2 IPv4, 26 IPv6), then lengths and zone ids.
func (d *Decoder) ipnet(f *Frame, data []byte) {
	if len(data) < 24 {
		d.anomaly(f, "truncated_ipnet")
		f.Truncated = true
		return
	}
	switch data[1] {
	case 2:
		d.network(f, etherIPv4, data[24:])
	case 26:
		d.network(f, etherIPv6, data[24:])
	default:
		f.Network = NetOther
	}
}

// nflog decodes Linux NFLOG: a 4-byte header (address family first), then
// TLVs with little-endian length and type; type 9 carries the packet.
func (d *Decoder) nflog(f *Frame, data []byte) {
	if len(data) < 4 {
		d.anomaly(f, "truncated_nflog")
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
			switch fam {
			case 2:
				d.network(f, etherIPv4, rest[4:n])
			case 10:
				d.network(f, etherIPv6, rest[4:n])
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
	if len(data) < 44 {
		d.anomaly(f, "truncated_ipoib")
		f.Truncated = true
		return
	}
	d.etherPayload(f, binary.BigEndian.Uint16(data[40:42]), data[44:])
}

// pktap decodes Apple's PKTAP header (its length and the inner link type,
// little-endian) and the frame after it.
func (d *Decoder) pktap(f *Frame, data []byte) {
	if len(data) < 8 {
		d.anomaly(f, "truncated_pktap")
		f.Truncated = true
		return
	}
	hlen := int(binary.LittleEndian.Uint32(data[0:4]))
	dlt := binary.LittleEndian.Uint32(data[4:8])
	if hlen < 8 || hlen > len(data) {
		d.anomaly(f, "bad_pktap_length")
		f.Network = NetOther
		return
	}
	inner := data[hlen:]
	switch dlt {
	case LinkEthernet:
		d.ethernet(f, inner)
	case LinkRaw, LinkRaw12, LinkRaw14:
		d.rawIP(f, inner)
	case LinkNull:
		d.null(f, inner, false)
	default:
		f.Network = NetOther
	}
}

func (d *Decoder) anomaly(f *Frame, name string) {
	if f.Anomaly == "" {
		f.Anomaly = name
	}
}

// ethernet decodes an Ethernet II or 802.3 header, VLAN tags included.
func (d *Decoder) ethernet(f *Frame, data []byte) {
	if len(data) < 14 {
		d.anomaly(f, "truncated_ethernet")
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
		case et <= 1500:
			// 802.3 length: LLC, maybe SNAP.
			if len(data) >= 8 && data[0] == 0xaa && data[1] == 0xaa && data[2] == 0x03 {
				et = binary.BigEndian.Uint16(data[6:8])
				data = data[8:]
				continue
			}
			f.EtherType = 0
			f.Network = NetOther
			return
		case et == etherVLAN || et == etherQinQ || et == etherQinQ2:
			if len(data) < 4 {
				d.anomaly(f, "truncated_vlan")
				f.Truncated = true
				return
			}
			if f.NVLAN < len(f.VLANs) {
				f.VLANs[f.NVLAN] = binary.BigEndian.Uint16(data[0:2]) & 0x0fff
			}
			f.NVLAN++
			et = binary.BigEndian.Uint16(data[2:4])
			data = data[4:]
		case et == etherPPPoE:
			// PPPoE session: 6-byte header, then a 2-byte PPP protocol.
			if len(data) < 8 {
				d.anomaly(f, "truncated_pppoe")
				f.Truncated = true
				return
			}
			f.EtherType = et
			d.pppProto(f, binary.BigEndian.Uint16(data[6:8]), data[8:])
			return
		case et == etherMPLS || et == etherMPLSmc:
			for j := 0; ; j++ {
				if len(data) < 4 {
					d.anomaly(f, "truncated_mpls")
					f.Truncated = true
					return
				}
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
			f.EtherType = et
			d.rawIP(f, data)
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

// rawIP decodes an IP packet whose version is given by its first nibble.
func (d *Decoder) rawIP(f *Frame, data []byte) {
	if len(data) < 1 {
		d.anomaly(f, "truncated_ip")
		f.Truncated = true
		return
	}
	switch data[0] >> 4 {
	case 4:
		d.network(f, etherIPv4, data)
	case 6:
		d.network(f, etherIPv6, data)
	default:
		f.Network = NetOther
		d.anomaly(f, "unknown_ip_version")
	}
}

// null decodes the BSD loopback header: a 4-byte address family in the
// capturing host's byte order (DLT_NULL) or in network order (DLT_LOOP).
func (d *Decoder) null(f *Frame, data []byte, bigEndian bool) {
	if len(data) < 4 {
		d.anomaly(f, "truncated_loopback")
		f.Truncated = true
		return
	}
	fam := binary.BigEndian.Uint32(data[0:4])
	if !bigEndian && fam > 0xffff {
		fam = binary.LittleEndian.Uint32(data[0:4])
	}
	switch fam {
	case 2:
		d.network(f, etherIPv4, data[4:])
	case 10, 24, 28, 30:
		d.network(f, etherIPv6, data[4:])
	default:
		f.Network = NetOther
	}
}

// sll decodes the Linux cooked-mode v1 header (16 bytes).
func (d *Decoder) sll(f *Frame, data []byte) {
	if len(data) < 16 {
		d.anomaly(f, "truncated_sll")
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
	if len(data) < 20 {
		d.anomaly(f, "truncated_sll2")
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
	case 0x0004: // 802.2 LLC frames
		d.etherPayload(f, 0 /* an 802.3 length: LLC follows */, data)
	case 0x0001, 0x0002, 0x0003: // 802.3, AX.25, all
		f.Network = NetOther
	default:
		d.etherPayload(f, proto, data)
	}
}

// ppp decodes a PPP frame, with or without address/control bytes.
func (d *Decoder) ppp(f *Frame, data []byte) {
	if len(data) >= 2 && data[0] == 0xff && data[1] == 0x03 {
		data = data[2:]
	}
	if len(data) < 1 {
		d.anomaly(f, "truncated_ppp")
		f.Truncated = true
		return
	}
	var proto uint16
	if data[0]&1 == 1 { // protocol field compressed to one byte
		proto = uint16(data[0])
		data = data[1:]
	} else {
		if len(data) < 2 {
			d.anomaly(f, "truncated_ppp")
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
		d.network(f, etherIPv4, data)
	case 0x0057:
		d.network(f, etherIPv6, data)
	case 0x0281, 0x0283: // MPLS unicast, multicast
		d.etherPayload(f, etherMPLS, data)
	default:
		f.Network = NetOther
	}
}

// radiotap skips the radiotap header (noting whether frames carry an FCS)
// and decodes the 802.11 frame after it.
func (d *Decoder) radiotap(f *Frame, data []byte) {
	if len(data) < 8 {
		d.anomaly(f, "truncated_radiotap")
		f.Truncated = true
		return
	}
	hlen := int(binary.LittleEndian.Uint16(data[2:4]))
	if hlen < 8 || hlen > len(data) {
		d.anomaly(f, "bad_radiotap_length")
		f.Truncated = true
		return
	}
	// Walk the present bitmaps to find the Flags field (bit 1), which says
	// whether an FCS ends the frame.
	off := 4
	present := binary.LittleEndian.Uint32(data[4:8])
	p := present
	for p&(1<<31) != 0 {
		off += 4
		if off+4 > hlen {
			d.anomaly(f, "bad_radiotap_length")
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
	if len(data) < 24 {
		if len(data) < 10 {
			d.anomaly(f, "truncated_80211")
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
	if len(data) < hlen+8 {
		f.Network = NetOther
		return
	}
	llc := data[hlen:]
	if llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03 {
		f.Network = NetOther
		return
	}
	et := binary.BigEndian.Uint16(llc[6:8])
	f.EtherType = et
	d.etherPayload(f, et, llc[8:])
}

// network decodes the IP layer and the transport above it.
func (d *Decoder) network(f *Frame, et uint16, data []byte) {
	f.EtherType = et
	switch et {
	case etherIPv4:
		f.Network = NetIPv4
		ip := &f.IPv4
		if err := ip.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, "bad_ipv4_header")
			f.Truncated = f.Truncated || d.df.truncated
			f.Network = NetOther
			return
		}
		if ip.Version != 4 {
			d.anomaly(f, "bad_ip_version")
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
			if f.Tunnels > 0 {
				return // a fragment inside a tunnel: not reassembled
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
	case etherIPv6:
		f.Network = NetIPv6
		ip := &f.IPv6
		if err := ip.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, "bad_ipv6_header")
			f.Truncated = f.Truncated || d.df.truncated
			f.Network = NetOther
			return
		}
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
		}
		next, payload, ok := d.ipv6Extensions(f, next, ip.Payload)
		if !ok {
			return
		}
		if next == layers.IPProtocolIPv6Fragment {
			// RFC 8200 section 4.5: next header, reserved, offset (13
			// bits) with the M flag in bit 0, identification.
			if len(payload) < 8 {
				d.anomaly(f, "truncated_ipv6_extension")
				f.Truncated = true
				f.Proto = next
				return
			}
			fo := binary.BigEndian.Uint16(payload[2:4])
			f.Proto = layers.IPProtocol(payload[0])
			if f.Tunnels > 0 {
				return // a fragment inside a tunnel: not reassembled
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
	case etherARP:
		f.Network = NetARP
	default:
		f.Network = NetOther
	}
}

// ipv6Extensions walks IPv6 extension headers from next over payload (RFC
// 8200 section 4) up to the upper-layer header or a fragment header that
// starts a fragment. An atomic fragment (offset 0, M clear: RFC 6946) is
// skipped like the other headers. It returns false, with the anomaly
// recorded, when a header is cut short.
func (d *Decoder) ipv6Extensions(f *Frame, next layers.IPProtocol, payload []byte) (layers.IPProtocol, []byte, bool) {
	for i := 0; i < maxTags; i++ {
		switch next {
		case layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing, layers.IPProtocolIPv6Destination:
			if len(payload) < 8 || 8+int(payload[1])*8 > len(payload) {
				d.anomaly(f, "truncated_ipv6_extension")
				f.Truncated = true
				f.Proto = next
				return next, nil, false
			}
			n := 8 + int(payload[1])*8
			next = layers.IPProtocol(payload[0])
			payload = payload[n:]
			continue
		case layers.IPProtocolIPv6Fragment:
			if len(payload) >= 8 && binary.BigEndian.Uint16(payload[2:4])&0xfff9 == 0 {
				next = layers.IPProtocol(payload[0])
				payload = payload[8:]
				continue
			}
		}
		break
	}
	return next, payload, true
}

// ipPayload decodes what an IP header carries: a tunnel (IP-in-IP, GRE, or
// VXLAN or Geneve over UDP), followed to the innermost IP packet, or the
// transport layer.
func (d *Decoder) ipPayload(f *Frame, proto layers.IPProtocol, data []byte) {
	if (proto == layers.IPProtocolIPv4 || proto == layers.IPProtocolIPv6 || proto == layers.IPProtocolGRE) && d.ipTunnel(f, proto, data) {
		return
	}
	d.transport(f, proto, data)
	// Wireshark tries the lower port's dissector first; a VXLAN or Geneve
	// source port is chosen high (RFC 7348 section 5, RFC 8926 section
	// 3.3), so the tunnel's port is the lower one.
	if p := min(f.SrcPort, f.DstPort); (p == portVXLAN || p == portGeneve) && f.Transport == TransportUDP {
		d.udpTunnel(f, p)
	}
}

// ipTunnel follows IP-in-IP or GRE; false when it does not (too deep, or a
// GRE payload it does not follow).
func (d *Decoder) ipTunnel(f *Frame, proto layers.IPProtocol, data []byte) bool {
	switch proto {
	case layers.IPProtocolIPv4:
		if d.enter(f, TunnelIPIP) {
			d.network(f, etherIPv4, data)
			return true
		}
	case layers.IPProtocolIPv6:
		if d.enter(f, TunnelIPIP) {
			d.network(f, etherIPv6, data)
			return true
		}
	case layers.IPProtocolGRE:
		return d.gre(f, data)
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
const (
	greChecksum = 0x8000
	greRouting  = 0x4000 // RFC 1701 source routing: not followed
	greKey      = 0x2000
	greSeq      = 0x1000
	greVersion  = 0x0007
)

// gre follows a GRE version 0 header to the IPv4, IPv6 or Ethernet frame it
// carries; false when it is not one of those (the payload is then the
// frame's TransportOther payload).
func (d *Decoder) gre(f *Frame, b []byte) bool {
	if len(b) < 4 {
		return false
	}
	flags := binary.BigEndian.Uint16(b[0:2])
	if flags&(greVersion|greRouting) != 0 {
		return false
	}
	n := 4
	if flags&greChecksum != 0 {
		n += 4
	}
	if flags&greKey != 0 {
		n += 4
	}
	if flags&greSeq != 0 {
		n += 4
	}
	if len(b) < n {
		return false
	}
	return d.tunnelPayload(f, TunnelGRE, binary.BigEndian.Uint16(b[2:4]), b[n:])
}

// tunnelPayload enters a tunnel carrying et (IPv4, IPv6 or Ethernet) and
// decodes b; false for another EtherType or beyond MaxTunnels.
func (d *Decoder) tunnelPayload(f *Frame, kind int, et uint16, b []byte) bool {
	switch et {
	case etherIPv4, etherIPv6:
		if !d.enter(f, kind) {
			return false
		}
		d.network(f, et, b)
	case etherTEB:
		if !d.enter(f, kind) {
			return false
		}
		d.innerEthernet(f, b)
	default:
		return false
	}
	return true
}

// innerEthernet decodes an Ethernet frame inside a tunnel. The frame's MACs
// and VLAN IDs stay those of the captured frame.
func (d *Decoder) innerEthernet(f *Frame, b []byte) {
	if len(b) < 14 {
		d.anomaly(f, "truncated_ethernet")
		f.Truncated = true
		return
	}
	nv, vl := f.NVLAN, f.VLANs
	d.etherPayload(f, binary.BigEndian.Uint16(b[12:14]), b[14:])
	f.NVLAN, f.VLANs = nv, vl
}

// udpTunnel follows VXLAN (an 8-byte header, then Ethernet) or Geneve (an
// 8-byte header, options, then the protocol its header names) in the UDP
// payload of f. A header cut short is not followed: the frame stays UDP.
func (d *Decoder) udpTunnel(f *Frame, port uint16) {
	b := f.Payload
	if len(b) < 8 {
		return
	}
	if port == portVXLAN {
		if d.enter(f, TunnelVXLAN) {
			d.innerEthernet(f, b[8:])
		}
		return
	}
	// Geneve (RFC 8926 section 3.4): version (2 bits) and options length
	// in 4-byte words (6 bits), flags, protocol type, VNI, reserved.
	if b[0]>>6 != 0 {
		return
	}
	n := 8 + int(b[0]&0x3f)*4
	if len(b) < n {
		return
	}
	d.tunnelPayload(f, TunnelGeneve, binary.BigEndian.Uint16(b[2:4]), b[n:])
}

// transport decodes TCP, UDP, ICMPv4 or ICMPv6.
func (d *Decoder) transport(f *Frame, proto layers.IPProtocol, data []byte) {
	d.df.truncated = false
	switch proto {
	case layers.IPProtocolTCP:
		if err := f.TCP.DecodeFromBytes(data, &d.df); err != nil {
			if d.df.truncated {
				d.anomaly(f, "truncated_tcp")
				f.Truncated = true
			} else {
				d.anomaly(f, "bad_tcp_header")
			}
			return
		}
		f.Transport = TransportTCP
		f.SrcPort, f.DstPort = uint16(f.TCP.SrcPort), uint16(f.TCP.DstPort)
		f.Payload = f.TCP.Payload
	case layers.IPProtocolUDP:
		if err := f.UDP.DecodeFromBytes(data, &d.df); err != nil {
			if d.df.truncated {
				d.anomaly(f, "truncated_udp")
				f.Truncated = true
			} else {
				d.anomaly(f, "bad_udp_header")
			}
			return
		}
		f.Transport = TransportUDP
		f.SrcPort, f.DstPort = uint16(f.UDP.SrcPort), uint16(f.UDP.DstPort)
		f.Payload = f.UDP.Payload
		if d.df.truncated {
			f.Truncated = true
		}
	case layers.IPProtocolICMPv4:
		if err := f.ICMPv4.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, "truncated_icmp")
			f.Truncated = true
			return
		}
		f.Transport = TransportICMPv4
		f.Payload = f.ICMPv4.Payload
	case layers.IPProtocolICMPv6:
		if err := f.ICMPv6.DecodeFromBytes(data, &d.df); err != nil {
			d.anomaly(f, "truncated_icmpv6")
			f.Truncated = true
			return
		}
		f.Transport = TransportICMPv6
		f.Payload = f.ICMPv6.Payload
	default:
		f.Transport = TransportOther
		f.Payload = data
	}
}
