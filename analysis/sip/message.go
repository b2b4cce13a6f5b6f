// Package sip analyses SIP signalling (RFC 3261) over UDP and TCP: messages,
// INVITE dialogs (calls), registrations, and the RTP streams that the SDP
// bodies announce, with figures defined as Wireshark's SIP and RTP stream
// statistics define them.
package sip

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// MaxMessageSize is the largest SIP message (headers and body) accepted from
// a TCP stream; a longer one is reported as malformed and the stream skipped.
const MaxMessageSize = 64 << 10

// maxHeaders caps the headers kept per message.
const maxHeaders = 128

// Header is one header line, its name in canonical long form.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Message is one parsed SIP message. Body aliases the parsed input.
type Message struct {
	Request    bool
	Method     string
	RequestURI string
	Version    string
	StatusCode int
	Reason     string
	StartLine  string
	Headers    []Header
	// ContentLength is the Content-Length header's value, -1 when absent.
	ContentLength int
	Body          []byte
	// HeadersTruncated is set when more than maxHeaders headers were present.
	HeadersTruncated bool
	// Problems lists damage that did not stop parsing (a header line without
	// a colon is skipped, as Wireshark does, and reported here).
	Problems []string
}

// Get returns the first value of the header with canonical name name, or "".
func (m *Message) Get(name string) string {
	for i := range m.Headers {
		if m.Headers[i].Name == name {
			return m.Headers[i].Value
		}
	}
	return ""
}

// All returns every value of the header name, in order.
func (m *Message) All(name string) []string {
	var out []string
	for i := range m.Headers {
		if m.Headers[i].Name == name {
			out = append(out, m.Headers[i].Value)
		}
	}
	return out
}

// errIncomplete says a stream holds only the start of a message.
var errIncomplete = errors.New("sip: incomplete message")

// ParseError is a malformed message with the reason.
type ParseError struct {
	Reason string
}

func (e *ParseError) Error() string { return "sip: " + e.Reason }

func perr(reason string) error { return &ParseError{Reason: reason} }

// methods are the SIP methods of the IANA "SIP Methods" registry.
var methods = map[string]bool{
	"ACK": true, "BYE": true, "CANCEL": true, "INFO": true, "INVITE": true,
	"MESSAGE": true, "NOTIFY": true, "OPTIONS": true, "PRACK": true,
	"PUBLISH": true, "REFER": true, "REGISTER": true, "SUBSCRIBE": true,
	"UPDATE": true,
}

// compact maps the compact header forms (RFC 3261 section 7.3.3 and the IANA
// "Header Fields" registry) to their long names.
var compact = map[byte]string{
	'a': "Accept-Contact", 'b': "Referred-By", 'c': "Content-Type",
	'd': "Request-Disposition", 'e': "Content-Encoding", 'f': "From",
	'i': "Call-ID", 'j': "Reject-Contact", 'k': "Supported", 'l': "Content-Length",
	'm': "Contact", 'n': "Identity-Info", 'o': "Event", 'r': "Refer-To",
	's': "Subject", 't': "To", 'u': "Allow-Events", 'v': "Via",
	'x': "Session-Expires", 'y': "Identity",
}

// canonical spells well-known header names the way RFC 3261 does.
var canonical = map[string]string{}

func init() {
	for _, n := range []string{
		"Accept", "Accept-Contact", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow",
		"Allow-Events", "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact",
		"Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
		"Content-Type", "CSeq", "Date", "Error-Info", "Event", "Expires", "From", "Identity",
		"Identity-Info", "In-Reply-To", "Max-Forwards", "MIME-Version", "Min-Expires",
		"Organization", "P-Asserted-Identity", "P-Preferred-Identity", "Path", "Priority",
		"Privacy", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require", "RAck",
		"Reason", "Record-Route", "Refer-To", "Referred-By", "Reject-Contact", "Reply-To",
		"Request-Disposition", "Require", "Retry-After", "Route", "RSeq", "Server",
		"Session-Expires", "Subject", "Subscription-State", "Supported", "Timestamp", "To",
		"Unsupported", "User-Agent", "Via", "Warning", "WWW-Authenticate", "X-Asterisk-HangupCause",
	} {
		canonical[strings.ToLower(n)] = n
	}
}

// canonicalName maps a header name as written to its canonical long form.
func canonicalName(n []byte) string {
	if len(n) == 1 {
		c := n[0] | 0x20
		if full, ok := compact[c]; ok {
			return full
		}
	}
	var buf [64]byte
	if len(n) <= len(buf) {
		l := buf[:len(n)]
		for i, c := range n {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			l[i] = c
		}
		if c, ok := canonical[string(l)]; ok { // no allocation for the lookup
			return c
		}
	}
	return string(n)
}

// isToken reports whether b is an RFC 3261 token (used for methods).
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-.!%*_+`'~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// lineEnd returns the end of the first line of b (index of CR or LF) and the
// index after its terminator, or -1 when b has no line terminator.
func lineEnd(b []byte) (end, next int) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return -1, -1
	}
	if i > 0 && b[i-1] == '\r' {
		return i - 1, i + 1
	}
	return i, i + 1
}

// LooksLikeSIP reports whether b starts with a SIP request line whose method
// is in the IANA registry (or any token when anyMethod), or a SIP status line.
// It does not allocate.
func LooksLikeSIP(b []byte, anyMethod bool) bool {
	// Start lines begin with a letter (a method token or "SIP/2.0"): most
	// payloads (RTP, DNS, TLS) are turned away here.
	if len(b) == 0 || !('A' <= b[0] && b[0] <= 'Z' || 'a' <= b[0] && b[0] <= 'z') {
		return false
	}
	if len(b) > 256 {
		b = b[:256]
	}
	end, _ := lineEnd(b)
	if end < 0 {
		return false
	}
	line := b[:end]
	if bytes.HasPrefix(line, []byte("SIP/2.0 ")) {
		rest := line[8:]
		return len(rest) >= 3 && isDigit(rest[0]) && isDigit(rest[1]) && isDigit(rest[2]) && (len(rest) == 3 || rest[3] == ' ')
	}
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || !bytes.HasSuffix(line, []byte(" SIP/2.0")) || len(line) < sp+1+8 {
		return false
	}
	m := line[:sp]
	if anyMethod {
		return isToken(m)
	}
	var buf [16]byte
	if len(m) > len(buf) {
		return false
	}
	return methods[string(append(buf[:0], m...))]
}

// mayStartSIP reports whether b, which holds no complete line yet, could be
// the start of a SIP start line (a TCP segment cut inside the first line).
func mayStartSIP(b []byte) bool {
	if len(b) == 0 || len(b) > 256 || bytes.IndexByte(b, '\n') >= 0 {
		return false
	}
	if bytes.HasPrefix(b, []byte("SIP/2.0 ")) {
		return true
	}
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 || sp > 16 {
		return false
	}
	var buf [16]byte
	return methods[string(append(buf[:0], b[:sp]...))]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// headerEnd returns the index of the blank line ending the header section and
// the index where the body starts, or -1.
func headerEnd(b []byte) (int, int) {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1, -1
		}
		j += i
		// The line after j: empty (CRLF or LF) ends the headers.
		if j+1 < len(b) && b[j+1] == '\n' {
			return j + 1, j + 2
		}
		if j+2 < len(b) && b[j+1] == '\r' && b[j+2] == '\n' {
			return j + 1, j + 3
		}
		i = j + 1
	}
	return -1, -1
}

// Parse parses one SIP message from the start of b. With stream set (TCP), the
// body is exactly Content-Length bytes (0 when absent) and errIncomplete is
// returned when b does not yet hold the whole message; otherwise (UDP) the
// message is the whole datagram, cut to Content-Length when that is shorter.
// It returns the message and the number of bytes it used. A message read
// despite a damaged Content-Length (invalid, or longer than the datagram)
// comes with a *ParseError saying so.
func Parse(b []byte, stream bool) (*Message, int, error) {
	he, bodyStart := headerEnd(b)
	if he < 0 {
		if stream {
			if len(b) > MaxMessageSize {
				return nil, 0, perr("no end of headers within 64 KiB")
			}
			return nil, 0, errIncomplete
		}
		// A datagram whose headers end at the end of the packet without a blank line.
		he, bodyStart = len(b), len(b)
	}
	m := &Message{ContentLength: -1}
	head := b[:he]
	end, next := lineEnd(head)
	if end < 0 {
		end, next = len(head), len(head)
	}
	if err := m.parseStartLine(head[:end]); err != nil {
		return nil, bodyStart, err
	}
	m.parseHeaders(head[next:])
	// An invalid Content-Length (not a number, or negative) is reported, and
	// the message is still read, with no body, as Wireshark reads it (its
	// value is then 0); so are its method, status code and Call-ID counted.
	var badLength error
	if cl := m.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(strings.TrimSpace(cl))
		if err != nil || n < 0 {
			badLength = perr("bad Content-Length " + strconv.Quote(cl))
			n = 0
		}
		m.ContentLength = n
	}
	rest := b[bodyStart:]
	if stream {
		n := m.ContentLength
		if n < 0 {
			n = 0
		}
		if n > MaxMessageSize {
			return nil, bodyStart, perr("Content-Length " + strconv.Itoa(n) + " larger than 64 KiB")
		}
		if len(rest) < n {
			return nil, 0, errIncomplete
		}
		m.Body = rest[:n]
		return m, bodyStart + n, badLength
	}
	if m.ContentLength >= 0 && m.ContentLength < len(rest) {
		rest = rest[:m.ContentLength]
	} else if m.ContentLength > len(rest) {
		// A Content-Length longer than the datagram: the body is what is there.
		m.Body = rest
		return m, len(b), perr("Content-Length " + strconv.Itoa(m.ContentLength) + " but " + strconv.Itoa(len(rest)) + " body bytes")
	}
	m.Body = rest
	return m, len(b), badLength
}

func (m *Message) parseStartLine(line []byte) error {
	m.StartLine = string(line)
	if bytes.HasPrefix(line, []byte("SIP/")) {
		// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 || len(line) < sp+4 {
			return perr("bad status line")
		}
		m.Version = string(line[:sp])
		code := line[sp+1 : sp+4]
		if !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) || code[0] == '0' {
			return perr("bad status code " + strconv.Quote(string(code)))
		}
		if len(line) > sp+4 && line[sp+4] != ' ' {
			return perr("bad status code")
		}
		m.StatusCode = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
		if len(line) > sp+5 {
			m.Reason = string(line[sp+5:])
		}
		return nil
	}
	// Request-Line = Method SP Request-URI SP SIP-Version
	sp1 := bytes.IndexByte(line, ' ')
	sp2 := bytes.LastIndexByte(line, ' ')
	if sp1 <= 0 || sp2 <= sp1+1 {
		return perr("bad request line")
	}
	if !isToken(line[:sp1]) {
		return perr("bad method")
	}
	if !bytes.HasPrefix(line[sp2+1:], []byte("SIP/")) {
		return perr("request line without SIP version")
	}
	m.Request = true
	m.Method = string(line[:sp1])
	m.RequestURI = string(line[sp1+1 : sp2])
	m.Version = string(line[sp2+1:])
	return nil
}

// parseHeaders parses header lines, unfolding continuation lines (RFC 3261
// section 7.3.1: a line starting with SP or HT continues the previous one).
// Bad lines are skipped and noted in m.Problems.
func (m *Message) parseHeaders(b []byte) {
	for len(b) > 0 {
		end, next := lineEnd(b)
		if end < 0 {
			end, next = len(b), len(b)
		}
		line := b[:end]
		b = b[next:]
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(m.Headers) == 0 {
				m.problem("continuation line before any header")
				continue
			}
			h := &m.Headers[len(m.Headers)-1]
			h.Value = strings.TrimSpace(h.Value + " " + string(bytes.TrimSpace(line)))
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			m.problem("header line without colon: " + strconv.Quote(truncate(string(line), 40)))
			continue
		}
		name := bytes.TrimRight(line[:colon], " \t")
		if !isToken(name) {
			m.problem("bad header name " + strconv.Quote(truncate(string(name), 40)))
			continue
		}
		if len(m.Headers) >= maxHeaders {
			m.HeadersTruncated = true
			continue
		}
		m.Headers = append(m.Headers, Header{Name: canonicalName(name), Value: string(bytes.TrimSpace(line[colon+1:]))})
	}
}

// problem notes damage (at most 8 notes per message).
func (m *Message) problem(p string) {
	if len(m.Problems) < 8 {
		m.Problems = append(m.Problems, p)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// CSeq splits a CSeq value into its number and method.
func CSeq(v string) (uint32, string) {
	f := strings.Fields(v)
	if len(f) != 2 {
		return 0, ""
	}
	n, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil {
		return 0, f[1]
	}
	return uint32(n), f[1]
}

// URI returns the URI of a name-addr or addr-spec header value (From, To,
// Contact): the part inside <> or, without brackets, up to the first ';'.
func URI(v string) string {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return v[i+1 : i+j]
		}
		return v[i+1:]
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// Param returns the value of parameter name (case-insensitive) in a header
// value's parameters after the URI (";tag=…", ";expires=…").
func Param(v, name string) string {
	if i := strings.IndexByte(v, '>'); i >= 0 {
		v = v[i+1:]
	}
	for _, p := range strings.Split(v, ";")[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.Trim(strings.TrimSpace(val), "\"")
		}
	}
	return ""
}

// User returns the user part of a SIP URI ("sip:alice@host" → "alice").
func User(uri string) string {
	if i := strings.IndexByte(uri, ':'); i >= 0 {
		uri = uri[i+1:]
	}
	if i := strings.IndexByte(uri, '@'); i >= 0 {
		return uri[:i]
	}
	return ""
}
