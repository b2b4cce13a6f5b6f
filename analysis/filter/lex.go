package filter

import "strings"

type tokKind uint8

const (
	tEOF tokKind = iota
	tErr         // a lexical error, reported when the parser reaches it
	tLParen
	tRParen
	tLBrace
	tRBrace
	tComma
	tDotDot
	tAnd
	tOr
	tNot
	tIn
	tCmp    // a comparison operator; op says which
	tWord   // an unquoted literal or a field name
	tString // a quoted string; val is its unescaped content
	tLayer  // a layer operator (#2, #[1-3]); layers holds its ranges
	tSlice  // a slice ([0:2]); layers holds its ranges
	tFunc   // a function name (len, count, upper, lower) before "("
)

// cmpOp is a comparison operator, with Wireshark 4.0's meaning.
type cmpOp uint8

const (
	opAnyEq    cmpOp = iota // == eq any_eq: some occurrence equals
	opAllNe                 // != ne all_ne: no occurrence equals (4.0: "a != b" is "!(a == b)")
	opAnyNe                 // ~= !== any_ne: some occurrence differs
	opAllEq                 // === all_eq: every occurrence equals
	opGt                    // > gt
	opGe                    // >= ge
	opLt                    // < lt
	opLe                    // <= le
	opContains              // contains
	opMatches               // matches
	opIn                    // in {…}
)

type token struct {
	kind tokKind
	op   cmpOp
	pos  int
	text string // the token as written
	val  string // tString: the unescaped content
	raw  bool   // tString: r"…"
	err  *Error // tErr
	// layers are the ranges of a layer operator: of a tLayer token, and
	// of the operand it follows once the parser attached it; slice those
	// of a slice (tSlice, then the operand's).
	layers, slice []layerRange
	// fn is the function an operand is the argument of (fnNone for none),
	// fnTok its name's token.
	fn    uint8
	fnTok *token
}

var keywords = map[string]struct {
	kind tokKind
	op   cmpOp
}{
	"and":      {tAnd, 0},
	"or":       {tOr, 0},
	"not":      {tNot, 0},
	"in":       {tIn, opIn},
	"eq":       {tCmp, opAnyEq},
	"any_eq":   {tCmp, opAnyEq},
	"ne":       {tCmp, opAllNe},
	"all_ne":   {tCmp, opAllNe},
	"any_ne":   {tCmp, opAnyNe},
	"all_eq":   {tCmp, opAllEq},
	"gt":       {tCmp, opGt},
	"ge":       {tCmp, opGe},
	"lt":       {tCmp, opLt},
	"le":       {tCmp, opLe},
	"contains": {tCmp, opContains},
	"matches":  {tCmp, opMatches},
}

// symbols, longest first.
var symbols = []struct {
	s    string
	kind tokKind
	op   cmpOp
}{
	{"===", tCmp, opAllEq},
	{"!==", tCmp, opAnyNe},
	{"==", tCmp, opAnyEq},
	{"!=", tCmp, opAllNe},
	{"~=", tCmp, opAnyNe},
	{">=", tCmp, opGe},
	{"<=", tCmp, opLe},
	{"&&", tAnd, 0},
	{"||", tOr, 0},
	{"..", tDotDot, 0},
	{">", tCmp, opGt},
	{"<", tCmp, opLt},
	{"!", tNot, 0},
	{"(", tLParen, 0},
	{")", tRParen, 0},
	{"{", tLBrace, 0},
	{"}", tRBrace, 0},
	{",", tComma, 0},
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '/' || c == '-'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// lex splits s into tokens. It stops at the first lexical error, which it
// appends as a tErr token, so that a syntax error earlier in the filter is
// reported first, as tshark's scanner and parser run together.
func lex(s string) []token {
	var toks []token
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return append(toks, token{kind: tEOF, pos: len(s)})
		}
		t, n := lexOne(s, i)
		toks = append(toks, t)
		if t.kind == tErr {
			return toks
		}
		i += n
	}
}

func lexOne(s string, i int) (token, int) {
	c := s[i]
	if c == '"' || (c == 'r' || c == 'R') && i+1 < len(s) && s[i+1] == '"' {
		return lexString(s, i)
	}
	if isWordByte(c) && !strings.HasPrefix(s[i:], "..") {
		j := i
		for j < len(s) && isWordByte(s[j]) && !strings.HasPrefix(s[j:], "..") {
			j++
		}
		w := s[i:j]
		if w == "-" {
			return unsupported(i, 1, `Arithmetic ("-") is not supported yet.`), 0
		}
		if k, ok := keywords[w]; ok {
			return token{kind: k.kind, op: k.op, pos: i, text: w}, j - i
		}
		k := j
		for k < len(s) && isSpace(s[k]) {
			k++
		}
		if k < len(s) && s[k] == '(' {
			if _, ok := functions[w]; ok {
				return token{kind: tFunc, pos: i, text: w}, j - i
			}
			return unsupported(i, j-i, `Functions such as "%s()" are not supported yet.`, w), 0
		}
		return token{kind: tWord, pos: i, text: w}, j - i
	}
	if c == '#' {
		return lexLayer(s, i)
	}
	for _, sym := range symbols {
		if strings.HasPrefix(s[i:], sym.s) {
			return token{kind: sym.kind, op: sym.op, pos: i, text: sym.s}, len(sym.s)
		}
	}
	switch c {
	case '[':
		return lexSlice(s, i)
	case '$':
		return unsupported(i, 1, `Field references ("${…}") are not supported yet.`), 0
	case '@':
		return unsupported(i, 1, `Raw field references ("@…") are not supported yet.`), 0
	case '+', '*', '%':
		return unsupported(i, 1, `Arithmetic ("%c") is not supported yet.`, c), 0
	case '&', '|':
		return unsupported(i, 1, `Bitwise operators ("%c") are not supported yet.`, c), 0
	}
	n := 1
	if c >= 0x80 {
		// Name the whole UTF-8 sequence.
		for n < 4 && i+n < len(s) && s[i+n]&0xc0 == 0x80 {
			n++
		}
	}
	return token{kind: tErr, pos: i, err: errAt(i, n, "%q was unexpected in this context.", s[i:i+n])}, 0
}

func unsupported(pos, n int, format string, args ...any) token {
	return token{kind: tErr, pos: pos, err: errAt(pos, n, format, args...)}
}

// lexString reads a quoted string at s[i] ("…" or r"…"). Escapes, as in
// Wireshark 4.0: \\ \" \' \a \b \f \n \r \t \v, \xHH (one or two hex
// digits) and \NNN (one to three octal digits); raw strings keep
// backslashes, but \" still does not end them.
func lexString(s string, i int) (token, int) {
	start := i
	raw := s[i] != '"'
	if raw {
		i++
	}
	i++ // the opening quote
	var b strings.Builder
	for {
		if i >= len(s) {
			return token{kind: tErr, pos: start, err: errAt(len(s), 1, "The final quote was missing from a quoted string.")}, 0
		}
		c := s[i]
		if c == '"' {
			i++
			break
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return token{kind: tErr, pos: start, err: errAt(len(s), 1, "The final quote was missing from a quoted string.")}, 0
		}
		e := s[i+1]
		if raw {
			b.WriteByte('\\')
			b.WriteByte(e)
			i += 2
			continue
		}
		switch e {
		case '\\', '"', '\'':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			j, v := i+2, 0
			for j < len(s) && j < i+4 && hexVal(s[j]) >= 0 {
				v = v<<4 | hexVal(s[j])
				j++
			}
			if j == i+2 {
				return token{kind: tErr, pos: start, err: errAt(i, 2, `\x is not a valid character escape sequence`)}, 0
			}
			b.WriteByte(byte(v))
			i = j
			continue
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j, v := i+1, 0
			for j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7' {
				v = v<<3 | int(s[j]-'0')
				j++
			}
			if v > 0xff {
				return token{kind: tErr, pos: start, err: errAt(i, j-i, `%s is not a valid octal escape sequence`, s[i:j])}, 0
			}
			b.WriteByte(byte(v))
			i = j
			continue
		default:
			n := 2
			if e >= 0x80 {
				for n < 5 && i+n < len(s) && s[i+n]&0xc0 == 0x80 {
					n++
				}
			}
			return token{kind: tErr, pos: start, err: errAt(i, n, `%s is not a valid character escape sequence`, s[i:i+n])}, 0
		}
		i += 2
	}
	return token{kind: tString, pos: start, text: s[start:i], val: b.String(), raw: raw}, i - start
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
