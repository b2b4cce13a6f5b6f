package filter

import (
	"net/netip"
	"strings"
)

// fakeSource is a frame as a map of field values, for tests.
type fakeSource map[FieldID][]Value

func (s fakeSource) Values(id FieldID, buf []Value) []Value { return append(buf, s[id]...) }

// parseTextValue reads a value as tshark -T fields prints it, for field id.
func parseTextValue(id FieldID, s string) (Value, bool) {
	switch typ := fields[id].typ; {
	case typ == TypeProtocol || typ == TypeNone:
		return Present(), true
	case typ.isUint():
		v, _, err := parseUint(s)
		if err != nil && strings.HasPrefix(s, "0") && s != "0" {
			v, _, err = parseUint(strings.TrimLeft(s, "0"))
		}
		return Uint(v), err == nil
	case typ == TypeBoolean:
		return Bool(s == "1" || s == "True"), true
	case typ == TypeRelativeTime:
		ns, ok := parseTime(s)
		return Time(ns), ok
	case typ == TypeIPv4 || typ == TypeIPv6:
		a, err := netip.ParseAddr(s)
		return Addr(a), err == nil
	case typ == TypeEther:
		b, ok := parseHexBytes(s)
		if !ok || len(b) != 6 {
			return Value{}, false
		}
		return Ether([6]byte(b)), true
	case typ == TypeString:
		return String([]byte(s)), true
	case typ == TypeBytes:
		b, ok := parseHexBytes(s)
		return Bytes(b), ok
	}
	return Value{}, false
}
