package filter

import (
	"math"
	"strconv"
	"strings"
)

// The layer operator (wireshark-filter(4), "The layer operator"):
// ip.src#2 reads ip.src in the second IPv4 header of the frame only, and
// ip.addr#[2-4] in layers 2 to 4. Layers are the headers of the field's
// protocol, counted from 1 for the outermost; a range list uses the
// syntax of slices, as Wireshark 4.0 reads it for layers:
//
//	#n      layer n
//	[i]     layer i
//	[i:j]   j layers from layer i (j > 0)
//	[i-j]   layers i to j (i < j, same sign)
//	[:j]    [0:j] (layer 0 does not exist: the first j-1 layers)
//	[i:]    layer i and those after it
//	[a,b]   any of the ranges
//
// A negative start counts from the last layer the field occurs in (-1 is
// the last); the end of i-j is taken as written.

// LayerSource is a Source that also says which layer of its protocol
// each occurrence of a field is in, for the layer operator. Layers
// appends, for each occurrence Values gives (in the same order), its
// layer number: 1 for an occurrence in the outermost header of the
// field's protocol. A Source that is not a LayerSource has every
// occurrence in layer 1.
type LayerSource interface {
	Source
	Layers(id FieldID, buf []int32) []int32
}

// Layer range kinds, as Wireshark's drange nodes end.
const (
	endLength = iota // start:length
	endOffset        // start-end
	endLast          // start: (to the last layer)
)

// layerRange is one range of a layer operator.
type layerRange struct {
	start, n int32 // n: the length or the end offset
	end      uint8
}

// contains reports whether layer num is in the range, last being the last
// layer the field occurs in (Wireshark's drange_contains_layer).
func (r layerRange) contains(num, last int32) bool {
	lo := int64(r.start)
	if lo < 0 {
		lo += int64(last) + 1
	}
	var hi int64
	switch r.end {
	case endLength:
		hi = lo + int64(r.n) - 1
	case endOffset:
		hi = int64(r.n)
	default:
		hi = math.MaxInt64
	}
	return int64(num) >= lo && int64(num) <= hi
}

// lexLayer reads a layer operator at s[i] ('#').
func lexLayer(s string, i int) (token, int) {
	j := i + 1
	if j >= len(s) {
		// An error after an operand; a "#" alone is unexpected (parse.go).
		return token{kind: tLayer, pos: i, text: "#", err: &Error{Msg: "Unexpected end of filter expression.", Pos: len(s)}}, 1
	}
	if c := s[j]; c >= '0' && c <= '9' {
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		n, err := strconv.ParseInt(s[j:k], 10, 32)
		if err != nil {
			return token{kind: tErr, pos: i, err: errAt(j, k-j, "%q causes an integer overflow.", s[j:k])}, 0
		}
		return token{kind: tLayer, pos: i, text: s[i:k], layers: []layerRange{{start: int32(n), n: 1}}}, k - i
	}
	if s[j] != '[' {
		n := 1
		if s[j] >= 0x80 {
			for n < 4 && j+n < len(s) && s[j+n]&0xc0 == 0x80 {
				n++
			}
		}
		return token{kind: tErr, pos: i, err: errAt(j, n, "Expected digit or \"[\", not \"%s\"", s[j:j+n])}, 0
	}
	rs, end, err := lexRanges(s, j, "The layer operator")
	if err != nil {
		return token{kind: tErr, pos: i, err: err}, 0
	}
	return token{kind: tLayer, pos: i, text: s[i : end+1], layers: rs}, end + 1 - i
}

// lexRanges reads the bracketed, comma-separated ranges at s[j] ('['), for
// the layer operator and slices alike; end is the index of the ']'. what
// names the construct in the message when there are too many ranges.
func lexRanges(s string, j int, what string) (rs []layerRange, end int, err *Error) {
	end = strings.IndexByte(s[j:], ']')
	if end < 0 {
		return nil, 0, errAt(len(s), 1, "The right bracket was missing from a slice.")
	}
	end += j
	for p := j + 1; ; {
		q := p
		for q < end && s[q] != ',' {
			q++
		}
		r, err := parseLayerRange(s, p, q)
		if err != nil {
			return nil, 0, err
		}
		if len(rs) >= MaxSetMembers {
			return nil, 0, errAt(p, q-p, "%s has more than %d ranges.", what, MaxSetMembers)
		}
		rs = append(rs, r)
		if q == end {
			return rs, end, nil
		}
		p = q + 1
	}
}

// parseLayerRange reads one range of a layer operator, s[p:q].
func parseLayerRange(s string, p, q int) (layerRange, *Error) {
	for p < q && isSpace(s[p]) {
		p++
	}
	for q > p && isSpace(s[q-1]) {
		q--
	}
	t := s[p:q]
	if t == "" {
		return layerRange{}, errAt(q, 1, "%q was unexpected in this context.", string(s[q]))
	}
	for k := 0; k < len(t); k++ {
		if c := t[k]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ':' || c == '-' || c == '+' || isSpace(c)) {
			return layerRange{}, errAt(p, len(t), "%q is not a valid range.", t)
		}
	}
	num := func(a, b int) (int32, *Error) {
		for a < b && isSpace(s[a]) {
			a++
		}
		for b > a && isSpace(s[b-1]) {
			b--
		}
		x := s[a:b]
		n, err := strconv.ParseInt(x, 0, 32)
		if err != nil {
			if e, ok := err.(*strconv.NumError); ok && e.Err == strconv.ErrRange {
				return 0, errAt(a, len(x), "%q causes an integer overflow.", x)
			}
			return 0, errAt(a, max(len(x), 1), "%q is not a valid number.", x)
		}
		return int32(n), nil
	}
	if c := strings.IndexByte(t, ':'); c >= 0 {
		if strings.IndexByte(t[c+1:], ':') >= 0 {
			return layerRange{}, errAt(p, len(t), "%q is not a valid range.", t)
		}
		var r layerRange
		var err *Error
		if strings.TrimSpace(t[:c]) != "" {
			if r.start, err = num(p, p+c); err != nil {
				return r, err
			}
		}
		if strings.TrimSpace(t[c+1:]) == "" {
			r.end = endLast
			return r, nil
		}
		if r.n, err = num(p+c+1, q); err != nil {
			return r, err
		}
		if r.n <= 0 {
			return r, errAt(p, len(t), "Range %s isn't valid because length %d isn't positive", t, r.n)
		}
		return r, nil
	}
	// i-j: the dash after the first character (which may be a sign).
	if d := strings.IndexByte(t[1:], '-'); d >= 0 {
		d++
		a, err := num(p, p+d)
		if err != nil {
			return layerRange{}, err
		}
		b, err := num(p+d+1, q)
		if err != nil {
			return layerRange{}, err
		}
		if (a < 0) != (b < 0) {
			return layerRange{}, errAt(p, len(t), "Range %s isn't valid because %d and %d have different signs", t, a, b)
		}
		if a >= b {
			return layerRange{}, errAt(p, len(t), "Range %s isn't valid because %d is greater or equal than %d", t, a, b)
		}
		return layerRange{start: a, n: b, end: endOffset}, nil
	}
	a, err := num(p, q)
	if err != nil {
		return layerRange{}, err
	}
	return layerRange{start: a, n: 1}, nil
}

// layerValues gives the occurrences of field id in the layers rs.
func (f *Filter) layerValues(src Source, id FieldID, rs []layerRange, buf []Value) []Value {
	n0 := len(buf)
	buf = src.Values(id, buf)
	vs := buf[n0:]
	if ls, ok := src.(LayerSource); ok {
		f.lay = ls.Layers(id, f.lay[:0])
	} else {
		f.lay = f.lay[:0]
	}
	if len(f.lay) != len(vs) {
		f.lay = f.lay[:0]
		for range vs {
			f.lay = append(f.lay, 1)
		}
	}
	var last int32
	for _, l := range f.lay {
		last = max(last, l)
	}
	out := n0
	for i := range vs {
		for _, r := range rs {
			if r.contains(f.lay[i], last) {
				buf[out] = buf[n0+i]
				out++
				break
			}
		}
	}
	return buf[:out]
}

// lexSlice reads a slice at s[i] ('['): byte ranges with the syntax of
// layer ranges, offsets from 0 (negative from the end of the value); the
// bytes of several ranges ([0:2,4]) are joined.
func lexSlice(s string, i int) (token, int) {
	rs, end, err := lexRanges(s, i, "The slice")
	if err != nil {
		return token{kind: tErr, pos: i, err: err}, 0
	}
	return token{kind: tSlice, pos: i, text: s[i : end+1], layers: rs}, end + 1 - i
}

// slice returns the bytes of b that range r selects, as Wireshark slices a
// value (ok false when the range falls outside it: the occurrence then has
// no slice).
func (r layerRange) slice(b []byte) ([]byte, bool) {
	n := int64(len(b))
	start := int64(r.start)
	if start < 0 {
		if start += n; start < 0 {
			return nil, false
		}
	}
	var length int64
	switch r.end {
	case endLast:
		length = n - start
	case endLength:
		length = int64(r.n)
		if start+length > n {
			return nil, false
		}
	default:
		end := int64(r.n)
		if end < 0 {
			if end += n; end < start {
				return nil, false
			}
		} else if end >= n {
			return nil, false
		}
		length = end - start + 1
	}
	if length <= 0 || start+length > n {
		return nil, false
	}
	return b[start : start+length], true
}
