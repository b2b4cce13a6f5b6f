package capture

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// notCapture builds the error for a stream that is not a capture, saying
// what it looks like: "not a capture file (starts with "<!DOCTYPE": looks
// like HTML)".
func notCapture(head []byte) *Error {
	if len(head) == 0 {
		return &Error{Msg: "empty file: not a capture"}
	}
	what := looksLike(head)
	return &Error{Msg: "not a capture file (starts with " + startsWith(head) + ": " + what + ")"}
}

// magics are well-known file signatures that are not captures we read.
var magics = []struct {
	magic  []byte
	what   string
	binary bool // only when the rest is not text
}{
	{[]byte("PK\x03\x04"), "looks like a ZIP archive", false},
	{[]byte("PK\x05\x06"), "looks like an empty ZIP archive", false},
	{[]byte("%PDF-"), "looks like a PDF document", false},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "looks like zstd-compressed data; decompress it first", false},
	{[]byte{0x04, 0x22, 0x4d, 0x18}, "looks like LZ4-compressed data; decompress it first", false},
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0x00}, "looks like xz-compressed data; decompress it first", false},
	{[]byte("BZh"), "looks like bzip2-compressed data; decompress it first", true},
	{[]byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}, "looks like a 7-Zip archive", false},
	{[]byte("Rar!\x1a\x07"), "looks like a RAR archive", false},
	{[]byte{0x7f, 'E', 'L', 'F'}, "looks like an ELF executable", false},
	{[]byte("MZ"), "looks like a Windows executable", true},
	{[]byte{0x89, 'P', 'N', 'G'}, "looks like a PNG image", false},
	{[]byte{0xff, 0xd8, 0xff}, "looks like a JPEG image", false},
	{[]byte("GIF8"), "looks like a GIF image", false},
	{[]byte("snoop\x00\x00\x00"), "looks like a Solaris snoop capture, which is not supported; convert it to pcapng with editcap", false},
	{[]byte("GMBU"), "looks like a Microsoft Network Monitor capture, which is not supported; convert it to pcapng with editcap", false},
	{[]byte("XCP\x00"), "looks like a NetXRay/Sniffer capture, which is not supported; convert it to pcapng with editcap", false},
	{[]byte{0xd4, 0xc3, 0xb2}, "looks like a damaged pcap header", false},
	{[]byte{0xa1, 0xb2, 0xc3}, "looks like a damaged pcap header", false},
}

// looksLike guesses what the stream is from its first bytes.
func looksLike(head []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(head, m.magic) && !(m.binary && isText(head)) {
			return m.what
		}
	}
	t := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")) // UTF-8 byte-order mark
	t = bytes.TrimLeft(t, " \t\r\n")
	lower := bytes.ToLower(t[:min(len(t), 16)])
	switch {
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")),
		bytes.HasPrefix(lower, []byte("<head")), bytes.HasPrefix(lower, []byte("<!--")),
		bytes.HasPrefix(lower, []byte("<!doctype")):
		return "looks like HTML"
	case bytes.HasPrefix(lower, []byte("<?xml")):
		return "looks like XML"
	case len(t) > 0 && (t[0] == '{' || t[0] == '[') && isText(head):
		return "looks like JSON"
	case isText(head):
		return "looks like text"
	}
	return "unknown format"
}

// isText reports whether b is printable UTF-8 text (allowing a cut rune at the end).
func isText(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			return false
		}
		if r == 0x7f {
			return false
		}
		b = b[n:]
	}
	return true
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// startsWith shows the first bytes: the first word quoted when it is
// printable ASCII, hex otherwise.
func startsWith(head []byte) string {
	t := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t = bytes.TrimLeft(t, " \t\r\n")
	end := bytes.IndexAny(t, " \t\r\n")
	if end < 0 || end > 16 {
		end = min(len(t), 16)
	}
	if end > 0 && printableASCII(t[:end]) {
		return strconv.Quote(string(t[:end]))
	}
	n := min(len(head), 8)
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, 2+2*n)
	out = append(out, "0x"...)
	for _, c := range head[:n] {
		out = append(out, hexdigits[c>>4], hexdigits[c&15])
	}
	return string(out)
}
