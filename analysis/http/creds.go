package http

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
)

// authUser reads an Authorization header value: its scheme and, for Basic
// (RFC 7617) and Digest (RFC 7616), the user name. The password is never
// returned.
func authUser(v []byte) (scheme, user string) {
	v = bytes.TrimSpace(v)
	sp := bytes.IndexAny(v, " \t")
	if sp < 0 {
		return clip(v), ""
	}
	scheme, rest := clip(v[:sp]), bytes.TrimSpace(v[sp+1:])
	switch {
	case strings.EqualFold(scheme, "basic"):
		if len(rest) > 4*MaxValueLen {
			return scheme, ""
		}
		dec := make([]byte, base64.StdEncoding.DecodedLen(len(rest)))
		n, err := base64.StdEncoding.Decode(dec, rest)
		if err != nil {
			return scheme, ""
		}
		dec = dec[:n]
		if i := bytes.IndexByte(dec, ':'); i >= 0 {
			return scheme, printable(dec[:i])
		}
		return scheme, printable(dec)
	case strings.EqualFold(scheme, "digest"):
		return scheme, digestParam(rest, "username")
	}
	return scheme, ""
}

// digestParam returns a parameter of a Digest challenge or response
// (name=value or name="value", comma separated).
func digestParam(b []byte, name string) string {
	for len(b) > 0 {
		b = bytes.TrimLeft(b, " \t,")
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return ""
		}
		key := bytes.TrimSpace(b[:eq])
		b = bytes.TrimLeft(b[eq+1:], " \t")
		var val []byte
		if len(b) > 0 && b[0] == '"' {
			end := bytes.IndexByte(b[1:], '"')
			if end < 0 {
				val, b = b[1:], nil
			} else {
				val, b = b[1:1+end], b[2+end:]
			}
		} else {
			end := bytes.IndexByte(b, ',')
			if end < 0 {
				end = len(b)
			}
			val, b = bytes.TrimSpace(b[:end]), b[end:]
		}
		if eqFold(key, name) {
			return printable(val)
		}
	}
	return ""
}

// printable copies b, cut at MaxValueLen, with bytes outside printable
// ASCII written as '?'.
func printable(b []byte) string {
	if len(b) > 128 {
		b = b[:128]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}

// secretKeys are parameter names that carry a password, compared in lower case.
var secretKeys = []string{"password", "passwd", "pass", "pwd", "passw", "pw", "secret", "passphrase"}

// userKeys are parameter names that carry a user name, compared in lower case.
var userKeys = []string{"username", "user", "login", "user_name", "userid", "uname", "email", "usr", "name", "log"}

// formSecret looks in URL-encoded parameters (a query string or a form
// body) for a password field with a value; it returns whether it found one
// and the user name beside it, if any. Only the names of the fields are
// compared; the secret is not kept.
func formSecret(q string) (found bool, user string) {
	if len(q) > MaxFormBytes {
		q = q[:MaxFormBytes]
	}
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" {
			continue
		}
		k = strings.ToLower(unescape(k))
		if inList(secretKeys, k) {
			found = true
		} else if user == "" && inList(userKeys, k) {
			user = printable([]byte(unescape(v)))
		}
	}
	return found, user
}

// unescape decodes a URL-encoded parameter, or returns it as it is.
func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// queryOf returns the query string of a request target, or "".
func queryOf(uri string) string {
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		q := uri[i+1:]
		if j := strings.IndexByte(q, '#'); j >= 0 {
			q = q[:j]
		}
		return q
	}
	return ""
}
