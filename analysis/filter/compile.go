package filter

import (
	"regexp"
	"regexp/syntax"
	"sort"
)

// Limits on hostile filters. A filter beyond one is refused with a message.
const (
	MaxLength      = 64 << 10 // bytes of filter text
	MaxDepth       = 256      // nested parentheses and "not"s
	MaxSetMembers  = 100_000  // members of one "in" set, a range counting once
	MaxRegexLength = 4096     // bytes of one regular expression
	MaxRegexInsts  = 20_000   // instructions of one compiled regular expression
)

type nodeKind uint8

const (
	nAll nodeKind = iota // the empty filter: every frame
	nAnd
	nOr
	nNot
	nTest
	nCmp
	nIn
)

// cmpMode is how two values of a field's type compare.
type cmpMode uint8

const (
	mUint cmpMode = iota
	mInt
	mBool
	mFloat
	mTime
	mAddr
	mEther
	mBytes
	mNone // labels: presence only
)

type node struct {
	kind  nodeKind
	kids  []*node // nAnd, nOr, nNot (one)
	field FieldID
	mode  cmpMode
	op    cmpOp
	other FieldID // nCmp: the field on the right, or 0 for a literal
	lit   lit     // nCmp with a literal
	set   []setLit
	re    *regexp.Regexp
	neg   bool // "not in"
	// layers restricts field to some layers of its protocol (field#2),
	// slice takes bytes of each occurrence (field[0:2]) and fn applies a
	// function (len, count, upper, lower); the other* the field on the right.
	layers, otherLayers []layerRange
	slice, otherSlice   []layerRange
	fn, otherFn         uint8
}

type setLit struct {
	lo, hi  lit
	isRange bool
}

// Filter is a compiled display filter. A Filter keeps scratch buffers for
// Match: use one Filter per goroutine (Compile it again, or Clone it).
type Filter struct {
	text   string
	root   *node
	fields []FieldID
	buf    []Value
	buf2   []Value
	lay    []int32
	sc     [2][]byte // slices' and functions' scratch, per side
}

// Compile parses and checks a display filter with Wireshark 4.0's grammar
// and semantics. The empty filter matches every frame. A refused filter
// returns an *Error.
func Compile(expr string) (*Filter, error) {
	if len(expr) > MaxLength {
		return nil, &Error{Msg: "The filter is longer than 65536 bytes."}
	}
	tree, perr := parse(expr)
	if perr != nil {
		return nil, perr
	}
	c := &checker{used: map[FieldID]bool{}}
	root := &node{kind: nAll}
	if tree != nil {
		var err *Error
		if root, err = c.check(tree); err != nil {
			return nil, err
		}
	}
	f := &Filter{text: expr, root: root}
	for id := range c.used {
		f.fields = append(f.fields, id)
	}
	sort.Slice(f.fields, func(i, j int) bool { return f.fields[i] < f.fields[j] })
	return f, nil
}

// String returns the filter as it was written.
func (f *Filter) String() string { return f.text }

// Fields returns the fields and protocols the filter reads, in FieldID
// order, so that the engine runs only the analyses they need.
func (f *Filter) Fields() []FieldID { return append([]FieldID(nil), f.fields...) }

// Uses reports whether the filter reads field id.
func (f *Filter) Uses(id FieldID) bool {
	for _, u := range f.fields {
		if u == id {
			return true
		}
	}
	return false
}

// Clone returns a Filter sharing f's compiled form with its own scratch
// buffers, for use on another goroutine.
func (f *Filter) Clone() *Filter {
	return &Filter{text: f.text, root: f.root, fields: f.fields}
}

type checker struct {
	used map[FieldID]bool
}

// field resolves t as a field name.
func (c *checker) field(t token) (FieldID, bool) {
	if t.kind != tWord {
		return 0, false
	}
	id, ok := byName[t.text]
	if ok {
		c.used[id] = true
	}
	return id, ok
}

func (c *checker) check(a *ast) (*node, *Error) {
	switch a.kind {
	case aAnd, aOr:
		kind := nAnd
		if a.kind == aOr {
			kind = nOr
		}
		n := &node{kind: kind}
		// Flatten chains (a or b or c) so evaluation does not recurse per term.
		stack := []*ast{a.r, a.l}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if x.kind == a.kind {
				stack = append(stack, x.r, x.l)
				continue
			}
			k, err := c.check(x)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, k)
		}
		return n, nil
	case aNot:
		k, err := c.check(a.l)
		if err != nil {
			return nil, err
		}
		return &node{kind: nNot, kids: []*node{k}}, nil
	case aTest:
		if a.a.fnTok != nil {
			return nil, errAt(a.a.fnTok.pos, len(a.a.fnTok.text), "You cannot test whether a function is present.")
		}
		id, ok := c.field(a.a)
		if !ok {
			if a.a.layers != nil {
				return nil, notField(a.a)
			}
			return nil, errAt(a.a.pos, len(a.a.text), "%s is neither a field nor a protocol name.", a.a.text)
		}
		if err := checkOperand(id, a.a); err != nil {
			return nil, err
		}
		return &node{kind: nTest, field: id, layers: a.a.layers, slice: a.a.slice}, nil
	case aCmp:
		return c.cmp(a)
	case aIn:
		return c.in(a)
	}
	panic("filter: unknown syntax node")
}

func modeOf(t Type) cmpMode {
	switch {
	case t.isUint():
		return mUint
	case t.isInt():
		return mInt
	}
	switch t {
	case TypeBoolean:
		return mBool
	case TypeDouble:
		return mFloat
	case TypeRelativeTime:
		return mTime
	case TypeIPv4, TypeIPv6:
		return mAddr
	case TypeEther:
		return mEther
	case TypeString, TypeBytes, TypeProtocol:
		return mBytes
	}
	return mNone
}

// opName is the operator as tshark's messages print it.
func opName(t token) string {
	if t.text[0] >= 'a' && t.text[0] <= 'z' {
		return t.text
	}
	return `"` + t.text + `"`
}

// left resolves the left side of a comparison and checks that its type can
// take part in it.
func (c *checker) left(a token, op token) (FieldID, *Error) {
	id, ok := c.field(a)
	if !ok && (a.layers != nil || a.slice != nil || a.fnTok != nil) {
		return 0, notField(a)
	}
	if !ok {
		return 0, errAt(a.pos, len(a.text), "Left side of %s expression must be a field or function, not %s.", opName(op), a.text)
	}
	if err := checkOperand(id, a); err != nil {
		return 0, err
	}
	typ := resultType(id, a)
	allowed := typ != TypeNone
	switch op.op {
	case opContains:
		allowed = typ == TypeString || typ == TypeBytes || typ == TypeProtocol || typ == TypeEther
	case opMatches:
		allowed = typ == TypeString || typ == TypeBytes || typ == TypeProtocol || typ == TypeEther
	}
	if !allowed {
		return 0, errAt(a.pos, len(a.text), "%s (type=%s) cannot participate in %s comparison.", a.text, typ.Description(), op.text)
	}
	return id, nil
}

func (c *checker) cmp(a *ast) (*node, *Error) {
	id, err := c.left(a.a, a.opTok)
	if err != nil {
		return nil, err
	}
	typ := resultType(id, a.a)
	n := &node{kind: nCmp, field: id, mode: modeOf(typ), op: a.opTok.op, layers: a.a.layers, slice: a.a.slice, fn: a.a.fn}
	if _, ok := c.field(a.b); !ok && (a.b.layers != nil || a.b.slice != nil || a.b.fnTok != nil) {
		return nil, notField(a.b)
	}
	if n.op == opMatches {
		if a.b.kind != tString {
			return nil, errAt(a.b.pos, len(a.b.text), "Matches requires a double quoted string on the right side.")
		}
		re, err := compileRegexp(a.b)
		if err != nil {
			return nil, err
		}
		n.re = re
		return n, nil
	}
	if other, ok := c.field(a.b); ok {
		if err := checkOperand(other, a.b); err != nil {
			return nil, err
		}
		ot := resultType(other, a.b)
		if modeOf(ot) != n.mode || ot == TypeNone || (n.mode == mAddr && ot != typ) {
			return nil, errAt(a.b.pos, len(a.b.text), "%s and %s are not of compatible types.", a.a.text, a.b.text)
		}
		n.other, n.otherLayers, n.otherSlice, n.otherFn = other, a.b.layers, a.b.slice, a.b.fn
		return n, nil
	}
	if n.op == opContains && n.mode == mEther {
		// contains on a MAC address looks for bytes in it.
		t := a.b
		if t.kind == tString {
			n.lit = lit{v: Bytes([]byte(t.val))}
			return n, nil
		}
		hb, ok := parseHexBytes(t.text)
		if !ok {
			return nil, errAt(t.pos, len(t.text), "\"%s\" is not a valid byte string.", t.text)
		}
		n.lit = lit{v: Bytes(hb)}
		return n, nil
	}
	l, cerr := convertAs(typ, literalField(id, a.a), a.b)
	if cerr != nil {
		return nil, cerr
	}
	n.lit = l
	return n, nil
}

func (c *checker) in(a *ast) (*node, *Error) {
	id, err := c.left(a.a, a.opTok)
	if err != nil {
		return nil, err
	}
	if a.a.fnTok != nil || a.a.slice != nil {
		pos, n := a.a.pos, len(a.a.text)
		if a.a.fnTok != nil {
			pos, n = a.a.fnTok.pos, len(a.a.fnTok.text)
		}
		return nil, errAt(pos, n, "Only a field may be tested for membership in a set.")
	}
	typ, lf := resultType(id, a.a), literalField(id, a.a)
	n := &node{kind: nIn, field: id, mode: modeOf(typ), op: opIn, neg: a.neg, layers: a.a.layers, slice: a.a.slice, fn: a.a.fn}
	n.set = make([]setLit, 0, len(a.set))
	for _, m := range a.set {
		lo, err := convertAs(typ, lf, m.lo)
		if err != nil {
			return nil, err
		}
		s := setLit{lo: lo}
		if m.isRange {
			hi, err := convertAs(typ, lf, m.hi)
			if err != nil {
				return nil, err
			}
			s.hi, s.isRange = hi, true
		}
		n.set = append(n.set, s)
	}
	return n, nil
}

// notField is the error for a layer operator on what is not a field.
func notField(t token) *Error {
	return errAt(t.pos, len(t.text), "%s is not a valid field", t.text)
}

func compileRegexp(t token) (*regexp.Regexp, *Error) {
	if len(t.val) > MaxRegexLength {
		return nil, errAt(t.pos, len(t.text), "The regular expression is longer than %d bytes.", MaxRegexLength)
	}
	// Wireshark 4.0's matches is case-insensitive unless the pattern says
	// (?-i).
	re, err := syntax.Parse(t.val, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return nil, &Error{Msg: "Regex compilation error: " + regexpMessage(err) + "."}
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, &Error{Msg: "Regex compilation error: " + regexpMessage(err) + "."}
	}
	if len(prog.Inst) > MaxRegexInsts {
		return nil, errAt(t.pos, len(t.text), "The regular expression is too large (more than %d instructions).", MaxRegexInsts)
	}
	r, err := regexp.Compile("(?i)" + t.val)
	if err != nil {
		return nil, &Error{Msg: "Regex compilation error: " + regexpMessage(err) + "."}
	}
	return r, nil
}

func regexpMessage(err error) string {
	if e, ok := err.(*syntax.Error); ok {
		return e.Code.String() + ": `" + e.Expr + "`"
	}
	return err.Error()
}

func etherBytes(n uint64) [6]byte {
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte(n)
		n >>= 8
	}
	return b
}
