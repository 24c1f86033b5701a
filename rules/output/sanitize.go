package output

// Falco renders text values into outputs (the message and output_fields)
// sanitized: every sequence that is not printable UTF-8 becomes one U+FFFD
// replacement character. That covers ASCII control characters and DEL,
// C1 controls, Unicode non-characters, and malformed UTF-8, where each
// maximal ill-formed subpart (Unicode §3.9) counts as one sequence. A
// command line with a newline or an escape sequence so cannot forge a line
// or colour a terminal in an alert. Conditions still see the raw value.

const replacement = "\uFFFD"

// printableSeq looks at the sequence that starts s: n > 0 is a printable
// UTF-8 sequence of n bytes; n < 0 is -n bytes to replace.
func printableSeq(s string) int {
	c := s[0]
	switch {
	case c < 0x80:
		if c >= 0x20 && c != 0x7f {
			return 1
		}
		return -1
	case c < 0xc2: // a stray continuation byte, or an overlong lead
		return -1
	case c < 0xe0:
		if len(s) < 2 || !cont(s[1], 0x80, 0xbf) {
			return -1
		}
		if cp := rune(c&0x1f)<<6 | rune(s[1]&0x3f); cp <= 0x9f {
			return -2 // C1 control
		}
		return 2
	case c < 0xf0:
		lo, hi := byte(0x80), byte(0xbf)
		if c == 0xe0 {
			lo = 0xa0 // overlong below
		} else if c == 0xed {
			hi = 0x9f // surrogates above
		}
		switch {
		case len(s) < 2 || !cont(s[1], lo, hi):
			return -1
		case len(s) < 3 || !cont(s[2], 0x80, 0xbf):
			return -2
		}
		cp := rune(c&0x0f)<<12 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f)
		if cp >= 0xfdd0 && cp <= 0xfdef || cp >= 0xfffe {
			return -3 // non-character
		}
		return 3
	case c <= 0xf4:
		lo, hi := byte(0x80), byte(0xbf)
		if c == 0xf0 {
			lo = 0x90 // overlong below
		} else if c == 0xf4 {
			hi = 0x8f // beyond U+10FFFF above
		}
		switch {
		case len(s) < 2 || !cont(s[1], lo, hi):
			return -1
		case len(s) < 3 || !cont(s[2], 0x80, 0xbf):
			return -2
		case len(s) < 4 || !cont(s[3], 0x80, 0xbf):
			return -3
		}
		cp := rune(c&0x07)<<18 | rune(s[1]&0x3f)<<12 | rune(s[2]&0x3f)<<6 | rune(s[3]&0x3f)
		if cp&0xffff >= 0xfffe {
			return -4 // non-character at the end of a plane
		}
		return 4
	}
	return -1
}

func cont(b, lo, hi byte) bool { return b >= lo && b <= hi }

// printable reports whether s needs no replacement; the common case, and
// the only work done for it.
func printable(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		n := printableSeq(s[i:])
		if n < 0 {
			return false
		}
		i += n
	}
	return true
}

// appendSanitized appends s with each unprintable sequence replaced.
func appendSanitized(dst []byte, s string) []byte {
	if printable(s) {
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		n := printableSeq(s[i:])
		if n > 0 {
			dst = append(dst, s[i:i+n]...)
			i += n
			continue
		}
		dst = append(dst, replacement...)
		i -= n
	}
	return dst
}

// sanitized is s with each unprintable sequence replaced; s itself when
// nothing needs replacing.
func sanitized(s string) string {
	if printable(s) {
		return s
	}
	return string(appendSanitized(make([]byte, 0, len(s)+8), s))
}
