package dns

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/slab"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcpstream"
)

func init() {
	engine.Register(engine.Factory{Name: "dns", Tools: []string{"dns"}, Reports: map[string]any{"dns": Report{}}, New: New,
		Descriptions: map[string]string{"dns": "DNS, mDNS and LLMNR: queries matched to their responses (response times, unanswered queries, response codes), top names, clients and servers, observations such as tunnelling-like names or NXDOMAIN bursts, and the messages themselves (capped)."}})
}

// Well-known ports.
const (
	portDNS   = 53
	portMDNS  = 5353 // RFC 6762
	portLLMNR = 5355 // RFC 4795
)

// Caps on what an attacker can grow; hitting one is said in the report.
const (
	maxNames          = 100000
	maxHosts          = 10000
	maxRows           = 100000
	maxPending        = 200000
	maxBeaconTimes    = 64
	maxServersPerHost = 32
	maxEvidence       = 20
	maxMalformed      = 100
	maxTCPFlows       = 4096
	maxTruncKeys      = 10000
	maxExactTimes     = 1 << 18
	// retransmissionTimerNs is Wireshark's dns.retransmission_timer default (5 s):
	// a query repeated within it, unanswered, is a retransmission.
	retransmissionTimerNs = 5e9
	// pendingTTLNs is how long an unanswered transaction waits for its response
	// before it is dropped from the matching table (it stays counted).
	pendingTTLNs = 120e9
	// answeredTTLNs is how long an answered transaction stays to match
	// retransmitted responses.
	answeredTTLNs = 10e9
)

// What each cap counts, as the report's caps name it.
const (
	capPackets   = "per-packet list (max_packets)"
	capNames     = "names"
	capHosts     = "clients and servers"
	capRows      = "transactions"
	capPending   = "query matching table"
	capArena     = "responses kept to list answers (bytes)"
	capListBytes = "per-packet list (bytes of messages)"
	capTimes     = "exact response times (quantiles approximate beyond)"
	capTCP       = "DNS-over-TCP flows"
	capMalformed = "malformed list"
)

// convKey is a DNS conversation as Wireshark keys it (addresses and ports,
// either direction, per transport) plus the message ID.
type convKey struct {
	a, b   netip.Addr
	ap, bp uint16
	tcp    bool
	id     uint16
}

func makeConvKey(src, dst netip.Addr, sp, dp uint16, tcp bool, id uint16) convKey {
	if c := src.Compare(dst); c > 0 || (c == 0 && sp > dp) {
		src, dst, sp, dp = dst, src, dp, sp
	}
	return convKey{src, dst, sp, dp, tcp, id}
}

// txn is the matching state of one transaction.
type txn struct {
	reqFrame int
	reqNs    int64
	repFrame int
	retries  int
	row      int // index in rows, or -1
	name     string
	qtype    uint16
}

// row is a transaction kept for the report's table, compact until Finish.
type row struct {
	qFrame, rFrame int
	ns, rttNs      int64 // rttNs < 0: no response
	client, server netip.Addr
	cport, sport   uint16
	id             uint16
	tcp            bool
	name           string
	qtype, rcode   uint16
	retries        int
	retryFrames    []int
	mismatch       bool
	noQuery        bool
	ansOff, ansLen int32 // the response's bytes in the answer arena; ansLen 0: none
}

// maxArena bounds the copies of responses kept to list their answers.
const maxArena = 32 << 20

// maxListBytes bounds the copies of the messages of the per-packet list,
// kept until Finish builds their Packets: the list ends at the first
// message that would pass it.
const maxListBytes = 32 << 20

// services are the services a message is decoded as, by index (Tap.services).
var services = [...]string{"dns", "mdns", "llmnr"}

// serviceIndex returns svc's index in services.
func serviceIndex(svc string) uint8 {
	switch svc {
	case "dns":
		return 0
	case "mdns":
		return 1
	}
	return 2
}

// listed is a message of the per-packet list, compact until Finish builds
// its Packet: what the Packet shows that the message's bytes do not give
// back, and the bytes, in the arena (parsed again at Finish, they give
// the same fields, error and offset).
type listed struct {
	number       int
	ns           int64
	src, dst     netip.Addr
	sport, dport uint16
	service      uint8 // index in services
	tcp, nonStd  bool
	off, n       int32 // the message's bytes in the arena
}

// askedSlots is the size of the cache of recent queries by client, port
// and ID, used to notice answers from a server that was not asked. A
// collision forgets the older query: the observation may then be missed.
const askedSlots = 1 << 12

func askedSlot(k clientKey) int {
	a := k.client.As16()
	h := uint32(k.id)<<16 | uint32(k.port)
	h ^= uint32(a[12])<<24 | uint32(a[13])<<16 | uint32(a[14])<<8 | uint32(a[15])
	h *= 0x9e3779b1
	return int(h >> (32 - 12))
}

func (t *Tap) askedAt(k clientKey) asked {
	if t.asked == nil {
		return asked{}
	}
	return t.asked[askedSlot(k)]
}

// clientKey finds the server a client asked, for answers from elsewhere.
type clientKey struct {
	client netip.Addr
	port   uint16
	id     uint16
	tcp    bool
}

type asked struct {
	key    clientKey
	server netip.Addr
	frame  int
	ns     int64
	name   string
}

type nameStat struct {
	key       string
	beacon    *beacon
	queries   int
	txt       int // TXT and NULL queries
	firstSeen int // frame
	client    netip.Addr
	errors    int // responses with an RCODE other than NOERROR
	inAnswer  bool
	inQuery   bool
}

type hostStat struct {
	queries, responses, nxdomain, servfail int
	errors                                 int                // for servers: responses other than NOERROR
	firstQuery                             int                // for clients: frame
	servers                                map[netip.Addr]int // for clients: servers asked
	serversCapped                          bool
	lastServer                             netip.Addr
	nxRing                                 [nxBurstCount]int64
	nxFrames                               [nxBurstCount]int
	nxN                                    int
	burst                                  *burst
}

type burst struct {
	count  int
	frames finding.Frames
}

const (
	nxBurstCount    = 10
	nxBurstWindowNs = 60e9
)

type beacon struct {
	client netip.Addr
	others bool // other clients asked for the name too
	ns     []int64
	frames []int
	more   int
}

type truncKey struct {
	client netip.Addr
	name   string
	qtype  uint16
}

// Tap is the DNS analyzer.
type Tap struct {
	opts       *engine.Options
	maxPackets int
	msg        Message
	tcp        *tcpReassembler
	alt        frame.Frame  // a message's frame when it is not the one fed (tcp.go's source)
	tcpDNS     map[int]bool // non-standard-port TCP connections (tcp.stream) recognised as DNS
	tcpDNSCap  bool

	frames, messages, queries, responses int
	udpMsgs, tcpMsgs                     int
	services                             [3]int // dns, mdns, llmnr
	nonStdFrames                         int
	rcodes                               [4096]int // by extended RCODE
	qtypesLow                            [256]int
	qtypes                               map[uint16]int // types from 256 up
	opcodes                              [16]int
	unansweredQueries, answeredQueries   int
	retransQueries, retransResponses     int
	unsolicited                          int
	truncated, tcpFallbacks              int
	malformedCount                       int
	malformed                            []Malformed
	edns                                 EDNS
	udpSizes                             map[uint16]int
	dnssec                               DNSSEC
	lastFrame                            int

	pending     map[convKey]*txn
	slab        []txn
	asked       []asked // direct-mapped cache indexed by askedSlot
	sweepAt     int64
	rows        []row
	arena       []byte // kept responses (rows' answers) and listed messages
	answerBytes int    // bytes of the arena kept for rows' answers (maxArena)
	listBytes   int    // bytes of the listed messages (maxListBytes)
	listFull    bool   // a message passed maxListBytes: the list ends there
	kept        keptMsg
	txnTotal    int
	times       []int64
	timeHist    [histBuckets]int
	fineHist    [fineBuckets]int
	timeCount   int
	timeSum     int64
	minNs       int64
	maxNs       int64
	timesCapped bool

	names   map[string]*nameStat
	clients map[netip.Addr]*hostStat
	servers map[netip.Addr]*hostStat
	truncs  map[truncKey]int

	caps       report.Caps
	notes      map[string]*note
	failFrames finding.Frames // responses other than NOERROR

	listed []listed
}

// keptMsg is the message keep copied last: message is its number in
// Tap.messages, so that the list can share its copy.
type keptMsg struct {
	message int
	off, n  int32
}

// New returns a DNS tap for one run.
func New(o *engine.Options) engine.Tap {
	if o == nil {
		o = &engine.Options{}
	}
	return &Tap{
		opts:       o,
		maxPackets: report.ListLimit(o.MaxPackets),
		tcp:        newTCPReassembler(maxTCPFlows),
		tcpDNS:     map[int]bool{},
		qtypes:     map[uint16]int{},
		udpSizes:   map[uint16]int{},
		pending:    map[convKey]*txn{},
		names:      map[string]*nameStat{},
		clients:    map[netip.Addr]*hostStat{},
		servers:    map[netip.Addr]*hostStat{},
		truncs:     map[truncKey]int{},
		notes:      map[string]*note{},
		minNs:      -1,
	}
}

// wellKnown returns the DNS service of a port pair, or "": the ports
// tshark 4.0 hands to DNS by default (tshark -G decodes): UDP 53, 5353
// (mDNS) and 5355 (LLMNR); TCP 53 and 5353 (as plain DNS; tshark has no
// LLMNR over TCP).
func wellKnown(sp, dp uint16, tcp bool) string {
	switch {
	case sp == portDNS || dp == portDNS:
		return "dns"
	case tcp && (sp == portMDNS || dp == portMDNS):
		return "dns"
	case tcp:
		return ""
	case sp == portMDNS || dp == portMDNS:
		return "mdns"
	case sp == portLLMNR || dp == portLLMNR:
		return "llmnr"
	}
	return ""
}

// Packet looks at UDP and TCP payloads for DNS messages.
func (t *Tap) Packet(f *frame.Frame) {
	switch f.Transport {
	case frame.TransportUDP:
		if len(f.Payload) == 0 {
			return
		}
		svc := wellKnown(f.SrcPort, f.DstPort, false)
		nonStd := false
		if svc == "" {
			// Other ports: only a payload that is DNS beyond doubt.
			if !unregistered(f.SrcPort, f.DstPort) || !quickHeader(f.Payload) || t.msg.Parse(f.Payload) != nil || !t.msg.Plausible() {
				return
			}
			svc, nonStd = "dns", true
		}
		t.frames++
		if nonStd {
			t.nonStdFrames++
		}
		t.message(f, f.Payload, svc, false, nonStd)
	case frame.TransportTCP:
		svc := wellKnown(f.SrcPort, f.DstPort, true)
		k := f.TCPStream
		nonStd := false
		if svc == "" {
			if !t.tcpDNS[k] {
				if !unregistered(f.SrcPort, f.DstPort) || !t.probeTCP(f.Payload) {
					return
				}
				if len(t.tcpDNS) >= maxTCPFlows {
					t.tcpDNSCap = true
					return
				}
				t.tcpDNS[k] = true
			}
			if f.TCP.FIN || f.TCP.RST {
				defer delete(t.tcpDNS, k)
			}
			svc, nonStd = "dns", true
		}
		var msgs [][]byte
		if nonStd || t.tcp.shared == nil {
			msgs = t.tcp.segment(f)
		} else {
			msgs = t.tcp.fed(f)
		}
		if len(msgs) == 0 {
			return
		}
		t.frames++
		if nonStd {
			t.nonStdFrames++
		}
		for i, m := range msgs {
			t.message(t.tcp.source(i, &t.alt), m, svc, true, nonStd)
		}
		if t.tcp.shared != nil {
			t.tcp.reset()
		}
	}
}

// ShareTCP reads the TCP connections on DNS's ports through the run's
// Reassembler (engine.TCPReader); the ones recognised as DNS on other ports
// are read from their first message on, as before.
func (t *Tap) ShareTCP(add func(h tcpstream.Handler) *tcpstream.Consumer) { t.tcp.share(add) }

var _ engine.TCPReader = (*Tap)(nil)

// unregistered tells whether DNS may be looked for by content on a port
// pair that is not DNS's: both ports must be 1024 or above. A port below
// 1024 is registered to a protocol of its own, which Wireshark decodes
// instead (it tries the lower port first): NetBIOS name service on 137
// has DNS's message format (RFC 1002) but is not DNS.
func unregistered(sp, dp uint16) bool { return sp >= 1024 && dp >= 1024 }

// probeTCP reports whether a segment on a non-DNS port holds exactly one
// length-prefixed, plausible DNS message.
func (t *Tap) probeTCP(p []byte) bool {
	if len(p) < 2+HeaderLen {
		return false
	}
	n := int(p[0])<<8 | int(p[1])
	if n+2 != len(p) || !quickHeader(p[2:]) {
		return false
	}
	return t.msg.Parse(p[2:]) == nil && t.msg.Plausible()
}

// quickHeader is a cheap first test of a payload on a port not assigned to
// DNS, before Parse and Plausible: one question, a standard opcode, Z
// clear, an RCODE in use, and record counts that fit the length (a
// question takes at least 5 bytes, a record 11).
func quickHeader(p []byte) bool {
	if len(p) < HeaderLen+5 || p[4] != 0 || p[5] != 1 {
		return false
	}
	switch (p[2] >> 3) & 0xf {
	case OpcodeQuery, OpcodeStatus, OpcodeNotify, OpcodeUpdate:
	default:
		return false
	}
	if p[3]&0x40 != 0 || uint16(p[3]&0xf) > RcodeNOTZONE {
		return false
	}
	rrs := int(binary.BigEndian.Uint16(p[6:])) + int(binary.BigEndian.Uint16(p[8:])) + int(binary.BigEndian.Uint16(p[10:]))
	return HeaderLen+5+11*rrs <= len(p)
}

// message accounts for one DNS message.
func (t *Tap) message(f *frame.Frame, b []byte, svc string, tcp, nonStd bool) {
	m := &t.msg
	err := m.Parse(b)
	if err != nil && len(b) < 4 {
		// Not even the flags: tshark does not know a query from a response.
		t.addMalformed(f.Number, 0, err)
		return
	}
	t.messages++
	t.lastFrame = f.Number
	si := serviceIndex(svc)
	t.services[si]++
	if tcp {
		t.tcpMsgs++
	} else {
		t.udpMsgs++
	}
	if err != nil {
		t.addMalformed(f.Number, m.ErrOff, err)
	}
	mdns := svc == "mdns"
	resp := m.Response()
	t.opcodes[m.Opcode()]++
	var client, server netip.Addr
	var cport uint16
	if resp {
		client, server, cport = f.DstIP, f.SrcIP, f.DstPort
	} else {
		client, server, cport = f.SrcIP, f.DstIP, f.SrcPort
	}

	// Names.
	var qname string
	var qstat *nameStat
	var qtype uint16
	for i := range m.Questions {
		nb := m.QName(i)
		ns := t.name(nb, f.Number, client)
		if i == 0 {
			qtype = m.Questions[0].Type
			qstat = ns
			if ns != nil {
				qname = ns.key
			} else {
				qname = string(nb)
			}
		}
		if ns != nil && !resp {
			ns.queries++
			ns.inQuery = true
			if tt := m.Questions[i].Type; tt == TypeTXT || tt == TypeNULL {
				ns.txt++
			}
		}
		if !resp {
			if qt := m.Questions[i].Type; qt < 256 {
				t.qtypesLow[qt]++
			} else {
				t.qtypes[qt]++
			}
		}
	}
	var q0 []byte
	if len(m.Questions) > 0 {
		q0 = m.QName(0)
	}
	for i := range m.RRs {
		if m.RRs[i].Section == SectionAnswer {
			nb := m.RRName(i)
			if bytes.Equal(nb, q0) {
				continue
			}
			if ns := t.name(nb, f.Number, client); ns != nil {
				ns.inAnswer = true
			}
		}
	}

	// EDNS and DNSSEC.
	if m.HasOPT {
		t.edns.Messages++
		if !resp {
			t.edns.Queries++
		}
		if m.DO {
			t.edns.DOBit++
		}
		if m.HasECS {
			t.edns.ClientSubnet++
		}
		if m.HasCookie {
			t.edns.Cookie++
		}
		if m.EDNSVersion != 0 {
			t.edns.NonZeroVersion++
		}
		if len(t.udpSizes) < 64 || t.udpSizes[m.UDPSize] > 0 {
			t.udpSizes[m.UDPSize]++
		}
	}
	if resp && m.Flags&FlagAD != 0 {
		t.dnssec.ADResponses++
	}
	if !resp && m.Flags&FlagCD != 0 {
		t.dnssec.CDQueries++
	}
	if resp {
		for i := range m.RRs {
			if m.RRs[i].Type == TypeRRSIG {
				t.dnssec.RRSIGResponses++
				break
			}
		}
	} else if qtype == TypeDS || qtype == TypeDNSKEY || qtype == TypeNSEC3 || qtype == TypeNSEC {
		t.dnssec.DNSSECQueries++
	}

	if nonStd {
		sport := f.DstPort
		if resp {
			sport = f.SrcPort
		}
		proto := "udp"
		if tcp {
			proto = "tcp"
		}
		t.note(kindNonStandardPort, 1, strings.ToUpper(proto)+" port "+strconv.Itoa(int(sport))+" ("+server.String()+")",
			proto+".port == "+strconv.Itoa(int(sport)), f.Number)
	}

	if resp {
		t.responses++
		rc := m.Rcode()
		t.rcodes[rc]++
		if rc != RcodeNOERROR {
			t.failFrames.Add(f.Number)
			if qstat != nil {
				qstat.errors++
			}
		}
		if len(b) >= HeaderLen {
			t.response(f, m, tcp, client, server, cport, qname, qtype, rc, err != nil)
		}
	} else {
		t.queries++
		if len(b) >= HeaderLen {
			t.query(f, m, tcp, mdns, client, server, cport, qname, qtype, qstat)
		} else {
			t.unansweredQueries++ // no dns.response_in
		}
	}
	// A header cut short (under 12 bytes) is counted by its flags but takes
	// no part in matching: tshark stops at the missing counts, before it
	// tracks the transaction (so such a query stays unanswered).
	t.addPacket(f, m, si, tcp, nonStd)
}

// name returns the statistics of a name, creating them under the cap.
func (t *Tap) name(b []byte, frameNo int, client netip.Addr) *nameStat {
	if ns, ok := t.names[string(b)]; ok {
		return ns
	}
	if len(t.names) >= maxNames {
		t.caps.Hit(capNames, maxNames)
		return nil
	}
	s := string(b)
	ns := &nameStat{key: s, firstSeen: frameNo, client: client}
	t.names[s] = ns
	return ns
}

func (t *Tap) host(m map[netip.Addr]*hostStat, a netip.Addr) *hostStat {
	if h, ok := m[a]; ok {
		return h
	}
	if len(m) >= maxHosts {
		t.caps.Hit(capHosts, maxHosts)
		return nil
	}
	h := &hostStat{}
	m[a] = h
	return h
}

// query matches a query as Wireshark does: in the conversation, the
// latest transaction with this ID is retransmitted when it is unanswered
// and under 5 s old; otherwise the query starts a new transaction.
func (t *Tap) query(f *frame.Frame, m *Message, tcp, mdns bool, client, server netip.Addr, cport uint16, qname string, qtype uint16, ns *nameStat) {
	t.sweep(f.TimeNs)
	k := makeConvKey(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, tcp, m.ID)
	if tr, ok := t.pending[k]; ok && tr.repFrame == 0 && f.TimeNs-tr.reqNs < retransmissionTimerNs {
		tr.retries++
		t.retransQueries++
		t.unansweredQueries++
		if tr.row >= 0 {
			t.rows[tr.row].retries++
			t.rows[tr.row].retryFrames = appendCapped(t.rows[tr.row].retryFrames, f.Number)
		}
		return
	}
	t.unansweredQueries++
	t.txnTotal++
	tr := slab.Next(&t.slab, 1024)
	*tr = txn{reqFrame: f.Number, reqNs: f.TimeNs, row: -1, name: qname, qtype: qtype}
	if len(t.rows) < maxRows {
		tr.row = len(t.rows)
		t.rows = append(t.rows, row{
			qFrame: f.Number, ns: f.TimeNs, rttNs: -1, client: client, server: server,
			cport: cport, sport: f.DstPort, id: m.ID, tcp: tcp, name: qname, qtype: qtype,
		})
	} else {
		t.caps.Hit(capRows, maxRows)
	}
	if _, ok := t.pending[k]; ok || len(t.pending) < maxPending {
		t.pending[k] = tr
	} else {
		t.caps.Hit(capPending, maxPending)
	}
	if t.asked == nil {
		t.asked = make([]asked, askedSlots)
	}
	ck := clientKey{client, cport, m.ID, tcp}
	t.asked[askedSlot(ck)] = asked{key: ck, server: server, frame: f.Number, ns: f.TimeNs, name: qname}
	if h := t.host(t.clients, client); h != nil {
		if h.queries == 0 {
			h.firstQuery = f.Number
		}
		h.queries++
		if h.lastServer != server && !server.IsMulticast() {
			h.lastServer = server
			if _, ok := h.servers[server]; ok || len(h.servers) < maxServersPerHost {
				if h.servers == nil {
					h.servers = map[netip.Addr]int{}
				}
				h.servers[server] = 1
			} else {
				h.serversCapped = true
			}
		}
	}
	if h := t.host(t.servers, server); h != nil {
		h.queries++
	}
	switch qtype {
	case TypeIXFR, TypeAXFR:
		t.note(kindZoneTransfer, 1, TypeName(qtype)+" of "+qname+" from "+client.String()+" to "+server.String(), "", f.Number)
	}
	if tcp && len(m.Questions) > 0 {
		tk := truncKey{client, qname, qtype}
		if _, ok := t.truncs[tk]; ok {
			t.tcpFallbacks++
			delete(t.truncs, tk)
		}
	}
	if ns != nil && !mdns && !server.IsMulticast() {
		t.beacon(client, ns, f)
	}
}

// response matches a response with the latest transaction with its ID in
// its conversation (Wireshark's dns.response_to and dns.time).
//
// A malformed response (typically cut short by the snapshot length) is
// matched but its response time is left out of the statistics, as tshark's
// dissector stops before it adds dns.time.
func (t *Tap) response(f *frame.Frame, m *Message, tcp bool, client, server netip.Addr, cport uint16, qname string, qtype uint16, rc uint16, malformed bool) {
	k := makeConvKey(f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, tcp, m.ID)
	h := t.host(t.servers, server)
	if h != nil {
		h.responses++
		if rc == RcodeNXDOMAIN {
			h.nxdomain++
		} else if rc == RcodeSERVFAIL {
			h.servfail++
		}
		if rc != RcodeNOERROR {
			h.errors++
		}
	}
	if m.Flags&FlagTC != 0 {
		t.truncated++
		if !tcp && len(t.truncs) < maxTruncKeys {
			t.truncs[truncKey{client, qname, qtype}] = f.Number
		}
	}
	if rc == RcodeNXDOMAIN {
		t.nxdomain(client, f)
	}
	tr, ok := t.pending[k]
	if !ok {
		t.unsolicited++
		t.unsolicitedResponse(f, m, tcp, client, server, cport, qname, qtype, rc)
		return
	}
	d := f.TimeNs - tr.reqNs
	if tr.repFrame != 0 {
		// A retransmitted response: tshark marks it (dns.retransmit_response_in)
		// but gives it neither dns.response_to nor dns.time.
		t.retransResponses++
		return
	}
	if !malformed {
		t.addTime(d)
	}
	// Only the transaction's first query gets dns.response_in: tshark gives
	// a retransmitted query none, so it stays unanswered in its count.
	tr.repFrame = f.Number
	t.unansweredQueries--
	t.answeredQueries++
	if tr.row >= 0 {
		rw := &t.rows[tr.row]
		rw.rFrame = f.Number
		rw.rcode = rc
		rw.rttNs = d
		rw.mismatch = qname != tr.name || qtype != tr.qtype
		rw.ansOff, rw.ansLen = t.keep(m)
	}
}

// keep copies a response into the arena so that its answers can be listed
// at Finish.
func (t *Tap) keep(m *Message) (int32, int32) {
	if m.Counts[1] == 0 || len(m.Data) == 0 {
		return 0, 0
	}
	if t.answerBytes+len(m.Data) > maxArena {
		t.caps.Hit(capArena, maxArena)
		return 0, 0
	}
	off := len(t.arena)
	t.arena = append(t.arena, m.Data...)
	t.answerBytes += len(m.Data)
	t.kept = keptMsg{t.messages, int32(off), int32(len(m.Data))}
	return int32(off), int32(len(m.Data))
}

// answerTexts lists the answers of a kept response ("A 192.0.2.1"): each
// record's type and data as its Fields give them, the data decoded through
// fl (emptied and refilled: the caller's one map serves every record).
func answerTexts(m *Message, b []byte, fl Fields) []string {
	if m.Parse(b) != nil && len(m.RRs) == 0 {
		return nil
	}
	n := 0
	for i := range m.RRs {
		if m.RRs[i].Section == SectionAnswer {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, min(n, 9))
	for i := range m.RRs {
		if m.RRs[i].Section != SectionAnswer {
			continue
		}
		if len(out) == 8 {
			out = append(out, "…")
			break
		}
		r := &m.RRs[i]
		clear(fl)
		var data string
		if r.Type == TypeOPT {
			m.optFields(r, fl)
			data = fl["data"].(string)
		} else {
			data = m.data(r, fl)
		}
		out = append(out, strings.TrimSuffix(TypeName(r.Type)+" "+data, " "))
	}
	return out
}

// unsolicitedResponse lists a response with no query seen, and notes when
// the client had asked the same ID of another server.
func (t *Tap) unsolicitedResponse(f *frame.Frame, m *Message, tcp bool, client, server netip.Addr, cport uint16, qname string, qtype uint16, rc uint16) {
	ck := clientKey{client, cport, m.ID, tcp}
	if a := t.askedAt(ck); a.key == ck && a.server != server && !a.server.IsMulticast() && f.TimeNs-a.ns < pendingTTLNs {
		t.note(kindUnaskedServer, 1, server.String()+" answered "+client.String()+" for "+qname+" (asked "+a.server.String()+")",
			"dns.flags.response == 1 && "+finding.IPField("src", server)+" && "+finding.IPField("dst", client)+" && dns.id == "+strconv.Itoa(int(m.ID)),
			f.Number)
	}
	if len(t.rows) < maxRows {
		off, n := t.keep(m)
		t.rows = append(t.rows, row{
			rFrame: f.Number, ns: f.TimeNs, rttNs: -1, client: client, server: server,
			cport: cport, sport: f.SrcPort, id: m.ID, tcp: tcp,
			name: qname, qtype: qtype, rcode: rc, noQuery: true, ansOff: off, ansLen: n,
		})
	} else {
		t.caps.Hit(capRows, maxRows)
	}
}

// sweep drops old transactions from the matching table every 10 s of
// capture time: answered ones after 10 s (a duplicate response later than
// that is then counted as without query), unanswered ones after
// pendingTTLNs (they stay counted as unanswered).
func (t *Tap) sweep(ns int64) {
	if ns < t.sweepAt {
		return
	}
	if t.sweepAt != 0 {
		for k, tr := range t.pending {
			age := ns - tr.reqNs
			if age > pendingTTLNs || (tr.repFrame != 0 && age > answeredTTLNs) {
				delete(t.pending, k)
			}
		}
	}
	t.sweepAt = ns + answeredTTLNs
}

func (t *Tap) nxdomain(client netip.Addr, f *frame.Frame) {
	h := t.host(t.clients, client)
	if h == nil {
		return
	}
	h.nxdomain++
	i := h.nxN % nxBurstCount
	h.nxRing[i], h.nxFrames[i] = f.TimeNs, f.Number
	h.nxN++
	if h.nxN < nxBurstCount {
		return
	}
	oldest := h.nxRing[h.nxN%nxBurstCount]
	if f.TimeNs-oldest > nxBurstWindowNs {
		return
	}
	if h.burst == nil {
		h.burst = &burst{count: nxBurstCount - 1}
		for i := 1; i < nxBurstCount; i++ {
			h.burst.frames.Add(h.nxFrames[(h.nxN+i-1)%nxBurstCount])
		}
	}
	h.burst.count++
	h.burst.frames.Add(f.Number)
}

// beacon records the query times of a name's first client (names queried
// by several clients are seldom beacons; tracking one client per name keeps
// this free of another table).
func (t *Tap) beacon(client netip.Addr, ns *nameStat, f *frame.Frame) {
	if ns.beacon == nil {
		ns.beacon = &beacon{client: client}
	} else if ns.beacon.client != client {
		ns.beacon.others = true
		return
	}
	b := ns.beacon
	if len(b.ns) >= maxBeaconTimes {
		b.more++
		return
	}
	b.ns = append(b.ns, f.TimeNs)
	b.frames = append(b.frames, f.Number)
}

func (t *Tap) addTime(d int64) {
	if d < 0 {
		d = 0
	}
	t.timeCount++
	t.timeSum += d
	if t.minNs < 0 || d < t.minNs {
		t.minNs = d
	}
	if d > t.maxNs {
		t.maxNs = d
	}
	t.timeHist[histBucket(d)]++
	t.fineHist[fineBucket(d)]++
	if len(t.times) < maxExactTimes {
		t.times = append(t.times, d)
	} else {
		t.timesCapped = true
		t.caps.Hit(capTimes, maxExactTimes)
	}
}

func (t *Tap) addMalformed(frameNo, off int, err error) {
	t.malformedCount++
	if len(t.malformed) < maxMalformed {
		t.malformed = append(t.malformed, Malformed{Frame: frameNo, Offset: off, Reason: err.Error()})
	}
}

func appendCapped(s []int, v int) []int {
	if len(s) < maxEvidence {
		return append(s, v)
	}
	return s
}

func transport(tcp bool) string {
	if tcp {
		return "TCP"
	}
	return "UDP"
}

func epoch(ns int64) float64 { return float64(ns) / 1e9 }

func rfc3339(ns int64) string { return report.Time(ns) }
