// Package fnmatch matches text against shell wildcard patterns the way
// fnmatch(3) does with no flags (FNM_PATHNAME off, so "*" and "?" also match
// "/"; FNM_PERIOD off; backslash escapes on), optionally with ASCII case
// folding (FNM_CASEFOLD). Falco's glob, iglob and pmatch operators use these
// semantics. Matching works on bytes and never allocates.
package fnmatch

// Match reports whether name matches pattern.
func Match(pattern, name string) bool { return match(pattern, name, false) }

// MatchFold is Match with ASCII letters compared case-insensitively.
func MatchFold(pattern, name string) bool { return match(pattern, name, true) }

// HasMeta reports whether pattern contains a wildcard, bracket expression or
// escape, i.e. whether it can match anything other than itself.
func HasMeta(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '?', '[', '\\':
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// match walks pattern and name together. A "*" records a restart point; on a
// later mismatch the star absorbs one more byte. Without FNM_PATHNAME one
// restart point is enough: a later star supersedes an earlier one.
func match(p, s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, -1
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				for pi < len(p) && p[pi] == '*' {
					pi++
				}
				if pi == len(p) {
					return true
				}
				starP, starS = pi, si
				continue
			case '?':
				pi++
				si++
				continue
			case '[':
				if ok, width, valid := MatchBracket(p[pi:], s[si], fold); valid {
					if ok {
						pi += width
						si++
						continue
					}
				} else if s[si] == '[' {
					// An unterminated bracket is an ordinary character.
					pi++
					si++
					continue
				}
			case '\\':
				lit := byte('\\')
				step := 1
				if pi+1 < len(p) {
					lit = p[pi+1]
					step = 2
				}
				if eq(lit, s[si], fold) {
					pi += step
					si++
					continue
				}
			default:
				if eq(c, s[si], fold) {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func eq(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	return fold && lower(a) == lower(b)
}

// MatchBracket matches one byte against the bracket expression at the start
// of p. valid is false when the expression is not terminated, in which case
// "[" is an ordinary character; width does not depend on c. It is exported
// for the Rego translator, which turns bracket expressions into byte sets
// and must agree with Match byte for byte.
func MatchBracket(p string, c byte, fold bool) (ok bool, width int, valid bool) {
	i := 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	matched := false
	first := true
	for {
		if i >= len(p) {
			return false, 0, false
		}
		lo := p[i]
		if lo == ']' && !first {
			i++
			break
		}
		first = false
		if lo == '[' && i+1 < len(p) && p[i+1] == ':' {
			if end := classEnd(p, i+2); end >= 0 {
				if inClass(p[i+2:end], c, fold) {
					matched = true
				}
				i = end + 2
				continue
			}
		}
		if lo == '\\' && i+1 < len(p) {
			i++
			lo = p[i]
		}
		i++
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			hi = p[i+1]
			i += 2
			if hi == '\\' && i < len(p) {
				hi = p[i]
				i++
			}
		}
		if inRange(lo, hi, c, fold) {
			matched = true
		}
	}
	return matched != negate, i, true
}

// classEnd returns the index of the ":]" that closes a character class
// name starting at from (just after "[:"), or -1 if there is none.
func classEnd(p string, from int) int {
	for j := from; j+1 < len(p); j++ {
		if p[j] == ':' && p[j+1] == ']' {
			return j
		}
		if p[j] < 'a' || p[j] > 'z' {
			return -1
		}
	}
	return -1
}

// inRange reports whether c lies in the bracket range lo-hi, either case
// counting when fold is set.
func inRange(lo, hi, c byte, fold bool) bool {
	if lo <= c && c <= hi {
		return true
	}
	if fold {
		lc := lower(c)
		uc := lc
		if 'a' <= lc && lc <= 'z' {
			uc = lc - 'a' + 'A'
		}
		return (lo <= lc && lc <= hi) || (lo <= uc && uc <= hi)
	}
	return false
}

// inClass reports whether c belongs to the POSIX class [:name:] (ASCII
// only); with fold, upper and lower also match the other case.
func inClass(name string, c byte, fold bool) bool {
	isUpper := 'A' <= c && c <= 'Z'
	isLower := 'a' <= c && c <= 'z'
	isDigit := '0' <= c && c <= '9'
	switch name {
	case "alpha":
		return isUpper || isLower
	case "digit":
		return isDigit
	case "alnum":
		return isUpper || isLower || isDigit
	case "upper":
		return isUpper || (fold && isLower)
	case "lower":
		return isLower || (fold && isUpper)
	case "space":
		return c == ' ' || ('\t' <= c && c <= '\r')
	case "blank":
		return c == ' ' || c == '\t'
	case "punct":
		return c > ' ' && c < 0x7f && !(isUpper || isLower || isDigit)
	case "print":
		return c >= ' ' && c < 0x7f
	case "graph":
		return c > ' ' && c < 0x7f
	case "cntrl":
		return c < ' ' || c == 0x7f
	case "xdigit":
		return isDigit || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
	}
	return false
}
