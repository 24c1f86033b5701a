package rego

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vigil-sec/vigil/rules/native/fnmatch"
)

// The glob, iglob and pmatch operators follow fnmatch(3) without
// FNM_PATHNAME, as the native engine's fnmatch package does: * is any text
// (slashes included), ? any one character, [...] a bracket expression
// ([!...] or [^...] negated, ] first is literal, a-z ranges, [:class:]
// classes, backslash escapes), a backslash quotes the next character, and an
// unclosed [ is an ordinary character. These translate to RE2 patterns.
//
// One difference is inherent: fnmatch works on bytes and RE2 on UTF-8
// characters, so ? and bracket expressions meet a multi-byte character as
// one character in Rego and as several bytes natively. Patterns and values
// in ASCII (all the upstream rules) behave the same.

// globRegexp translates a whole pattern into an anchored RE2 pattern. With
// fold, letters match either case; callers then also fold the value.
func globRegexp(p string, fold bool) string {
	return `\A(?s:` + globBody(p, fold, false) + `)\z`
}

// globBody translates a pattern; for a pmatch path component (component
// true) no wildcard may match "/".
func globBody(p string, fold, component bool) string {
	anyText, oneChar := ".*", "."
	if component {
		anyText, oneChar = "[^/]*", "[^/]"
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			for i+1 < len(p) && p[i+1] == '*' {
				i++
			}
			b.WriteString(anyText)
		case '?':
			b.WriteString(oneChar)
		case '[':
			set, width, ok := bracketSet(p[i:], fold)
			if !ok {
				b.WriteString(literal('[', fold))
				continue
			}
			if component {
				set['/'] = false
			}
			b.WriteString(set.class())
			i += width - 1
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(literal(p[i], fold))
			} else {
				b.WriteString(literal('\\', fold))
			}
		default:
			b.WriteString(literal(c, fold))
		}
	}
	return b.String()
}

// literal matches one pattern byte. Non-ASCII bytes are copied as they are:
// the pattern's multi-byte characters stay whole in the output.
func literal(c byte, fold bool) string {
	if fold && 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	if c >= 0x80 {
		return string([]byte{c})
	}
	return regexp.QuoteMeta(string([]byte{c}))
}

// byteSet is the set of bytes a bracket expression matches.
type byteSet [256]bool

// class renders the set as an RE2 character class. ASCII members are listed;
// when the set holds the non-ASCII bytes (a negated bracket), every
// non-ASCII character is included.
func (s *byteSet) class() string {
	var b strings.Builder
	b.WriteByte('[')
	n := 0
	for c := 0; c < 0x80; c++ {
		if !s[c] {
			continue
		}
		start := c
		for c+1 < 0x80 && s[c+1] {
			c++
		}
		fmt.Fprintf(&b, `\x{%x}`, start)
		if c > start {
			fmt.Fprintf(&b, `-\x{%x}`, c)
		}
		n++
	}
	if s[0x80] {
		b.WriteString(`\x{80}-\x{10ffff}`)
		n++
	}
	if n == 0 {
		// An empty class matches nothing; RE2 has no [] syntax for it.
		return `[^\x00-\x{10ffff}]`
	}
	b.WriteByte(']')
	return b.String()
}

// bracketSet returns the bytes that the bracket expression at the start of p
// matches and its width, or ok false when it is not terminated. It asks
// fnmatch about every byte, so the two engines cannot disagree on a class.
func bracketSet(p string, fold bool) (set byteSet, width int, ok bool) {
	for c := range set {
		m, w, valid := fnmatch.MatchBracket(p, byte(c), fold)
		if !valid {
			return set, 0, false
		}
		set[c], width = m, w
	}
	if fold {
		// The value is folded to lower case before matching.
		for c := 'A'; c <= 'Z'; c++ {
			set[c] = false
		}
	}
	return set, width, true
}

// pmatchRegexp turns one pmatch path into an alternative of an anchored
// pattern. Paths compare component by component, components being the
// non-empty parts between slashes: the value matches when its first
// components match the path's (each path component a pattern that matches
// one value component), whatever follows. A path without components ("/")
// matches everything.
func pmatchRegexp(path string) string {
	var comps []string
	for _, c := range strings.Split(path, "/") {
		switch {
		case c == "":
		case strings.Trim(c, "*") == "":
			// Only stars: any one component, which is never empty.
			comps = append(comps, "[^/]+")
		default:
			comps = append(comps, globBody(c, false, true))
		}
	}
	if len(comps) == 0 {
		return `(?s:.*)`
	}
	return `(?s:/*` + strings.Join(comps, `/+`) + `(?:/.*)?)`
}
