package dns

import (
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"pcaplens/analysis/dns/internal/publicsuffix"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

// Report is the "dns" tool's report. The first keys are the seed's
// analyze_dns_packets keys.
type Report struct {
	File               string              `json:"file"`
	TotalPacketsInFile int                 `json:"total_packets_in_file"`
	DNSPacketsFound    int                 `json:"dns_packets_found"`
	DNSPacketsAnalyzed int                 `json:"dns_packets_analyzed"`
	DNSMessages        int                 `json:"dns_messages"`
	Statistics         Statistics          `json:"statistics"`
	TopNames           []NameCount         `json:"top_names"`
	TopDomains         []DomainCount       `json:"top_domains"`
	TopClients         []HostCount         `json:"top_clients"`
	TopServers         []HostCount         `json:"top_servers"`
	Transactions       []Transaction       `json:"transactions"`
	TransactionsTotal  int                 `json:"transactions_total"`
	Findings           []finding.Finding   `json:"findings"`
	Malformed          []Malformed         `json:"malformed"`
	Packets            report.Rows[Packet] `json:"packets"`
	Caps               []report.Cap        `json:"caps"`
	Message            string              `json:"message,omitempty"`
	Warnings           []string            `json:"warnings"`
}

// Statistics cover every DNS message of the capture.
type Statistics struct {
	Queries              int `json:"queries"`
	Responses            int `json:"responses"`
	UniqueDomainsQueried int `json:"unique_domains_queried"`
	UniqueDomains        int `json:"unique_domains"`
	// Rcodes counts responses by the header's RCODE (4 bits, tshark's
	// dns.flags.rcode).
	Rcodes map[string]int `json:"rcodes"`
	// ExtendedRcodes counts responses whose OPT record extends the RCODE
	// (non-zero upper 8 bits, tshark's dns.resp.ext_rcode) by the whole
	// 12-bit RCODE of RFC 6891 §6.1.3 (BADVERS, BADCOOKIE).
	ExtendedRcodes       map[string]int `json:"extended_rcodes"`
	Qtypes               map[string]int `json:"qtypes"`
	Opcodes              map[string]int `json:"opcodes"`
	UnansweredQueries    int            `json:"unanswered_queries"`
	AnsweredQueries      int            `json:"answered_queries"`
	Transactions         int            `json:"transactions"`
	RetransmittedQueries int            `json:"retransmitted_queries"`
	RetransmittedResps   int            `json:"retransmitted_responses"`
	ResponsesWithoutQry  int            `json:"responses_without_query"`
	ResponseTime         *ResponseTime  `json:"response_time"`
	ResponseTimeHist     []HistBucket   `json:"response_time_histogram"`
	NXDOMAINRatio        float64        `json:"nxdomain_ratio"`
	SERVFAILRatio        float64        `json:"servfail_ratio"`
	TruncatedResponses   int            `json:"truncated_responses"`
	TCPFallbacks         int            `json:"tcp_fallbacks"`
	Transports           map[string]int `json:"transports"`
	Services             map[string]int `json:"services"`
	NonStandardPortPkts  int            `json:"non_standard_port_packets"`
	Malformed            int            `json:"malformed"`
	EDNS                 EDNS           `json:"edns"`
	DNSSEC               DNSSEC         `json:"dnssec"`
	TCPReassembly        TCPReassembly  `json:"tcp_reassembly"`
}

// ResponseTime summarises dns.time-style response times, in seconds; a
// report without response times has none (null).
type ResponseTime struct {
	report.Spread
	// Approximate is true when median and p95 come from a histogram
	// (more response times than pcaplens keeps exactly).
	Approximate bool `json:"approximate,omitempty"`
}

// HistBucket counts response times up to LESeconds (the last bucket has no bound: -1).
type HistBucket struct {
	LESeconds float64 `json:"le_seconds"`
	Label     string  `json:"label"`
	Count     int     `json:"count"`
}

// EDNS counts EDNS(0) use (RFC 6891).
type EDNS struct {
	Messages       int            `json:"messages"`
	Queries        int            `json:"queries"`
	DOBit          int            `json:"do_bit"`
	ClientSubnet   int            `json:"client_subnet"`
	Cookie         int            `json:"cookie"`
	NonZeroVersion int            `json:"non_zero_version"`
	UDPSizes       map[string]int `json:"udp_payload_sizes"`
}

// DNSSEC counts DNSSEC use.
type DNSSEC struct {
	ADResponses    int `json:"ad_responses"`
	RRSIGResponses int `json:"rrsig_responses"`
	CDQueries      int `json:"cd_queries"`
	DNSSECQueries  int `json:"dnssec_type_queries"`
}

// TCPReassembly counts what the DNS-over-TCP reassembler met.
type TCPReassembly struct {
	Gaps                  int `json:"gaps"`
	RetransmittedSegments int `json:"retransmitted_segments"`
}

// NameCount is a queried name and how often it was asked.
type NameCount struct {
	Name    string `json:"name"`
	Queries int    `json:"queries"`
}

// DomainCount is a registered domain (public suffix plus one label).
type DomainCount struct {
	Domain      string `json:"domain"`
	Queries     int    `json:"queries"`
	UniqueNames int    `json:"unique_names"`
}

// HostCount is a client or server.
type HostCount struct {
	IP        string `json:"ip"`
	Queries   int    `json:"queries"`
	Responses int    `json:"responses,omitempty"`
	NXDOMAIN  int    `json:"nxdomain"`
	SERVFAIL  int    `json:"servfail"`
	Servers   int    `json:"servers,omitempty"`
}

// Transaction is a query and its response (or a response without query).
type Transaction struct {
	QueryFrame       int      `json:"query_frame,omitempty"`
	ResponseFrame    int      `json:"response_frame,omitempty"`
	Timestamp        float64  `json:"timestamp"`
	Time             string   `json:"time"`
	Transport        string   `json:"transport"`
	Client           string   `json:"client"`
	ClientPort       uint16   `json:"client_port"`
	Server           string   `json:"server"`
	ServerPort       uint16   `json:"server_port"`
	ID               uint16   `json:"id"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	Rcode            string   `json:"rcode,omitempty"`
	Answers          []string `json:"answers,omitempty"`
	ResponseTime     *float64 `json:"response_time,omitempty"`
	Retries          int      `json:"retries"`
	RetryFrames      []int    `json:"retry_frames,omitempty"`
	Status           string   `json:"status"`
	QuestionMismatch bool     `json:"question_mismatch,omitempty"`
}

// Malformed is a message that could not be decoded whole.
type Malformed struct {
	Frame  int    `json:"frame"`
	Offset int    `json:"offset"`
	Reason string `json:"reason"`
}

// Packet is one DNS message in the per-packet list (seed keys first).
type Packet struct {
	PacketNumber    int         `json:"packet_number"`
	Timestamp       float64     `json:"timestamp"`
	Time            string      `json:"time"`
	SourceIP        string      `json:"source_ip"`
	DestinationIP   string      `json:"destination_ip"`
	SourcePort      uint16      `json:"source_port"`
	DestinationPort uint16      `json:"destination_port"`
	Protocol        string      `json:"protocol"`
	Service         string      `json:"service"`
	NonStandardPort bool        `json:"non_standard_port,omitempty"`
	DNSID           uint16      `json:"dns_id"`
	Opcode          string      `json:"opcode"`
	Rcode           string      `json:"rcode"`
	Flags           PacketFlags `json:"flags"`
	Questions       []Fields    `json:"questions"`
	Answers         []Fields    `json:"answers"`
	Authority       []Fields    `json:"authority"`
	Additional      []Fields    `json:"additional"`
	Error           string      `json:"error,omitempty"`
}

// PacketFlags are the header flags.
type PacketFlags struct {
	IsResponse         bool `json:"is_response"`
	Authoritative      bool `json:"authoritative"`
	Truncated          bool `json:"truncated"`
	RecursionDesired   bool `json:"recursion_desired"`
	RecursionAvailable bool `json:"recursion_available"`
	AuthenticatedData  bool `json:"authenticated_data"`
	CheckingDisabled   bool `json:"checking_disabled"`
}

// addPacket lists a message, compactly: its Packet is built at Finish.
func (t *Tap) addPacket(f *frame.Frame, m *Message, service uint8, tcp, nonStd bool) {
	if len(t.listed) >= t.maxPackets {
		t.caps.Hit(capPackets, t.maxPackets)
		return
	}
	n := len(m.Data)
	if t.listFull || t.listBytes+n > maxListBytes {
		t.listFull = true
		t.caps.Hit(capListBytes, maxListBytes)
		return
	}
	t.listBytes += n
	off := int32(len(t.arena))
	if k := t.kept; k.message == t.messages && int(k.n) == n {
		off = k.off // keep copied this message for its row's answers
	} else {
		t.arena = append(t.arena, m.Data...)
	}
	t.listed = append(t.listed, listed{
		number: f.Number, ns: f.TimeNs, src: f.SrcIP, dst: f.DstIP, sport: f.SrcPort, dport: f.DstPort,
		service: service, tcp: tcp, nonStd: nonStd, off: off, n: int32(n),
	})
}

// addrTexts gives the text of addresses at Finish, making each once.
type addrTexts map[netip.Addr]string

func (at addrTexts) text(a netip.Addr) string {
	s, ok := at[a]
	if !ok {
		s = a.String()
		at[a] = s
	}
	return s
}

// packets is the list's Packets, each made when read from its message
// parsed again: made at Finish, 20,000 listed packets with their records'
// fields held about 30 MB on a real 1 M frame capture; their messages'
// bytes are a tenth of that.
func (t *Tap) packets() report.Rows[Packet] {
	listed, arena := t.listed, t.arena
	return report.MakeRows(len(listed), func(i int, dst *Packet) {
		l := &listed[i]
		m := Message{values: map[string]any{}}
		err := m.Parse(arena[l.off : l.off+l.n])
		*dst = l.packet(&m, err, addrTexts{})
	})
}

// packet is the listed message's Packet; m is the message parsed, err
// what Parse returned.
func (l *listed) packet(m *Message, err error, at addrTexts) Packet {
	mdns := services[l.service] == "mdns"
	var sections [4]int // records by section
	for i := range m.RRs {
		sections[m.RRs[i].Section]++
	}
	p := Packet{
		PacketNumber: l.number, Timestamp: epoch(l.ns), Time: rfc3339(l.ns),
		SourceIP: at.text(l.src), DestinationIP: at.text(l.dst),
		SourcePort: l.sport, DestinationPort: l.dport,
		Protocol: transport(l.tcp), Service: services[l.service], NonStandardPort: l.nonStd,
		DNSID: m.ID, Opcode: OpcodeName(m.Opcode()), Rcode: RcodeName(m.Rcode()),
		Flags: PacketFlags{
			IsResponse: m.Response(), Authoritative: m.Flags&FlagAA != 0, Truncated: m.Flags&FlagTC != 0,
			RecursionDesired: m.Flags&FlagRD != 0, RecursionAvailable: m.Flags&FlagRA != 0,
			AuthenticatedData: m.Flags&FlagAD != 0, CheckingDisabled: m.Flags&FlagCD != 0,
		},
		Questions: make([]Fields, 0, len(m.Questions)), Answers: make([]Fields, 0, sections[SectionAnswer]),
		Authority: make([]Fields, 0, sections[SectionAuthority]), Additional: make([]Fields, 0, sections[SectionAdditional]),
	}
	if err != nil {
		p.Error = err.Error() + " at offset " + itoa(m.ErrOff)
	}
	for i := range m.Questions {
		p.Questions = append(p.Questions, m.QuestionFields(i, mdns))
	}
	for i := range m.RRs {
		fl := m.Record(i, mdns)
		switch m.RRs[i].Section {
		case SectionAnswer:
			p.Answers = append(p.Answers, fl)
		case SectionAuthority:
			p.Authority = append(p.Authority, fl)
		default:
			p.Additional = append(p.Additional, fl)
		}
	}
	return p
}

// FindingList returns the report's findings (finding.Lister).
func (r *Report) FindingList() []finding.Finding { return r.Findings }

// Finish builds the report.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	at := addrTexts{}
	r := &Report{
		File:               t.opts.FileName,
		TotalPacketsInFile: c.Packets,
		DNSPacketsFound:    t.frames,
		DNSPacketsAnalyzed: len(t.listed),
		DNSMessages:        t.messages,
		Packets:            t.packets(),
		Transactions:       t.transactions(at),
		TransactionsTotal:  t.txnTotal + t.unsolicited,
		Malformed:          t.malformed,
		Warnings:           append([]string{}, c.Warnings...),
	}
	r.Transactions = report.NonNil(r.Transactions)
	r.Malformed = report.NonNil(r.Malformed)
	if t.messages == 0 {
		r.Message = "no DNS packets found"
	}
	s := &r.Statistics
	s.Queries, s.Responses = t.queries, t.responses
	s.Rcodes, s.ExtendedRcodes = map[string]int{}, map[string]int{}
	for k, v := range t.rcodes {
		if v > 0 {
			s.Rcodes[RcodeName(uint16(k)&0xf)] += v
			if k > 0xf {
				s.ExtendedRcodes[RcodeName(uint16(k))] += v
			}
		}
	}
	s.Qtypes = map[string]int{}
	for k, v := range t.qtypesLow {
		if v > 0 {
			s.Qtypes[TypeName(uint16(k))] += v
		}
	}
	for k, v := range t.qtypes {
		s.Qtypes[TypeName(k)] += v
	}
	s.Opcodes = map[string]int{}
	for k, v := range t.opcodes {
		if v > 0 {
			s.Opcodes[OpcodeName(uint8(k))] += v
		}
	}
	s.UnansweredQueries, s.AnsweredQueries = t.unansweredQueries, t.answeredQueries
	s.Transactions = t.txnTotal
	s.RetransmittedQueries, s.RetransmittedResps = t.retransQueries, t.retransResponses
	s.ResponsesWithoutQry = t.unsolicited
	s.ResponseTime = t.responseTime()
	s.ResponseTimeHist = t.histogram()
	if t.responses > 0 {
		s.NXDOMAINRatio = round4(float64(t.rcodes[RcodeNXDOMAIN]) / float64(t.responses))
		s.SERVFAILRatio = round4(float64(t.rcodes[RcodeSERVFAIL]) / float64(t.responses))
	}
	s.TruncatedResponses, s.TCPFallbacks = t.truncated, t.tcpFallbacks
	s.Transports = map[string]int{"udp": t.udpMsgs, "tcp": t.tcpMsgs}
	s.Services = map[string]int{}
	for i, name := range services {
		if t.services[i] > 0 {
			s.Services[name] = t.services[i]
		}
	}
	s.NonStandardPortPkts = t.nonStdFrames
	s.Malformed = t.malformedCount
	s.EDNS = t.edns
	s.EDNS.UDPSizes = map[string]int{}
	for k, v := range t.udpSizes {
		s.EDNS.UDPSizes[strconv.Itoa(int(k))] = v
	}
	s.DNSSEC = t.dnssec
	s.TCPReassembly = TCPReassembly{Gaps: t.tcp.gaps, RetransmittedSegments: t.tcp.retransmissions()}
	for _, ns := range t.names {
		if ns.inQuery {
			s.UniqueDomainsQueried++
		}
	}
	s.UniqueDomains = len(t.names)

	r.TopNames, r.TopDomains = t.topNames()
	r.TopClients = topHosts(t.clients, true)
	r.TopServers = topHosts(t.servers, false)
	r.Findings = t.findings()

	// Caps counted as they were hit, then those known only as flags.
	caps := &t.caps
	if t.tcp.capHit || t.tcpDNSCap {
		caps.HitN(capTCP, maxTCPFlows, 0)
	}
	if t.malformedCount > maxMalformed {
		caps.HitN(capMalformed, maxMalformed, t.malformedCount-maxMalformed)
	}
	r.Caps = caps.List()
	r.Warnings = append(r.Warnings, caps.Warnings()...)
	return map[string]any{"dns": r}
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func itoa(i int) string { return strconv.Itoa(i) }

const topN = 50

func (t *Tap) topNames() ([]NameCount, []DomainCount) {
	names := []NameCount{}
	doms := map[string]*DomainCount{}
	for n, ns := range t.names {
		if ns.queries == 0 {
			continue
		}
		names = append(names, NameCount{n, ns.queries})
		d := registered(n)
		dc := doms[d]
		if dc == nil {
			dc = &DomainCount{Domain: d}
			doms[d] = dc
		}
		dc.Queries += ns.queries
		dc.UniqueNames++
	}
	sort.Slice(names, func(i, j int) bool {
		if names[i].Queries != names[j].Queries {
			return names[i].Queries > names[j].Queries
		}
		return names[i].Name < names[j].Name
	})
	if len(names) > topN {
		names = names[:topN]
	}
	dl := make([]DomainCount, 0, len(doms))
	for _, d := range doms {
		dl = append(dl, *d)
	}
	sort.Slice(dl, func(i, j int) bool {
		if dl[i].Queries != dl[j].Queries {
			return dl[i].Queries > dl[j].Queries
		}
		return dl[i].Domain < dl[j].Domain
	})
	if len(dl) > topN {
		dl = dl[:topN]
	}
	return names, dl
}

// registered returns the registered domain of a name: its public suffix
// plus one label (publicsuffix.org list), or the name itself when it is a
// suffix, the root, or not a DNS host name.
func registered(name string) string {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	if n == "" || n == "<root>" || strings.ContainsAny(n, `\ `) {
		return name
	}
	if strings.HasSuffix(n, ".in-addr.arpa") || strings.HasSuffix(n, ".ip6.arpa") {
		if strings.HasSuffix(n, ".ip6.arpa") {
			return "ip6.arpa"
		}
		return "in-addr.arpa"
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(n)
	if err != nil {
		return n
	}
	return d
}

func topHosts(m map[netip.Addr]*hostStat, clients bool) []HostCount {
	out := make([]HostCount, 0, len(m))
	for a, h := range m {
		hc := HostCount{IP: a.String(), Queries: h.queries, Responses: h.responses, NXDOMAIN: h.nxdomain, SERVFAIL: h.servfail}
		if clients {
			hc.Responses = 0
			hc.Servers = len(h.servers)
		}
		if clients && hc.Queries == 0 {
			continue
		}
		out = append(out, hc)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Queries+out[i].Responses, out[j].Queries+out[j].Responses
		if a != b {
			return a > b
		}
		return out[i].IP < out[j].IP
	})
	if len(out) > topN {
		out = out[:topN]
	}
	return out
}

// transactions turns the kept rows into the report's table.
func (t *Tap) transactions(at addrTexts) []Transaction {
	out := make([]Transaction, len(t.rows))
	var times []float64 // the response times, pointed to by the rows: made once, room for every row left
	var m Message
	fl := Fields{}
	for i := range t.rows {
		rw := &t.rows[i]
		tx := Transaction{
			QueryFrame: rw.qFrame, ResponseFrame: rw.rFrame, Timestamp: epoch(rw.ns), Time: rfc3339(rw.ns),
			Transport: transport(rw.tcp), Client: at.text(rw.client), ClientPort: rw.cport,
			Server: at.text(rw.server), ServerPort: rw.sport, ID: rw.id, Name: rw.name, Type: TypeName(rw.qtype),
			Retries: rw.retries, RetryFrames: rw.retryFrames, QuestionMismatch: rw.mismatch,
		}
		switch {
		case rw.noQuery:
			tx.Status = "no_query"
		case rw.rFrame == 0:
			tx.Status = "unanswered"
		default:
			tx.Status = "answered"
			if len(times) == cap(times) {
				times = make([]float64, 0, len(t.rows)-i)
			}
			times = append(times, float64(rw.rttNs)/1e9)
			tx.ResponseTime = &times[len(times)-1]
		}
		if rw.rFrame != 0 {
			tx.Rcode = RcodeName(rw.rcode)
		}
		if rw.ansLen > 0 {
			tx.Answers = answerTexts(&m, t.arena[rw.ansOff:rw.ansOff+rw.ansLen], fl)
		}
		out[i] = tx
	}
	return out
}
