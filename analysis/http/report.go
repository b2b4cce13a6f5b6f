package http

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcpstream"
)

// Report is the "http" tool's report.
type Report struct {
	File               string `json:"file"`
	TotalPacketsInFile int    `json:"total_packets_in_file"`
	// HTTPFrames counts the frames that complete at least one HTTP message
	// (the frames tshark shows with http.request or http.response).
	HTTPFrames int `json:"http_frames"`
	// Connections counts the TCP connections that carried a message.
	Connections int        `json:"connections"`
	Requests    int        `json:"requests"`
	Responses   int        `json:"responses"`
	Statistics  Statistics `json:"statistics"`
	// Transactions are requests with their responses (and responses
	// without a request), in the order of their first frame, at most the
	// run's per-packet list limit.
	Transactions      report.Rows[Transaction] `json:"transactions"`
	TransactionsTotal int                      `json:"transactions_total"`
	Timeline          Timeline                 `json:"timeline"`
	Findings          []finding.Finding        `json:"findings"`
	Caps              []report.Cap             `json:"caps"`
	Message           string                   `json:"message,omitempty"`
	Warnings          []string                 `json:"warnings"`
}

// FindingList returns the report's findings (finding.Lister).
func (r *Report) FindingList() []finding.Finding { return r.Findings }

// Statistics cover every HTTP message of the capture.
type Statistics struct {
	// Methods counts requests by http.request.method.
	Methods map[string]int `json:"methods"`
	// StatusCodes counts responses by http.response.code.
	StatusCodes map[string]int `json:"status_codes"`
	// Hosts counts requests by http.host (requests without Host are not counted).
	Hosts map[string]int `json:"hosts"`
	// TopURIs counts requests by http.request.uri, most first.
	TopURIs []KeyCount `json:"top_uris"`
	// TopUserAgents counts requests by http.user_agent.
	TopUserAgents []KeyCount `json:"top_user_agents"`
	// TopContentTypes counts messages (requests and responses) by http.content_type.
	TopContentTypes []KeyCount `json:"top_content_types"`
	// TopServers counts responses by http.server.
	TopServers []KeyCount `json:"top_servers"`
	// ResponseTime spreads http.time, in seconds: from the frame completing
	// a request to the frame completing its response.
	ResponseTime *report.Spread `json:"response_time"`
	// RequestsWithoutResponse and ResponsesWithoutRequest count what could
	// not be paired.
	RequestsWithoutResponse int `json:"requests_without_response"`
	ResponsesWithoutRequest int `json:"responses_without_request"`
	// Chunked counts messages whose body used the chunked transfer coding.
	Chunked int `json:"chunked"`
	// BodyBytes adds up the bodies read (chunked ones decoded).
	BodyBytes int64 `json:"body_bytes"`
	// Skipped counts segments of HTTP connections that did not start a
	// message where one was expected (Wireshark's "Continuation" or
	// non-HTTP data); IncompleteMessages counts messages cut by missing
	// bytes, by the connection's end (a FIN or reset before the message's
	// last byte, or the connection dropped at the reassembly cap), or still
	// in progress when the capture ends; OversizedHeaders
	// counts header blocks over the parser's limit.
	Skipped            int `json:"skipped_segments"`
	IncompleteMessages int `json:"incomplete_messages"`
	OversizedHeaders   int `json:"oversized_headers"`
}

// KeyCount is a value and how many messages had it.
type KeyCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Transaction is a request and its response.
type Transaction struct {
	// TCPStream is the connection's tcp.stream (-1 for HTTP over UDP).
	TCPStream int `json:"tcp_stream"`
	// RequestFrame and ResponseFrame complete the request and the response
	// (0 when there is none).
	RequestFrame  int     `json:"request_frame"`
	ResponseFrame int     `json:"response_frame"`
	Timestamp     float64 `json:"timestamp"`
	Time          string  `json:"time"`
	Client        string  `json:"client"`
	Server        string  `json:"server"`
	Method        string  `json:"method,omitempty"`
	Host          string  `json:"host,omitempty"`
	URI           string  `json:"uri,omitempty"`
	Version       string  `json:"version,omitempty"`
	UserAgent     string  `json:"user_agent,omitempty"`
	Referer       string  `json:"referer,omitempty"`
	// RequestContentType and RequestBody describe the request's body.
	RequestContentType string `json:"request_content_type,omitempty"`
	RequestBody        int64  `json:"request_body"`
	// Status and Reason come from the response's status line (0 without response).
	Status int    `json:"status"`
	Reason string `json:"reason,omitempty"`
	// ContentType, ContentLength (null without the header), Body (bytes
	// read, chunked bodies decoded), TransferEncoding and Server describe
	// the response.
	ContentType      string `json:"content_type,omitempty"`
	ContentLength    *int64 `json:"content_length"`
	Body             int64  `json:"body"`
	TransferEncoding string `json:"transfer_encoding,omitempty"`
	ContentEncoding  string `json:"content_encoding,omitempty"`
	ServerHeader     string `json:"server_header,omitempty"`
	Location         string `json:"location,omitempty"`
	// ResponseTime is http.time in seconds (null without a response).
	ResponseTime *float64 `json:"response_time"`
	// File names an executable or script the response body starts like.
	File string `json:"file,omitempty"`
	// Interim is true for a row holding an informational (1xx) response;
	// its request is also in the row that holds the final response (the
	// row before it with the same request frame and connection).
	Interim bool `json:"interim,omitempty"`
}

// Timeline is the requests over time: per bucket, requests, and responses
// with a 4xx or 5xx status, counted at the frames that complete them.
type Timeline struct {
	report.Axis
	Requests []int `json:"requests"`
	Errors   []int `json:"errors"`
}

type bucket struct{ req, err int }

func mergeBuckets(into, from *bucket) { into.req += from.req; into.err += from.err }

// txn is a transaction as it is built.
type txn struct {
	Transaction
	reqNs, respNs int64
	reqURILen     int
	authScheme    string
	authUser      string
	formCreds     bool
	formUser      string
	uaSeen        bool
}

// stats are the counters behind Statistics.
type stats struct {
	methods, codes, hosts, uris, agents, ctypes, servers map[string]int
	times                                                []float64
	chunked                                              int
	body                                                 int64
}

func newStats() stats {
	return stats{
		methods: map[string]int{}, codes: map[string]int{}, hosts: map[string]int{},
		uris: map[string]int{}, agents: map[string]int{}, ctypes: map[string]int{}, servers: map[string]int{},
	}
}

// count adds one to m[k], within maxStatKeys distinct keys.
func (t *Tap) count(what string, m map[string]int, k string) {
	if _, ok := m[k]; !ok && len(m) >= maxStatKeys {
		t.caps.Hit(what, maxStatKeys)
		return
	}
	m[k]++
}

// message handles one message that s's frame completes.
func (t *Tap) message(c *Conn, s *tcpstream.Segment, m *Message) {
	if s.Frame != t.lastFrame {
		t.lastFrame = s.Frame
		t.nframes++
	}
	if t.timeline == nil {
		t.timeline = report.NewGrid(mergeBuckets)
	}
	b := t.timeline.At(s.TimeNs)
	if m.Chunked {
		t.st.chunked++
	}
	t.st.body += m.Body
	if m.ContentType != "" {
		t.count("content types", t.st.ctypes, m.ContentType)
	}
	if m.Request {
		t.requests++
		b.req++
		t.count("methods", t.st.methods, m.Method)
		if m.Host != "" {
			t.count("hosts", t.st.hosts, m.Host)
		}
		t.count("URIs", t.st.uris, m.URI)
		if m.UserAgentSeen {
			t.count("user agents", t.st.agents, m.UserAgent)
		}
		x := t.newTxn(c, s)
		if x == nil {
			return
		}
		x.RequestFrame, x.reqNs = s.Frame, s.TimeNs
		x.Timestamp, x.Time = float64(s.TimeNs)/1e9, report.Time(s.TimeNs)
		x.Method, x.Host, x.URI, x.Version = m.Method, m.Host, m.URI, m.Version
		x.reqURILen = m.URILen
		x.UserAgent, x.uaSeen, x.Referer = m.UserAgent, m.UserAgentSeen, m.Referer
		x.RequestContentType, x.RequestBody = m.ContentType, m.Body
		x.authScheme, x.authUser = m.AuthScheme, m.AuthUser
		if ok, u := formSecret(queryOf(m.URI)); ok {
			x.formCreds, x.formUser = true, u
		}
		if m.Form != nil {
			if ok, u := formSecret(string(m.Form)); ok {
				x.formCreds = true
				if x.formUser == "" {
					x.formUser = u
				}
			}
		}
		if basic, ok := x.credentials(); ok {
			t.early.creds.Add(x.RequestFrame)
			if basic {
				t.early.hdr++
			} else {
				t.early.form++
			}
		}
		if c.UDP {
			return
		}
		q := t.queues[c.Stream]
		if len(q) >= maxQueued {
			t.caps.Hit("requests awaiting a response on one connection", maxQueued)
			q = q[1:]
		}
		t.queues[c.Stream] = append(q, x)
		return
	}
	t.responses++
	if m.Code >= 400 && m.Code <= 599 {
		b.err++
	}
	t.count("status codes", t.st.codes, strconv.Itoa(m.Code))
	if m.Server != "" {
		t.count("servers", t.st.servers, m.Server)
	}
	var x *txn
	if q := t.queues[c.Stream]; len(q) > 0 && !c.UDP {
		x = q[0]
		if m.Code/100 == 1 {
			// An informational response: a row of its own, the request's
			// row waits for the final response.
			y := t.newTxn(c, s)
			if y == nil {
				return
			}
			y.Transaction = x.Transaction
			y.reqNs = x.reqNs
			y.Interim = true
			x = y
		} else {
			q[0] = nil
			t.queues[c.Stream] = q[1:]
		}
	} else {
		t.unpaired++
		x = t.newTxn(c, s)
		if x == nil {
			return
		}
		x.Timestamp, x.Time = float64(s.TimeNs)/1e9, report.Time(s.TimeNs)
	}
	x.ResponseFrame, x.respNs = s.Frame, s.TimeNs
	x.Status, x.Reason, x.Version = m.Code, m.Reason, m.Version
	x.ContentType, x.Body = m.ContentType, m.Body
	if m.ContentLength >= 0 {
		cl := m.ContentLength
		x.ContentLength = &cl
	}
	x.TransferEncoding, x.ContentEncoding, x.ServerHeader, x.Location = m.TransferEncoding, m.ContentEncoding, m.Server, m.Location
	if x.RequestFrame != 0 {
		rt := float64(s.TimeNs-x.reqNs) / 1e9
		x.ResponseTime = &rt
		t.st.times = append(t.st.times, rt)
	}
	if m.ContentEncoding == "" || eqFold([]byte(m.ContentEncoding), "identity") {
		x.File = fileKind(m.Sniff)
		if x.File != "" {
			t.early.exes.Add(x.ResponseFrame)
		}
	}
}

// newTxn starts a transaction row, or returns nil past maxTransactions.
func (t *Tap) newTxn(c *Conn, s *tcpstream.Segment) *txn {
	t.txnsTotal++
	if len(t.txns) >= maxTransactions {
		t.caps.Hit("transactions", maxTransactions)
		return nil
	}
	x := &txn{}
	x.TCPStream = c.Stream
	x.Client, x.Server = c.Client.String(), c.Server.String()
	t.txns = append(t.txns, x)
	return x
}

// Finish builds the report.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	r := &Report{
		File:               t.opts.FileName,
		TotalPacketsInFile: c.Packets,
		HTTPFrames:         t.nframes,
		Requests:           t.requests,
		Responses:          t.responses,
		TransactionsTotal:  t.txnsTotal,
		Warnings:           append([]string{}, c.Warnings...),
	}
	streams := map[int]struct{}{}
	for _, x := range t.txns {
		if x.TCPStream >= 0 {
			streams[x.TCPStream] = struct{}{}
		}
	}
	r.Connections = len(streams)
	s := &r.Statistics
	s.Methods, s.StatusCodes, s.Hosts = t.st.methods, t.st.codes, t.st.hosts
	s.TopURIs = top(t.st.uris)
	s.TopUserAgents = top(t.st.agents)
	s.TopContentTypes = top(t.st.ctypes)
	s.TopServers = top(t.st.servers)
	s.ResponseTime = report.Summarize(append([]float64(nil), t.st.times...))
	s.ResponsesWithoutRequest = t.unpaired
	for _, x := range t.txns {
		if x.RequestFrame != 0 && x.ResponseFrame == 0 && !x.Interim {
			s.RequestsWithoutResponse++
		}
	}
	s.Chunked, s.BodyBytes = t.st.chunked, t.st.body
	s.Skipped, s.OversizedHeaders, s.IncompleteMessages = t.fl.Totals()

	sort.SliceStable(t.txns, func(i, j int) bool { return firstFrame(t.txns[i]) < firstFrame(t.txns[j]) })
	limit := report.ListLimit(t.opts.MaxPackets)
	if over := len(t.txns) - limit; over > 0 {
		t.caps.HitN("transactions listed", limit, over)
	}
	// Made when read from the transactions listed, rather than copied
	// (the ones over the cap are let go).
	txns := slices.Clone(t.txns[:min(len(t.txns), limit)])
	r.Transactions = report.MakeRows(len(txns), func(i int, dst *Transaction) { *dst = txns[i].Transaction })
	r.Timeline = t.timelineReport()
	r.Findings = t.findings()
	for _, cp := range t.fl.Caps() {
		t.caps.HitN(cp.What, cp.Limit, cp.Dropped)
	}
	r.Caps = t.caps.List()
	r.Warnings = append(r.Warnings, t.caps.Warnings()...)
	if t.requests+t.responses == 0 {
		r.Message = "no HTTP messages found"
	}
	return map[string]any{"http": r}
}

func firstFrame(x *txn) int {
	if x.RequestFrame != 0 {
		return x.RequestFrame
	}
	return x.ResponseFrame
}

// maxTop is how many entries a top list holds.
const maxTop = 20

// top returns the maxTop most frequent keys of m, most first, then by key.
func top(m map[string]int) []KeyCount {
	out := make([]KeyCount, 0, len(m))
	for k, v := range m {
		out = append(out, KeyCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	if len(out) > maxTop {
		out = out[:maxTop]
	}
	return out
}

func (t *Tap) timelineReport() Timeline {
	if t.timeline == nil {
		return Timeline{Requests: []int{}, Errors: []int{}}
	}
	bs := t.timeline.Buckets()
	tl := Timeline{Axis: t.timeline.Axis(), Requests: make([]int, len(bs)), Errors: make([]int, len(bs))}
	for i, b := range bs {
		tl.Requests[i], tl.Errors[i] = b.req, b.err
	}
	return tl
}

// hostOnly reports whether a Host header is a bare IP address (with or
// without a port), not a name.
func hostOnly(h string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr(), true
	}
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	a, err := netip.ParseAddr(h)
	return a, err == nil
}
