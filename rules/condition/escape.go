package condition

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeError is a bad escape sequence at byte At of the quoted token.
type escapeError struct {
	At  int
	Msg string
}

// unquote decodes a quoted token (delimiters included). The rules (spec
// §2.5): \b \f \n \r \t are control characters, \\ and \/ are themselves,
// \" only inside "…" and \' only inside '…', \xHH is a byte, and a backslash
// followed by a space is a lone backslash (old rules files rely on it). Any
// other escape is an error.
func unquote(tok string) (string, *escapeError) {
	q := tok[0]
	body := tok[1 : len(tok)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		at := i + 1 // offset of the backslash in tok
		i++
		if i >= len(body) {
			// Cannot happen for tokens the scanner produced: a closing quote
			// right after a backslash does not close the string.
			return "", &escapeError{at, "incomplete escape sequence at the end of a quoted string"}
		}
		switch e := body[i]; e {
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
		case '\\', ' ':
			b.WriteByte('\\')
		case '/':
			b.WriteByte('/')
		case '"', '\'':
			if e != q {
				return "", &escapeError{at, fmt.Sprintf(`invalid escape '\%c' in a %c-quoted string`, e, q)}
			}
			b.WriteByte(e)
		case 'x':
			if !isHex(hexAt(body, i+1)) || !isHex(hexAt(body, i+2)) {
				end := i + 3
				if end > len(body) {
					end = len(body)
				}
				return "", &escapeError{at, fmt.Sprintf(`invalid escape '\%s': \x needs two hexadecimal digits`, body[i:end])}
			}
			b.WriteByte(unhex(body[i+1])<<4 | unhex(body[i+2]))
			i += 2
		default:
			return "", &escapeError{at, unsupportedEscape(body[i:])}
		}
	}
	return b.String(), nil
}

func hexAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// unsupportedEscape names the character after a backslash: as itself when
// printable (whole UTF-8 sequence, never half of one), else as a byte value.
func unsupportedEscape(s string) string {
	if r, n := utf8.DecodeRuneInString(s); r != utf8.RuneError && unicode.IsPrint(r) {
		return fmt.Sprintf(`unsupported escape sequence '\%s' in a quoted string`, s[:n])
	}
	return fmt.Sprintf("unsupported escape sequence in a quoted string: backslash followed by byte 0x%02x", s[0])
}

// Quote renders s as a double-quoted condition string that the lexer reads
// back as exactly s. A trailing backslash is written as "\ " because "\\"
// right before the closing quote would stop the quote from closing the
// string (spec §2.5).
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			if i == len(s)-1 {
				b.WriteString(`\ `)
			} else {
				b.WriteString(`\\`)
			}
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
