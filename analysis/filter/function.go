package filter

// Functions (wireshark-filter(4), "Functions"): len(field) is the length
// in bytes of each occurrence, count(field) the number of occurrences (no
// value when there is none), upper() and lower() a string field in upper
// or lower case (ASCII letters). A function's argument is a field, with a
// layer operator or not (no slice); a function takes part in comparisons,
// on either side, not in set tests nor presence tests. string(), max(), min()
// and abs() are refused as not supported yet.
const (
	fnNone = iota
	fnLen
	fnCount
	fnUpper
	fnLower
)

var functions = map[string]uint8{"len": fnLen, "count": fnCount, "upper": fnUpper, "lower": fnLower}

var fnNames = [...]string{fnLen: "len", fnCount: "count", fnUpper: "upper", fnLower: "lower"}

// resultType is the type of operand t, field id, once its slice and
// function apply.
func resultType(id FieldID, t token) Type {
	switch t.fn {
	case fnLen, fnCount:
		return TypeUint32
	case fnUpper, fnLower:
		return TypeString
	}
	if t.slice != nil {
		return TypeBytes
	}
	return fields[id].typ
}

// literalField is the field whose value strings a literal compared with
// operand t (field id) may use: none once a slice or function applies.
func literalField(id FieldID, t token) FieldID {
	if t.slice != nil || t.fn != fnNone {
		return 0
	}
	return id
}

// fixedLen is the length in bytes of a value of a fixed-size type (0 for
// the others).
func fixedLen(t Type) int {
	switch t {
	case TypeUint8:
		return 1
	case TypeUint16:
		return 2
	case TypeUint24:
		return 3
	case TypeUint32, TypeInt32, TypeFrameNum, TypeIPv4:
		return 4
	case TypeUint64, TypeInt64, TypeDouble:
		return 8
	case TypeEther:
		return 6
	case TypeIPv6:
		return 16
	}
	return 0
}

// checkOperand checks the slice and the function of operand t (field id).
func checkOperand(id FieldID, t token) *Error {
	typ := fields[id].typ
	if t.slice != nil {
		switch {
		case typ == TypeBytes || typ == TypeString || typ == TypeEther || typ == TypeIPv4 || typ == TypeIPv6 || id == Frame:
		case typ == TypeProtocol:
			return errAt(t.pos, len(t.text), "Slices of a protocol other than frame are not supported yet.")
		default:
			return errAt(t.pos, len(t.text), "\"%s\" is a %s and cannot be sliced into a sequence of bytes.", t.text, typ.Description())
		}
	}
	if t.fn != fnNone && t.slice != nil {
		return errAt(t.pos, len(t.text), "Only fields can be used as parameter for %s()", fnNames[t.fn])
	}
	switch t.fn {
	case fnUpper, fnLower:
		if typ != TypeString {
			return errAt(t.pos, len(t.text), "Only string type fields can be used as parameter for %s()", fnNames[t.fn])
		}
	case fnLen:
		if t.slice == nil && typ != TypeBytes && typ != TypeString && id != Frame && fixedLen(typ) == 0 {
			return errAt(t.pos, len(t.text), "len() of a %s is not supported yet.", typ.Description())
		}
	}
	return nil
}

// operand gives the values of an operand: the occurrences of field id (in
// layers rs), sliced by sl and passed through function fn. side picks the
// scratch memory (0 left, 1 right: both sides' values live together).
func (f *Filter) operand(src Source, id FieldID, rs, sl []layerRange, fn uint8, side int, buf []Value) []Value {
	buf = f.values(src, id, rs, buf)
	if sl == nil && fn == fnNone {
		return buf
	}
	typ := fields[id].typ
	if sl != nil {
		// Addresses have no bytes of their own (16 bytes of scratch each)
		// and several ranges are joined in scratch: all of it reserved
		// first, so that appending never moves what was written.
		need := 0
		for i := range buf {
			need += 16
			if len(sl) > 1 {
				need += len(sl) * max(len(buf[i].b), 16)
			}
		}
		sc := f.scratch(side, need)
		out := 0
		for i := range buf {
			var b []byte
			switch v := &buf[i]; v.kind {
			case KindBytes, KindString:
				b = v.b
			case KindEther:
				e := etherBytes(v.n)
				sc = append(sc, e[:]...)
				b = sc[len(sc)-6:]
			case KindAddr:
				if v.addr.Is4() {
					a := v.addr.As4()
					sc = append(sc, a[:]...)
					b = sc[len(sc)-4:]
				} else {
					a := v.addr.As16()
					sc = append(sc, a[:]...)
					b = sc[len(sc)-16:]
				}
			}
			// Every occurrence has a slice: the bytes of its ranges, joined,
			// up to the first that does not fit (Wireshark stops there),
			// so possibly none.
			if len(sl) == 1 {
				s, _ := sl[0].slice(b)
				buf[out] = Bytes(s)
				out++
				continue
			}
			start := len(sc)
			for _, r := range sl {
				s, fits := r.slice(b)
				if !fits {
					break
				}
				sc = append(sc, s...)
			}
			buf[out] = Bytes(sc[start:len(sc):len(sc)])
			out++
		}
		buf = buf[:out]
		typ = TypeBytes
	}
	switch fn {
	case fnCount:
		if len(buf) > 0 {
			buf = append(buf[:0], Uint(uint64(len(buf))))
		}
	case fnLen:
		for i := range buf {
			n := fixedLen(typ)
			if v := &buf[i]; v.kind == KindBytes || v.kind == KindString {
				n = len(v.b)
			}
			buf[i] = Uint(uint64(n))
		}
	case fnUpper, fnLower:
		need := 0
		for i := range buf {
			need += len(buf[i].b)
		}
		sc := f.scratch(side, need)
		for i := range buf {
			start := len(sc)
			sc = append(sc, buf[i].b...)
			if fn == fnUpper {
				upperASCII(sc[start:])
			} else {
				lowerASCII(sc[start:])
			}
			buf[i] = String(sc[start:len(sc):len(sc)])
		}
	}
	return buf
}

// scratch returns side's scratch memory emptied, with room for n bytes.
func (f *Filter) scratch(side, n int) []byte {
	if cap(f.sc[side]) < n {
		f.sc[side] = make([]byte, 0, n+n/2)
	}
	return f.sc[side][:0]
}

func upperASCII(b []byte) {
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
}

func lowerASCII(b []byte) {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
}
