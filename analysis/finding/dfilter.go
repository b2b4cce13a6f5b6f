package finding

import (
	"net/netip"
	"strconv"
	"strings"
)

// Quote writes s as a Wireshark display-filter string literal: in double
// quotes, with `"` and `\` escaped and bytes outside printable ASCII as \xNN.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(c)>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(c)&0xf, 16))
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// IPField writes a display-filter test of an address: "ip.src == 192.0.2.1"
// or "ipv6.src == 2001:db8::1" by the address family; dir is "src", "dst"
// or "addr". An IPv4-mapped IPv6 address is written as IPv6. It returns ""
// for an invalid address.
func IPField(dir string, a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	if a.Is4() {
		return "ip." + dir + " == " + a.String()
	}
	return "ipv6." + dir + " == " + a.String()
}

// In writes "field in {v1, v2}" (Wireshark 4.0 set syntax), or "field == v"
// for one value; "" for none. Values are written as given (quote strings first).
func In(field string, values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return field + " == " + values[0]
	}
	return field + " in {" + strings.Join(values, ", ") + "}"
}

// FrameNumbers writes a filter that selects exactly the frames listed
// ("frame.number in {3, 9}"), for a finding no field expresses. It returns
// "" unless the list holds every frame counted (count), since a filter must
// select all of a finding's frames.
func FrameNumbers(frames []int, count int) string {
	if len(frames) == 0 || len(frames) != count {
		return ""
	}
	v := make([]string, len(frames))
	for i, f := range frames {
		v[i] = strconv.Itoa(f)
	}
	return In("frame.number", v)
}
