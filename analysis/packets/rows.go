package packets

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"pcaplens/analysis/dhcp"
	"pcaplens/analysis/dns"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/http"
	"pcaplens/analysis/sip"
	"pcaplens/analysis/tcp"
)

// Row is one line of the packet list, with tshark's default columns.
type Row struct {
	// No is the frame number.
	No int `json:"no"`
	// Time is the time since the first frame, in seconds as tshark prints
	// it (as many decimals as the capture's timestamp resolution).
	Time string `json:"time"`
	// TimeNs is the frame's absolute time, nanoseconds since the epoch (0
	// when the record has none).
	TimeNs int64 `json:"time_ns"`
	// Source and Destination are the innermost IP addresses, else the
	// link addresses (MACs), as tshark -n shows them; "" when neither.
	Source      string `json:"source"`
	Destination string `json:"destination"`
	// Protocol is tshark's protocol column ("TCP", "DNS", "ARP", …).
	Protocol string `json:"protocol"`
	// Length is the frame's length on the wire.
	Length int `json:"length"`
	// Info is tshark's Info column for the protocols pcaplens decodes.
	Info string `json:"info"`
}

// Row builds the row of the current frame.
func (s *Scanner) Row() Row {
	f := &s.fr
	r := Row{No: f.Number, Length: f.OrigLen}
	if !f.NoTime {
		r.TimeNs = f.TimeNs
	}
	r.Time = s.relTime(f)
	r.Source, r.Destination = addresses(f)
	r.Protocol, r.Info = s.describe(f)
	return r
}

// relTime formats the time since the first frame with the decimals of the
// interface's timestamp resolution, as tshark's default -t r.
func (s *Scanner) relTime(f *frame.Frame) string {
	var d int64
	if !f.NoTime && s.hasFirst {
		d = f.TimeNs - s.first
	}
	if f.NoTime {
		return ""
	}
	digits := 6
	if ifcs := s.interfaces(); f.Interface >= 0 && f.Interface < len(ifcs) {
		digits = resolutionDigits(ifcs[f.Interface].TsResolution)
	}
	return formatSeconds(d, digits)
}

// resolutionDigits is the number of decimals tshark 4.0 prints for a
// timestamp of units per second: the power of ten up to microseconds,
// nine for nanoseconds and finer, six otherwise (10^7, 10^8 and binary
// resolutions are shown as microseconds).
func resolutionDigits(units uint64) int {
	if units >= 1e9 {
		return 9
	}
	d := 0
	for p := uint64(1); p < units; p *= 10 {
		d++
	}
	if d <= 6 && pow10(d) == units {
		return d
	}
	return 6
}

func pow10(d int) uint64 {
	p := uint64(1)
	for ; d > 0; d-- {
		p *= 10
	}
	return p
}

// formatSeconds prints ns as seconds with digits decimals (truncated, as
// tshark does).
func formatSeconds(ns int64, digits int) string {
	neg := ns < 0
	if neg {
		ns = -ns
	}
	sec, frac := ns/1e9, ns%1e9
	s := strconv.FormatInt(sec, 10)
	if digits > 0 {
		fs := strconv.FormatInt(frac+1e9, 10)[1:]
		s += "." + fs[:digits]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// addresses are the Source and Destination columns.
func addresses(f *frame.Frame) (string, string) {
	if f.SrcIP.IsValid() && (f.Network == frame.NetIPv4 || f.Network == frame.NetIPv6) && ipVersionOK(f) {
		return f.SrcIP.String(), f.DstIP.String()
	}
	if f.HasMAC {
		// The innermost Ethernet header (VXLAN and GRE carry one).
		for i := f.NLayers - 1; i > 0; i-- {
			if l := f.Layers[i]; l.Kind == frame.LayerEthernet {
				if b := f.LayerBytes(l); len(b) >= 12 {
					return mac([6]byte(b[6:12])), mac([6]byte(b[0:6]))
				}
			}
		}
		return mac(f.SrcMAC), mac(f.DstMAC)
	}
	if f.NLayers > 0 && f.Layers[0].Kind == frame.LayerARCNet {
		if b := f.LayerBytes(f.Layers[0]); len(b) >= 2 {
			return fmt.Sprintf("0x%02x", b[0]), fmt.Sprintf("0x%02x", b[1])
		}
	}
	return "", ""
}

// ipVersionOK is false for a header whose version field is not its
// EtherType's: tshark does not dissect it as IP.
func ipVersionOK(f *frame.Frame) bool {
	for _, l := range f.Path() {
		if l.Kind == frame.LayerIPv4 || l.Kind == frame.LayerIPv6 {
			b := f.LayerBytes(l)
			want := byte(4)
			if l.Kind == frame.LayerIPv6 {
				want = 6
			}
			return len(b) > 0 && b[0]>>4 == want
		}
	}
	return true
}

func mac(m [6]byte) string {
	const hexd = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i, c := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexd[c>>4], hexd[c&15])
	}
	return string(b)
}

// describe gives the Protocol and Info columns.
func (s *Scanner) describe(f *frame.Frame) (string, string) {
	if !f.LinkDecoded {
		return "", ""
	}
	switch f.Network {
	case frame.NetARP:
		return arpInfo(f)
	case frame.NetIPv4, frame.NetIPv6:
	default:
		return "", ""
	}
	if f.Fragment && !f.Reassembled && f.Transport == frame.TransportNone {
		if f.Network == frame.NetIPv4 {
			return "IPv4", fmt.Sprintf("Fragmented IP protocol (proto=%s %d, off=%d, ID=%04x)",
				ipProtoName(uint8(f.Proto)), uint8(f.Proto), f.FragOffset, f.FragID)
		}
		more := "n"
		if f.MoreFragments {
			more = "y"
		}
		return "IPv6", fmt.Sprintf("IPv6 fragment (off=%d more=%s ident=0x%08x nxt=%d)", f.FragOffset, more, f.FragID, uint8(f.Proto))
	}
	switch f.Transport {
	case frame.TransportTCP:
		return s.tcpRow(f)
	case frame.TransportUDP:
		return udpRow(f)
	case frame.TransportICMPv4:
		info := icmpInfo(f)
		if s.reqIn > 0 {
			info += fmt.Sprintf(" (request in %d)", s.reqIn)
		}
		return "ICMP", info
	case frame.TransportICMPv6:
		return "ICMPv6", icmpv6Info(f)
	}
	return "", ""
}

// ipProtoName names an IP protocol as Wireshark's fragment summary does.
func ipProtoName(p uint8) string {
	if p == 47 {
		return "Generic Routing Encapsulation"
	}
	return frame.IPProtocolName(p)
}

// tcpRow is TCP's Info, with the analysis flags in front as Wireshark
// prepends them, and DNS or SIP carried whole in the segment.
func (s *Scanner) tcpRow(f *frame.Frame) (string, string) {
	var b strings.Builder
	if s.tcpSet {
		s.analysisPrefix(&b)
	}
	prefix := b.Len()
	fmt.Fprintf(&b, "%d → %d [%s]", f.SrcPort, f.DstPort, tcpFlagString(f))
	th := &f.TCP
	seq, ack, win := th.Seq, th.Ack, uint32(th.Window)
	if s.tcpSet {
		seq, ack, win = s.relSeq, s.relAck, s.win
	}
	fmt.Fprintf(&b, " Seq=%d", seq)
	if th.ACK {
		fmt.Fprintf(&b, " Ack=%d", ack)
	}
	fmt.Fprintf(&b, " Win=%d", win)
	if th.URG {
		fmt.Fprintf(&b, " Urg=%d", th.Urgent)
	}
	fmt.Fprintf(&b, " Len=%d", len(f.Payload))
	s.tcpOptions(&b, f)
	// Application data in one segment.
	if len(f.Payload) > 0 {
		retrans := s.tcpSet && s.tcpFlags&(tcp.FlagRetransmission|tcp.FlagSpuriousRetransmission|
			tcp.FlagFastRetransmission|tcp.FlagOutOfOrder) != 0
		if p, info := appOverTCP(f, retrans); p == "TCP" {
			// The start of a longer message: TCP's analysis flags stay in front.
			return p, b.String()[:prefix] + info
		} else if p != "" {
			return p, info
		}
	}
	return "TCP", b.String()
}

// analysisPrefix writes the analysis flags in the order Wireshark's
// tcp_print_sequence_number_analysis leaves them (each is prepended).
func (s *Scanner) analysisPrefix(b *strings.Builder) {
	fl := s.tcpFlags
	if fl&tcp.FlagReusedPorts != 0 {
		b.WriteString("[TCP Port numbers reused] ")
	}
	if fl&tcp.FlagZeroWindowProbeACK != 0 {
		b.WriteString("[TCP ZeroWindowProbeAck] ")
	}
	if fl&tcp.FlagZeroWindow != 0 {
		b.WriteString("[TCP ZeroWindow] ")
	}
	if fl&tcp.FlagZeroWindowProbe != 0 {
		b.WriteString("[TCP ZeroWindowProbe] ")
	}
	if fl&tcp.FlagOutOfOrder != 0 {
		b.WriteString("[TCP Out-Of-Order] ")
	}
	if fl&tcp.FlagSpuriousRetransmission != 0 {
		b.WriteString("[TCP Spurious Retransmission] ")
	}
	if fl&tcp.FlagFastRetransmission != 0 {
		b.WriteString("[TCP Fast Retransmission] ")
	}
	if fl&tcp.FlagDuplicateACK != 0 {
		fmt.Fprintf(b, "[TCP Dup ACK %d#%d] ", s.dupFrame, s.dupNum)
	}
	if fl&tcp.FlagKeepAliveACK != 0 {
		b.WriteString("[TCP Keep-Alive ACK] ")
	}
	if fl&tcp.FlagWindowFull != 0 {
		b.WriteString("[TCP Window Full] ")
	}
	if fl&tcp.FlagWindowUpdate != 0 {
		b.WriteString("[TCP Window Update] ")
	}
	if fl&tcp.FlagKeepAlive != 0 {
		b.WriteString("[TCP Keep-Alive] ")
	}
	if fl&tcp.FlagACKLostSegment != 0 {
		b.WriteString("[TCP ACKed unseen segment] ")
	}
	if fl&tcp.FlagLostSegment != 0 {
		b.WriteString("[TCP Previous segment not captured] ")
	}
	if fl&tcp.FlagRetransmission != 0 {
		b.WriteString("[TCP Retransmission] ")
	}
}

// tcpFlagString is Wireshark's flag list ("SYN, ACK"), "<None>" when none.
func tcpFlagString(f *frame.Frame) string {
	th := &f.TCP
	var names []string
	for _, fl := range []struct {
		on   bool
		name string
	}{{th.FIN, "FIN"}, {th.SYN, "SYN"}, {th.RST, "RST"}, {th.PSH, "PSH"}, {th.ACK, "ACK"},
		{th.URG, "URG"}, {th.ECE, "ECE"}, {th.CWR, "CWR"}, {th.NS, "AE"},
		{len(th.Contents) > 12 && th.Contents[12]&0x0e != 0, "Reserved"}} {
		if fl.on {
			names = append(names, fl.name)
		}
	}
	if len(names) == 0 {
		return "<None>"
	}
	return strings.Join(names, ", ")
}

// tcpOptions appends the options Wireshark summarises in Info, in header order.
func (s *Scanner) tcpOptions(b *strings.Builder, f *frame.Frame) {
	c := f.TCP.Contents
	if len(c) <= 20 {
		return
	}
	o := c[20:]
	for len(o) > 0 {
		kind := o[0]
		if kind == 0 {
			return
		}
		if kind == 1 {
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			return
		}
		n := int(o[1])
		v := o[2:n]
		switch kind {
		case 2:
			if n == 4 {
				fmt.Fprintf(b, " MSS=%d", binary.BigEndian.Uint16(v))
			}
		case 3:
			if n == 3 {
				sh := v[0]
				if sh > 14 {
					sh = 14
				}
				fmt.Fprintf(b, " WS=%d", 1<<sh)
			}
		case 4:
			if n == 2 {
				b.WriteString(" SACK_PERM")
			}
		case 5:
			for i := 0; i+8 <= len(v); i += 8 {
				l, r := binary.BigEndian.Uint32(v[i:]), binary.BigEndian.Uint32(v[i+4:])
				if s.tcpSet {
					// Relative to the base of the acknowledged direction.
					l -= s.ackBase
					r -= s.ackBase
				}
				fmt.Fprintf(b, " SLE=%d SRE=%d", l, r)
			}
		case 8:
			if n == 10 {
				fmt.Fprintf(b, " TSval=%d TSecr=%d", binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:]))
			}
		}
		o = o[n:]
	}
}

// appOverTCP names DNS, SIP and HTTP carried whole in one TCP segment.
// A retransmission or an out-of-order segment is not HTTP: tshark does
// not hand its bytes to HTTP again. Protocol "TCP" is the start of an HTTP
// message that goes on in later segments, Info without TCP's analysis
// flags.
func appOverTCP(f *frame.Frame, retrans bool) (string, string) {
	p := f.Payload
	if f.SrcPort == 53 || f.DstPort == 53 {
		if len(p) >= 2 && int(binary.BigEndian.Uint16(p)) == len(p)-2 {
			if info, ok := dnsInfo(p[2:], false); ok {
				return "DNS", info
			}
		}
		return "", ""
	}
	if f.SrcPort == 5060 || f.DstPort == 5060 {
		if info, proto, ok := sipInfo(p, true); ok {
			return proto, info
		}
		return "", ""
	}
	if !retrans && (httpPort(f.SrcPort) || httpPort(f.DstPort)) {
		return httpRow(p)
	}
	return "", ""
}

// httpPort reports whether p is one of the ports Wireshark decodes as HTTP.
func httpPort(p uint16) bool {
	for _, q := range http.Ports {
		if p == q {
			return true
		}
	}
	return false
}

// httpRow is HTTP's Protocol and Info for a segment that starts an
// HTTP/1.x message at its first byte (read by analysis/http's parser).
// When the segment holds the whole message: the start line with tshark's
// trailing space, then what tshark's body dissector adds ("  (text/html)",
// "  (PNG)"). When the message goes on in later segments, tshark's Protocol
// stays TCP and its Info is the start line, then "[TCP segment of a
// reassembled PDU]"; the segment that completes the message is left to
// TCP's row (tshark shows HTTP there, which needs the connection's state,
// not kept here).
func httpRow(p []byte) (string, string) {
	if len(p) < 5 || !startsHTTP(p) {
		return "", ""
	}
	var ps http.Parser
	n, m := ps.Feed(p)
	if m == nil || !m.Complete || n != len(p) {
		// Not whole here: the start line, when its line is.
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			return "", ""
		}
		line := p[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		sl, ok := http.StartLine(line)
		if !ok || (m != nil && n == len(p)) {
			return "", ""
		}
		first, ok := startLineInfo(&sl)
		if !ok {
			return "", ""
		}
		return "TCP", first + " [TCP segment of a reassembled PDU]"
	}
	first, ok := startLineInfo(m)
	if !ok {
		return "", ""
	}
	var b strings.Builder
	b.WriteString(first)
	proto := "HTTP"
	body := m.Body > 0
	if ce := strings.ToLower(m.ContentEncoding); body && ce != "" && ce != "identity" {
		// tshark names what the decoded body holds; an empty one adds nothing.
		empty, ok := false, true
		if m.Chunked {
			// The chunks' data is not kept: a gzip stream of 20 bytes
			// (or a zlib one of 8) is the shortest and holds nothing;
			// longer ones are taken to hold something.
			if m.Body <= 20 {
				return "", ""
			}
		} else {
			empty, ok = decodesEmpty(ce, p[len(p)-int(m.Body):])
		}
		if !ok {
			return "", ""
		}
		body = !empty
	}
	if body && m.ContentType != "" {
		ct := strings.ToLower(strings.TrimSpace(strings.SplitN(m.ContentType, ";", 2)[0]))
		switch ct {
		case "application/xml", "text/xml":
			proto = "HTTP/XML"
		case "application/octet-stream":
			// Plain data: tshark's data dissector adds nothing.
		case "image/png":
			b.WriteString(" (PNG)")
		case "image/jpeg", "image/jpg", "image/pjpeg":
			b.WriteString(" (JPEG JFIF image)")
		case "image/gif":
			if len(m.Sniff) >= 6 {
				b.WriteString(" (" + printableASCII(m.Sniff[:6]) + ")")
			}
		default:
			b.WriteString(" (" + ct + ")")
		}
	}
	return proto, b.String()
}

// decodesEmpty reports whether a gzip or deflate body decodes to no
// bytes; ok is false for another coding or a body that does not decode.
func decodesEmpty(coding string, body []byte) (empty, ok bool) {
	var r io.Reader
	var err error
	switch coding {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(body))
	default:
		return false, false
	}
	if err != nil {
		return false, false
	}
	var one [1]byte
	n, err := io.ReadFull(r, one[:])
	if n == 1 {
		return false, true
	}
	return true, errors.Is(err, io.EOF)
}

// startLineInfo is the start line as tshark's Info shows it, with a
// trailing space; false when the URI was cut.
func startLineInfo(m *http.Message) (string, bool) {
	if m.Request {
		if m.URILen != len(m.URI) {
			return "", false
		}
		return m.Method + " " + m.URI + " " + m.Version + " ", true
	}
	return m.Version + " " + strconv.Itoa(m.Code) + " " + m.Reason + " ", true
}

// startsHTTP is a cheap test that p may start a request or status line:
// an upper-case letter, as every method and "HTTP/" start with.
func startsHTTP(p []byte) bool {
	return p[0] >= 'A' && p[0] <= 'Z'
}

// printableASCII is b with bytes outside printable ASCII as '.'.
func printableASCII(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}

// udpRow names what UDP carries, or gives UDP's own Info.
func udpRow(f *frame.Frame) (string, string) {
	p := f.Payload
	sp, dp := f.SrcPort, f.DstPort
	switch {
	case sp == 5353 || dp == 5353:
		if info, ok := dnsInfo(p, true); ok {
			return "MDNS", info
		}
	case sp == 53 || dp == 53:
		if info, ok := dnsInfo(p, false); ok {
			return "DNS", info
		}
	case (sp == 67 || sp == 68) && (dp == 67 || dp == 68):
		if info, ok := dhcpInfo(p); ok {
			return "DHCP", info
		}
	case (sp == 546 || sp == 547) && (dp == 546 || dp == 547):
		if info, ok := dhcpv6Info(p); ok {
			return "DHCPv6", info
		}
	}
	// Heuristics, as Wireshark's: SIP on any port, DNS that parses whole.
	if info, proto, ok := sipInfo(p, false); ok {
		return proto, info
	}
	var m dns.Message
	if len(p) >= 12 && m.Parse(p) == nil && m.Trailing == 0 && m.Plausible() && len(m.Questions) > 0 {
		if info, ok := dnsInfo(p, false); ok {
			return "DNS", info
		}
	}
	return "UDP", fmt.Sprintf("%d → %d Len=%d", sp, dp, len(p))
}

// dnsInfo is DNS's Info: opcode, "response", the id, the rcode when not
// NOERROR, then each question and each record with its data.
func dnsInfo(p []byte, mdns bool) (string, bool) {
	var m dns.Message
	if err := m.Parse(p); err != nil && len(m.Questions) == 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteString(dnsOpcode(m.Opcode()))
	if m.Response() {
		b.WriteString(" response")
	}
	fmt.Fprintf(&b, " 0x%04x", m.ID)
	if m.Response() && m.Flags&0xf != 0 {
		b.WriteString(" " + dnsRcode(m.Flags&0xf))
	}
	for i, q := range m.Questions {
		fmt.Fprintf(&b, " %s %s", dns.TypeName(q.Type), nameOrRoot(m.QName(i)))
		if mdns && q.Class&0x8000 != 0 {
			b.WriteString(", \"QU\" question")
		} else if mdns {
			b.WriteString(", \"QM\" question")
		}
	}
	for i, rr := range m.RRs {
		b.WriteString(" " + dns.TypeName(rr.Type))
		if d := rrData(&m, i, mdns); d != "" {
			b.WriteString(" " + d)
		}
	}
	return b.String(), true
}

func nameOrRoot(n []byte) string {
	if len(n) == 0 {
		return "<Root>"
	}
	return strings.TrimSuffix(string(n), ".")
}

// rrData is what Wireshark's Info shows of a record's data.
func rrData(m *dns.Message, i int, mdns bool) string {
	rr := &m.RRs[i]
	switch rr.Type {
	case 1, 28, 2, 5, 12, 6, 15, 33:
	default:
		return ""
	}
	fl := m.Record(i, mdns)
	d, _ := fl["data"].(string)
	if _, bad := fl["error"]; bad {
		return ""
	}
	parts := strings.Fields(d)
	for k := range parts {
		parts[k] = strings.TrimSuffix(parts[k], ".")
		if parts[k] == "" {
			parts[k] = "<Root>"
		}
	}
	switch rr.Type {
	case 6: // SOA: the primary name server
		if len(parts) > 0 {
			return parts[0]
		}
		return ""
	}
	return strings.Join(parts, " ")
}

func dnsOpcode(o uint8) string {
	switch o {
	case 0:
		return "Standard query"
	case 1:
		return "Inverse query"
	case 2:
		return "Server status request"
	case 4:
		return "Zone change notification"
	case 5:
		return "Dynamic update"
	}
	return "Unknown operation (" + strconv.Itoa(int(o)) + ")"
}

func dnsRcode(r uint16) string {
	switch r {
	case 1:
		return "Format error"
	case 2:
		return "Server failure"
	case 3:
		return "No such name"
	case 4:
		return "Not implemented"
	case 5:
		return "Refused"
	case 6:
		return "Name exists"
	case 7:
		return "RRset exists"
	case 8:
		return "RRset does not exist"
	case 9:
		return "Not authoritative"
	case 10:
		return "Name out of zone"
	}
	return "Unknown error (" + strconv.Itoa(int(r)) + ")"
}

// dhcpNames are Wireshark's names of DHCP message types (option 53).
var dhcpNames = map[dhcp.MessageType]string{
	dhcp.TypeDiscover: "Discover", dhcp.TypeOffer: "Offer", dhcp.TypeRequest: "Request",
	dhcp.TypeDecline: "Decline", dhcp.TypeAck: "ACK", dhcp.TypeNak: "NAK", dhcp.TypeRelease: "Release",
	dhcp.TypeInform: "Inform", dhcp.TypeForceRenew: "Force Renew", dhcp.TypeLeaseQuery: "Lease query",
	dhcp.TypeLeaseUnassigned: "Lease Unassigned", dhcp.TypeLeaseUnknown: "Lease Unknown",
	dhcp.TypeLeaseActive: "Lease Active", dhcp.TypeBulkLeaseQuery: "Bulk Lease Query",
	dhcp.TypeLeaseQueryDone: "Lease Query Done", dhcp.TypeActiveLeaseQuery: "Active LeaseQuery",
	dhcp.TypeLeaseQueryStatus: "Lease Query Status", dhcp.TypeTLS: "TLS",
}

// dhcpInfo is "DHCP Discover - Transaction ID 0x…".
func dhcpInfo(p []byte) (string, bool) {
	m, err := dhcp.ParseMessage(p)
	if err != nil || !m.HasCookie {
		return "", false
	}
	var typ dhcp.MessageType
	found := false
	m.WalkOptions(func(o dhcp.Option) {
		if o.Code == 53 && len(o.Data) == 1 && !found {
			typ, found = dhcp.MessageType(o.Data[0]), true
		}
	})
	if !found {
		return "", false
	}
	name, ok := dhcpNames[typ]
	if !ok {
		name = "Unknown Message Type (0x" + strconv.FormatUint(uint64(typ), 16) + ")"
	}
	return fmt.Sprintf("DHCP %-8s - Transaction ID 0x%x", name, m.Xid), true
}

// dhcpv6Info is the message type, XID and what Wireshark lists after them.
func dhcpv6Info(p []byte) (string, bool) {
	if len(p) < 4 {
		return "", false
	}
	name := v6Names[dhcp.V6Type(p[0])]
	if name == "" {
		return "", false
	}
	info := fmt.Sprintf("%s XID: 0x%06x", name, uint32(p[1])<<16|uint32(p[2])<<8|uint32(p[3]))
	// Client ID and addresses, in option order.
	o := p[4:]
	for len(o) >= 4 {
		code, l := binary.BigEndian.Uint16(o), int(binary.BigEndian.Uint16(o[2:]))
		if 4+l > len(o) {
			break
		}
		v := o[4 : 4+l]
		switch code {
		case 1:
			info += fmt.Sprintf(" CID: %x", v)
		case 3, 4:
			off := 12
			if code == 4 {
				off = 4
			}
			for len(v) >= off+4 {
				sub := v[off:]
				sc, sl := binary.BigEndian.Uint16(sub), int(binary.BigEndian.Uint16(sub[2:]))
				if 4+sl > len(sub) {
					break
				}
				if sc == 5 && sl >= 16 {
					a, _ := netip.AddrFromSlice(sub[4:20])
					info += " IAA: " + a.String()
				}
				off += 4 + sl
			}
		}
		o = o[4+l:]
	}
	return info + " ", true
}

var v6Names = map[dhcp.V6Type]string{
	1: "Solicit", 2: "Advertise", 3: "Request", 4: "Confirm", 5: "Renew", 6: "Rebind",
	7: "Reply", 8: "Release", 9: "Decline", 10: "Reconfigure", 11: "Information-request",
}

// sipInfo is "Request: INVITE sip:…" or "Status: 200 OK (INVITE)", with
// tshark's " | " after each message.
func sipInfo(p []byte, stream bool) (info, proto string, ok bool) {
	if !sip.LooksLikeSIP(p, true) {
		return "", "", false
	}
	// A message with a damaged Content-Length comes with an error and is
	// still SIP, as in tshark.
	m, _, _ := sip.Parse(p, stream)
	if m == nil {
		return "", "", false
	}
	proto = "SIP"
	if len(m.Body) > 0 && strings.HasPrefix(strings.ToLower(m.Get("Content-Type")), "application/sdp") {
		proto = "SIP/SDP"
	}
	if m.Request {
		info = "Request: " + m.Method + " " + m.RequestURI
	} else {
		info = "Status: " + strconv.Itoa(m.StatusCode) + " " + m.Reason
		if _, method := sip.CSeq(m.Get("CSeq")); method != "" && m.StatusCode >= 200 && m.StatusCode < 300 {
			info += " (" + method + ")"
		}
	}
	if m.Method == "REGISTER" || (!m.Request && strings.HasSuffix(info, "(REGISTER)")) {
		switch n := len(m.All("Contact")); {
		case n > 0 || !m.Request:
			// tshark: "(0 bindings)" on a 2xx without Contact.
			info += "  (" + strconv.Itoa(n) + " binding" + plural(n) + ")"
		default:
			info += "  (fetch bindings)"
		}
	}
	info += " | "
	if ct := m.Get("Content-Type"); len(m.Body) > 0 && proto == "SIP" && ct != "" {
		info += " (" + strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0])) + ")"
	}
	return info, proto, true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// arpInfo is "Who has 10.0.0.1? Tell 10.0.0.2" or "10.0.0.1 is at <mac>".
func arpInfo(f *frame.Frame) (string, string) {
	var a []byte
	for _, l := range f.Path() {
		if l.Kind == frame.LayerARP {
			a = f.LayerBytes(l)
		}
	}
	if len(a) < 8 {
		return "ARP", ""
	}
	hl, pl, op := int(a[4]), int(a[5]), binary.BigEndian.Uint16(a[6:])
	if len(a) < 8+2*hl+2*pl || binary.BigEndian.Uint16(a[2:]) != 0x0800 || pl != 4 {
		return "ARP", ""
	}
	sha := a[8 : 8+hl]
	spa, _ := netip.AddrFromSlice(a[8+hl : 8+hl+4])
	tpa, _ := netip.AddrFromSlice(a[8+2*hl+4 : 8+2*hl+8])
	switch op {
	case 1:
		if spa == tpa {
			return "ARP", "Gratuitous ARP for " + spa.String() + " (Request)"
		}
		return "ARP", "Who has " + tpa.String() + "? Tell " + spa.String()
	case 2:
		var hw string
		if hl == 6 {
			hw = mac([6]byte(sha))
		} else {
			hw = fmt.Sprintf("%x", sha)
		}
		if spa == tpa {
			return "ARP", "Gratuitous ARP for " + spa.String() + " (Reply)"
		}
		return "ARP", spa.String() + " is at " + hw
	}
	return "ARP", ""
}

// icmpInfo is ICMP's Info for the common types.
func icmpInfo(f *frame.Frame) string {
	t, c := f.ICMPv4.TypeCode.Type(), f.ICMPv4.TypeCode.Code()
	// The type's name padded to 20, as Wireshark's "%-20s".
	switch t {
	case 0, 8:
		name := "Echo (ping) request"
		if t == 0 {
			name = "Echo (ping) reply"
		}
		id, seq := f.ICMPv4.Id, f.ICMPv4.Seq
		return fmt.Sprintf("%-20s id=0x%04x, seq=%d/%d, ttl=%d", name, id, seq, seq>>8|seq<<8, f.TTL)
	case 3:
		return fmt.Sprintf("%-20s (%s)", "Destination unreachable", unreachName(c))
	case 11:
		if c == 0 {
			return fmt.Sprintf("%-20s (%s)", "Time-to-live exceeded", "Time to live exceeded in transit")
		}
		return fmt.Sprintf("%-20s (%s)", "Time-to-live exceeded", "Fragment reassembly time exceeded")
	case 5:
		return fmt.Sprintf("%-20s (%s)", "Redirect", redirectName(c))
	case 12:
		return fmt.Sprintf("%-20s (%s)", "Parameter problem", "Pointer indicates the error")
	case 42:
		return fmt.Sprintf("%-20s (%s)", "Extended Echo request", "No error")
	case 43:
		names := [...]string{"No error", "Malformed Query", "No Such Interface", "No Such Table Entry", "Multiple Interfaces Satisfy Query"}
		if int(c) < len(names) {
			return fmt.Sprintf("%-20s (%s)", "Extended Echo reply", names[c])
		}
	}
	return ""
}

func unreachName(c uint8) string {
	names := [...]string{"Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable",
		"Fragmentation needed", "Source route failed", "Destination network unknown", "Destination host unknown",
		"Source host isolated", "Network administratively prohibited", "Host administratively prohibited",
		"Network unreachable for TOS", "Host unreachable for TOS", "Communication administratively filtered",
		"Host precedence violation", "Precedence cutoff in effect"}
	if int(c) < len(names) {
		return names[c]
	}
	return "Unknown code: " + strconv.Itoa(int(c))
}

func redirectName(c uint8) string {
	names := [...]string{"Redirect for network", "Redirect for host", "Redirect for TOS and network", "Redirect for TOS and host"}
	if int(c) < len(names) {
		return names[c]
	}
	return "Unknown code: " + strconv.Itoa(int(c))
}

// icmpv6Info is ICMPv6's Info for echo and neighbour discovery.
func icmpv6Info(f *frame.Frame) string {
	t := f.ICMPv6.TypeCode.Type()
	body := f.ICMPv6.Payload
	switch t {
	case 128, 129:
		kind := "request"
		if t == 129 {
			kind = "reply"
		}
		if len(body) >= 4 {
			id, seq := binary.BigEndian.Uint16(body), binary.BigEndian.Uint16(body[2:])
			return fmt.Sprintf("Echo (ping) %s id=0x%04x, seq=%d, hop limit=%d", kind, id, seq, f.TTL)
		}
	case 133:
		return "Router Solicitation" + ndFrom(body, 4, 1)
	case 134:
		return "Router Advertisement" + ndFrom(body, 12, 1)
	case 135:
		if len(body) >= 20 {
			a, _ := netip.AddrFromSlice(body[4:20])
			return "Neighbor Solicitation for " + a.String() + ndFrom(body, 20, 1)
		}
	case 136:
		if len(body) >= 20 {
			a, _ := netip.AddrFromSlice(body[4:20])
			var fl []string
			if body[0]&0x80 != 0 {
				fl = append(fl, "rtr")
			}
			if body[0]&0x40 != 0 {
				fl = append(fl, "sol")
			}
			if body[0]&0x20 != 0 {
				fl = append(fl, "ovr")
			}
			s := "Neighbor Advertisement " + a.String()
			if len(fl) > 0 {
				s += " (" + strings.Join(fl, ", ") + ")"
			}
			if hw := ndOption(body[20:], 2); hw != "" {
				s += " is at " + hw
			}
			return s
		}
	case 2:
		return "Packet Too Big"
	case 1:
		if f.ICMPv6.TypeCode.Code() == 4 {
			return "Destination Unreachable (Port unreachable)"
		}
		return "Destination Unreachable"
	case 143:
		return "Multicast Listener Report Message v2"
	case 3:
		return "Time Exceeded"
	}
	return ""
}

// ndFrom is " from <mac>" when the link-layer address option `code` is there.
func ndFrom(body []byte, off int, code byte) string {
	if len(body) < off {
		return ""
	}
	if hw := ndOption(body[off:], code); hw != "" {
		return " from " + hw
	}
	return ""
}

func ndOption(o []byte, code byte) string {
	for len(o) >= 8 {
		l := int(o[1]) * 8
		if l == 0 || l > len(o) {
			return ""
		}
		if o[0] == code && l >= 8 {
			return mac([6]byte(o[2:8]))
		}
		o = o[l:]
	}
	return ""
}
