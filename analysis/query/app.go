package query

import (
	"bytes"
	"encoding/binary"
	"net/netip"

	"pcaplens/analysis/dhcp"
	"pcaplens/analysis/dns"
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/sip"
)

// appKind is the application protocol tshark dissects in a transport payload.
type appKind uint8

const (
	appNone appKind = iota
	appDNS
	appMDNS
	appLLMNR
	appDHCP
	appDHCPv6
	appSIP
	appRTP
)

// maxDNSPerSegment bounds the DNS messages read from one TCP segment.
const maxDNSPerSegment = 4

// appState is what the current frame's transport payload holds.
type appState struct {
	done    bool
	kind    appKind
	payload []byte
	tcp     bool // payload is a TCP segment's
	quoted  bool // payload is quoted in an ICMP error

	// DNS messages (several in one TCP segment), parsed when asked.
	dnsParsed bool
	dnsN      int
	dnsMsg    [maxDNSPerSegment]dns.Message
	dnsTime   int64
	hasTime   bool
	timeFrame int

	// DHCP.
	dhcpParsed bool
	dhcpOK     bool
	dhcpMsg    dhcp.Message
	dhcpType   int    // option 53, -1 when absent
	dhcpCID    []byte // option 61's MAC address, nil when absent

	// SIP.
	sipParsed bool
	sipN      int
	sipMsg    [maxDNSPerSegment]*sip.Message
	sipStr    []byte // Call-IDs, methods, copied once per frame
}

// udpPortApp returns the application registered on UDP port p (the ones
// whose fields the registry has; tshark knows many more).
func udpPortApp(p uint16) appKind {
	switch p {
	case 53:
		return appDNS
	case 5353:
		return appMDNS
	case 5355:
		return appLLMNR
	case 67, 68:
		return appDHCP
	case 546, 547:
		return appDHCPv6
	case 5060:
		return appSIP
	}
	return appNone
}

// otherUDP are UDP ports of protocols tshark dissects and we do not, whose
// payloads the DNS and SIP heuristics could take for theirs (NetBIOS name
// service is DNS-like): the port's dissector wins, as in tshark.
var otherUDP = map[uint16]bool{
	69: true, 123: true, 137: true, 138: true, 161: true, 162: true, 500: true, 514: true,
	520: true, 1812: true, 1813: true, 1900: true, 3478: true, 4500: true,
}

func tcpPortApp(p uint16) appKind {
	switch p {
	case 53:
		return appDNS
	case 5060:
		return appSIP
	}
	return appNone
}

// classify decides what the frame's innermost transport payload is (or,
// in an ICMP error, the payload of the UDP datagram it quotes), the way
// tshark decides: a conversation set up by SDP (RTP) first, then the lower
// port's dissector, then the higher port's, then heuristics (SIP, DNS).
func (s *source) classify() {
	a := &s.app
	a.done = true
	a.kind, a.payload, a.tcp, a.quoted = appNone, nil, false, false
	a.dnsParsed, a.dhcpParsed = false, false
	f := s.f
	if f.Transport != frame.TransportTCP || !s.m.needSIP {
		a.sipParsed = false
	}
	p := f.Payload
	sp, dp := f.SrcPort, f.DstPort
	switch f.Transport {
	case frame.TransportUDP:
	case frame.TransportTCP:
		a.tcp = true
	case frame.TransportICMPv4, frame.TransportICMPv6:
		if !s.scanned {
			s.scan()
		}
		q := s.quotedUDP()
		if len(q) <= 8 {
			return
		}
		sp, dp, p = uint16(be16(q)), uint16(be16(q[2:])), q[8:]
		a.quoted = true
	default:
		return
	}
	if len(p) == 0 {
		return
	}
	a.payload = p
	portApp := udpPortApp
	if a.tcp {
		portApp = tcpPortApp
	} else if !a.quoted && s.m.rtp != nil && s.isRTP() {
		a.kind = appRTP
		return
	}
	lo, hi := sp, dp
	if lo > hi {
		lo, hi = hi, lo
	}
	k := portApp(lo)
	if k == appNone && !a.tcp && otherUDP[lo] {
		a.kind = appNone // tshark's dissector for that port takes it
		return
	}
	if k == appNone {
		k = portApp(hi)
	}
	if k == appNone && !a.tcp && otherUDP[hi] {
		a.kind = appNone
		return
	}
	if a.tcp && s.m.needSIP {
		// SIP over TCP: the messages this segment completes (sipSegment).
		if a.sipParsed && a.sipN > 0 {
			a.kind = appSIP
			return
		}
		if k == appSIP {
			k = appNone
		}
	}
	if k == appSIP && !sip.LooksLikeSIP(p, true) {
		k = appNone
	}
	if k == appNone {
		switch {
		case !a.tcp && sip.LooksLikeSIP(p, false):
			k = appSIP
		case !a.tcp && dns.Heuristic(p, &a.dnsMsg[0]):
			k = appDNS
		}
	}
	a.kind = k
}

// quotedUDP returns the UDP datagram an ICMP error quotes, or nil.
func (s *source) quotedUDP() []byte {
	for _, h := range s.udps.all() {
		if h.quoted {
			return h.b
		}
	}
	return nil
}

// isRTP reports whether the frame's UDP datagram goes to or comes from an
// endpoint SDP announced in an earlier frame.
func (s *source) isRTP() bool {
	f := s.f
	src := netip.AddrPortFrom(f.SrcIP.Unmap(), f.SrcPort)
	dst := netip.AddrPortFrom(f.DstIP.Unmap(), f.DstPort)
	if n, ok := s.m.rtp[dst]; ok && n < f.Number {
		return true
	}
	n, ok := s.m.rtp[src]
	return ok && n < f.Number
}

func (s *source) appProto(id filter.FieldID, buf []filter.Value) []filter.Value {
	if !s.app.done {
		s.classify()
	}
	a := &s.app
	var want appKind
	switch id {
	case filter.DNS, filter.MDNS:
		want = appDNS
		if id == filter.MDNS {
			want = appMDNS
		}
		if a.kind == want && a.tcp && len(s.dnsMsgs()) == 0 {
			return buf // no message completed in this segment
		}
	case filter.DHCP:
		want = appDHCP
	case filter.DHCPv6:
		want = appDHCPv6
	case filter.SIP:
		want = appSIP
		if a.kind == appSIP && s.sips() == 0 {
			return buf
		}
	case filter.RTP:
		want = appRTP
	}
	if a.kind == want {
		buf = append(buf, filter.Bytes(a.payload))
	}
	return buf
}

// dnsMsgs parses the frame's DNS messages: the UDP payload, or each whole
// length-prefixed message of a TCP segment.
func (s *source) dnsMsgs() []dns.Message {
	if !s.app.done {
		s.classify()
	}
	a := &s.app
	if a.kind != appDNS && a.kind != appMDNS && a.kind != appLLMNR {
		return nil
	}
	if a.dnsParsed {
		return a.dnsMsg[:a.dnsN]
	}
	a.dnsParsed, a.dnsN = true, 0
	p := a.payload
	if !a.tcp {
		a.dnsMsg[0].Parse(p)
		if len(p) >= dns.HeaderLen {
			a.dnsN = 1
		}
		return a.dnsMsg[:a.dnsN]
	}
	if s.m.tcpDNSFrame != s.f.Number {
		return nil
	}
	for _, msg := range s.m.tcpDNS {
		if a.dnsN >= maxDNSPerSegment {
			break
		}
		a.dnsMsg[a.dnsN].Parse(msg)
		a.dnsN++
	}
	return a.dnsMsg[:a.dnsN]
}

// sips parses the frame's SIP messages.
func (s *source) sips() int {
	a := &s.app
	if a.sipParsed {
		return a.sipN
	}
	a.sipParsed, a.sipN = true, 0
	a.sipStr = a.sipStr[:0]
	p := a.payload
	stream := a.tcp
	for a.sipN < len(a.sipMsg) && len(p) > 0 && sip.LooksLikeSIP(p, true) {
		msg, n, _ := sip.Parse(p, stream)
		if msg == nil {
			break
		}
		a.sipMsg[a.sipN] = msg
		a.sipN++
		if !stream || n <= 0 || n > len(p) {
			break
		}
		p = p[n:]
	}
	return a.sipN
}

// dhcpMessage parses the frame's DHCPv4 message.
func (s *source) dhcpMessage() bool {
	if !s.app.done {
		s.classify()
	}
	a := &s.app
	if a.kind != appDHCP {
		return false
	}
	if !a.dhcpParsed {
		a.dhcpParsed = true
		var err error
		a.dhcpMsg, err = dhcp.ParseMessage(a.payload)
		a.dhcpOK = err == nil
		a.dhcpType, a.dhcpCID = -1, nil
		if a.dhcpOK {
			a.dhcpMsg.WalkOptions(func(o dhcp.Option) {
				if o.Code == 53 && len(o.Data) == 1 && a.dhcpType < 0 {
					a.dhcpType = int(o.Data[0])
				}
				if o.Code == 61 && len(o.Data) == 7 && o.Data[0] == 1 && a.dhcpCID == nil {
					a.dhcpCID = o.Data[1:7]
				}
			})
		}
	}
	return a.dhcpOK
}

// appValues answers the application-layer fields.
func (s *source) appValues(id filter.FieldID, buf []filter.Value) []filter.Value {
	if id >= filter.HTTPRequest && id <= filter.HTTPServer {
		return s.httpValues(id, buf)
	}
	switch id {
	case filter.DNSID, filter.DNSFlagsResponse, filter.DNSFlagsRcode, filter.DNSQryName,
		filter.DNSQryType, filter.DNSA, filter.DNSAAAA:
		for i := range s.dnsMsgs() {
			buf = dnsValues(&s.app.dnsMsg[i], id, buf)
		}
	case filter.DNSTime:
		if s.m.needDNSTime && s.app.timeFrame == s.f.Number && s.app.hasTime {
			buf = append(buf, filter.Time(s.app.dnsTime))
		}
	case filter.DHCPID:
		// The BOOTP transaction ID, of a message whose fixed header the
		// frame holds (as dhcp.hw.mac_addr: tshark shows no field of a
		// message cut short by the capture).
		if s.dhcpMessage() {
			buf = append(buf, filter.Uint(uint64(s.app.dhcpMsg.Xid)))
		}
	case filter.DHCPv6XID:
		if !s.app.done {
			s.classify()
		}
		if s.app.kind == appDHCPv6 {
			buf = dhcpv6XIDs(s.app.payload, buf, 0)
		}
	case filter.DHCPOptionDHCP:
		if s.dhcpMessage() && s.app.dhcpType >= 0 {
			buf = append(buf, filter.Uint(uint64(s.app.dhcpType)))
		}
	case filter.DHCPHWMacAddr:
		if s.dhcpMessage() && s.app.dhcpMsg.Ethernet() {
			buf = append(buf, mac(s.app.dhcpMsg.Chaddr))
		}
		if s.dhcpMessage() && s.app.dhcpCID != nil {
			// Option 61 (client identifier) of hardware type Ethernet.
			buf = append(buf, mac(s.app.dhcpCID))
		}
	case filter.SIPMethod, filter.SIPStatusCode, filter.SIPCallID:
		if !s.app.done {
			s.classify()
		}
		if s.app.kind != appSIP {
			return buf
		}
		n := s.sips()
		for i := 0; i < n; i++ {
			msg := s.app.sipMsg[i]
			switch id {
			case filter.SIPMethod:
				if msg.Request {
					buf = append(buf, filter.String(s.str(msg.Method)))
				}
			case filter.SIPStatusCode:
				if !msg.Request {
					buf = append(buf, filter.Uint(uint64(msg.StatusCode)))
				}
			case filter.SIPCallID:
				for _, h := range msg.Headers {
					if h.Name == "Call-ID" {
						buf = append(buf, filter.String(s.str(h.Value)))
					}
				}
			}
		}
	}
	return buf
}

// maxV6Relays bounds the nesting of DHCPv6 relay messages read for their
// transaction IDs.
const maxV6Relays = 8

// dhcpv6XIDs appends the transaction ID of the DHCPv6 message b, or of the
// messages its Relay Message options (9) carry when it is a RELAY-FORW or
// RELAY-REPL (RFC 8415 section 9), as tshark dissects them.
func dhcpv6XIDs(b []byte, buf []filter.Value, depth int) []filter.Value {
	if len(b) < 4 || depth > maxV6Relays {
		return buf
	}
	if b[0] != 12 && b[0] != 13 {
		return append(buf, filter.Uint(uint64(b[1])<<16|uint64(b[2])<<8|uint64(b[3])))
	}
	if len(b) < 34 {
		return buf
	}
	for o := b[34:]; len(o) >= 4; {
		code, n := binary.BigEndian.Uint16(o), int(binary.BigEndian.Uint16(o[2:]))
		if n > len(o)-4 {
			n = len(o) - 4
		}
		if code == 9 {
			buf = dhcpv6XIDs(o[4:4+n], buf, depth+1)
		}
		o = o[4+n:]
	}
	return buf
}

// str copies a string into the frame's byte buffer.
func (s *source) str(v string) []byte {
	a := &s.app
	start := len(a.sipStr)
	a.sipStr = append(a.sipStr, v...)
	return a.sipStr[start:len(a.sipStr):len(a.sipStr)]
}

func dnsValues(m *dns.Message, id filter.FieldID, buf []filter.Value) []filter.Value {
	switch id {
	case filter.DNSID:
		buf = append(buf, filter.Uint(uint64(m.ID)))
	case filter.DNSFlagsResponse:
		buf = append(buf, filter.Bool(m.Response()))
	case filter.DNSFlagsRcode:
		// tshark shows the reply code of responses only.
		if m.Response() {
			buf = append(buf, filter.Uint(uint64(m.Flags&0xf)))
		}
	case filter.DNSQryName:
		for i := range m.Questions {
			buf = append(buf, filter.String(qname(m.QName(i))))
		}
	case filter.DNSQryType:
		for i := range m.Questions {
			buf = append(buf, filter.Uint(uint64(m.Questions[i].Type)))
		}
	case filter.DNSA, filter.DNSAAAA:
		for i := range m.RRs {
			r := &m.RRs[i]
			d := m.RData(i)
			switch {
			case id == filter.DNSA && r.Type == 1 && len(d) == 4:
				buf = append(buf, filter.Addr(netip.AddrFrom4([4]byte(d))))
			case id == filter.DNSAAAA && r.Type == 28 && len(d) == 16:
				buf = append(buf, filter.Addr(netip.AddrFrom16([16]byte(d))))
			}
		}
	}
	return buf
}

// qname is a question name as tshark shows it: the root is "<Root>".
func qname(b []byte) []byte {
	if len(b) == 0 || len(b) == 1 && b[0] == '.' {
		return rootName
	}
	return bytes.TrimSuffix(b, []byte("."))
}

var rootName = []byte("<Root>")

// dnsKey identifies a DNS transaction: the conversation and the ID.
type dnsKey struct {
	a, b netip.AddrPort
	tcp  bool
	id   uint16
}

type dnsTxn struct {
	reqNs    int64
	answered bool
}

// dnsTime updates the DNS transactions with the current frame's messages
// and sets dns.time on a response whose query was seen.
func (s *source) dnsTime() {
	a := &s.app
	a.timeFrame, a.hasTime = s.f.Number, false
	msgs := s.dnsMsgs()
	if len(msgs) == 0 || a.quoted || s.f.Fragment && !s.f.Reassembled {
		// tshark matches no transaction in an ICMP error or in an IP
		// fragment dissected alone.
		return
	}
	f := s.f
	x := netip.AddrPortFrom(f.SrcIP, f.SrcPort)
	y := netip.AddrPortFrom(f.DstIP, f.DstPort)
	if y.Addr().Less(x.Addr()) || y.Addr() == x.Addr() && y.Port() < x.Port() {
		x, y = y, x
	}
	q := s.m.dnsq
	for i := range msgs {
		m := &msgs[i]
		k := dnsKey{a: x, b: y, tcp: a.tcp, id: m.ID}
		t, ok := q[k]
		if !m.Response() {
			if !ok || t.answered {
				if len(q) >= maxDNSPending {
					clear(q)
				}
				q[k] = dnsTxn{reqNs: f.TimeNs}
			}
			continue
		}
		if ok {
			a.dnsTime, a.hasTime = f.TimeNs-t.reqNs, true
			if !t.answered {
				t.answered = true
				q[k] = t
			}
		}
	}
}

// rtpState records the RTP endpoints the SDP bodies of the current frame's
// SIP messages announce, and announces the conversations Wireshark's SDP
// dissector sets up to the stream assigner: for an RTP media line (RTP/AVP,
// RTP/AVPF, RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVP, UDP/TLS/RTP/SAVPF) one
// for RTP at its port, renewed by each announcement, and one for RTCP at
// the next port, kept if there is one; for T.38 (udptl) one at its port,
// renewed. The port count of "m=audio 6000/2" is ignored, as are a=rtcp
// and a=rtcp-mux, as by tshark 4.0.
func (s *source) rtpState() {
	if !s.app.done {
		s.classify()
	}
	if s.app.kind != appSIP {
		return
	}
	n := s.sips()
	for i := 0; i < n; i++ {
		msg := s.app.sipMsg[i]
		if len(msg.Body) == 0 || !bytes.HasPrefix(bytes.ToLower([]byte(msg.Get("Content-Type"))), []byte("application/sdp")) {
			continue
		}
		sd := sip.ParseSDP(msg.Body)
		for _, md := range sd.Media {
			rtp, t38 := rtpProto(md.Proto), md.Proto == "udptl" || md.Proto == "UDPTL"
			if md.Port <= 0 || md.Port > 65535 || !rtp && !t38 {
				continue
			}
			ad, err := netip.ParseAddr(md.Address)
			if err != nil {
				continue
			}
			ap := netip.AddrPortFrom(ad, uint16(md.Port))
			if a := s.m.assigner; a != nil {
				a.AnnounceUDP(ap, true /* renew */)
				if rtp && md.Port < 65535 {
					a.AnnounceUDP(netip.AddrPortFrom(ad, uint16(md.Port+1)), false /* renew */)
				}
			}
			if !rtp {
				continue
			}
			ap = netip.AddrPortFrom(ad.Unmap(), uint16(md.Port))
			if _, ok := s.m.rtp[ap]; !ok {
				if len(s.m.rtp) >= maxRTPEndpoints {
					clear(s.m.rtp)
				}
				s.m.rtp[ap] = s.f.Number
			}
		}
	}
}

// rtpProto reports whether an SDP media line's transport is RTP over UDP,
// as tshark 4.0 sets up RTP for it (case matters).
func rtpProto(p string) bool {
	switch p {
	case "RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF":
		return true
	}
	return false
}
