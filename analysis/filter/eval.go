package filter

import (
	"bytes"
	"math"
	"net/netip"
)

// Source gives the values of fields in the current frame. Values appends
// every occurrence of field id, in the frame's order, to buf and returns it;
// a field or protocol that is absent appends nothing. A protocol or an
// FT_NONE label that is present appends one value (its bytes, or Present()).
// The Source must serve every field of the registry, or filters using the
// missing ones would be silently false.
type Source interface {
	Values(id FieldID, buf []Value) []Value
}

// Match reports whether the current frame of src passes the filter. It
// allocates nothing once its buffers have grown to the largest number of
// occurrences of one field.
func (f *Filter) Match(src Source) bool { return f.eval(f.root, src) }

func (f *Filter) eval(n *node, src Source) bool {
	switch n.kind {
	case nAll:
		return true
	case nAnd:
		for _, k := range n.kids {
			if !f.eval(k, src) {
				return false
			}
		}
		return true
	case nOr:
		for _, k := range n.kids {
			if f.eval(k, src) {
				return true
			}
		}
		return false
	case nNot:
		return !f.eval(n.kids[0], src)
	case nTest:
		f.buf = f.operand(src, n.field, n.layers, n.slice, n.fn, 0, f.buf[:0])
		if n.slice != nil {
			// A slice is there when it has bytes.
			for i := range f.buf {
				if len(f.buf[i].b) > 0 {
					return true
				}
			}
			return false
		}
		return len(f.buf) > 0
	case nIn:
		f.buf = f.operand(src, n.field, n.layers, n.slice, n.fn, 0, f.buf[:0])
		in := false
		for i := range f.buf {
			if n.inSet(&f.buf[i]) {
				in = true
				break
			}
		}
		return in != n.neg
	case nCmp:
		f.buf = f.operand(src, n.field, n.layers, n.slice, n.fn, 0, f.buf[:0])
		if len(f.buf) == 0 {
			return false
		}
		if n.other != 0 {
			f.buf2 = f.operand(src, n.other, n.otherLayers, n.otherSlice, n.otherFn, 1, f.buf2[:0])
			return n.cmpFields(f.buf, f.buf2)
		}
		return n.cmpLit(f.buf)
	}
	return false
}

// values gives the occurrences of field id, in layers rs when the filter
// names some.
func (f *Filter) values(src Source, id FieldID, rs []layerRange, buf []Value) []Value {
	if rs == nil {
		return src.Values(id, buf)
	}
	return f.layerValues(src, id, rs, buf)
}

// cmpLit applies n's operator to the occurrences vs of its field and its
// literal, with Wireshark 4.0's quantifiers.
func (n *node) cmpLit(vs []Value) bool {
	switch n.op {
	case opAllNe: // "!=" is "not (a == b)"
		return !n.anyLit(vs, opAnyEq)
	case opAllEq:
		for i := range vs {
			if !n.test(&vs[i], opAnyEq) {
				return false
			}
		}
		return true
	}
	return n.anyLit(vs, n.op)
}

func (n *node) anyLit(vs []Value, op cmpOp) bool {
	for i := range vs {
		if n.test(&vs[i], op) {
			return true
		}
	}
	return false
}

func (n *node) test(v *Value, op cmpOp) bool {
	switch op {
	case opContains:
		if v.kind == KindEther {
			e := etherBytes(v.n)
			return bytes.Contains(e[:], n.lit.v.b)
		}
		return (v.kind == KindString || v.kind == KindBytes) && bytes.Contains(v.b, n.lit.v.b)
	case opMatches:
		if v.kind == KindEther {
			e := etherBytes(v.n)
			return n.re.Match(e[:])
		}
		return (v.kind == KindString || v.kind == KindBytes) && n.re.Match(v.b)
	}
	if n.lit.never {
		return false
	}
	c, ok := compare(n.mode, v, &n.lit.v, n.lit.bits)
	if !ok {
		return false
	}
	return holds(op, c)
}

func holds(op cmpOp, c int) bool {
	switch op {
	case opAnyEq, opAllEq:
		return c == 0
	case opAnyNe, opAllNe:
		return c != 0
	case opGt:
		return c > 0
	case opGe:
		return c >= 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	}
	return false
}

func (n *node) cmpFields(as, bs []Value) bool {
	any := func(op cmpOp) bool {
		for i := range as {
			for j := range bs {
				if n.pair(&as[i], &bs[j], op) {
					return true
				}
			}
		}
		return false
	}
	switch n.op {
	case opAllNe:
		return len(bs) > 0 && !any(opAnyEq)
	case opAllEq:
		if len(bs) == 0 {
			return false
		}
		for i := range as {
			for j := range bs {
				if !n.pair(&as[i], &bs[j], opAnyEq) {
					return false
				}
			}
		}
		return true
	}
	return any(n.op)
}

func (n *node) pair(a, b *Value, op cmpOp) bool {
	if op == opContains {
		ab, bb := valueBytes(a), valueBytes(b)
		return ab != nil && bb != nil && bytes.Contains(ab, bb)
	}
	c, ok := compare(n.mode, a, b, -1)
	return ok && holds(op, c)
}

func valueBytes(v *Value) []byte {
	if v.kind == KindString || v.kind == KindBytes {
		if v.b == nil {
			return []byte{}
		}
		return v.b
	}
	return nil
}

func (n *node) inSet(v *Value) bool {
	for i := range n.set {
		m := &n.set[i]
		if m.lo.never || m.isRange && m.hi.never {
			continue
		}
		c, ok := compare(n.mode, v, &m.lo.v, m.lo.bits)
		if !ok {
			continue
		}
		if !m.isRange {
			if c == 0 {
				return true
			}
			continue
		}
		if c < 0 {
			continue
		}
		if c, ok := compare(n.mode, v, &m.hi.v, m.hi.bits); ok && c <= 0 {
			return true
		}
	}
	return false
}

// compare orders field value a against b with the comparison of the
// field's type; bits (for addresses, -1 for none) masks both to a prefix as
// Wireshark compares CIDR literals. ok is false when they cannot compare.
func compare(mode cmpMode, a, b *Value, bits int) (int, bool) {
	switch mode {
	case mUint, mEther:
		return cmp3(a.n, b.n), true
	case mInt:
		x, y := int64(a.n), int64(b.n)
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case mBool:
		return cmp3(boolBit(a.n), boolBit(b.n)), true
	case mFloat:
		x, y := math.Float64frombits(a.n), math.Float64frombits(b.n)
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		case x == y:
			return 0, true
		}
		return 0, false // NaN
	case mTime:
		x, y := int64(a.n), int64(b.n)
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case mAddr:
		x, y := a.addr, b.addr
		if !x.IsValid() || !y.IsValid() || x.BitLen() != y.BitLen() {
			return 0, false
		}
		if bits >= 0 && bits < x.BitLen() {
			x = maskAddr(x, bits)
			y = maskAddr(y, bits)
		}
		return x.Compare(y), true
	case mBytes:
		if (a.kind != KindString && a.kind != KindBytes) || (b.kind != KindString && b.kind != KindBytes) {
			return 0, false
		}
		return bytes.Compare(a.b, b.b), true
	}
	return 0, false
}

func maskAddr(a netip.Addr, bits int) netip.Addr {
	p, err := a.Prefix(bits)
	if err != nil {
		return a
	}
	return p.Addr()
}

func cmp3(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func boolBit(n uint64) uint64 {
	if n != 0 {
		return 1
	}
	return 0
}
