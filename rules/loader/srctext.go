package loader

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// sourceFile is one rules file (or in-memory source) being read.
type sourceFile struct {
	name       string
	data       []byte
	lineStarts []int // byte offset of each line, computed on first use
}

func (f *sourceFile) lineCol(off int) (int, int) {
	if f.lineStarts == nil {
		f.lineStarts = []int{0}
		for i, c := range f.data {
			if c == '\n' {
				f.lineStarts = append(f.lineStarts, i+1)
			}
		}
	}
	l := sort.Search(len(f.lineStarts), func(i int) bool { return f.lineStarts[i] > off }) - 1
	if l < 0 {
		l = 0
	}
	return l + 1, off - f.lineStarts[l] + 1
}

// offset is the byte offset of a 1-based line and column, clamped to the file.
func (f *sourceFile) offset(line, col int) int {
	f.lineCol(0)
	if line < 1 {
		return 0
	}
	if line > len(f.lineStarts) {
		return len(f.data)
	}
	off := f.lineStarts[line-1] + col - 1
	if off > len(f.data) {
		off = len(f.data)
	}
	if off < 0 {
		off = 0
	}
	return off
}

// nodeRef is a YAML node in a file: where a value (or made-up text about
// it, such as an exception compiled to condition text) came from.
type nodeRef struct {
	file *sourceFile
	node *yaml.Node
}

func (r *nodeRef) start() Position {
	if r == nil || r.node == nil {
		return Position{}
	}
	return Position{File: r.file.name, Line: r.node.Line, Col: r.node.Column}
}

// posOf maps byte off of the node's scalar value to its place in the file.
// YAML may fold lines, strip indentation and decode escapes, so there is no
// arithmetic mapping: walk the value and the source together, matching
// equal bytes and skipping what only one side has. This runs only when a
// diagnostic is being built.
func (r *nodeRef) posOf(off int) Position {
	start := r.start()
	n := r.node
	if n == nil || n.Kind != yaml.ScalarNode || off < 0 {
		return start
	}
	src := r.file.data
	j := r.file.offset(n.Line, n.Column)
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// Content starts on the line after the block indicator.
		for j < len(src) && src[j] != '\n' {
			j++
		}
		j++
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		j++
	}
	v := n.Value
	if off > len(v) {
		off = len(v)
	}
	for i := 0; i < off; {
		if j >= len(src) {
			return start
		}
		c, d := v[i], src[j]
		switch {
		case c == d:
			i++
			j++
		case c == '\n' || c == ' ':
			i++ // a folded or escaped line break: nothing to match
		default:
			j++ // indentation, escape or quote doubling in the source
		}
	}
	// Skip what the source has before the next value byte (line breaks and
	// indentation of a folded scalar), so the position is on that byte.
	if off < len(v) {
		for j < len(src) && src[j] != v[off] && (src[j] == ' ' || src[j] == '\n' || src[j] == '\r') {
			j++
		}
	}
	l, c := r.file.lineCol(j)
	return Position{File: r.file.name, Line: l, Col: c}
}

// text is condition text that remembers where each byte came from, so an
// error found after appends, exceptions and list pasting still points into
// the rules file.
type text struct {
	s     string
	spans []span
}

type span struct {
	start int      // offset in s where this span begins
	ref   *nodeRef // origin; nil when unknown
	off   int      // offset in ref's value of s[start]; -1: the node itself
	fixed bool     // every byte of the span maps to the same place
}

// scalarText is the value of a scalar node, mapped byte for byte.
func scalarText(ref *nodeRef, value string) text {
	return text{s: value, spans: []span{{start: 0, ref: ref, off: 0}}}
}

// madeText is text the loader composed (exception conditions, the blanks
// and parentheses it adds); every byte maps to ref's node.
func madeText(s string, ref *nodeRef) text {
	return text{s: s, spans: []span{{start: 0, ref: ref, off: -1, fixed: true}}}
}

func (t text) spanAt(off int) int {
	k := sort.Search(len(t.spans), func(i int) bool { return t.spans[i].start > off }) - 1
	if k < 0 {
		k = 0
	}
	return k
}

// origin returns where byte off of t came from.
func (t text) origin(off int) (*nodeRef, int) {
	if len(t.spans) == 0 {
		return nil, -1
	}
	sp := t.spans[t.spanAt(off)]
	if sp.fixed || sp.off < 0 {
		return sp.ref, sp.off
	}
	return sp.ref, sp.off + off - sp.start
}

// pos maps byte off of t to a file position.
func (t text) pos(off int) Position {
	ref, o := t.origin(off)
	if ref == nil {
		return Position{}
	}
	if o < 0 {
		return ref.start()
	}
	return ref.posOf(o)
}

// slice returns t.s[a:b] with its origins.
func (t text) slice(a, b int) text {
	if a >= b {
		return text{}
	}
	out := text{s: t.s[a:b]}
	for k := t.spanAt(a); k < len(t.spans) && t.spans[k].start < b; k++ {
		sp := t.spans[k]
		if sp.start < a {
			if !sp.fixed && sp.off >= 0 {
				sp.off += a - sp.start
			}
			sp.start = a
		}
		sp.start -= a
		out.spans = append(out.spans, sp)
	}
	return out
}

// joinText concatenates texts with their origins.
func joinText(parts ...text) text {
	n := 0
	for _, p := range parts {
		n += len(p.s)
	}
	var b strings.Builder
	b.Grow(n)
	var spans []span
	for _, p := range parts {
		base := b.Len()
		b.WriteString(p.s)
		if p.s == "" {
			continue
		}
		for _, sp := range p.spans {
			sp.start += base
			spans = append(spans, sp)
		}
	}
	return text{s: b.String(), spans: spans}
}

// fixedAt is s with every byte mapped to where byte off of t came from:
// used for list items pasted over a list name.
func (t text) fixedAt(s string, off int) text {
	ref, o := t.origin(off)
	return text{s: s, spans: []span{{start: 0, ref: ref, off: o, fixed: true}}}
}
