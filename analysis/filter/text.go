package filter

import (
	"math"
	"strconv"
)

// hexBase are the integer fields tshark 4.0 shows in hexadecimal
// (BASE_HEX and BASE_HEX_DEC in tshark -G fields; -T fields prints the
// hexadecimal form of both), zero-padded to the width of their type.
var hexBase = [numFields]bool{
	EthType:   true,
	IPID:      true,
	TCPFlags:  true,
	DNSID:     true,
	DHCPID:    true,
	DHCPv6XID: true,

	TLSRecordVersion:        true,
	TLSHandshakeVersion:     true,
	TLSHandshakeCiphersuite: true,
}

// Hex reports whether tshark shows the field's integers in hexadecimal.
func (id FieldID) Hex() bool { return id > 0 && id < numFields && hexBase[id] }

// Occurrences is the separator tshark -T fields puts between the
// occurrences of one field in a frame (its default -E occurrence=a
// -E aggregator=,).
const Occurrences = ','

// AppendText appends v as tshark 4.0's -T fields prints a value of field
// id: integers in decimal, or 0x and zero-padded hexadecimal for the
// fields tshark shows so (dns.id 0x1a2b, eth.type 0x0800, tcp.flags
// 0x0012); booleans as 1 or 0; labels (tcp.analysis.*) as 1; relative
// times as seconds with nine decimals; IPv4 and IPv6 addresses; MAC
// addresses as aa:bb:cc:dd:ee:ff; strings as they are; byte sequences in
// hexadecimal. A protocol is written as its name: tshark writes the
// summary line of its tree ("Internet Protocol Version 4, Src: …"), which
// pcaplens does not build.
func (v Value) AppendText(dst []byte, id FieldID) []byte {
	t := id.Field().Type
	if t == TypeProtocol {
		return append(dst, id.String()...)
	}
	switch v.kind {
	case KindNone:
		return append(dst, '1')
	case KindUint:
		if id.Hex() {
			return appendHex(dst, v.n, hexWidth(t))
		}
		return strconv.AppendUint(dst, v.n, 10)
	case KindInt:
		return strconv.AppendInt(dst, int64(v.n), 10)
	case KindBool:
		if v.n != 0 {
			return append(dst, '1')
		}
		return append(dst, '0')
	case KindFloat:
		return strconv.AppendFloat(dst, math.Float64frombits(v.n), 'g', -1, 64)
	case KindTime:
		return appendSeconds(dst, int64(v.n))
	case KindAddr:
		return v.addr.AppendTo(dst)
	case KindEther:
		for i := 5; i >= 0; i-- {
			dst = appendHex2(dst, byte(v.n>>(8*i)))
			if i > 0 {
				dst = append(dst, ':')
			}
		}
		return dst
	case KindString:
		return append(dst, v.b...)
	case KindBytes:
		for _, c := range v.b {
			dst = appendHex2(dst, c)
		}
		return dst
	}
	return dst
}

// Text returns v as tshark 4.0's -T fields prints a value of field id
// (AppendText).
func (v Value) Text(id FieldID) string { return string(v.AppendText(nil, id)) }

// AppendValues appends the occurrences vs of field id in one frame as
// tshark -T fields prints them: each as AppendText writes it, separated by
// commas; nothing when vs is empty.
func AppendValues(dst []byte, id FieldID, vs []Value) []byte {
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, Occurrences)
		}
		dst = v.AppendText(dst, id)
	}
	return dst
}

// hexWidth is the number of hexadecimal digits of an integer type.
func hexWidth(t Type) int {
	switch t {
	case TypeUint8:
		return 2
	case TypeUint16:
		return 4
	case TypeUint24:
		return 6
	case TypeUint64:
		return 16
	}
	return 8
}

const hexDigits = "0123456789abcdef"

func appendHex2(dst []byte, c byte) []byte {
	return append(dst, hexDigits[c>>4], hexDigits[c&0xf])
}

// appendHex appends 0x and n in at least width hexadecimal digits.
func appendHex(dst []byte, n uint64, width int) []byte {
	var buf [16]byte
	i := len(buf)
	for n != 0 || len(buf)-i < width {
		i--
		buf[i] = hexDigits[n&0xf]
		n >>= 4
		if i == 0 {
			break
		}
	}
	dst = append(dst, '0', 'x')
	return append(dst, buf[i:]...)
}

// appendSeconds appends a time in nanoseconds as seconds with nine
// decimals ("-0.001000000" when negative).
func appendSeconds(dst []byte, ns int64) []byte {
	u := uint64(ns)
	if ns < 0 {
		dst = append(dst, '-')
		u = -u
	}
	dst = strconv.AppendUint(dst, u/1e9, 10)
	dst = append(dst, '.')
	frac := u % 1e9
	for d := uint64(1e8); d > 0; d /= 10 {
		dst = append(dst, byte('0'+frac/d%10))
	}
	return dst
}
