package condition

import "strings"

// scanner walks condition text byte by byte. The condition language has no
// context-free token stream (the same characters are a bare string in one
// place and a macro name in another), so the parser asks the scanner for the
// token it expects at each point, as libsinsp's parser does.
//
// A NUL byte ends the text for every token class: libsinsp reads conditions as
// C strings, so anything after a NUL can never be consumed and the parse fails
// with "unexpected token".
type scanner struct {
	src string
	pos Pos
}

func newScanner(src string) scanner {
	return scanner{src: src, pos: Pos{Offset: 0, Line: 1, Col: 1}}
}

func (s *scanner) eof() bool { return s.pos.Offset >= len(s.src) }

// peek returns the byte at the cursor plus i, or 0 past the end.
func (s *scanner) peek(i int) byte {
	if j := s.pos.Offset + i; j < len(s.src) {
		return s.src[j]
	}
	return 0
}

func (s *scanner) rest() string { return s.src[s.pos.Offset:] }

// advance moves the cursor n bytes, counting lines at LF.
func (s *scanner) advance(n int) {
	for i := 0; i < n && s.pos.Offset < len(s.src); i++ {
		if s.src[s.pos.Offset] == '\n' {
			s.pos.Line++
			s.pos.Col = 1
		} else {
			s.pos.Col++
		}
		s.pos.Offset++
	}
}

// isBlank reports the separators of the language: space, TAB, backspace, CR
// and LF. Form feed and vertical tab are not blanks.
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isIdentRest(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_'
}

// isBareStr reports bytes allowed in a bare string value.
func isBareStr(c byte) bool {
	switch c {
	case 0, '(', ')', '"', '\'', '=', ',':
		return false
	}
	return !isBlank(c)
}

// isBareArg reports bytes allowed in an unquoted field argument.
func isBareArg(c byte) bool {
	switch c {
	case 0, '[', ']', '"', '\'':
		return false
	}
	return !isBlank(c)
}

// blank skips blanks and reports whether there were any.
func (s *scanner) blank() bool {
	n := 0
	for isBlank(s.peek(n)) {
		n++
	}
	s.advance(n)
	return n > 0
}

// lit consumes str if the text at the cursor starts with it.
func (s *scanner) lit(str string) bool {
	if strings.HasPrefix(s.rest(), str) {
		s.advance(len(str))
		return true
	}
	return false
}

// identLen is the length of an identifier at offset i of the cursor:
// a letter, then letters, digits and underscores.
func (s *scanner) identLen(i int) int {
	if !isLetter(s.peek(i)) {
		return 0
	}
	n := 1
	for isIdentRest(s.peek(i + n)) {
		n++
	}
	return n
}

// take consumes n bytes and returns them.
func (s *scanner) take(n int) string {
	t := s.src[s.pos.Offset : s.pos.Offset+n]
	s.advance(n)
	return t
}

// identifier lexes [a-zA-Z][a-zA-Z0-9_]*.
func (s *scanner) identifier() (string, bool) {
	n := s.identLen(0)
	if n == 0 {
		return "", false
	}
	return s.take(n), true
}

// fieldNameLen is the length of a field name at the cursor: identifiers
// joined by dots, at least one dot.
func (s *scanner) fieldNameLen() int {
	n := s.identLen(0)
	if n == 0 {
		return 0
	}
	dots := 0
	for s.peek(n) == '.' {
		m := s.identLen(n + 1)
		if m == 0 {
			break
		}
		n += 1 + m
		dots++
	}
	if dots == 0 {
		return 0
	}
	return n
}

func (s *scanner) fieldName() (string, bool) {
	n := s.fieldNameLen()
	if n == 0 {
		return "", false
	}
	return s.take(n), true
}

func (s *scanner) run(ok func(byte) bool) (string, bool) {
	n := 0
	for ok(s.peek(n)) {
		n++
	}
	if n == 0 {
		return "", false
	}
	return s.take(n), true
}

func (s *scanner) bareStr() (string, bool) { return s.run(isBareStr) }
func (s *scanner) bareArg() (string, bool) { return s.run(isBareArg) }

// number lexes a hexadecimal number (0x then alphanumerics) or a decimal
// one: optional sign, digits, optional point and digits, optional exponent
// with a mandatory sign.
func (s *scanner) number() (string, bool) {
	if s.peek(0) == '0' && (s.peek(1) == 'x' || s.peek(1) == 'X') && (isLetter(s.peek(2)) || isDigit(s.peek(2))) {
		n := 3
		for isLetter(s.peek(n)) || isDigit(s.peek(n)) {
			n++
		}
		return s.take(n), true
	}
	n := 0
	if c := s.peek(0); c == '+' || c == '-' {
		n++
	}
	if !isDigit(s.peek(n)) {
		return "", false
	}
	for isDigit(s.peek(n)) {
		n++
	}
	if s.peek(n) == '.' {
		n++
		for isDigit(s.peek(n)) {
			n++
		}
	}
	if c := s.peek(n); c == 'e' || c == 'E' {
		if sg := s.peek(n + 1); (sg == '+' || sg == '-') && isDigit(s.peek(n+2)) {
			n += 2
			for isDigit(s.peek(n)) {
				n++
			}
		}
	}
	return s.take(n), true
}

// quotedLen returns the length of the quoted string at the cursor including
// both quotes, or 0 when there is no quote or it is never closed. The string
// ends at the first delimiter whose preceding byte is not a backslash: the
// byte before, not "an unescaped quote", so "a\\" does not end at its last
// quote. This mirrors libsinsp and is part of the language.
func (s *scanner) quotedLen() int {
	q := s.peek(0)
	if q != '"' && q != '\'' {
		return 0
	}
	prev := q
	for i := 1; ; i++ {
		c := s.peek(i)
		if c == 0 {
			return 0
		}
		if c == q && prev != '\\' {
			return i + 1
		}
		prev = c
	}
}
