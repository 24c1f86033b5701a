package condition

import (
	"fmt"
	"strings"
)

// DefaultMaxDepth is the recursion limit Falco applies to rule conditions
// (libsinsp's own default is 100).
const DefaultMaxDepth = 1000

// Error is a syntax error at a position inside the condition text.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

// Parser parses conditions with a recursion limit. The zero value uses
// DefaultMaxDepth.
type Parser struct {
	// MaxDepth bounds the parser's recursion; deeply nested parentheses,
	// transformers or negations beyond it are an error, never a stack
	// overflow. A parenthesised sub-expression costs about five levels.
	MaxDepth int
}

// Parse parses a complete condition with DefaultMaxDepth.
func Parse(text string) (Expr, error) { return Parser{}.Parse(text) }

// Parse parses a complete condition: the whole text must be one expression.
// The error, if any, is an *Error.
func (p Parser) Parse(text string) (e Expr, err error) {
	max := p.MaxDepth
	if max <= 0 {
		max = DefaultMaxDepth
	}
	ps := &parseState{s: newScanner(text), max: max}
	if text == "" {
		return nil, &Error{Pos: ps.s.pos, Msg: "condition is empty"}
	}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			e, err = nil, pe
		}
	}()
	e = ps.or()
	if !ps.s.eof() {
		ps.failf("unexpected token %s, expecting 'and', 'or' or the end of the condition", ps.found())
	}
	return e, nil
}

type parseState struct {
	s          scanner
	depth, max int
}

// fail aborts the parse; Parse turns the panic back into an error value.
func (p *parseState) failAt(pos Pos, format string, args ...any) {
	panic(&Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// failf reports an error at the next token (blanks skipped), so the
// position points at the offending text, not at the blanks before it.
func (p *parseState) failf(format string, args ...any) {
	p.s.blank()
	p.failAt(p.s.pos, format, args...)
}

// failHere reports an error exactly at the cursor, where blanks are not
// allowed (inside brackets); the last format verb receives what is found.
func (p *parseState) failHere(format, what string) {
	found := ""
	if isBlank(p.s.peek(0)) {
		found = "a blank"
	} else {
		at := p.s.pos
		found = p.found()
		p.s.pos = at
	}
	p.failAt(p.s.pos, format, what, found)
}

// found describes the text at the cursor for an error message: the token
// that starts there, quoted, or "end of condition".
func (p *parseState) found() string {
	p.s.blank()
	s := &p.s
	if s.eof() {
		return "end of condition"
	}
	var tok string
	switch c := s.peek(0); {
	case c == 0:
		return "a NUL byte"
	case c == '"' || c == '\'':
		if n := s.quotedLen(); n > 0 {
			tok = s.rest()[:n]
		} else {
			tok = s.rest()
		}
	case isBareStr(c):
		n := 0
		for isBareStr(s.peek(n)) {
			n++
		}
		tok = s.rest()[:n]
	default:
		tok = s.rest()[:1]
	}
	return "'" + shorten(tok) + "'"
}

// shorten keeps error messages readable when the offending token is long.
func shorten(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}

func (p *parseState) enter() {
	p.depth++
	if p.depth >= p.max {
		p.failAt(p.s.pos, "condition is nested too deeply: the depth limit is %d", p.max)
	}
}

func (p *parseState) leave() { p.depth-- }

// or := and ( "or" (BLANK and | "(" expr ")") )*
func (p *parseState) or() Expr {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	children := []Expr{p.and()}
	p.s.blank()
	for p.s.lit("or") {
		children = append(children, p.afterKeyword("or", p.and))
		p.s.blank()
	}
	if len(children) == 1 {
		return children[0]
	}
	return &Or{At: at, Children: children}
}

// and := not ( "and" (BLANK not | "(" expr ")") )*
func (p *parseState) and() Expr {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	children := []Expr{p.not()}
	p.s.blank()
	for p.s.lit("and") {
		children = append(children, p.afterKeyword("and", p.not))
		p.s.blank()
	}
	if len(children) == 1 {
		return children[0]
	}
	return &And{At: at, Children: children}
}

// afterKeyword parses what follows "and"/"or": a blank and an operand, or
// a parenthesised expression with no blank before it.
func (p *parseState) afterKeyword(kw string, operand func() Expr) Expr {
	if p.s.blank() {
		return operand()
	}
	if p.s.lit("(") {
		return p.embedded()
	}
	p.failf("expected a blank or '(' after '%s', found %s", kw, p.found())
	return nil
}

// not := ("not" BLANK+)* ( "not(" expr ")" | check ); each "not" toggles.
func (p *parseState) not() Expr {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	neg := false
	for strings.HasPrefix(p.s.rest(), "not") && isBlank(p.s.peek(3)) {
		p.s.advance(3)
		p.s.blank()
		neg = !neg
	}
	var child Expr
	if p.s.lit("not(") {
		neg = !neg
		child = p.embedded()
	} else {
		child = p.check()
	}
	if neg {
		return &Not{At: at, Child: child}
	}
	return child
}

// embedded parses the rest of a parenthesised expression after its "(".
func (p *parseState) embedded() Expr {
	p.enter()
	defer p.leave()
	p.s.blank()
	e := p.or()
	p.s.blank()
	if !p.s.lit(")") {
		p.failf("expected 'and', 'or' or ')', found %s", p.found())
	}
	return e
}

// check := "(" expr ")" | (field | transformer) condition | identifier
func (p *parseState) check() Expr {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	if p.s.lit("(") {
		return p.embedded()
	}
	if name, ok := p.s.fieldName(); ok {
		return p.condition(p.fieldRest(name, at), at)
	}
	if tr, ok := p.transformerStart(); ok {
		return p.condition(p.transform(tr, at), at)
	}
	if id, ok := p.s.identifier(); ok {
		return &MacroRef{At: at, Name: id}
	}
	p.failf("expected a field check, a macro name, 'not' or '(', found %s", p.found())
	return nil
}

// fieldRest parses the optional [ARG] after a field name.
func (p *parseState) fieldRest(name string, at Pos) *FieldRef {
	f := &FieldRef{At: at, Name: name}
	if !p.s.lit("[") {
		return f
	}
	if arg, ok := p.quoted(); ok {
		f.Arg = arg
	} else if arg, ok := p.s.bareArg(); ok {
		f.Arg = arg
	} else {
		p.failHere("expected an argument (a quoted or bare string) after '%s[', found %s", name)
	}
	f.HasArg = true
	if !p.s.lit("]") {
		p.failHere("expected ']' closing the argument of '%s', found %s", name)
	}
	return f
}

// quoted lexes a quoted string and unescapes it. An opening quote that is
// never closed is an error here: no other token may start with a quote.
func (p *parseState) quoted() (string, bool) {
	c := p.s.peek(0)
	if c != '"' && c != '\'' {
		return "", false
	}
	n := p.s.quotedLen()
	if n == 0 {
		p.failAt(p.s.pos, "unterminated quoted string %s", "'"+shorten(p.s.rest())+"'")
	}
	start := p.s.pos
	tok := p.s.take(n)
	v, e := unquote(tok)
	if e != nil {
		p.failAt(posIn(start, tok, e.At), "%s", e.Msg)
	}
	return v, true
}

// posIn is the position of byte i of text that starts at start.
func posIn(start Pos, text string, i int) Pos {
	s := scanner{src: text, pos: Pos{Line: start.Line, Col: start.Col}}
	s.advance(i)
	s.pos.Offset += start.Offset
	return s.pos
}

var transformerNames = []struct {
	prefix string
	tr     Transformer
}{
	{"tolower(", TrToLower}, {"toupper(", TrToUpper}, {"b64(", TrB64},
	{"basename(", TrBasename}, {"len(", TrLen}, {"join(", TrJoin},
	{"concat(", TrConcat}, {"getopt(", TrGetopt},
}

// transformerStart consumes "name(" of a transformer call.
func (p *parseState) transformerStart() (Transformer, bool) {
	r := p.s.rest()
	for _, t := range transformerNames {
		if strings.HasPrefix(r, t.prefix) {
			p.s.advance(len(t.prefix))
			return t.tr, true
		}
	}
	return TrInvalid, false
}

// multiArg reports the transformers that take an argument list (libs 0.25+);
// the others take exactly one field or nested transformer.
func multiArg(t Transformer) bool { return t == TrJoin || t == TrConcat || t == TrGetopt }

// transform parses a transformer call after its "name(": the arguments, the
// closing parenthesis and an optional [ARG].
func (p *parseState) transform(tr Transformer, at Pos) *Transform {
	p.enter()
	defer p.leave()
	t := &Transform{At: at, Name: tr}
	if multiArg(tr) {
		p.argList(t)
	} else {
		p.s.blank()
		argAt := p.s.pos
		if inner, ok := p.transformerStart(); ok {
			t.Args = []Operand{p.transform(inner, argAt)}
		} else if name, ok := p.s.fieldName(); ok {
			t.Args = []Operand{p.fieldRest(name, argAt)}
		} else {
			p.failf("expected a field or a transformer as the argument of '%s(', found %s", tr, p.found())
		}
		p.s.blank()
		if !p.s.lit(")") {
			p.failf("expected ')' closing '%s(', found %s", tr, p.found())
		}
	}
	if p.s.lit("[") {
		if arg, ok := p.quoted(); ok {
			t.Index = arg
		} else if arg, ok := p.s.bareArg(); ok {
			t.Index = arg
		} else {
			p.failHere("expected an argument (a quoted or bare string) after '%s(...)[', found %s", tr.String())
		}
		t.HasIndex = true
		if !p.s.lit("]") {
			p.failHere("expected ']' closing the argument of '%s(...)', found %s", tr.String())
		}
	}
	return t
}

// argList parses the comma-separated arguments of join, concat and getopt
// up to and including the closing parenthesis, then checks their number.
func (p *parseState) argList(t *Transform) {
	for {
		t.Args = append(t.Args, p.arg(t.Name, true))
		p.s.blank()
		if p.s.lit(",") {
			continue
		}
		if p.s.lit(")") {
			break
		}
		p.failf("expected ',' or ')' after an argument of '%s(', found %s", t.Name, p.found())
	}
	switch n := len(t.Args); {
	case t.Name == TrConcat && n < 2:
		p.failAt(t.At, "'concat' takes at least 2 arguments, found %d", n)
	case t.Name != TrConcat && n != 2:
		p.failAt(t.At, "'%s' takes 2 arguments, found %d", t.Name, n)
	}
}

// arg parses one argument of a multi-argument transformer: a field, a
// transformer, a quoted string, a number, or (at the top level only) a
// parenthesised list of those.
func (p *parseState) arg(tr Transformer, listOK bool) Operand {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	if inner, ok := p.transformerStart(); ok {
		return p.transform(inner, at)
	}
	if name, ok := p.s.fieldName(); ok {
		return p.fieldRest(name, at)
	}
	if v, ok := p.quoted(); ok {
		return &Literal{At: at, Text: v, Quoted: true}
	}
	if v, ok := p.s.number(); ok {
		return &Literal{At: at, Text: v}
	}
	if listOK && p.s.lit("(") {
		l := &ArgList{At: at}
		p.s.blank()
		if p.s.lit(")") {
			return l
		}
		for {
			l.Items = append(l.Items, p.arg(tr, false))
			p.s.blank()
			if p.s.lit(",") {
				continue
			}
			if p.s.lit(")") {
				return l
			}
			p.failf("expected ',' or ')' in an argument list of '%s(', found %s", tr, p.found())
		}
	}
	if listOK {
		p.failf("expected an argument of '%s(': a field, a transformer, a quoted string, a number or a parenthesised list, found %s", tr, p.found())
	}
	p.failf("expected an item of an argument list of '%s(': a field, a transformer, a quoted string or a number, found %s", tr, p.found())
	return nil
}

var wordOps = []struct {
	word string
	op   Operator
}{
	{"contains", OpContains}, {"icontains", OpIContains}, {"bcontains", OpBContains},
	{"startswith", OpStartsWith}, {"bstartswith", OpBStartsWith}, {"endswith", OpEndsWith},
	{"glob", OpGlob}, {"iglob", OpIGlob}, {"regex", OpRegex},
}

var symOps = []struct {
	sym string
	op  Operator
}{
	{"<=", OpLe}, {"<", OpLt}, {">=", OpGe}, {">", OpGt},
	{"==", OpEq}, {"=", OpEq}, {"!=", OpNe},
}

var listOps = []struct {
	word string
	op   Operator
}{
	{"intersects", OpIntersects}, {"in", OpIn}, {"pmatch", OpPmatch},
}

const opChoices = "exists, =, ==, !=, <, <=, >, >=, contains, icontains, bcontains, startswith, bstartswith, endswith, glob, iglob, regex, in, intersects, pmatch"

// condition parses the operator and right side of a check. Symbol
// operators, list operators and exists need no blank after them; word
// operators do ("proc.name in(a)" is fine, "proc.name contains(a)" is not).
func (p *parseState) condition(lhs Operand, at Pos) Expr {
	p.enter()
	defer p.leave()
	p.s.blank()
	c := &Check{At: at, LHS: lhs}
	r := p.s.rest()
	if p.s.lit("exists") {
		c.Op = OpExists
		return c
	}
	for _, o := range symOps {
		if p.s.lit(o.sym) {
			c.Op = o.op
			if o.op == OpEq || o.op == OpNe {
				c.RHS, c.Modifier = p.strValue(o.sym)
			} else {
				c.RHS = p.numValue(o.sym)
			}
			return c
		}
	}
	for _, o := range wordOps {
		if strings.HasPrefix(r, o.word) && isBlank(p.s.peek(len(o.word))) {
			p.s.advance(len(o.word))
			c.Op = o.op
			c.RHS, c.Modifier = p.strValue(o.word)
			return c
		}
	}
	for _, o := range listOps {
		if p.s.lit(o.word) {
			c.Op = o.op
			c.RHS = p.listValue(o.word)
			return c
		}
	}
	p.failf("expected an operator (one of %s), found %s", opChoices, p.found())
	return nil
}

// numValue := number | val(field) | transformer
func (p *parseState) numValue(op string) Value {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	if v := p.transformOrVal(); v != nil {
		return v
	}
	if n, ok := p.s.number(); ok {
		return &Literal{At: at, Text: n}
	}
	p.failf("expected a number or a transformer after '%s', found %s", op, p.found())
	return nil
}

var modifiers = []struct {
	word string
	mod  Modifier
}{{"oneof", ModOneOf}, {"anyof", ModAnyOf}, {"allof", ModAllOf}}

// modifierAhead reports a oneof/anyof/allof modifier at the cursor: the
// word, a blank, then "(" or an identifier that is not a keyword. Anything
// else leaves the word to be read as a plain value ("proc.name = oneof").
func (p *parseState) modifierAhead() (Modifier, int) {
	r := p.s.rest()
	for _, m := range modifiers {
		n := len(m.word)
		if !strings.HasPrefix(r, m.word) || !isBlank(p.s.peek(n)) {
			continue
		}
		for isBlank(p.s.peek(n)) {
			n++
		}
		if p.s.peek(n) == '(' {
			return m.mod, n
		}
		if l := p.s.identLen(n); l > 0 {
			switch r[n : n+l] {
			case "and", "or", "not":
				return ModNone, 0
			}
			return m.mod, n
		}
	}
	return ModNone, 0
}

// strValue := modifier list | val(field) | transformer | quoted | bare
func (p *parseState) strValue(op string) (Value, Modifier) {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	if m, n := p.modifierAhead(); m != ModNone {
		p.s.advance(n)
		return p.listValue(op + " " + m.String()), m
	}
	if v := p.transformOrVal(); v != nil {
		return v, ModNone
	}
	if v, ok := p.quoted(); ok {
		return &Literal{At: at, Text: v, Quoted: true}, ModNone
	}
	if v, ok := p.s.bareStr(); ok {
		return &Literal{At: at, Text: v}, ModNone
	}
	p.failf("expected a value after '%s': a bare or quoted string or a transformer, found %s", op, p.found())
	return nil, ModNone
}

// listValue := "(" [item ("," item)*] ")" | val(field) | transformer | identifier
func (p *parseState) listValue(op string) Value {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	if p.s.lit("(") {
		return p.listBody(at)
	}
	if v := p.transformOrVal(); v != nil {
		return v
	}
	if id, ok := p.s.identifier(); ok {
		return &List{At: at, Items: []Literal{{At: at, Text: id}}}
	}
	p.failf("expected a list, a list name or a transformer after '%s', found %s", op, p.found())
	return nil
}

// listBody parses list items after "(": quoted or bare strings separated
// by commas; "()" is the empty list.
func (p *parseState) listBody(at Pos) *List {
	l := &List{At: at, Items: []Literal{}}
	p.s.blank()
	if p.s.lit(")") {
		return l
	}
	for {
		p.s.blank()
		itemAt := p.s.pos
		if v, ok := p.quoted(); ok {
			l.Items = append(l.Items, Literal{At: itemAt, Text: v, Quoted: true})
		} else if v, ok := p.s.bareStr(); ok {
			l.Items = append(l.Items, Literal{At: itemAt, Text: v})
		} else if len(l.Items) == 0 {
			p.failf("expected a list item (a bare or quoted string) or ')', found %s", p.found())
		} else {
			p.failf("expected a list item (a bare or quoted string) after ',', found %s", p.found())
		}
		p.s.blank()
		if p.s.lit(",") {
			continue
		}
		if p.s.lit(")") {
			return l
		}
		p.failf("expected ',' or ')' in a list, found %s", p.found())
	}
}

// transformOrVal parses val(field) or a transformer call on the right side,
// or returns nil when neither starts at the cursor.
func (p *parseState) transformOrVal() Value {
	p.enter()
	defer p.leave()
	p.s.blank()
	at := p.s.pos
	if p.s.lit("val(") {
		p.s.blank()
		fat := p.s.pos
		name, ok := p.s.fieldName()
		if !ok {
			p.failf("expected a field inside 'val(', found %s", p.found())
		}
		f := p.fieldRest(name, fat)
		p.s.blank()
		if !p.s.lit(")") {
			p.failf("expected ')' closing 'val(', found %s", p.found())
		}
		return &FieldValue{At: at, Field: f}
	}
	if tr, ok := p.transformerStart(); ok {
		return &TransformValue{At: at, Transform: p.transform(tr, at)}
	}
	return nil
}
