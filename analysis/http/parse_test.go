package http

import (
	"strings"
	"testing"
)

// feedAll feeds data to p in slices of at most step bytes (with a segment
// boundary before each when seg is set) and returns the messages, copied.
func feedAll(p *Parser, data []byte, step int, seg bool) []Message {
	var out []Message
	for len(data) > 0 {
		k := min(step, len(data))
		chunk := data[:k]
		data = data[k:]
		if seg {
			p.Segment()
		}
		for len(chunk) > 0 {
			n, m := p.Feed(chunk)
			if n <= 0 {
				panic("no progress")
			}
			chunk = chunk[n:]
			if m != nil {
				c := *m
				c.Sniff = append([]byte(nil), m.Sniff...)
				c.Form = append([]byte(nil), m.Form...)
				out = append(out, c)
			}
		}
	}
	return out
}

func TestParserPipelined(t *testing.T) {
	reqs := "GET /a HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/8.0\r\n\r\n" +
		"POST /login HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\nusername=bob&password=x%21" +
		"\r\nHEAD /b HTTP/1.1\r\nHost: example.test\r\n\r\n"
	for _, step := range []int{1, 2, 3, 7, 64, 1 << 20} {
		var p Parser
		got := feedAll(&p, []byte(reqs), step, false)
		if len(got) != 3 {
			t.Fatalf("step %d: %d messages, want 3", step, len(got))
		}
		if got[0].Method != "GET" || got[0].URI != "/a" || got[0].Host != "example.test" || got[0].UserAgent != "curl/8.0" || got[0].Version != "HTTP/1.1" {
			t.Errorf("step %d: first %+v", step, got[0])
		}
		if got[1].Method != "POST" || got[1].Body != 26 || string(got[1].Form) != "username=bob&password=x%21" {
			t.Errorf("step %d: second %+v", step, got[1])
		}
		if ok, user := formSecret(string(got[1].Form)); !ok || user != "bob" {
			t.Errorf("step %d: form credentials %v %q", step, ok, user)
		}
		if got[2].Method != "HEAD" || got[2].URI != "/b" {
			t.Errorf("step %d: third %+v", step, got[2])
		}
	}
}

func TestParserResponses(t *testing.T) {
	body := strings.Repeat("x", 3000)
	resp := "HTTP/1.1 100 Continue\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nServer: test/1\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5;ext=1\r\nhello\r\n" + "bb8\r\n" + body + "\r\n0\r\nTrailer: x\r\n\r\n" +
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n" +
		"HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\nMZ" +
		"HTTP/1.1 200 OK\r\n\r\n\x7fELF rest until close"
	for _, step := range []int{1, 5, 100, 1 << 20} {
		var p Parser
		got := feedAll(&p, []byte(resp), step, false)
		if len(got) != 4 {
			t.Fatalf("step %d: %d messages, want 4 before the close", step, len(got))
		}
		if got[0].Code != 100 || got[1].Code != 200 || got[2].Code != 304 || got[3].Code != 404 {
			t.Errorf("step %d: codes %d %d %d %d", step, got[0].Code, got[1].Code, got[2].Code, got[3].Code)
		}
		if !got[1].Chunked || got[1].Body != 3005 || string(got[1].Sniff) != "hello"+body[:SniffBytes-5] || got[1].Server != "test/1" {
			t.Errorf("step %d: chunked %+v", step, got[1])
		}
		if got[2].Body != 0 {
			t.Errorf("step %d: 304 has a body of %d", step, got[2].Body)
		}
		if fileKind(got[3].Sniff) == "" || got[3].Reason != "Not Found" {
			t.Errorf("step %d: 404 %+v", step, got[3])
		}
		m := p.Close()
		if m == nil || m.Code != 200 || m.Body != int64(len("\x7fELF rest until close")) || fileKind(m.Sniff) != "ELF executable" {
			t.Errorf("step %d: message until close %+v", step, m)
		}
	}
}

func TestParserHeadResponse(t *testing.T) {
	var p Parser
	p.noBody = func(int) bool { return true }
	got := feedAll(&p, []byte("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nHTTP/1.1 404 No\r\n\r\n"), 1<<20, false)
	if len(got) != 2 || got[0].Body != 0 || got[1].Code != 404 {
		t.Fatalf("a response to HEAD has no body: %+v", got)
	}
}

// TestParserResync: a segment that starts no message is skipped whole
// (Wireshark's "Continuation"); the next segment starting a message is read.
func TestParserResync(t *testing.T) {
	var p Parser
	segs := []string{"\x16\x03\x01 not http at all\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "garbage GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}
	var got []Message
	for _, s := range segs {
		got = append(got, feedAll(&p, []byte(s), 1<<20, true)...)
	}
	if len(got) != 2 || got[0].Method != "GET" || got[1].Code != 200 || p.Skipped != 2 {
		t.Fatalf("got %d messages, %d skipped: %+v", len(got), p.Skipped, got)
	}
}

func TestParserLimits(t *testing.T) {
	var p Parser
	long := "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", MaxHeaderBytes) + "\r\n\r\n"
	got := feedAll(&p, []byte(long), 1000, false)
	if len(got) != 0 || p.Overflow != 1 {
		t.Fatalf("oversized header: %d messages, overflow %d", len(got), p.Overflow)
	}
	// A huge declared length is counted as bytes arrive, never allocated.
	p = Parser{}
	got = feedAll(&p, []byte("HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\nabc"), 1<<20, false)
	if len(got) != 0 || !p.Pending() {
		t.Fatalf("huge body: %+v", got)
	}
}

func TestAuthUser(t *testing.T) {
	for _, c := range []struct{ in, scheme, user string }{
		{"Basic YWxpY2U6d29uZGVybGFuZA==", "Basic", "alice"},
		{`Digest username="Mufasa", realm="x", response="abc"`, "Digest", "Mufasa"},
		{"Bearer abc.def", "Bearer", ""},
		{"Basic !!!", "Basic", ""},
	} {
		s, u := authUser([]byte(c.in))
		if s != c.scheme || u != c.user {
			t.Errorf("%q: %q %q, want %q %q", c.in, s, u, c.scheme, c.user)
		}
		if strings.Contains(u, "wonderland") {
			t.Errorf("%q: the password leaked", c.in)
		}
	}
}

func TestHeuristic(t *testing.T) {
	for in, want := range map[string]bool{
		"GET / HTTP/1.1\r\n":         true,
		"get / http/1.0\r\n":         true,
		"HTTP/1.1 200 OK\r\n":        true,
		"HTTP/1.1\r\n":               false,
		"GET / HTTP/1.1":             false, // no line end in the segment
		"SSH-2.0-OpenSSH_9.0\r\n":    false,
		"\x16\x03\x01\x02\x00\x01\n": false,
	} {
		if got := heuristic([]byte(in)); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

func TestFileKind(t *testing.T) {
	for in, want := range map[string]string{
		"MZ\x90\x00":       "Windows executable (MZ)",
		"\x7fELF\x02":      "ELF executable",
		"\xcf\xfa\xed\xfe": "Mach-O executable",
		"#!/bin/sh\n":      "script (#!)",
		"<html>":           "",
		"":                 "",
	} {
		if got := fileKind([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// FuzzParser: any bytes, in any slicing, never panic, never stall, and
// never hold more than the limits.
func FuzzParser(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), uint8(3))
	f.Add([]byte("POST /x HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\npass=1"), uint8(1))
	f.Add([]byte("HTTP/1.1 200 OK\r\nAuthorization: Basic YTpi\r\n\r\nMZ"), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		var p Parser
		s := int(step) + 1
		for len(data) > 0 {
			k := min(s, len(data))
			chunk := data[:k]
			data = data[k:]
			p.Segment()
			for len(chunk) > 0 {
				n, m := p.Feed(chunk)
				if n <= 0 || n > len(chunk) {
					t.Fatalf("Feed used %d of %d bytes", n, len(chunk))
				}
				chunk = chunk[n:]
				if m != nil {
					formSecret(string(m.Form))
					formSecret(queryOf(m.URI))
					fileKind(m.Sniff)
				}
			}
			if len(p.buf) > MaxHeaderBytes || len(p.msg.Sniff) > SniffBytes || len(p.msg.Form) > MaxFormBytes {
				t.Fatalf("held %d header, %d sniff, %d form bytes", len(p.buf), len(p.msg.Sniff), len(p.msg.Form))
			}
		}
		p.Close()
	})
}
