package http

import (
	"bytes"
	"strconv"
)

// Sizes the parser holds at most.
const (
	// MaxHeaderBytes is the longest start line plus header block kept for
	// one message; a longer one is dropped and the direction resynchronises
	// on a later segment.
	MaxHeaderBytes = 64 << 10
	// MaxChunkLine is the longest chunk-size line (RFC 9112 section 7.1)
	// or trailer line read.
	MaxChunkLine = 1024
	// SniffBytes is how many first bytes of a body are kept to recognise
	// what it holds.
	SniffBytes = 16
	// MaxFormBytes is how much of a URL-encoded request body is kept to
	// look for credentials.
	MaxFormBytes = 4096
	// MaxValueLen is the longest header value or URI kept in a report.
	MaxValueLen = 2048
)

// Message is one HTTP/1.x request or response as the parser read it. Its
// strings are copies; Raw fields are reused by the parser.
type Message struct {
	// Request is true for a request, false for a response.
	Request bool
	// Method, URI and Version come from the request line
	// (RFC 9112 section 3); Version also from the status line.
	Method, URI, Version string
	// URILen is the request target's length before MaxValueLen cut it.
	URILen int
	// Code and Reason come from the status line (RFC 9112 section 4).
	Code   int
	Reason string
	// Headers the reports use (the first occurrence of each).
	Host, UserAgent, Referer, ContentType, Server, Location string
	ContentEncoding, TransferEncoding                       string
	// UserAgentSeen is true when a User-Agent header was present (it may be empty).
	UserAgentSeen bool
	// AuthScheme is the Authorization header's scheme ("Basic", "Digest",
	// …) and AuthUser the user name it carries, when it carries one; the
	// secret itself is never kept.
	AuthScheme, AuthUser string
	// ContentLength is the Content-Length header's value, -1 without one.
	ContentLength int64
	// Chunked is true when the body is sent with the chunked transfer coding.
	Chunked bool
	// Body is the number of body bytes read (for a chunked body, the
	// decoded data, without the chunk framing).
	Body int64
	// Sniff holds the first bytes of the body (up to SniffBytes).
	Sniff []byte
	// Form holds the start of a URL-encoded request body (up to MaxFormBytes).
	Form []byte
	// Complete is false for a message the connection's end cut short.
	Complete bool
}

// Parser states.
const (
	stIdle      = iota // between messages: waiting for a start line
	stHead             // reading the start line and headers
	stBody             // reading a Content-Length body
	stChunkLine        // reading a chunk-size line
	stChunkData        // reading a chunk's data
	stChunkEnd         // reading the CRLF after a chunk's data
	stTrailer          // reading trailer lines after the last chunk
	stUntilEnd         // reading a body that lasts until the connection ends
	stSkip             // out of step: ignore bytes until the next segment
)

// Parser reads one direction of an HTTP/1.x connection, fed arbitrary
// slices of its bytes in order. Feed reports one message at a time; the
// parser copies what it keeps, so a slice is not needed after Feed returns.
// Between segments the caller says where a TCP segment starts (Segment),
// which is where Wireshark looks for a new message after losing step.
type Parser struct {
	state  int
	buf    []byte // header bytes, or the current chunk or trailer line
	remain int64  // body or chunk bytes still expected
	msg    Message
	// noBody is asked, for a response with status code, whether its
	// request forbids a body (HEAD; a 2xx to CONNECT). The Follower sets
	// it; nil means never.
	noBody func(code int) bool
	// Overflow counts header blocks longer than MaxHeaderBytes.
	Overflow int
	// Skipped counts the times the bytes where a message should start
	// did not begin with a request or status line once their first line
	// was whole (Wireshark's "Continuation"): the rest of that segment is
	// skipped.
	Skipped int
}

// Segment tells the parser a new TCP segment starts: an idle or out of
// step parser looks for a start line at its first byte.
func (p *Parser) Segment() {
	if p.state == stSkip {
		p.state = stIdle
	}
}

// Reset drops any message in progress (bytes are missing) and waits for the
// next segment that starts a message.
func (p *Parser) Reset() {
	p.buf = p.buf[:0]
	p.state = stIdle
	p.remain = 0
}

// Pending reports whether a message has started and not completed.
func (p *Parser) Pending() bool {
	return p.state != stIdle && p.state != stSkip && !(p.state == stHead && len(p.buf) == 0)
}

// Close ends the direction: a body that lasts until the connection ends is
// complete, and returned; any other message in progress is dropped.
func (p *Parser) Close() *Message {
	st := p.state
	p.Reset()
	if st == stUntilEnd {
		p.msg.Complete = true
		return &p.msg
	}
	return nil
}

// Feed reads from data and returns how many bytes it used and, when those
// bytes complete a message, the message (valid until the next call). A
// caller loops until the data is used up.
func (p *Parser) Feed(data []byte) (int, *Message) {
	used := 0
	for len(data) > 0 {
		var n int
		var m *Message
		switch p.state {
		case stSkip:
			return used + len(data), nil
		case stIdle:
			// Empty lines between messages are allowed (RFC 9112 section 2.2).
			i := 0
			for i < len(data) && (data[i] == '\r' || data[i] == '\n') {
				i++
			}
			n = i
			if i < len(data) {
				// Held until the first line is whole, then judged (head),
				// as Wireshark asks TCP for more data until a line ends.
				p.state = stHead
				p.buf = p.buf[:0]
			}
		case stHead:
			n, m = p.head(data)
		case stBody:
			n = p.body(data)
			if p.remain == 0 {
				m = p.done()
			}
		case stUntilEnd:
			n = len(data)
			p.sniff(data)
		case stChunkLine:
			n, m = p.chunkLine(data)
		case stChunkData:
			n = p.body(data)
			if p.remain == 0 {
				p.state = stChunkEnd
			}
		case stChunkEnd, stTrailer:
			n, m = p.lineEnd(data)
		}
		used += n
		data = data[n:]
		if m != nil {
			return used, m
		}
	}
	return used, nil
}

// head gathers the start line and headers up to the empty line.
func (p *Parser) head(data []byte) (int, *Message) {
	start := len(p.buf)
	if start == 0 {
		// Most header blocks come whole in one segment: read them in place,
		// without holding a copy (parseHead copies what it keeps).
		if end := headerEnd(data[:min(len(data), MaxHeaderBytes)], 0); end >= 0 {
			if !p.parseHead(data[:end]) {
				p.Skipped++
				p.state = stSkip
				return len(data), nil
			}
			return end, p.afterHead()
		}
	}
	// Look for the end of the header block in what is held plus data.
	from := start - 3
	if from < 0 {
		from = 0
	}
	take := len(data)
	if room := MaxHeaderBytes - start; take > room {
		take = room
	}
	p.buf = append(p.buf, data[:take]...)
	end := headerEnd(p.buf, from)
	if end < 0 {
		// The start line, once whole, must be a request or status line.
		if bytes.IndexByte(p.buf[:start], '\n') < 0 {
			if i := bytes.IndexByte(p.buf, '\n'); i >= 0 && !isStartLine(trimCR(p.buf[:i])) {
				p.Skipped++
				p.state = stSkip
				p.buf = p.buf[:0]
				return len(data), nil
			}
		}
		if len(p.buf) >= MaxHeaderBytes {
			p.Overflow++
			p.buf = p.buf[:0]
			p.state = stSkip
			return len(data), nil
		}
		return take, nil
	}
	used := end - start
	p.buf = p.buf[:end]
	if !p.parseHead(p.buf) {
		p.Skipped++
		p.state = stSkip
		p.buf = p.buf[:0]
		return len(data), nil
	}
	p.buf = p.buf[:0]
	return used, p.afterHead()
}

// headerEnd returns the index just past the empty line ending the header
// block in b (searching from from), or -1. Lines end with CRLF or LF.
func headerEnd(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		if i+1 < len(b) && b[i+1] == '\n' {
			return i + 2
		}
		if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
			return i + 3
		}
	}
	return -1
}

// afterHead decides how the body is delimited (RFC 9112 section 6.3) and
// returns the message when it has none.
func (p *Parser) afterHead() *Message {
	m := &p.msg
	switch {
	case !m.Request && (m.Code/100 == 1 || m.Code == 204 || m.Code == 304):
		return p.done()
	case !m.Request && p.noBody != nil && p.noBody(m.Code):
		return p.done()
	case m.Chunked:
		p.state = stChunkLine
	case m.ContentLength > 0:
		p.state, p.remain = stBody, m.ContentLength
	case m.ContentLength == 0 || m.Request:
		return p.done()
	default:
		// A response without length lasts until the connection closes.
		p.state = stUntilEnd
	}
	return nil
}

// done ends the message.
func (p *Parser) done() *Message {
	p.state = stIdle
	p.msg.Complete = true
	return &p.msg
}

// body reads up to remain bytes of body or chunk data.
func (p *Parser) body(data []byte) int {
	n := len(data)
	if int64(n) > p.remain {
		n = int(p.remain)
	}
	p.sniff(data[:n])
	p.remain -= int64(n)
	return n
}

// sniff counts body bytes and keeps the first ones.
func (p *Parser) sniff(b []byte) {
	m := &p.msg
	m.Body += int64(len(b))
	if k := SniffBytes - len(m.Sniff); k > 0 {
		if k > len(b) {
			k = len(b)
		}
		m.Sniff = append(m.Sniff, b[:k]...)
	}
	if m.Form != nil || (m.Request && isForm(m.ContentType)) {
		if k := MaxFormBytes - len(m.Form); k > 0 {
			if k > len(b) {
				k = len(b)
			}
			if m.Form == nil {
				m.Form = make([]byte, 0, 256)
			}
			m.Form = append(m.Form, b[:k]...)
		}
	}
}

// line gathers one line into buf; it returns the bytes used and whether
// the line is whole (buf then holds it without its end). A line longer
// than MaxChunkLine puts the parser out of step.
func (p *Parser) line(data []byte) (int, bool) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if len(p.buf)+len(data) > MaxChunkLine {
			p.Overflow++
			p.state = stSkip
			return len(data), false
		}
		p.buf = append(p.buf, data...)
		return len(data), false
	}
	if len(p.buf)+i > MaxChunkLine {
		p.Overflow++
		p.state = stSkip
		return len(data), false
	}
	p.buf = append(p.buf, data[:i]...)
	p.buf = trimCR(p.buf)
	return i + 1, true
}

// chunkLine reads a chunk-size line (RFC 9112 section 7.1).
func (p *Parser) chunkLine(data []byte) (int, *Message) {
	n, whole := p.line(data)
	if !whole {
		return n, nil
	}
	l := p.buf
	p.buf = p.buf[:0]
	if i := bytes.IndexByte(l, ';'); i >= 0 {
		l = l[:i]
	}
	l = bytes.TrimSpace(l)
	size, ok := parseHex(l)
	if !ok {
		p.state = stSkip
		return len(data), nil
	}
	if size == 0 {
		p.state = stTrailer
		return n, nil
	}
	p.state, p.remain = stChunkData, size
	return n, nil
}

// lineEnd reads the CRLF after a chunk's data, or a trailer line.
func (p *Parser) lineEnd(data []byte) (int, *Message) {
	n, whole := p.line(data)
	if !whole {
		return n, nil
	}
	empty := len(p.buf) == 0
	p.buf = p.buf[:0]
	if p.state == stChunkEnd {
		if !empty {
			p.state = stSkip
			return len(data), nil
		}
		p.state = stChunkLine
		return n, nil
	}
	if empty {
		return n, p.done()
	}
	return n, nil
}

// parseHex reads a chunk size: hexadecimal digits, at most 15 of them.
func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int64(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int64(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int64(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// trimCR drops one trailing carriage return.
func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// parseHead fills p.msg from a whole header block; false when its first
// line is neither a request line nor a status line.
func (p *Parser) parseHead(b []byte) bool {
	m := &p.msg
	sniff, form := m.Sniff[:0], m.Form
	*m = Message{ContentLength: -1, Sniff: sniff}
	if form != nil {
		m.Form = nil
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return false
	}
	first := trimCR(b[:i])
	if !parseStartLine(first, m) {
		return false
	}
	rest := b[i+1:]
	for len(rest) > 0 {
		j := bytes.IndexByte(rest, '\n')
		if j < 0 {
			j = len(rest)
		}
		line := trimCR(rest[:j])
		if j < len(rest) {
			rest = rest[j+1:]
		} else {
			rest = nil
		}
		if len(line) == 0 {
			break
		}
		c := bytes.IndexByte(line, ':')
		if c <= 0 {
			continue
		}
		name, value := line[:c], bytes.TrimSpace(line[c+1:])
		p.header(name, value)
	}
	return true
}

// header takes one header field the reports use.
func (p *Parser) header(name, value []byte) {
	m := &p.msg
	set := func(dst *string) {
		if *dst == "" {
			*dst = clip(value)
		}
	}
	switch {
	case eqFold(name, "host"):
		set(&m.Host)
	case eqFold(name, "user-agent"):
		if !m.UserAgentSeen {
			m.UserAgentSeen = true
			m.UserAgent = clip(value)
		}
	case eqFold(name, "referer"):
		set(&m.Referer)
	case eqFold(name, "content-type"):
		set(&m.ContentType)
	case eqFold(name, "server"):
		set(&m.Server)
	case eqFold(name, "location"):
		set(&m.Location)
	case eqFold(name, "content-encoding"):
		set(&m.ContentEncoding)
	case eqFold(name, "transfer-encoding"):
		set(&m.TransferEncoding)
		// RFC 9112 section 6.3: chunked as the final coding frames the body.
		v := bytes.TrimSpace(value)
		if len(v) >= 7 && eqFold(v[len(v)-7:], "chunked") {
			m.Chunked = true
		}
	case eqFold(name, "content-length"):
		if m.ContentLength < 0 {
			if n, err := strconv.ParseInt(string(value), 10, 64); err == nil && n >= 0 {
				m.ContentLength = n
			}
		}
	case eqFold(name, "authorization"), eqFold(name, "proxy-authorization"):
		if m.AuthScheme == "" {
			m.AuthScheme, m.AuthUser = authUser(value)
		}
	}
}

// clip copies a header value, cut at MaxValueLen bytes.
func clip(b []byte) string {
	if len(b) > MaxValueLen {
		b = b[:MaxValueLen]
	}
	return string(b)
}

// eqFold reports whether b equals the lower-case ASCII s, ignoring case.
func eqFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// parseStartLine reads a request line (method SP target SP version) or a
// status line (version SP code SP reason) into m.
func parseStartLine(line []byte, m *Message) bool {
	if isVersion(line) {
		// Status line: HTTP/x.y SP 3DIGIT [SP reason].
		if len(line) < 12 || line[8] != ' ' {
			return false
		}
		c := line[9:12]
		if !digit(c[0]) || !digit(c[1]) || !digit(c[2]) || (len(line) > 12 && line[12] != ' ') {
			return false
		}
		m.Request = false
		m.Version = string(line[:8])
		m.Code = int(c[0]-'0')*100 + int(c[1]-'0')*10 + int(c[2]-'0')
		if len(line) > 13 {
			m.Reason = clip(line[13:])
		}
		return true
	}
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || !knownMethod(line[:sp]) {
		return false
	}
	m.Request = true
	m.Method = string(line[:sp])
	target := line[sp+1:]
	if k := bytes.LastIndexByte(target, ' '); k >= 0 && isVersion(target[k+1:]) {
		m.Version = string(target[k+1:])
		target = target[:k]
	}
	m.URILen = len(target)
	m.URI = clip(target)
	return true
}

// StartLine reads line (without its CRLF) as a request line or a status
// line, as the parser does; ok is false when it is neither.
func StartLine(line []byte) (m Message, ok bool) {
	ok = parseStartLine(line, &m)
	return m, ok
}

// isStartLine reports whether line is a request or status line.
func isStartLine(line []byte) bool {
	var m Message
	return parseStartLine(line, &m)
}

// isVersion reports whether b starts with "HTTP/d.d".
func isVersion(b []byte) bool {
	return len(b) >= 8 && string(b[:5]) == "HTTP/" && digit(b[5]) && b[6] == '.' && digit(b[7])
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

// methods are the request methods Wireshark 4.0's HTTP dissector
// recognises in a request line (RFC 9110 section 9, WebDAV, SSDP, GENA,
// MS-RPC over HTTP and others).
var methods = []string{
	"GET", "PUT", "ACL", "POST", "HEAD", "MOVE", "COPY", "LOCK", "POLL", "BIND",
	"MERGE", "LABEL", "MKCOL", "PATCH", "TRACE", "BCOPY", "BMOVE",
	"DELETE", "NOTIFY", "REPORT", "SEARCH", "UNBIND", "REBIND", "UNLOCK", "UPDATE",
	"OPTIONS", "CONNECT", "BDELETE", "CHECKIN",
	"PROPFIND", "CHECKOUT", "M-SEARCH", "PROPPATCH", "SUBSCRIBE", "BPROPFIND",
	"BPROPPATCH", "MKACTIVITY", "MKCALENDAR", "UNCHECKOUT", "ORDERPATCH",
	"MKWORKSPACE", "UNSUBSCRIBE", "RPC_IN_DATA", "RPC_OUT_DATA", "RPC_CONNECT",
	"MKREDIRECTREF", "VERSION-CONTROL", "BASELINE-CONTROL", "SSTP_DUPLEX_POST",
	"UPDATEREDIRECTREF",
}

// knownMethod reports whether b is one of methods.
func knownMethod(b []byte) bool {
	if len(b) < 3 || len(b) > 17 {
		return false
	}
	for _, m := range methods {
		if string(b) == m {
			return true
		}
	}
	return false
}

// isForm reports whether a content type is URL-encoded form data.
func isForm(ct string) bool {
	const f = "application/x-www-form-urlencoded"
	return len(ct) >= len(f) && eqFold([]byte(ct[:len(f)]), f)
}
