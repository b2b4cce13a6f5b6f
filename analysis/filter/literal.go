package filter

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

func floatBits(f float64) uint64 { return math.Float64bits(f) }

// lit is a literal converted to a field's type.
type lit struct {
	v     Value
	bits  int  // KindAddr: prefix length (the address's full length without /N)
	never bool // a value no occurrence can have (a negative number for an unsigned field)
}

// convertAs reads literal token t as a value of type typ, with tshark
// 4.0's rules and messages and the value strings of field f (0 for none:
// the result of a slice or function).
func convertAs(typ Type, f FieldID, t token) (lit, *Error) {
	quoted := t.kind == tString
	s := t.text
	if quoted {
		s = t.val
	}
	bad := func(format string, args ...any) (lit, *Error) {
		return lit{}, errAt(t.pos, len(t.text), format, args...)
	}
	cannotFromString := func() (lit, *Error) {
		return bad("%s cannot be converted from a string (%s).", typ.Description(), t.text)
	}
	switch {
	case typ.isUint():
		if quoted {
			if v, ok := lookupValueString(f, s); ok {
				return lit{v: Uint(v)}, nil
			}
			if len(valueStringsByName[fields[f].name]) > 0 {
				return bad("%s cannot be found among the possible values for %s.", t.text, fields[f].name)
			}
			return cannotFromString()
		}
		v, neg, err := parseUint(s)
		if err == errSyntax {
			if v, ok := lookupValueString(f, s); ok {
				return lit{v: Uint(v)}, nil
			}
			if len(valueStringsByName[fields[f].name]) > 0 {
				return bad("\"%s\" cannot be found among the possible values for %s.", s, fields[f].name)
			}
			return bad("\"%s\" is not a valid number.", s)
		}
		if err == errRange {
			return bad("\"%s\" causes an integer overflow.", s)
		}
		if neg {
			// tshark 4.0 accepts it and no occurrence ever matches it.
			return lit{v: Uint(0), never: true}, nil
		}
		if max := typ.maxUint(); v > max {
			return bad("\"%s\" too big for this field, maximum %d.", s, max)
		}
		return lit{v: Uint(v)}, nil

	case typ.isInt():
		if quoted {
			return cannotFromString()
		}
		v, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return bad("\"%s\" is not a valid number.", s)
		}
		if typ == TypeInt32 && (v > math.MaxInt32 || v < math.MinInt32) {
			return bad("\"%s\" too big for this field, maximum %d.", s, math.MaxInt32)
		}
		return lit{v: Int(v)}, nil

	case typ == TypeBoolean:
		if !quoted {
			switch s {
			case "True", "TRUE":
				return lit{v: Bool(true)}, nil
			case "False", "FALSE":
				return lit{v: Bool(false)}, nil
			}
			if v, neg, err := parseUint(s); err == nil {
				return lit{v: Bool(v != 0 || neg)}, nil
			} else if err == errRange {
				return bad("\"%s\" causes an integer overflow.", s)
			}
		}
		if b, ok := lookupTrueFalse(f, s); ok {
			return lit{v: Bool(b)}, nil
		}
		return bad("%s cannot be found among the possible values for %s.", quote(t), fields[f].name)

	case typ == TypeDouble:
		if quoted {
			return cannotFromString()
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || strings.HasPrefix(strings.TrimLeft(s, "+-"), "0x") {
			return bad("\"%s\" is not a valid number.", s)
		}
		return lit{v: Float(v)}, nil

	case typ == TypeRelativeTime:
		if quoted {
			return cannotFromString()
		}
		ns, ok := parseTime(s)
		if !ok {
			return bad("\"%s\" is not a valid time.", s)
		}
		return lit{v: Time(ns)}, nil

	case typ == TypeIPv4 || typ == TypeIPv6:
		if quoted {
			return cannotFromString()
		}
		return convertAddr(typ, t)

	case typ == TypeEther:
		if quoted {
			return cannotFromString()
		}
		b, ok := parseHexBytes(s)
		switch {
		case !ok:
			return bad("\"%s\" is not a valid hostname or Ethernet address.", s)
		case len(b) < 6:
			return bad("\"%s\" contains too few bytes to be a valid Ethernet address.", s)
		case len(b) > 6:
			return bad("\"%s\" contains too many bytes to be a valid Ethernet address.", s)
		}
		return lit{v: Ether([6]byte(b))}, nil

	case typ == TypeString:
		return lit{v: String([]byte(s))}, nil

	case typ == TypeBytes || typ == TypeProtocol:
		if quoted {
			return lit{v: Bytes([]byte(s))}, nil
		}
		b, ok := parseHexBytes(s)
		if !ok {
			// One byte may be written as a number (slice[0] == 0x45).
			if v, neg, err := parseUint(s); err == nil && !neg && v <= 0xff {
				return lit{v: Bytes([]byte{byte(v)})}, nil
			}
			return bad("\"%s\" is not a valid byte string.", s)
		}
		return lit{v: Bytes(b)}, nil
	}
	return bad("%s (type=%s) cannot be compared with a value.", fields[f].name, typ.Description())
}

// quote is t as tshark names it in a message: a quoted string as written,
// an unquoted literal within quotes.
func quote(t token) string {
	if t.kind == tString {
		return t.text
	}
	return `"` + t.text + `"`
}

var (
	errSyntax = fmt.Errorf("filter: syntax")
	errRange  = fmt.Errorf("filter: range")
)

// parseUint reads a decimal, 0x hexadecimal, 0b binary or 0-prefixed octal
// number, with an optional minus sign.
func parseUint(s string) (v uint64, neg bool, err error) {
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	base := 10
	switch {
	case len(s) > 1 && (s[:2] == "0x" || s[:2] == "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && (s[:2] == "0b" || s[:2] == "0B"):
		base, s = 2, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" {
		return 0, false, errSyntax
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		d := hexVal(c)
		if d < 0 || d >= base {
			return 0, false, errSyntax
		}
	}
	v, e := strconv.ParseUint(s, base, 64)
	if e != nil {
		return 0, false, errRange
	}
	if neg && v == 0 {
		neg = false
	}
	return v, neg, nil
}

// parseTime reads [-]seconds[.fraction] into nanoseconds (digits beyond
// nanoseconds are dropped).
func parseTime(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	sec, frac, hasDot := strings.Cut(s, ".")
	if sec == "" || hasDot && frac == "" {
		return 0, false
	}
	var ns int64
	for i := 0; i < len(sec); i++ {
		if sec[i] < '0' || sec[i] > '9' {
			return 0, false
		}
		if ns > (math.MaxInt64/1_000_000_000-9)/10 {
			return 0, false
		}
		ns = ns*10 + int64(sec[i]-'0')
	}
	ns *= 1e9
	scale := int64(1e8)
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, false
		}
		ns += int64(frac[i]-'0') * scale
		scale /= 10
	}
	if neg {
		ns = -ns
	}
	return ns, true
}

// parseHexBytes reads bytes written as hex pairs separated by ':', '-' or
// '.' (aa:bb:cc, aa-bb-cc, aabb.ccdd.eeff) or not separated (aabbcc).
func parseHexBytes(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	var out []byte
	var sep byte
	i := 0
	for i < len(s) {
		if i > 0 {
			c := s[i]
			if c == ':' || c == '-' || c == '.' {
				if sep == 0 {
					sep = c
				} else if c != sep {
					return nil, false
				}
				i++
				if i >= len(s) {
					return nil, false
				}
			}
		}
		h := hexVal(s[i])
		if h < 0 {
			return nil, false
		}
		// One or two hex digits per byte between separators, pairs otherwise.
		if i+1 < len(s) && hexVal(s[i+1]) >= 0 {
			out = append(out, byte(h<<4|hexVal(s[i+1])))
			i += 2
		} else {
			if sep == 0 && len(out) > 0 {
				return nil, false
			}
			out = append(out, byte(h))
			i++
		}
	}
	return out, true
}

// convertAddr reads an IPv4 or IPv6 address with an optional /prefix.
func convertAddr(typ Type, t token) (lit, *Error) {
	s := t.text
	addr, bitsText, hasBits := strings.Cut(s, "/")
	full := 32
	name := "IPv4"
	if typ == TypeIPv6 {
		full, name = 128, "IPv6"
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" || (typ == TypeIPv4) != a.Is4() {
		return lit{}, errAt(t.pos, len(s), "\"%s\" is not a valid hostname or %s address.", addr, name)
	}
	bits := full
	if hasBits {
		n, err := strconv.ParseUint(bitsText, 10, 32)
		if err != nil {
			return lit{}, errAt(t.pos, len(s), "\"%s\" is not a valid %s prefix length.", bitsText, name)
		}
		if n > uint64(full) {
			if typ == TypeIPv4 {
				return lit{}, errAt(t.pos, len(s), "Netmask bits in a CIDR IPv4 address should be <= 32, not %d", n)
			}
			return lit{}, errAt(t.pos, len(s), "Prefix in a IPv6 address should be <= 128, not %d", n)
		}
		bits = int(n)
	}
	return lit{v: Addr(a), bits: bits}, nil
}
