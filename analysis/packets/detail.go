package packets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"pcaplens/analysis/dhcp"
	"pcaplens/analysis/dns"
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
)

// Field is one field of a layer in the packet detail: its Wireshark name,
// its value as tshark prints it, and the bytes it was read from.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Off and Len are a byte range of the frame (or of the reassembled
	// datagram when the layer's InDatagram is set); Len 0 for values
	// computed by the analysis (stream numbers, relative numbers).
	Off int `json:"off"`
	Len int `json:"len"`
}

// Layer is one header of the packet detail.
type Layer struct {
	// Name is Wireshark's protocol name ("eth", "ip", "tcp").
	Name       string  `json:"name"`
	Off        int     `json:"off"`
	Len        int     `json:"len"`
	InDatagram bool    `json:"in_datagram,omitempty"`
	Fields     []Field `json:"fields"`
}

// Detail is the packet detail of one frame: its row, its layer tree and
// its bytes.
type Detail struct {
	Row    Row     `json:"row"`
	Layers []Layer `json:"layers"`
	// Bytes is the captured frame; Datagram the reassembled IP payload
	// when this frame completed one.
	Bytes    []byte `json:"bytes"`
	Datagram []byte `json:"datagram,omitempty"`
}

// Detail builds the detail of the current frame (copies; safe to keep).
// Every value is the frame's display-filter Source's (query.Matcher), in
// tshark -T fields' text; byte ranges come from the layer path and the
// parsers, and are empty (Len 0) for values the analysis computes (stream
// numbers, relative sequence numbers, tcp.analysis.*, dns.time).
func (s *Scanner) Detail() *Detail {
	return s.detail(textsOf(s.ext))
}

// textsOf reads a field's values from m, as tshark -T fields' text.
func textsOf(m interface {
	Values(filter.FieldID, []filter.Value) []filter.Value
}) func(filter.FieldID, []string) []string {
	var vals []filter.Value
	return func(id filter.FieldID, dst []string) []string {
		vals = m.Values(id, vals[:0])
		for _, v := range vals {
			dst = append(dst, v.Text(id))
		}
		return dst
	}
}

// detail builds the detail of the current frame with the field values
// texts gives (the pass's Matcher, or a Replayer's).
func (s *Scanner) detail(texts func(filter.FieldID, []string) []string) *Detail {
	f := &s.fr
	d := &Detail{Row: s.Row(), Bytes: append([]byte(nil), f.Data...)}
	if f.Reassembled {
		d.Datagram = append([]byte(nil), f.Datagram...)
	}
	x := detailer{s: s, texts: texts}
	fr := Layer{Name: "frame", Len: len(f.Data)}
	for _, id := range []filter.FieldID{filter.FrameNumber, filter.FrameTimeRelative, filter.FrameTimeDelta, filter.FrameLen, filter.FrameCapLen} {
		x.add(&fr, id, 0, 0, 0)
	}
	d.Layers = append(d.Layers, fr)
	path := f.Path()
	lastTCP := -1
	for i, l := range path {
		if l.Kind == frame.LayerTCP {
			lastTCP = i
		}
	}
	// occ counts the headers of each kind so far: the n-th IPv4 header of
	// the path is the n-th occurrence of ip.* in the Source.
	var occ [256]int
	var ethTypes int
	for i, l := range path {
		b := f.LayerBytes(l)
		ly := Layer{Name: l.Kind.String(), Off: int(l.Off), Len: int(l.Len), InDatagram: l.InDatagram, Fields: []Field{}}
		o, k := int(l.Off), occ[l.Kind]
		occ[l.Kind]++
		switch l.Kind {
		case frame.LayerEthernet:
			x.add(&ly, filter.EthDst, k, o, 6)
			x.add(&ly, filter.EthSrc, k, o+6, 6)
			if len(b) >= 14 && binary.BigEndian.Uint16(b[12:]) > 1500 {
				x.add(&ly, filter.EthType, ethTypes, o+12, 2)
				ethTypes++
			}
		case frame.LayerVLAN:
			x.add(&ly, filter.VLANID, k, o, 2)
		case frame.LayerARP:
			x.add(&ly, filter.ARPOpcode, 0, o+6, 2)
			hl := 6
			if len(b) > 4 {
				hl = int(b[4])
			}
			x.add(&ly, filter.ARPSrcProtoIPv4, 0, o+8+hl, 4)
			x.add(&ly, filter.ARPDstProtoIPv4, 0, o+8+2*hl+4, 4)
		case frame.LayerIPv4:
			x.add(&ly, filter.IPLen, k, o+2, 2)
			x.add(&ly, filter.IPID, k, o+4, 2)
			x.add(&ly, filter.IPFlagsDF, k, o+6, 1)
			x.add(&ly, filter.IPFlagsMF, k, o+6, 1)
			x.add(&ly, filter.IPFragOffset, k, o+6, 2)
			x.add(&ly, filter.IPTTL, k, o+8, 1)
			x.add(&ly, filter.IPProto, k, o+9, 1)
			x.add(&ly, filter.IPSrc, k, o+12, 4)
			x.add(&ly, filter.IPDst, k, o+16, 4)
		case frame.LayerIPv6:
			x.add(&ly, filter.IPv6Nxt, k, o+6, 1)
			x.add(&ly, filter.IPv6Hlim, k, o+7, 1)
			x.add(&ly, filter.IPv6Src, k, o+8, 16)
			x.add(&ly, filter.IPv6Dst, k, o+24, 16)
		case frame.LayerTCP:
			x.add(&ly, filter.TCPSrcPort, k, o, 2)
			x.add(&ly, filter.TCPDstPort, k, o+2, 2)
			inner := i == lastTCP
			if inner {
				x.add(&ly, filter.TCPStream, 0, 0, 0)
				x.add(&ly, filter.TCPLen, 0, 0, 0)
				x.add(&ly, filter.TCPSeq, 0, o+4, 4)
				x.add(&ly, filter.TCPAck, 0, o+8, 4)
			}
			x.add(&ly, filter.TCPFlags, k, o+12, 2)
			for _, id := range []filter.FieldID{filter.TCPFlagsUrg, filter.TCPFlagsAck, filter.TCPFlagsPush, filter.TCPFlagsReset, filter.TCPFlagsSyn, filter.TCPFlagsFin} {
				x.add(&ly, id, k, o+13, 1)
			}
			if inner {
				x.add(&ly, filter.TCPWindowSize, 0, o+14, 2)
				// The SEQ/ACK analysis: the tree, then each flag.
				for id := filter.TCPAnalysis; id <= filter.TCPAnalysisTFOIgnored; id++ {
					x.add(&ly, id, 0, 0, 0)
				}
			}
		case frame.LayerUDP:
			x.add(&ly, filter.UDPSrcPort, k, o, 2)
			x.add(&ly, filter.UDPDstPort, k, o+2, 2)
			x.add(&ly, filter.UDPLength, k, o+4, 2)
			x.add(&ly, filter.UDPStream, k, 0, 0)
		case frame.LayerICMPv4:
			x.add(&ly, filter.ICMPType, k, o, 1)
			x.add(&ly, filter.ICMPCode, k, o+1, 1)
		case frame.LayerICMPv6:
			x.add(&ly, filter.ICMPv6Type, k, o, 1)
			x.add(&ly, filter.ICMPv6Code, k, o+1, 1)
		}
		d.Layers = append(d.Layers, ly)
	}
	if ly, ok := x.app(); ok {
		d.Layers = append(d.Layers, ly)
	}
	return d
}

// detailer builds the fields of a detail from the texts of the frame's
// field values.
type detailer struct {
	s     *Scanner
	texts func(filter.FieldID, []string) []string
	vals  []string
}

// add appends occurrence k of field id, if the frame has it, with the
// byte range [off, off+n).
func (x *detailer) add(ly *Layer, id filter.FieldID, k, off, n int) {
	x.vals = x.texts(id, x.vals[:0])
	if k >= len(x.vals) {
		return
	}
	if n == 0 {
		off = 0
	}
	ly.Fields = append(ly.Fields, Field{Name: id.String(), Value: x.vals[k], Off: off, Len: n})
}

// addAll appends every occurrence of field id; at(i) gives occurrence i's
// byte range (n 0 when unknown).
func (x *detailer) addAll(ly *Layer, id filter.FieldID, at func(i int, v string) (off, n int)) {
	x.vals = x.texts(id, x.vals[:0])
	for i, v := range x.vals {
		off, n := 0, 0
		if at != nil {
			off, n = at(i, v)
		}
		if n <= 0 {
			off, n = 0, 0
		}
		ly.Fields = append(ly.Fields, Field{Name: id.String(), Value: v, Off: off, Len: n})
	}
}

// app returns the layer of the application protocol the Source found in
// the frame (dns, mdns, dhcp, dhcpv6, sip, rtp), with its fields.
func (x *detailer) app() (Layer, bool) {
	f := &x.s.fr
	var id filter.FieldID
	for _, c := range []filter.FieldID{filter.DNS, filter.MDNS, filter.DHCP, filter.DHCPv6, filter.SIP, filter.RTP} {
		if x.vals = x.texts(c, x.vals[:0]); len(x.vals) > 0 {
			id = c
			break
		}
	}
	if id == 0 {
		return Layer{}, false
	}
	// The layer is the transport payload, in the frame or in the
	// reassembled datagram.
	p := f.Payload
	ly := Layer{Name: id.String(), Fields: []Field{}}
	base, in := offsetIn(f.Data, p)
	if !in {
		if base, in = offsetIn(f.Datagram, p); in {
			ly.InDatagram = true
		}
	}
	if !in || f.Transport != frame.TransportTCP && f.Transport != frame.TransportUDP {
		// A datagram quoted in an ICMP error: the values, no ranges.
		base, in = 0, false
		p = nil
	}
	ly.Off, ly.Len = base, len(p)
	at := func(off, n int) func(int, string) (int, int) {
		if !in || f.Transport == frame.TransportTCP && id != filter.SIP {
			return nil // DNS over TCP is framed across segments
		}
		return func(int, string) (int, int) { return base + off, n }
	}
	switch id {
	case filter.DNS, filter.MDNS:
		x.addAll(&ly, filter.DNSID, at(0, 2))
		x.addAll(&ly, filter.DNSFlagsResponse, at(2, 2))
		x.addAll(&ly, filter.DNSFlagsRcode, at(2, 2))
		var m dns.Message
		var q0, q0n int
		var rd []int
		if in && f.Transport == frame.TransportUDP {
			m.Parse(p)
			q0n = wireNameLen(p, dns.HeaderLen)
			q0 = base + dns.HeaderLen
			for i := range m.RRs {
				rd = append(rd, i)
			}
		}
		x.addAll(&ly, filter.DNSQryName, func(i int, _ string) (int, int) {
			if i == 0 && q0n > 0 {
				return q0, q0n
			}
			return 0, 0
		})
		x.addAll(&ly, filter.DNSQryType, func(i int, _ string) (int, int) {
			if i == 0 && q0n > 0 {
				return q0 + q0n, 2
			}
			return 0, 0
		})
		for _, c := range []struct {
			id  filter.FieldID
			typ uint16
		}{{filter.DNSA, 1}, {filter.DNSAAAA, 28}} {
			var offs []int
			for _, i := range rd {
				if r := &m.RRs[i]; r.Type == c.typ {
					offs = append(offs, r.RDOff)
				}
			}
			size := 4
			if c.typ == 28 {
				size = 16
			}
			x.addAll(&ly, c.id, func(i int, _ string) (int, int) {
				if i < len(offs) {
					return base + offs[i], size
				}
				return 0, 0
			})
		}
		x.addAll(&ly, filter.DNSTime, nil)
	case filter.DHCP:
		var opt53 []byte
		var opt61 []byte
		if in {
			if m, err := dhcp.ParseMessage(p); err == nil {
				m.WalkOptions(func(o dhcp.Option) {
					if o.Code == 53 && opt53 == nil && len(o.Data) == 1 {
						opt53 = o.Data
					}
					if o.Code == 61 && opt61 == nil && len(o.Data) == 7 {
						opt61 = o.Data[1:]
					}
				})
			}
		}
		x.addAll(&ly, filter.DHCPID, func(int, string) (int, int) {
			if in {
				return base + 4, 4 // xid
			}
			return 0, 0
		})
		x.addAll(&ly, filter.DHCPOptionDHCP, func(int, string) (int, int) { return rangeOf(f, opt53) })
		x.addAll(&ly, filter.DHCPHWMacAddr, func(i int, _ string) (int, int) {
			if i == 0 && in {
				return base + 28, 6 // chaddr
			}
			return rangeOf(f, opt61)
		})
	case filter.DHCPv6:
		x.addAll(&ly, filter.DHCPv6XID, func(i int, _ string) (int, int) {
			if i == 0 && in && len(p) >= 4 && p[0] != 12 && p[0] != 13 {
				return base + 1, 3 // not relayed: the header's
			}
			return 0, 0
		})
	case filter.SIP:
		x.addAll(&ly, filter.SIPMethod, func(_ int, v string) (int, int) { return x.find(p, base, in, v) })
		x.addAll(&ly, filter.SIPStatusCode, func(_ int, v string) (int, int) { return x.find(p, base, in, v) })
		x.addAll(&ly, filter.SIPCallID, func(_ int, v string) (int, int) { return x.find(p, base, in, v) })
	}
	return ly, true
}

// find locates a SIP value's text in the payload (the first place it
// occurs), for its byte range.
func (x *detailer) find(p []byte, base int, in bool, t string) (int, int) {
	if !in {
		return 0, 0
	}
	if i := bytes.Index(p, []byte(t)); i >= 0 {
		return base + i, len(t)
	}
	return 0, 0
}

// rangeOf is the byte range of b in the frame (or the datagram), n 0 when
// b is not a slice of either.
func rangeOf(f *frame.Frame, b []byte) (int, int) {
	if len(b) == 0 {
		return 0, 0
	}
	if off, ok := offsetIn(f.Data, b); ok {
		return off, len(b)
	}
	if off, ok := offsetIn(f.Datagram, b); ok {
		return off, len(b)
	}
	return 0, 0
}

// offsetIn returns where sub starts in buf when sub is a slice of buf's
// memory.
func offsetIn(buf, sub []byte) (int, bool) {
	if cap(buf) == 0 || cap(sub) == 0 || &buf[:cap(buf)][cap(buf)-1] != &sub[:cap(sub)][cap(sub)-1] {
		return 0, false
	}
	off := cap(buf) - cap(sub)
	if off < 0 || off+len(sub) > len(buf) {
		return 0, false
	}
	return off, true
}

// wireNameLen is the length of the uncompressed DNS name at b[off:] on the
// wire (its labels and the root), 0 when it is compressed or cut short.
func wireNameLen(b []byte, off int) int {
	for i := off; i < len(b); {
		n := int(b[i])
		switch {
		case n == 0:
			return i + 1 - off
		case n&0xc0 != 0:
			return 0
		}
		i += 1 + n
	}
	return 0
}

// Hexdump writes b as tshark -x does: offset, 16 bytes in hex, ASCII.
func Hexdump(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i += 16 {
		line := b[i:min(i+16, len(b))]
		fmt.Fprintf(&sb, "%04x  ", i)
		for j := 0; j < 16; j++ {
			if j < len(line) {
				fmt.Fprintf(&sb, "%02x ", line[j])
			} else {
				sb.WriteString("   ")
			}
			if j == 7 {
				sb.WriteByte(' ')
			}
		}
		sb.WriteByte(' ')
		for _, c := range line {
			if c >= 0x20 && c < 0x7f {
				sb.WriteByte(c)
			} else {
				sb.WriteByte('.')
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
