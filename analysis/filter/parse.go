package filter

// The syntax tree, before names and literals are checked.

type astKind uint8

const (
	aAnd astKind = iota
	aOr
	aNot
	aTest // a bare field or protocol: presence
	aCmp  // a op b
	aIn   // a in {set}, a not in {set}
)

type ast struct {
	kind  astKind
	l, r  *ast
	a, b  token // aTest: a; aCmp: a op b; aIn: a
	opTok token
	set   []member
	neg   bool // not in
}

type member struct {
	lo, hi  token
	isRange bool
}

type parser struct {
	toks  []token
	i     int
	depth int
	src   string
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF && t.kind != tErr {
		p.i++
	}
	return t
}

// unexpected is the error for token t where the grammar does not allow it.
func (p *parser) unexpected(t token) *Error {
	switch t.kind {
	case tEOF:
		return &Error{Msg: "Unexpected end of filter expression.", Pos: len(p.src)}
	case tErr:
		return t.err
	case tLayer:
		return errAt(t.pos, 1, "\"#\" was unexpected in this context.")
	case tSlice:
		return errAt(t.pos, 1, "\"[\" was unexpected in this context.")
	}
	return errAt(t.pos, len(t.text), "\"%s\" was unexpected in this context.", t.text)
}

func parse(src string) (*ast, *Error) {
	p := &parser{toks: lex(src), src: src}
	if p.peek().kind == tEOF {
		return nil, nil // the empty filter
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t)
	}
	return n, nil
}

func (p *parser) or() (*ast, *Error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &ast{kind: aOr, l: l, r: r}
	}
	return l, nil
}

func (p *parser) and() (*ast, *Error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &ast{kind: aAnd, l: l, r: r}
	}
	return l, nil
}

func (p *parser) enter(t token) *Error {
	p.depth++
	if p.depth > MaxDepth {
		return errAt(t.pos, len(t.text), "The filter nests deeper than %d levels.", MaxDepth)
	}
	return nil
}

func (p *parser) unary() (*ast, *Error) {
	t := p.peek()
	switch t.kind {
	case tNot:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		p.depth--
		return &ast{kind: aNot, l: x}, nil
	case tLParen:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		p.next()
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, p.unexpected(c)
		}
		p.depth--
		return x, nil
	}
	return p.relation()
}

func isOperand(t token) bool { return t.kind == tWord || t.kind == tString }

// relation is a bare operand (a presence test), a chain of comparisons
// ("a op b op c" is "a op b and b op c", as in Wireshark 4.0) or a set test.
func (p *parser) relation() (*ast, *Error) {
	a, err := p.operand()
	if err != nil {
		return nil, err
	}
	switch t := p.peek(); {
	case t.kind == tIn:
		p.next()
		return p.set(a, t, false)
	case t.kind == tNot && p.toks[p.i+1].kind == tIn:
		p.next()
		in := p.next()
		return p.set(a, in, true)
	case t.kind != tCmp:
		return &ast{kind: aTest, a: a}, nil
	}
	var out *ast
	for p.peek().kind == tCmp {
		op := p.next()
		b, err := p.operand()
		if err != nil {
			return nil, err
		}
		c := &ast{kind: aCmp, a: a, b: b, opTok: op}
		if out == nil {
			out = c
		} else {
			out = &ast{kind: aAnd, l: out, r: c}
		}
		a = b
	}
	return out, nil
}

// operand reads an operand: a field or literal with the layer operator
// and the slice that follow it, if any, or a function of one.
func (p *parser) operand() (token, *Error) {
	t := p.next()
	if t.kind == tFunc {
		fn := t
		if c := p.next(); c.kind != tLParen {
			return t, p.unexpected(c)
		}
		a := p.next()
		if !isOperand(a) {
			return t, p.unexpected(a)
		}
		a, err := p.postfix(a)
		if err != nil {
			return a, err
		}
		if c := p.next(); c.kind != tRParen {
			return t, p.unexpected(c)
		}
		a.fn, a.fnTok = functions[fn.text], &fn
		return a, nil
	}
	if !isOperand(t) {
		return t, p.unexpected(t)
	}
	return p.postfix(t)
}

// postfix attaches to operand t the layer operator and the slice that
// follow it.
func (p *parser) postfix(t token) (token, *Error) {
	if l := p.peek(); l.kind == tLayer {
		if l.err != nil {
			return t, l.err
		}
		t.layers = p.next().layers
	}
	if p.peek().kind == tSlice {
		t.slice = p.next().layers
	}
	return t, nil
}

func (p *parser) set(a, in token, neg bool) (*ast, *Error) {
	if t := p.next(); t.kind != tLBrace {
		return nil, p.unexpected(t)
	}
	n := &ast{kind: aIn, a: a, opTok: in, neg: neg}
	for {
		lo := p.next()
		if !isOperand(lo) {
			return nil, p.unexpected(lo)
		}
		if p.peek().kind == tLayer {
			return nil, errAt(lo.pos, len(lo.text), "%s is not a valid field", lo.text)
		}
		m := member{lo: lo}
		if p.peek().kind == tDotDot {
			p.next()
			hi := p.next()
			if !isOperand(hi) {
				return nil, p.unexpected(hi)
			}
			m.hi, m.isRange = hi, true
		}
		if len(n.set) >= MaxSetMembers {
			return nil, errAt(lo.pos, len(lo.text), "The set has more than %d members.", MaxSetMembers)
		}
		n.set = append(n.set, m)
		switch t := p.next(); t.kind {
		case tComma:
			continue
		case tRBrace:
			return n, nil
		default:
			return nil, p.unexpected(t)
		}
	}
}
