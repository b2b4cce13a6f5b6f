package sip

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

func init() {
	engine.Register(engine.Factory{Name: "sip", Tools: []string{"sip"}, Reports: map[string]any{"sip": Report{}}, New: func(o *engine.Options) engine.Tap { return New(o) },
		Descriptions: map[string]string{"sip": "SIP (VoIP signalling): methods and response codes, calls with their state, set-up and answer times and who hung up, registrations and authentication failures, the RTP streams the calls set up (loss, jitter), and the messages themselves (capped)."}})
}

// Caps on tables an attacker can grow.
const (
	maxCallIDs      = 1 << 17
	maxCalls        = 10000
	maxRegs         = 10000
	maxEndpoints    = 20000
	maxStreams      = 10000
	maxTCPFlows     = 4096
	maxTCPBuffered  = 16 << 20 // bytes in partial SIP-over-TCP messages, over all flows
	maxSources      = 10000
	maxUsersPerSrc  = 1000
	maxFlow         = 200
	maxMalformed    = 1000
	maxStatKeys     = 1000
	maxFramesInEvid = 20
)

// Tap is the SIP analyzer.
type Tap struct {
	opts *engine.Options
	t0   int64
	seen bool

	frames   int // frames carrying SIP
	messages int
	st       Statistics
	callIDs  map[string]struct{}

	calls     map[string]*call
	callOrder []*call
	regs      map[string]*reg
	regByCID  map[string]*reg
	regOrder  []*reg

	endpoints map[netip.AddrPort]*endpoint
	pairs     map[apPair]*pairMedia // offer/answer media pairs, the latest in force
	streams   map[streamKey]*stream
	strOrder  []*stream

	sources map[netip.Addr]*source
	tcp     *tcpReader

	malformed      []Malformed
	malformedTotal int
	packets        []Packet
	caps           report.Caps
	listLimit      int // per-packet list limit (report.ListLimit)
	listDropped    int

	// cur is the frame being handled.
	cur *frame.Frame
}

type call struct {
	Call
	inviteNs    int64 // the current INVITE transaction's request
	startNs     int64 // the first INVITE
	inviteCSeq  uint32
	callerAP    string
	answerNs    int64
	cancelled   bool
	provisional bool
	byeSeen     bool
	offer       *SDP // the SDP offer in force
}

type reg struct {
	Registration
}

// endpoint is an SDP-announced media address with the call that announced
// it last.
type endpoint struct {
	call   *call
	codecs []Codec
}

// apPair is an offer/answer media pair, both endpoints, in address order.
type apPair struct{ a, b netip.AddrPort }

func makePair(x, y netip.AddrPort) apPair {
	if y.Compare(x) < 0 {
		x, y = y, x
	}
	return apPair{x, y}
}

// pairMedia is the call an offer/answer pair belongs to and its codecs.
type pairMedia struct {
	call   *call
	codecs []Codec
}

type streamKey struct {
	src, dst netip.AddrPort
	ssrc     uint32
}

type stream struct {
	key  streamKey
	call *call // the call whose offer/answer was in force at its first packet
	st   rtpStats
	info payloadInfo
}

type source struct {
	addr         netip.Addr
	regFail      int
	inviteFail   int
	requests     map[string]int
	users        map[string]struct{}
	userAgents   map[string]int
	frames       []int
	failFrames   []int
	scannerAgent string
}

// New returns a SIP tap.
func New(o *engine.Options) *Tap {
	if o == nil {
		o = &engine.Options{}
	}
	return &Tap{
		opts: o,
		st: Statistics{
			Methods: map[string]int{}, StatusCodes: map[string]int{}, ResponseClasses: map[string]int{},
			UserAgents: map[string]int{}, Servers: map[string]int{}, Transports: map[string]int{},
			CallStates: map[string]int{},
		},
		callIDs:   map[string]struct{}{},
		calls:     map[string]*call{},
		regs:      map[string]*reg{},
		regByCID:  map[string]*reg{},
		endpoints: map[netip.AddrPort]*endpoint{},
		pairs:     map[apPair]*pairMedia{},
		streams:   map[streamKey]*stream{},
		sources:   map[netip.Addr]*source{},
		tcp:       newTCPReader(),
		listLimit: report.ListLimit(o.MaxPackets),
	}
}

// knownPort reports whether p is a registered SIP port (5060 sip, 5061 sips).
func knownPort(p uint16) bool { return p == 5060 || p == 5061 }

// Packet looks for SIP in UDP and TCP payloads and for RTP on SDP-announced ports.
func (t *Tap) Packet(f *frame.Frame) {
	if !t.seen {
		t.seen = true
		t.t0 = f.TimeNs
	}
	switch {
	case f.IsUDP():
		p := f.Payload
		if len(p) == 0 {
			return
		}
		known := knownPort(f.SrcPort) || knownPort(f.DstPort)
		if LooksLikeSIP(p, known) {
			t.cur = f
			t.datagram(f, p)
			return
		}
		if len(t.endpoints) > 0 {
			t.rtp(f)
		}
	case f.IsTCP():
		t.cur = f
		t.segment(f)
	}
}

func (t *Tap) datagram(f *frame.Frame, p []byte) {
	t.frames++
	m, _, err := Parse(p, false /* stream */)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			t.bad(f, pe.Reason)
		}
		if m == nil {
			return
		}
	}
	t.handle(m, f, "UDP")
}

func (t *Tap) bad(f *frame.Frame, reason string) {
	t.malformedTotal++
	if len(t.malformed) < maxMalformed {
		t.malformed = append(t.malformed, Malformed{
			Frame: f.Number, Src: apString(f.SrcIP, f.SrcPort), Dst: apString(f.DstIP, f.DstPort), Reason: reason,
		})
	}
}

func apString(a netip.Addr, p uint16) string { return netip.AddrPortFrom(a, p).String() }

// capNames are the tables a cap applies to, by the name capHit is given,
// with the words and the limit the report's caps use.
var capNames = map[string]struct {
	what  string
	limit int
}{
	"call_ids":                    {"Call-IDs", maxCallIDs},
	"calls":                       {"calls", maxCalls},
	"registrations":               {"registrations", maxRegs},
	"media_endpoints":             {"SDP media endpoints", maxEndpoints},
	"media_pairs":                 {"SDP offer/answer pairs", maxEndpoints},
	"rtp_streams":                 {"RTP streams", maxStreams},
	"sources":                     {"sources", maxSources},
	"tcp_flows":                   {"SIP-over-TCP flows", maxTCPFlows},
	"tcp_buffered":                {"bytes of partial SIP-over-TCP messages", maxTCPBuffered},
	"statistics.transports":       {"transports counted", maxStatKeys},
	"statistics.methods":          {"methods counted", maxStatKeys},
	"statistics.status_codes":     {"status codes counted", maxStatKeys},
	"statistics.response_classes": {"response classes counted", maxStatKeys},
	"statistics.user_agents":      {"User-Agents counted", maxStatKeys},
	"statistics.servers":          {"Server headers counted", maxStatKeys},
}

// capHit counts one item of a table not kept at its cap.
func (t *Tap) capHit(name string) {
	c, ok := capNames[name]
	if !ok {
		c.what, c.limit = name, maxStatKeys
	}
	t.caps.Hit(c.what, c.limit)
}

func (t *Tap) ms(ns int64) float64 { return float64(ns) / 1e6 }

func count(m map[string]int, k string, t *Tap, name string) {
	if _, ok := m[k]; !ok && len(m) >= maxStatKeys {
		t.capHit(name)
		return
	}
	m[k]++
}

func isSDP(m *Message) bool {
	ct := strings.ToLower(m.Get("Content-Type"))
	return strings.HasPrefix(ct, "application/sdp") && len(m.Body) > 0
}

// handle accounts for one parsed message.
func (t *Tap) handle(m *Message, f *frame.Frame, transport string) {
	t.messages++
	for _, p := range m.Problems {
		t.bad(f, p)
	}
	st := &t.st
	count(st.Transports, transport, t, "statistics.transports")
	if m.Request {
		st.Requests++
		count(st.Methods, m.Method, t, "statistics.methods")
	} else {
		st.Responses++
		count(st.StatusCodes, strconv.Itoa(m.StatusCode), t, "statistics.status_codes")
		count(st.ResponseClasses, strconv.Itoa(m.StatusCode/100)+"xx", t, "statistics.response_classes")
	}
	ua, server := m.Get("User-Agent"), m.Get("Server")
	if ua != "" {
		count(st.UserAgents, ua, t, "statistics.user_agents")
	}
	if server != "" {
		count(st.Servers, server, t, "statistics.servers")
	}
	cid := m.Get("Call-ID")
	if cid != "" {
		if _, ok := t.callIDs[cid]; !ok {
			if len(t.callIDs) < maxCallIDs {
				t.callIDs[cid] = struct{}{}
			} else {
				t.capHit("call_ids")
			}
		}
	}
	src := netip.AddrPortFrom(f.SrcIP, f.SrcPort)
	dst := netip.AddrPortFrom(f.DstIP, f.DstPort)
	var sdp *SDP
	if isSDP(m) {
		sdp = ParseSDP(m.Body)
	}
	t.packet(m, f, transport, sdp)
	cseqN, cseqM := CSeq(m.Get("CSeq"))
	t.sourceRequest(m, f, cid)
	if cid == "" {
		return
	}
	// Calls.
	c := t.calls[cid]
	if c == nil && m.Request && m.Method == "INVITE" && Param(m.Get("To"), "tag") == "" {
		if len(t.calls) >= maxCalls {
			t.capHit("calls")
		} else {
			c = &call{inviteNs: f.TimeNs, startNs: f.TimeNs, inviteCSeq: cseqN, callerAP: src.String()}
			c.CallID = cid
			c.From, c.To = m.Get("From"), m.Get("To")
			c.Caller, c.Callee = URI(c.From), URI(c.To)
			c.CallerAddress, c.CalleeAddress = src.String(), dst.String()
			c.Transport = transport
			c.UserAgent = ua
			c.StartTime = float64(f.TimeNs) / 1e9
			c.StartUTC = utc(f.TimeNs)
			c.FirstFrame = f.Number
			c.MediaOffered, c.MediaAnswered, c.RTPStreams = []MediaSummary{}, []MediaSummary{}, []int{}
			t.calls[cid] = c
			t.callOrder = append(t.callOrder, c)
		}
	}
	if c != nil {
		t.callMessage(c, m, f, src, dst, sdp, cseqN, cseqM)
	}
	// Registrations.
	if m.Request && m.Method == "REGISTER" {
		t.register(m, f, cid, src, dst, ua)
	} else if !m.Request && cseqM == "REGISTER" {
		if r := t.regByCID[cid]; r != nil {
			t.registerResponse(r, m, f)
		}
	}
	if !m.Request && cseqM == "INVITE" && m.StatusCode >= 300 {
		if s := t.sources[dst.Addr()]; s != nil && (m.StatusCode == 401 || m.StatusCode == 403 || m.StatusCode == 407 || m.StatusCode == 404) {
			s.inviteFail++
			s.addFail(f.Number)
		}
	}
}

func (s *source) addFail(n int) {
	if len(s.failFrames) < maxFramesInEvid {
		s.failFrames = append(s.failFrames, n)
	}
}

func utc(ns int64) string { return report.Time(ns) }

func label(m *Message, sdp *SDP) string {
	var l string
	if m.Request {
		l = m.Method
	} else {
		l = strconv.Itoa(m.StatusCode)
		if m.Reason != "" {
			l += " " + m.Reason
		}
	}
	if sdp != nil {
		l += " (SDP)"
	}
	return l
}

func summaries(s *SDP) []MediaSummary {
	out := make([]MediaSummary, 0, len(s.Media))
	for i := range s.Media {
		md := &s.Media[i]
		out = append(out, MediaSummary{Type: md.Type, Address: md.Address, Port: md.Port, Direction: md.Direction, Codecs: md.codecNames()})
	}
	return out
}

func msPtr(ns int64) *float64 {
	v := float64(ns) / 1e6
	return &v
}

func (t *Tap) callMessage(c *call, m *Message, f *frame.Frame, src, dst netip.AddrPort, sdp *SDP, cseqN uint32, cseqM string) {
	if len(c.Flow) < maxFlow {
		c.Flow = append(c.Flow, FlowEntry{
			Frame: f.Number, Time: float64(f.TimeNs) / 1e9, OffsetMs: t.ms(f.TimeNs - c.startNs),
			Src: src.String(), Dst: dst.String(), Label: label(m, sdp), CSeq: m.Get("CSeq"),
		})
	} else {
		c.FlowTruncated = true
	}
	if sdp != nil {
		t.announce(sdp, c)
		// The offer is in the first SDP of the INVITE transaction (request,
		// or a response when the INVITE had none); the answer in the other
		// side's SDP (RFC 3264).
		switch {
		case m.Request && m.Method == "INVITE", c.offer == nil:
			c.offer = sdp
		default:
			t.pair(c, c.offer, sdp)
		}
	}
	if m.Request {
		switch m.Method {
		case "INVITE":
			// A new INVITE transaction outside the dialog (no To tag), typically
			// repeated with credentials after a 401/407: the call goes on with it.
			if cseqN != c.inviteCSeq && c.answerNs == 0 && Param(m.Get("To"), "tag") == "" {
				if c.StatusCode == 401 || c.StatusCode == 407 {
					c.AuthChallenges++
				}
				c.inviteCSeq, c.inviteNs = cseqN, f.TimeNs
				c.StatusCode, c.Reason, c.PostDialDelayMs, c.provisional, c.cancelled = 0, "", nil, false, false
			}
			if sdp != nil && len(c.MediaOffered) == 0 {
				c.MediaOffered = summaries(sdp)
			}
		case "CANCEL":
			if c.StatusCode == 0 {
				c.cancelled = true
			}
		case "BYE":
			if !c.byeSeen {
				c.byeSeen = true
				if src.String() == c.callerAP {
					c.HungUpBy = "caller"
				} else {
					c.HungUpBy = "callee"
				}
				if c.answerNs != 0 {
					c.DurationMs = msPtr(f.TimeNs - c.answerNs)
				}
			}
		}
		return
	}
	if cseqM != "INVITE" || cseqN != c.inviteCSeq {
		return
	}
	code := m.StatusCode
	switch {
	case code >= 180 && code < 190:
		if c.PostDialDelayMs == nil {
			c.PostDialDelayMs = msPtr(f.TimeNs - c.inviteNs)
		}
		c.provisional = true
		if sdp != nil && len(c.MediaAnswered) == 0 {
			c.MediaAnswered = summaries(sdp)
		}
	case code < 200:
	case code < 300:
		if c.answerNs == 0 {
			c.answerNs = f.TimeNs
			c.AnswerTimeMs = msPtr(f.TimeNs - c.inviteNs)
			c.StatusCode, c.Reason = code, m.Reason
		}
		if sdp != nil {
			c.MediaAnswered = summaries(sdp)
		}
	default:
		if c.StatusCode == 0 {
			c.StatusCode, c.Reason = code, m.Reason
		}
	}
}

// announce records the SDP's media endpoints so RTP to or from them is analysed.
func (t *Tap) announce(s *SDP, c *call) {
	for i := range s.Media {
		md := &s.Media[i]
		ap, ok := md.endpoint()
		if !ok {
			continue
		}
		if e, ok := t.endpoints[ap]; ok {
			e.call = c
			e.codecs = md.Codecs
			continue
		}
		if len(t.endpoints) >= maxEndpoints {
			t.capHit("media_endpoints")
			continue
		}
		t.endpoints[ap] = &endpoint{call: c, codecs: md.Codecs}
	}
}

// pair records each media line of an offer with the same line of its
// answer (RFC 3264 §6: one answer line per offer line, in order), so that
// RTP between them belongs to this call from now on.
func (t *Tap) pair(c *call, offer, answer *SDP) {
	for i := range answer.Media {
		if i >= len(offer.Media) {
			break
		}
		a, ok1 := offer.Media[i].endpoint()
		b, ok2 := answer.Media[i].endpoint()
		if !ok1 || !ok2 {
			continue
		}
		k := makePair(a, b)
		if _, ok := t.pairs[k]; !ok && len(t.pairs) >= maxEndpoints {
			t.capHit("media_pairs")
			continue
		}
		t.pairs[k] = &pairMedia{call: c, codecs: answer.Media[i].Codecs}
	}
}

func (t *Tap) register(m *Message, f *frame.Frame, cid string, src, dst netip.AddrPort, ua string) {
	aor := URI(m.Get("To"))
	r := t.regs[aor]
	if r == nil {
		if len(t.regs) >= maxRegs {
			t.capHit("registrations")
			return
		}
		r = &reg{}
		r.AOR = aor
		r.Source, r.Registrar = src.String(), dst.String()
		r.FirstFrame, r.FirstTime = f.Number, float64(f.TimeNs)/1e9
		r.Outcome = "no_response"
		t.regs[aor] = r
		t.regOrder = append(t.regOrder, r)
	}
	r.Attempts++
	r.LastTime = float64(f.TimeNs) / 1e9
	r.Contact = URI(m.Get("Contact"))
	if ua != "" {
		r.UserAgent = ua
	}
	if _, ok := t.regByCID[cid]; !ok && len(t.regByCID) < maxRegs*4 {
		t.regByCID[cid] = r
	}
}

func (t *Tap) registerResponse(r *reg, m *Message, f *frame.Frame) {
	code := m.StatusCode
	r.LastTime = float64(f.TimeNs) / 1e9
	switch {
	case code < 200:
	case code < 300:
		r.Outcome, r.StatusCode = "registered", code
		exp := Param(m.Get("Contact"), "expires")
		if exp == "" {
			exp = m.Get("Expires")
		}
		if n, err := strconv.Atoi(strings.TrimSpace(exp)); err == nil {
			r.Expires = &n
		}
	case code == 401 || code == 407:
		r.Challenges++
		if r.Outcome != "registered" {
			r.Outcome, r.StatusCode = "challenged", code
		}
	default:
		r.Failures++
		r.Outcome, r.StatusCode = "failed", code
		if s := t.sources[f.DstIP]; s != nil {
			s.regFail++
			s.addFail(f.Number)
		}
	}
}

// sourceRequest keeps per-source figures for scan and guessing observations.
func (t *Tap) sourceRequest(m *Message, f *frame.Frame, cid string) {
	if !m.Request || m.Method == "ACK" {
		return
	}
	s := t.sources[f.SrcIP]
	if s == nil {
		if len(t.sources) >= maxSources {
			t.capHit("sources")
			return
		}
		s = &source{addr: f.SrcIP, requests: map[string]int{}, users: map[string]struct{}{}, userAgents: map[string]int{}}
		t.sources[f.SrcIP] = s
	}
	s.requests[m.Method]++
	if len(s.frames) < maxFramesInEvid {
		s.frames = append(s.frames, f.Number)
	}
	if m.Method == "OPTIONS" || m.Method == "INVITE" || m.Method == "REGISTER" {
		u := User(URI(m.RequestURI))
		if m.Method == "REGISTER" {
			u = User(URI(m.Get("To")))
		}
		if _, ok := s.users[u]; !ok && len(s.users) < maxUsersPerSrc {
			s.users[u] = struct{}{}
		}
	}
	if ua := m.Get("User-Agent"); ua != "" {
		if len(s.userAgents) < 16 {
			s.userAgents[ua]++
		}
		if s.scannerAgent == "" && scannerAgent(ua) {
			s.scannerAgent = ua
		}
	}
}

// scannerAgents are User-Agent substrings of SIP scanning and cracking tools.
var scannerAgents = []string{"friendly-scanner", "sipvicious", "sipcli", "sip-scan", "vaxsipuseragent", "sundayddr", "iwar", "sivus", "smap", "sipsak", "pplsip", "voipbuster", "sippts", "sipscan"}

func scannerAgent(ua string) bool {
	l := strings.ToLower(ua)
	for _, s := range scannerAgents {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func (t *Tap) packet(m *Message, f *frame.Frame, transport string, sdp *SDP) {
	if len(t.packets) >= t.listLimit {
		t.listDropped++
		return
	}
	p := Packet{
		PacketNumber: f.Number, Timestamp: float64(f.TimeNs) / 1e9, TimestampUTC: utc(f.TimeNs),
		SourceIP: f.SrcIP.String(), DestinationIP: f.DstIP.String(),
		SourcePort: int(f.SrcPort), DestinationPort: int(f.DstPort), Transport: transport,
		StartLine: m.StartLine, SIPVersion: m.Version,
		CallID: m.Get("Call-ID"), CSeq: m.Get("CSeq"), From: m.Get("From"), To: m.Get("To"),
		Contact: m.Get("Contact"), UserAgent: m.Get("User-Agent"), Server: m.Get("Server"),
		Via: m.All("Via"), ContentType: m.Get("Content-Type"), ContentLength: m.ContentLength,
		BodyLength: len(m.Body), KnownSIPPort: knownPort(f.SrcPort) || knownPort(f.DstPort),
		Headers: m.Headers, SDP: sdp,
	}
	p.Via = report.NonNil(p.Via)
	p.Headers = report.NonNil(p.Headers)
	if m.Request {
		p.MessageType, p.Method, p.RequestURI = "request", m.Method, m.RequestURI
	} else {
		p.MessageType, p.StatusCode, p.ReasonPhrase = "response", m.StatusCode, m.Reason
	}
	t.packets = append(t.packets, p)
}

// rtp analyses a UDP packet to or from an SDP-announced endpoint.
func (t *Tap) rtp(f *frame.Frame) {
	src := netip.AddrPortFrom(f.SrcIP.Unmap(), f.SrcPort)
	dst := netip.AddrPortFrom(f.DstIP.Unmap(), f.DstPort)
	ep := t.endpoints[dst]
	if ep == nil {
		ep = t.endpoints[src]
		if ep == nil {
			return
		}
	}
	h, ok := parseRTP(f.Payload)
	if !ok {
		return
	}
	k := streamKey{src: src, dst: dst, ssrc: h.ssrc}
	s := t.streams[k]
	if s == nil {
		if len(t.streams) >= maxStreams {
			t.capHit("rtp_streams")
			return
		}
		// The call is fixed now: the offer/answer pair in force between
		// the two endpoints, else the call that last announced one of them.
		cl, codecs := ep.call, ep.codecs
		if pm := t.pairs[makePair(src, dst)]; pm != nil {
			cl, codecs = pm.call, pm.codecs
		}
		s = &stream{key: k, call: cl}
		s.info = func(pt uint8) (string, int) {
			for _, c := range codecs {
				if c.PayloadType == int(pt) {
					return c.Name, c.ClockRate
				}
			}
			if c, ok := staticPT[int(pt)]; ok {
				return c.Name, c.ClockRate
			}
			return "", 0
		}
		t.streams[k] = s
		t.strOrder = append(t.strOrder, s)
	}
	s.st.add(h, t.ms(f.TimeNs-t.t0), f.Number, s.info)
}

// Finish builds the report.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	return map[string]any{"sip": t.Report(c)}
}

func fmtSSRC(v uint32) string { return fmt.Sprintf("0x%08x", v) }
