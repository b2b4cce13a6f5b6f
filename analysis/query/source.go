package query

import (
	"encoding/binary"
	"net/netip"

	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/tcp"
)

// maxHdrs bounds the headers of one kind a frame's view keeps (its layer
// path is bounded by frame.MaxLayers, plus one quoted datagram).
const maxHdrs = 8

// hdr is one header of the current frame: its bytes from the header on, to
// the end of what it covers.
type hdr struct {
	b      []byte
	quoted bool // inside an ICMP error
	inner  bool // the frame's own innermost transport header
}

type hdrs struct {
	h [maxHdrs]hdr
	n int
}

func (l *hdrs) add(b []byte, quoted bool) *hdr {
	if l.n >= maxHdrs {
		return nil
	}
	l.h[l.n] = hdr{b: b, quoted: quoted}
	l.n++
	return &l.h[l.n-1]
}

func (l *hdrs) all() []hdr { return l.h[:l.n] }

// source is the filter.Source over the current frame: it finds the
// headers of the frame on the first question (scan) and the application
// messages on the first question about them (app), then answers from
// them; nothing is allocated per frame.
type source struct {
	m *Matcher
	f *frame.Frame

	scanned bool
	protos  uint32 // bit per protocol FieldID present
	eths    hdrs
	vlans   hdrs
	ips     hdrs // IPv4 headers, outermost first, then a quoted one
	ip6s    hdrs
	tcps    hdrs
	udps    hdrs
	icmps   hdrs
	icmp6s  hdrs
	arp     []byte

	app appState

	lvals []filter.Value // Layers' scratch
}

func (s *source) reset(f *frame.Frame) {
	s.f = f
	s.scanned = false
	s.app.done = false
	s.app.sipParsed = false
}

func bit(id filter.FieldID) uint32 { return 1 << uint(id) }

// headersOf returns the headers kept for a protocol that has them (nil
// for any other).
func (s *source) headersOf(id filter.FieldID) *hdrs {
	switch id {
	case filter.Eth:
		return &s.eths
	case filter.VLAN:
		return &s.vlans
	case filter.IP:
		return &s.ips
	case filter.IPv6:
		return &s.ip6s
	case filter.TCP:
		return &s.tcps
	case filter.UDP:
		return &s.udps
	case filter.ICMP:
		return &s.icmps
	case filter.ICMPv6:
		return &s.icmp6s
	}
	return nil
}

// scan walks the frame's layer path (and the datagram an ICMP error quotes).
func (s *source) scan() {
	s.scanned = true
	f := s.f
	s.protos = bit(filter.Frame)
	s.eths.n, s.vlans.n, s.ips.n, s.ip6s.n = 0, 0, 0, 0
	s.tcps.n, s.udps.n, s.icmps.n, s.icmp6s.n = 0, 0, 0, 0
	s.arp = nil
	path := f.Path()
	lastTCP, lastUDP := -1, -1
	for i, l := range path {
		switch l.Kind {
		case frame.LayerTCP:
			lastTCP = i
		case frame.LayerUDP:
			lastUDP = i
		}
	}
walk:
	for i, l := range path {
		b := f.LayerBytes(l)
		switch l.Kind {
		case frame.LayerEthernet:
			if len(b) >= 14 {
				s.eths.add(b, false)
				s.protos |= bit(filter.Eth)
			}
		case frame.LayerVLAN:
			if len(b) >= 4 {
				s.vlans.add(b, false)
				s.protos |= bit(filter.VLAN)
			}
		case frame.LayerARP:
			s.arp = b
			s.protos |= bit(filter.ARP)
		case frame.LayerIPv4:
			s.protos |= bit(filter.IP)
			if len(b) < 20 || b[0]>>4 != 4 {
				break walk // tshark stops at a bogus version
			}
			s.ips.add(ipBytes(b, 4), false)
		case frame.LayerIPv6:
			if s.ips.n == 0 && s.ip6s.n == 0 && f.EtherType == frame.EtherIPv4 {
				// A version 6 header where IPv4 was announced: tshark's
				// IPv4 dissector shows it (bogus version) and hands it
				// to IPv6.
				s.protos |= bit(filter.IP)
			}
			s.protos |= bit(filter.IPv6)
			if len(b) < 40 || b[0]>>4 != 6 {
				break walk
			}
			s.ip6s.add(ipBytes(b, 6), false)
		case frame.LayerGRE:
			s.protos |= bit(filter.GRE)
		case frame.LayerVXLAN:
			s.protos |= bit(filter.VXLAN)
		case frame.LayerGeneve:
			s.protos |= bit(filter.Geneve)
		case frame.LayerTCP:
			if len(b) >= 20 {
				h := s.tcps.add(segment(f, b, i == lastTCP), false)
				if h != nil && i == lastTCP {
					h.inner = true
				}
				s.protos |= bit(filter.TCP)
			}
		case frame.LayerUDP:
			if len(b) >= 8 {
				h := s.udps.add(segment(f, b, i == lastUDP), false)
				if h != nil && i == lastUDP {
					h.inner = true
				}
				s.protos |= bit(filter.UDP)
			}
		case frame.LayerICMPv4:
			b = within(b, s.ips)
			if len(b) >= 4 {
				s.icmps.add(b, false)
				s.protos |= bit(filter.ICMP)
				if len(b) > 8 && icmpQuotes(b[0]) {
					s.quoted(b[8:])
				}
			}
		case frame.LayerICMPv6:
			b = within(b, s.ip6s)
			if len(b) >= 4 {
				s.icmp6s.add(b, false)
				s.protos |= bit(filter.ICMPv6)
				if len(b) > 8 && icmpv6Quotes(b[0]) {
					s.quoted(b[8:])
				}
			}
		}
	}
	if s.ips.n == 0 && f.Anomaly == frame.AnomalyBadIPVersion && f.EtherType == frame.EtherIPv4 {
		// A version 6 header where IPv4 was announced, its IPv6 header
		// not decoded: tshark shows both protocols.
		s.protos |= bit(filter.IP) | bit(filter.IPv6)
	}
	// GRE the decoder does not follow (version 1, routing, or a payload
	// other than IP and Ethernet) is still GRE to tshark.
	if f.Transport == frame.TransportOther && f.Proto == 47 && !f.Fragment {
		s.protos |= bit(filter.GRE)
	}
}

// ipBytes trims an IP packet to the length its header claims.
func ipBytes(b []byte, v int) []byte {
	n := 0
	if v == 4 {
		n = int(binary.BigEndian.Uint16(b[2:4]))
	} else {
		n = 40 + int(binary.BigEndian.Uint16(b[4:6]))
	}
	if n >= 20 && n < len(b) {
		return b[:n]
	}
	return b
}

// within trims a layer's bytes to the end of the innermost IP header of
// l, the length that header claims (so that Ethernet padding is not taken
// for a quoted datagram), when both are in the same buffer.
func within(b []byte, l hdrs) []byte {
	if l.n == 0 || len(b) == 0 {
		return b
	}
	ip := l.h[l.n-1].b
	if cap(ip) == 0 || &ip[:cap(ip)][cap(ip)-1] != &b[:cap(b)][cap(b)-1] {
		return b // another buffer (a reassembled datagram)
	}
	if end := cap(b) - (cap(ip) - len(ip)); end >= 0 && end < len(b) {
		return b[:end]
	}
	return b
}

// segment returns a transport header with the payload the decoder kept
// (trimmed to the lengths the headers claim) for the innermost one.
func segment(f *frame.Frame, b []byte, inner bool) []byte {
	if !inner || len(f.Payload) == 0 {
		return b
	}
	// f.Payload is a slice of the same buffer, after the header.
	off := cap(b) - cap(f.Payload)
	end := off + len(f.Payload)
	if off >= 0 && end <= len(b) {
		return b[:end]
	}
	return b
}

// icmpQuotes reports whether an ICMP message of type t quotes a datagram
// (destination unreachable, source quench, redirect, time exceeded,
// parameter problem).
func icmpQuotes(t byte) bool { return t == 3 || t == 4 || t == 5 || t == 11 || t == 12 }

// icmpv6Quotes is icmpQuotes for ICMPv6 (RFC 4443 error messages).
func icmpv6Quotes(t byte) bool { return t >= 1 && t <= 4 }

// quoted adds the IP header and the transport header an ICMP error quotes,
// as far as they were captured, as tshark dissects them.
func (s *source) quoted(b []byte) {
	var proto byte
	var l4 []byte
	switch b[0] >> 4 {
	case 4:
		// tshark shows the fields of a header cut short as far as they go.
		s.ips.add(b, true)
		s.protos |= bit(filter.IP)
		if len(b) < 20 {
			return
		}
		ihl := int(b[0]&0xf) * 4
		if ihl < 20 || ihl > len(b) || binary.BigEndian.Uint16(b[6:8])&0x1fff != 0 {
			return
		}
		proto, l4 = b[9], b[ihl:]
	case 6:
		if len(b) < 40 {
			return
		}
		s.ip6s.add(b, true)
		s.protos |= bit(filter.IPv6)
		proto, l4 = b[6], b[40:]
		// Its extension headers (AH of zero length included), by the one walker.
		for i := 0; i < frame.MaxIPv6Extensions; i++ {
			n, ok := frame.IPv6ExtensionLen(proto, l4)
			if n == 0 {
				break
			}
			if !ok || proto == 44 && !frame.IPv6AtomicFragment(l4) {
				return
			}
			proto, l4 = l4[0], l4[n:]
		}
	default:
		return
	}
	switch proto {
	case 6:
		if len(l4) >= 4 {
			s.tcps.add(l4, true)
			s.protos |= bit(filter.TCP)
		}
	case 17:
		if len(l4) >= 4 {
			s.udps.add(l4, true)
			s.protos |= bit(filter.UDP)
		}
	case 1:
		if len(l4) >= 2 {
			s.icmps.add(l4, true)
			s.protos |= bit(filter.ICMP)
		}
	case 58:
		if len(l4) >= 2 {
			s.icmp6s.add(l4, true)
			s.protos |= bit(filter.ICMPv6)
		}
	}
}

func be16(b []byte) uint64 { return uint64(binary.BigEndian.Uint16(b)) }

func mac(b []byte) filter.Value { return filter.Ether([6]byte(b[:6])) }

// Values gives the occurrences of field id in the current frame.
func (s *source) Values(id filter.FieldID, buf []filter.Value) []filter.Value {
	f := s.f
	m := s.m
	// Fields of the frame itself first: they need no scan.
	switch id {
	case filter.Frame:
		return append(buf, filter.Bytes(f.Data))
	case filter.FrameNumber:
		return append(buf, filter.Uint(uint64(f.Number)))
	case filter.FrameLen:
		return append(buf, filter.Uint(uint64(f.OrigLen)))
	case filter.FrameCapLen:
		return append(buf, filter.Uint(uint64(f.CapLen)))
	case filter.FrameTimeRelative:
		return append(buf, filter.Time(m.relNs))
	case filter.FrameTimeDelta:
		return append(buf, filter.Time(m.deltaNs))
	}
	if isTLSField(id) {
		return s.tlsValues(id, buf)
	}
	if !s.scanned {
		s.scan()
	}
	if id <= filter.Geneve && s.protos&bit(id) == 0 && (id < filter.DNS || id > filter.RTP) {
		return buf // a protocol absent
	}
	n0 := len(buf)
	switch id {
	// Protocols.
	case filter.Eth, filter.VLAN, filter.IP, filter.IPv6, filter.TCP, filter.UDP, filter.ICMP, filter.ICMPv6:
		for _, h := range s.headersOf(id).all() {
			buf = append(buf, filter.Bytes(h.b))
		}
	case filter.ARP:
		buf = append(buf, filter.Bytes(s.arp))
	case filter.GRE, filter.VXLAN, filter.Geneve:
		buf = append(buf, filter.Present())
	case filter.DNS, filter.MDNS, filter.DHCP, filter.DHCPv6, filter.SIP, filter.RTP:
		return s.appProto(id, buf)
	case filter.HTTP:
		return s.httpValues(id, buf)
	}
	if id <= filter.Geneve {
		if len(buf) == n0 {
			// Present (bit set) with no header kept: a bogus version.
			buf = append(buf, filter.Present())
		}
		return buf
	}
	switch id {
	// eth.*, vlan.*
	case filter.EthSrc:
		for _, h := range s.eths.all() {
			buf = append(buf, mac(h.b[6:]))
		}
	case filter.EthDst:
		for _, h := range s.eths.all() {
			buf = append(buf, mac(h.b[0:]))
		}
	case filter.EthAddr:
		for _, h := range s.eths.all() {
			buf = append(buf, mac(h.b[0:]), mac(h.b[6:]))
		}
	case filter.EthType:
		for _, h := range s.eths.all() {
			if t := be16(h.b[12:]); t > 1500 {
				buf = append(buf, filter.Uint(t))
			}
		}
	case filter.VLANID:
		for _, h := range s.vlans.all() {
			buf = append(buf, filter.Uint(be16(h.b)&0xfff))
		}

	// ip.*
	case filter.IPSrc:
		for _, h := range s.ips.all() {
			if len(h.b) < 16 {
				continue
			}
			buf = append(buf, filter.Addr(netip.AddrFrom4([4]byte(h.b[12:16]))))
		}
	case filter.IPDst:
		for _, h := range s.ips.all() {
			if len(h.b) < 20 {
				continue
			}
			buf = append(buf, filter.Addr(netip.AddrFrom4([4]byte(h.b[16:20]))))
		}
	case filter.IPAddr:
		for _, h := range s.ips.all() {
			if len(h.b) < 20 {
				continue
			}
			buf = append(buf, filter.Addr(netip.AddrFrom4([4]byte(h.b[12:16]))), filter.Addr(netip.AddrFrom4([4]byte(h.b[16:20]))))
		}
	case filter.IPProto:
		for _, h := range s.ips.all() {
			if len(h.b) < 10 {
				continue
			}
			buf = append(buf, filter.Uint(uint64(h.b[9])))
		}
	case filter.IPTTL:
		for _, h := range s.ips.all() {
			if len(h.b) < 9 {
				continue
			}
			buf = append(buf, filter.Uint(uint64(h.b[8])))
		}
	case filter.IPLen:
		for _, h := range s.ips.all() {
			if len(h.b) < 4 {
				continue
			}
			buf = append(buf, filter.Uint(be16(h.b[2:])))
		}
	case filter.IPID:
		for _, h := range s.ips.all() {
			if len(h.b) < 6 {
				continue
			}
			buf = append(buf, filter.Uint(be16(h.b[4:])))
		}
	case filter.IPFlagsDF:
		for _, h := range s.ips.all() {
			if len(h.b) < 7 {
				continue
			}
			buf = append(buf, filter.Bool(h.b[6]&0x40 != 0))
		}
	case filter.IPFlagsMF:
		for _, h := range s.ips.all() {
			if len(h.b) < 7 {
				continue
			}
			buf = append(buf, filter.Bool(h.b[6]&0x20 != 0))
		}
	case filter.IPFragOffset:
		// In units of 8 bytes, as tshark 4.0 shows it.
		for _, h := range s.ips.all() {
			if len(h.b) < 8 {
				continue
			}
			buf = append(buf, filter.Uint(be16(h.b[6:])&0x1fff))
		}

	// ipv6.*
	case filter.IPv6Src:
		for _, h := range s.ip6s.all() {
			buf = append(buf, filter.Addr(netip.AddrFrom16([16]byte(h.b[8:24]))))
		}
	case filter.IPv6Dst:
		for _, h := range s.ip6s.all() {
			buf = append(buf, filter.Addr(netip.AddrFrom16([16]byte(h.b[24:40]))))
		}
	case filter.IPv6Addr:
		for _, h := range s.ip6s.all() {
			buf = append(buf, filter.Addr(netip.AddrFrom16([16]byte(h.b[8:24]))), filter.Addr(netip.AddrFrom16([16]byte(h.b[24:40]))))
		}
	case filter.IPv6Nxt:
		for _, h := range s.ip6s.all() {
			buf = append(buf, filter.Uint(uint64(h.b[6])))
		}
	case filter.IPv6Hlim:
		for _, h := range s.ip6s.all() {
			buf = append(buf, filter.Uint(uint64(h.b[7])))
		}

	// tcp.*
	case filter.TCPSrcPort:
		buf = ports(buf, &s.tcps, true /* src */, false /* dst */)
	case filter.TCPDstPort:
		buf = ports(buf, &s.tcps, false /* src */, true /* dst */)
	case filter.TCPPort:
		buf = ports(buf, &s.tcps, true /* src */, true /* dst */)
	case filter.TCPStream:
		if h := s.innerTCP(); h != nil && f.TCPStream >= 0 {
			buf = append(buf, filter.Uint(uint64(f.TCPStream)))
		}
	case filter.TCPLen:
		if h := s.innerTCP(); h != nil {
			n := f.TCPLen()
			if n < 0 {
				n = len(f.Payload)
			}
			buf = append(buf, filter.Uint(uint64(n)))
		}
	case filter.TCPSeq:
		if s.innerTCP() != nil && m.tcpFrame == f.Number {
			buf = append(buf, filter.Uint(uint64(m.tcpSeq)))
		}
	case filter.TCPAck:
		if s.innerTCP() != nil && m.tcpFrame == f.Number {
			buf = append(buf, filter.Uint(uint64(m.tcpAck)))
		}
	case filter.TCPFlags:
		for _, h := range s.tcps.all() {
			if len(h.b) >= 14 {
				buf = append(buf, filter.Uint(be16(h.b[12:])&0x0fff))
			}
		}
	case filter.TCPFlagsSyn:
		buf = s.tcpFlag(buf, 0x02)
	case filter.TCPFlagsAck:
		buf = s.tcpFlag(buf, 0x10)
	case filter.TCPFlagsFin:
		buf = s.tcpFlag(buf, 0x01)
	case filter.TCPFlagsReset:
		buf = s.tcpFlag(buf, 0x04)
	case filter.TCPFlagsPush:
		buf = s.tcpFlag(buf, 0x08)
	case filter.TCPFlagsUrg:
		buf = s.tcpFlag(buf, 0x20)
	case filter.TCPWindowSize:
		if s.innerTCP() != nil && m.tcpFrame == f.Number {
			buf = append(buf, filter.Uint(uint64(m.tcpWin)))
		}
	case filter.TCPAnalysis:
		if s.innerTCP() != nil && m.tcpFrame == f.Number && (m.tcpAnalysis || m.tcpTFO != 0) {
			buf = append(buf, filter.Present())
		}
	case filter.TCPAnalysisFlags:
		if s.innerTCP() != nil && m.tcpFrame == f.Number && (m.tcpFlags != 0 || m.tcpTFO != 0) {
			buf = append(buf, filter.Present())
		}
	case filter.TCPAnalysisRetransmission:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagRetransmission|tcp.FlagFastRetransmission|tcp.FlagSpuriousRetransmission)
	case filter.TCPAnalysisFastRetransmission:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagFastRetransmission)
	case filter.TCPAnalysisSpuriousRetransmission:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagSpuriousRetransmission)
	case filter.TCPAnalysisOutOfOrder:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagOutOfOrder)
	case filter.TCPAnalysisDuplicateACK:
		// tshark 4.0 adds this label twice to a duplicate ACK.
		buf = s.tcpAnalysisFlag(buf, tcp.FlagDuplicateACK)
		buf = s.tcpAnalysisFlag(buf, tcp.FlagDuplicateACK)
	case filter.TCPAnalysisLostSegment:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagLostSegment)
	case filter.TCPAnalysisACKLostSegment:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagACKLostSegment)
	case filter.TCPAnalysisZeroWindow:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagZeroWindow)
	case filter.TCPAnalysisZeroWindowProbe:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagZeroWindowProbe)
	case filter.TCPAnalysisZeroWindowProbeACK:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagZeroWindowProbeACK)
	case filter.TCPAnalysisWindowFull:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagWindowFull)
	case filter.TCPAnalysisWindowUpdate:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagWindowUpdate)
	case filter.TCPAnalysisKeepAlive:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagKeepAlive)
	case filter.TCPAnalysisKeepAliveACK:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagKeepAliveACK)
	case filter.TCPAnalysisReusedPorts:
		buf = s.tcpAnalysisFlag(buf, tcp.FlagReusedPorts)
	case filter.TCPAnalysisTFOSyn:
		buf = s.tfoFlag(buf, tfoSyn)
	case filter.TCPAnalysisTFOAck:
		buf = s.tfoFlag(buf, tfoAck)
	case filter.TCPAnalysisTFOIgnored:
		buf = s.tfoFlag(buf, tfoIgnored)

	// udp.*
	case filter.UDPSrcPort:
		buf = ports(buf, &s.udps, true /* src */, false /* dst */)
	case filter.UDPDstPort:
		buf = ports(buf, &s.udps, false /* src */, true /* dst */)
	case filter.UDPPort:
		buf = ports(buf, &s.udps, true /* src */, true /* dst */)
	case filter.UDPLength:
		for _, h := range s.udps.all() {
			if len(h.b) >= 6 {
				buf = append(buf, filter.Uint(be16(h.b[4:])))
			}
		}
	case filter.UDPStream:
		// Every UDP header's number, outermost first: the tunnels' and
		// then the innermost one's (or the one an ICMP error quotes).
		for _, id := range f.OuterUDPStreams[:min(f.NOuterUDP, len(f.OuterUDPStreams))] {
			buf = append(buf, filter.Uint(uint64(id)))
		}
		if f.UDPStream >= 0 {
			buf = append(buf, filter.Uint(uint64(f.UDPStream)))
		}

	// icmp.*, icmpv6.*
	case filter.ICMPType:
		for _, h := range s.icmps.all() {
			buf = append(buf, filter.Uint(uint64(h.b[0])))
		}
	case filter.ICMPCode:
		for _, h := range s.icmps.all() {
			buf = append(buf, filter.Uint(uint64(h.b[1])))
		}
	case filter.ICMPv6Type:
		for _, h := range s.icmp6s.all() {
			buf = append(buf, filter.Uint(uint64(h.b[0])))
		}
	case filter.ICMPv6Code:
		for _, h := range s.icmp6s.all() {
			buf = append(buf, filter.Uint(uint64(h.b[1])))
		}

	// arp.*
	case filter.ARPOpcode:
		if len(s.arp) >= 8 {
			buf = append(buf, filter.Uint(be16(s.arp[6:])))
		}
	case filter.ARPSrcProtoIPv4, filter.ARPDstProtoIPv4:
		a := s.arp
		if len(a) >= 8 && be16(a[2:]) == frame.EtherIPv4 && a[5] == 4 {
			hl := int(a[4])
			off := 8 + hl
			if id == filter.ARPDstProtoIPv4 {
				off = 8 + 2*hl + 4
			}
			if off+4 <= len(a) {
				buf = append(buf, filter.Addr(netip.AddrFrom4([4]byte(a[off:off+4]))))
			}
		}

	default:
		return s.appValues(id, buf)
	}
	return buf
}

// innerTCP returns the frame's own TCP header (not one quoted in an ICMP
// error), or nil.
func (s *source) innerTCP() *hdr {
	if s.f.Transport != frame.TransportTCP {
		return nil
	}
	for i := range s.tcps.all() {
		if s.tcps.h[i].inner {
			return &s.tcps.h[i]
		}
	}
	return nil
}

// ports gives the source port, the destination port or both of each
// header in l: TCP and UDP headers both begin with the two ports.
func ports(buf []filter.Value, l *hdrs, src, dst bool) []filter.Value {
	for _, h := range l.all() {
		if src {
			buf = append(buf, filter.Uint(be16(h.b)))
		}
		if dst {
			buf = append(buf, filter.Uint(be16(h.b[2:])))
		}
	}
	return buf
}

// tcpFlag gives a flag bit of every TCP header long enough to hold it.
func (s *source) tcpFlag(buf []filter.Value, mask byte) []filter.Value {
	for _, h := range s.tcps.all() {
		if len(h.b) >= 14 {
			buf = append(buf, filter.Bool(h.b[13]&mask != 0))
		}
	}
	return buf
}

func (s *source) tcpAnalysisFlag(buf []filter.Value, fl tcp.Flag) []filter.Value {
	if s.m.tcpFrame == s.f.Number && s.m.tcpFlags&fl != 0 && s.innerTCP() != nil {
		buf = append(buf, filter.Present())
	}
	return buf
}

func (s *source) tfoFlag(buf []filter.Value, fl uint8) []filter.Value {
	if s.m.tcpFrame == s.f.Number && s.m.tcpTFO&fl != 0 && s.innerTCP() != nil {
		buf = append(buf, filter.Present())
	}
	return buf
}

// Layers gives the layer of each occurrence of field id (filter.LayerSource,
// for the layer operator): the position, from 1, of the header of the
// field's protocol it was read from, in the order of the frame's headers
// (an ICMP error's quoted header after the others). Fields of other
// protocols (frame, the application protocols) are in layer 1.
func (s *source) Layers(id filter.FieldID, buf []int32) []int32 {
	if !s.scanned {
		s.scan()
	}
	if id == filter.UDPStream {
		// One number per UDP header, outermost first.
		for i := range s.Values(id, s.lvals[:0]) {
			buf = append(buf, int32(i+1))
		}
		return buf
	}
	l := s.headersOf(id.Protocol())
	if l == nil || l.n <= 1 {
		s.lvals = s.Values(id, s.lvals[:0])
		for range s.lvals {
			buf = append(buf, 1)
		}
		return buf
	}
	// Each header alone, in turn: the values read from it are its layer's.
	saved := *l
	for i := 0; i < saved.n; i++ {
		l.h[0], l.n = saved.h[i], 1
		s.lvals = s.Values(id, s.lvals[:0])
		for range s.lvals {
			buf = append(buf, int32(i+1))
		}
	}
	*l = saved
	return buf
}
