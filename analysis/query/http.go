package query

import (
	"pcaplens/analysis/filter"
	"pcaplens/analysis/http"
	"pcaplens/analysis/tcpstream"
)

// HTTP: tshark shows a message's fields on the frame that completes it
// (headers and body, its default reassembly), and the http protocol also
// on segments of an HTTP connection that start no message
// ("Continuation"). The messages come from analysis/http's Follower, the
// one reading of HTTP the http tool also uses.

// maxHTTPPerFrame bounds the messages kept for one frame.
const maxHTTPPerFrame = 16

// httpMsg is one message the current frame completes; its strings are
// slices of httpState.str.
type httpMsg struct {
	request                              bool
	code                                 int
	method, uri, host, ua, ctype, server []byte
	hasHost, hasUA, hasCType, hasServer  bool
}

// httpState follows HTTP connections for a Matcher.
type httpState struct {
	fl    *http.Follower
	frame int // the frame msgs and cont describe
	msgs  []httpMsg
	str   []byte
	cont  bool
}

func newHTTPState() *httpState {
	h := &httpState{fl: http.NewFollower()}
	h.fl.Message = h.message
	h.fl.Continuation = func(s *tcpstream.Segment) {
		h.at(s.Frame)
		h.cont = true
	}
	return h
}

// at moves the state to frame n, forgetting an earlier frame's messages.
func (h *httpState) at(n int) {
	if h.frame != n {
		h.frame, h.msgs, h.str, h.cont = n, h.msgs[:0], h.str[:0], false
	}
}

func (h *httpState) keep(v string) []byte {
	start := len(h.str)
	h.str = append(h.str, v...)
	return h.str[start:len(h.str):len(h.str)]
}

func (h *httpState) message(_ *http.Conn, s *tcpstream.Segment, m *http.Message) {
	h.at(s.Frame)
	if len(h.msgs) >= maxHTTPPerFrame {
		return
	}
	x := httpMsg{request: m.Request, code: m.Code}
	if m.Request {
		x.method, x.uri = h.keep(m.Method), h.keep(m.URI)
	}
	x.hasHost, x.host = m.Host != "", h.keep(m.Host)
	x.hasUA, x.ua = m.UserAgentSeen, h.keep(m.UserAgent)
	x.hasCType, x.ctype = m.ContentType != "", h.keep(m.ContentType)
	x.hasServer, x.server = m.Server != "", h.keep(m.Server)
	h.msgs = append(h.msgs, x)
}

// httpSegment feeds the current frame to the HTTP follower.
func (s *source) httpSegment() {
	h := s.m.http
	h.at(s.f.Number)
	h.fl.Packet(s.f)
}

// httpValues answers http and http.* for the current frame.
func (s *source) httpValues(id filter.FieldID, buf []filter.Value) []filter.Value {
	h := s.m.http
	if h == nil || h.frame != s.f.Number {
		return buf
	}
	if id == filter.HTTP {
		if len(h.msgs) > 0 || h.cont {
			buf = append(buf, filter.Present())
		}
		return buf
	}
	for i := range h.msgs {
		x := &h.msgs[i]
		switch id {
		case filter.HTTPRequest:
			if x.request {
				buf = append(buf, filter.Bool(true))
			}
		case filter.HTTPResponse:
			if !x.request {
				buf = append(buf, filter.Bool(true))
			}
		case filter.HTTPRequestMethod:
			if x.request {
				buf = append(buf, filter.String(x.method))
			}
		case filter.HTTPRequestURI:
			if x.request {
				buf = append(buf, filter.String(x.uri))
			}
		case filter.HTTPResponseCode:
			if !x.request {
				buf = append(buf, filter.Uint(uint64(x.code)))
			}
		case filter.HTTPHost:
			if x.hasHost {
				buf = append(buf, filter.String(x.host))
			}
		case filter.HTTPUserAgent:
			if x.hasUA {
				buf = append(buf, filter.String(x.ua))
			}
		case filter.HTTPContentType:
			if x.hasCType {
				buf = append(buf, filter.String(x.ctype))
			}
		case filter.HTTPServer:
			if x.hasServer {
				buf = append(buf, filter.String(x.server))
			}
		}
	}
	return buf
}
