package tls

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// JA3 returns the JA3 string of a ClientHello and its MD5, as Wireshark
// 4.0 computes tls.handshake.ja3_full and tls.handshake.ja3: the legacy
// version, the cipher suites, the extension types, the supported groups
// and the EC point formats, in decimal, in the order sent, GREASE values
// left out.
func JA3(h *Hello) (full, hash string) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(h.Version)))
	b.WriteByte(',')
	decimals(&b, h.Ciphers)
	b.WriteByte(',')
	decimals(&b, h.Extensions)
	b.WriteByte(',')
	decimals(&b, h.Groups)
	b.WriteByte(',')
	for i, p := range h.PointFormats {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(int(p)))
	}
	full = b.String()
	sum := md5.Sum([]byte(full))
	return full, hex.EncodeToString(sum[:])
}

// JA3S returns the JA3S string of a ServerHello and its MD5, as
// Wireshark 4.0 computes tls.handshake.ja3s_full and tls.handshake.ja3s:
// the legacy version, the chosen cipher suite and the extension types.
func JA3S(h *Hello) (full, hash string) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(h.Version)))
	b.WriteByte(',')
	if len(h.Ciphers) > 0 {
		b.WriteString(strconv.Itoa(int(h.Ciphers[0])))
	}
	b.WriteByte(',')
	decimals(&b, h.Extensions)
	full = b.String()
	sum := md5.Sum([]byte(full))
	return full, hex.EncodeToString(sum[:])
}

func decimals(b *strings.Builder, vs []uint16) {
	first := true
	for _, v := range vs {
		if IsGREASE(v) {
			continue
		}
		if !first {
			b.WriteByte('-')
		}
		first = false
		b.WriteString(strconv.Itoa(int(v)))
	}
}

// JA4 returns the JA4 fingerprint of a ClientHello (FoxIO's JA4, TLS
// client fingerprinting, BSD 3-Clause; technical_details/JA4.md): quic
// selects the "q" prefix instead of "t".
func JA4(h *Hello, quic bool) string {
	var b strings.Builder
	if quic {
		b.WriteByte('q')
	} else {
		b.WriteByte('t')
	}
	// Version: the highest supported_versions value, else the legacy version.
	v := h.Version
	if slices.Contains(h.Extensions, extSupportedVersions) {
		v = 0
		for _, x := range h.Versions {
			if !IsGREASE(x) && x > v {
				v = x
			}
		}
	}
	b.WriteString(ja4Version(v))
	if slices.Contains(h.Extensions, extServerName) {
		b.WriteByte('d')
	} else {
		b.WriteByte('i')
	}
	ciphers := withoutGREASE(h.Ciphers)
	exts := withoutGREASE(h.Extensions)
	b.WriteString(twoDigits(len(ciphers)))
	b.WriteString(twoDigits(len(exts)))
	b.WriteString(ja4ALPN(h.ALPN))
	b.WriteByte('_')

	slices.Sort(ciphers)
	b.WriteString(hash12(hexList(ciphers), len(ciphers) == 0))
	b.WriteByte('_')

	sorted := exts[:0]
	for _, e := range exts {
		if e != extServerName && e != extALPN {
			sorted = append(sorted, e)
		}
	}
	slices.Sort(sorted)
	c := hexList(sorted)
	if sig := withoutGREASE(h.SigAlgs); len(sig) > 0 {
		c += "_" + hexList(sig)
	}
	b.WriteString(hash12(c, len(sorted) == 0))
	return b.String()
}

func ja4Version(v uint16) string {
	switch v {
	case 0x0304:
		return "13"
	case 0x0303:
		return "12"
	case 0x0302:
		return "11"
	case 0x0301:
		return "10"
	case 0x0300:
		return "s3"
	case 0x0002:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

func twoDigits(n int) string {
	n = min(n, 99)
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// ja4ALPN is the first and last characters of the first ALPN value, or
// of its hex form when either is not alphanumeric; "00" for none.
func ja4ALPN(alpn []string) string {
	if len(alpn) == 0 || alpn[0] == "" {
		return "00"
	}
	p := alpn[0]
	first, last := p[0], p[len(p)-1]
	if alnum(first) && alnum(last) {
		return string([]byte{first, last})
	}
	const digits = "0123456789abcdef"
	return string([]byte{digits[first>>4], digits[last&0xf]})
}

func withoutGREASE(vs []uint16) []uint16 {
	out := make([]uint16, 0, len(vs))
	for _, v := range vs {
		if !IsGREASE(v) {
			out = append(out, v)
		}
	}
	return out
}

func hexList(vs []uint16) string {
	var b strings.Builder
	const digits = "0123456789abcdef"
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write([]byte{digits[v>>12], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf]})
	}
	return b.String()
}

func hash12(s string, empty bool) string {
	if empty {
		return "000000000000"
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}
