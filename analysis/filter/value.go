package filter

import (
	"net/netip"
)

// Kind tells which member of a Value is set.
type Kind uint8

// The kinds of Value.
const (
	KindNone   Kind = iota // present, no value (a label such as tcp.analysis.retransmission, or a protocol)
	KindUint               // unsigned integers, frame numbers
	KindInt                // signed integers
	KindBool               // booleans
	KindFloat              // FT_DOUBLE
	KindTime               // FT_RELATIVE_TIME, in nanoseconds
	KindAddr               // IPv4 and IPv6 addresses
	KindEther              // MAC addresses
	KindString             // character strings
	KindBytes              // byte sequences, and a protocol's bytes
)

// Value is one occurrence of a field in a frame: a small tagged union the
// Source fills. Strings and bytes refer to the caller's memory and are only
// read during the Match call that received them.
type Value struct {
	kind Kind
	n    uint64     // KindUint, KindInt, KindBool (0/1), KindFloat (bits), KindTime, KindEther (48 bits)
	addr netip.Addr // KindAddr
	b    []byte     // KindString, KindBytes
}

// Present is the value of a field or protocol that is there without a value
// (an FT_NONE label, or a protocol whose bytes the Source does not give).
func Present() Value { return Value{kind: KindNone} }

// Uint is an unsigned integer value.
func Uint(v uint64) Value { return Value{kind: KindUint, n: v} }

// Int is a signed integer value.
func Int(v int64) Value { return Value{kind: KindInt, n: uint64(v)} }

// Bool is a boolean value.
func Bool(v bool) Value {
	if v {
		return Value{kind: KindBool, n: 1}
	}
	return Value{kind: KindBool}
}

// Float is a floating point value.
func Float(v float64) Value { return Value{kind: KindFloat, n: floatBits(v)} }

// Time is a relative time (FT_RELATIVE_TIME) in nanoseconds.
func Time(ns int64) Value { return Value{kind: KindTime, n: uint64(ns)} }

// Addr is an IPv4 or IPv6 address value.
func Addr(a netip.Addr) Value { return Value{kind: KindAddr, addr: a} }

// Ether is a MAC address value.
func Ether(mac [6]byte) Value {
	var n uint64
	for _, b := range mac {
		n = n<<8 | uint64(b)
	}
	return Value{kind: KindEther, n: n}
}

// String is a character-string value; s is not copied.
func String(s []byte) Value { return Value{kind: KindString, b: s} }

// Bytes is a byte-sequence value (also a protocol's bytes); b is not copied.
func Bytes(b []byte) Value { return Value{kind: KindBytes, b: b} }

// Kind returns which member of v is set.
func (v Value) Kind() Kind { return v.kind }
