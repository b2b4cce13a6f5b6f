package packets

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

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
func (s *Scanner) Detail() *Detail {
	f := &s.fr
	d := &Detail{Row: s.Row(), Bytes: append([]byte(nil), f.Data...)}
	if f.Reassembled {
		d.Datagram = append([]byte(nil), f.Datagram...)
	}
	d.Layers = append(d.Layers, Layer{Name: "frame", Len: len(f.Data), Fields: []Field{
		{Name: "frame.number", Value: strconv.Itoa(f.Number)},
		{Name: "frame.time_relative", Value: s.fieldText(filter.FrameTimeRelative)},
		{Name: "frame.len", Value: strconv.Itoa(f.OrigLen)},
		{Name: "frame.cap_len", Value: strconv.Itoa(f.CapLen)},
	}})
	for _, l := range f.Path() {
		b := f.LayerBytes(l)
		ly := Layer{Name: l.Kind.String(), Off: int(l.Off), Len: int(l.Len), InDatagram: l.InDatagram}
		o := int(l.Off)
		add := func(name, v string, off, n int) {
			ly.Fields = append(ly.Fields, Field{Name: name, Value: v, Off: o + off, Len: n})
		}
		switch l.Kind {
		case frame.LayerEthernet:
			if len(b) >= 14 {
				add("eth.dst", mac([6]byte(b[0:6])), 0, 6)
				add("eth.src", mac([6]byte(b[6:12])), 6, 6)
				add("eth.type", fmt.Sprintf("0x%04x", binary.BigEndian.Uint16(b[12:])), 12, 2)
			}
		case frame.LayerVLAN:
			if len(b) >= 4 {
				add("vlan.id", strconv.Itoa(int(binary.BigEndian.Uint16(b)&0xfff)), 0, 2)
			}
		case frame.LayerARP:
			if len(b) >= 28 {
				add("arp.opcode", strconv.Itoa(int(binary.BigEndian.Uint16(b[6:]))), 6, 2)
				add("arp.src.proto_ipv4", netip.AddrFrom4([4]byte(b[14:18])).String(), 14, 4)
				add("arp.dst.proto_ipv4", netip.AddrFrom4([4]byte(b[24:28])).String(), 24, 4)
			}
		case frame.LayerIPv4:
			if len(b) >= 20 {
				add("ip.len", strconv.Itoa(int(binary.BigEndian.Uint16(b[2:]))), 2, 2)
				add("ip.id", fmt.Sprintf("0x%04x", binary.BigEndian.Uint16(b[4:])), 4, 2)
				add("ip.ttl", strconv.Itoa(int(b[8])), 8, 1)
				add("ip.proto", strconv.Itoa(int(b[9])), 9, 1)
				add("ip.src", netip.AddrFrom4([4]byte(b[12:16])).String(), 12, 4)
				add("ip.dst", netip.AddrFrom4([4]byte(b[16:20])).String(), 16, 4)
			}
		case frame.LayerIPv6:
			if len(b) >= 40 {
				add("ipv6.nxt", strconv.Itoa(int(b[6])), 6, 1)
				add("ipv6.hlim", strconv.Itoa(int(b[7])), 7, 1)
				add("ipv6.src", netip.AddrFrom16([16]byte(b[8:24])).String(), 8, 16)
				add("ipv6.dst", netip.AddrFrom16([16]byte(b[24:40])).String(), 24, 16)
			}
		case frame.LayerTCP:
			if len(b) >= 20 {
				add("tcp.srcport", strconv.Itoa(int(binary.BigEndian.Uint16(b))), 0, 2)
				add("tcp.dstport", strconv.Itoa(int(binary.BigEndian.Uint16(b[2:]))), 2, 2)
				add("tcp.stream", s.fieldText(filter.TCPStream), 0, 0)
				add("tcp.len", s.fieldText(filter.TCPLen), 0, 0)
				add("tcp.seq", s.fieldText(filter.TCPSeq), 4, 4)
				add("tcp.ack", s.fieldText(filter.TCPAck), 8, 4)
				add("tcp.flags", fmt.Sprintf("0x%03x", binary.BigEndian.Uint16(b[12:])&0xfff), 12, 2)
				add("tcp.window_size", s.fieldText(filter.TCPWindowSize), 14, 2)
			}
		case frame.LayerUDP:
			if len(b) >= 8 {
				add("udp.srcport", strconv.Itoa(int(binary.BigEndian.Uint16(b))), 0, 2)
				add("udp.dstport", strconv.Itoa(int(binary.BigEndian.Uint16(b[2:]))), 2, 2)
				add("udp.length", strconv.Itoa(int(binary.BigEndian.Uint16(b[4:]))), 4, 2)
				add("udp.stream", s.fieldText(filter.UDPStream), 0, 0)
			}
		case frame.LayerICMPv4, frame.LayerICMPv6:
			if len(b) >= 2 {
				p := "icmp"
				if l.Kind == frame.LayerICMPv6 {
					p = "icmpv6"
				}
				add(p+".type", strconv.Itoa(int(b[0])), 0, 1)
				add(p+".code", strconv.Itoa(int(b[1])), 1, 1)
			}
		}
		if ly.Fields == nil {
			ly.Fields = []Field{}
		}
		d.Layers = append(d.Layers, ly)
	}
	return d
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
