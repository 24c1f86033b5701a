// Package output compiles Falco output templates ("... file=%fd.name
// parent=%proc.aname[2] %12proc.name %tolower(proc.name)") and renders them
// for events: as text into a caller's buffer, and as the typed, ordered
// output_fields that alerts carry (spec/falco-language.md §4,
// spec/falco-output-format.md §2-§3).
package output

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/native"
)

// NA is what a value that cannot be extracted prints as.
const NA = "<NA>"

// Format is a compiled output template. It is immutable and safe for
// concurrent use.
type Format struct {
	text     string
	segments []segment
	fields   []outField
}

// segment is literal text or one %token.
type segment struct {
	literal string
	value   *native.Value
	field   string // field name, for time formatting
	width   int
	// removed tokens (%container.info) print nothing.
	removed bool
}

// outField is one output_fields entry.
type outField struct {
	key   string
	value *native.Value
	name  string
}

// Error is an invalid output template.
type Error struct {
	// Offset is the byte offset of the bad token in the template.
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// Compile parses a template. Each "%" starts a token: an optional decimal
// width, then a field (the longest prefix that names a known field, with an
// optional [argument]) or a transformer call. The error, if any, is an
// *Error.
func Compile(text string) (*Format, error) {
	f := &Format{text: text}
	seen := map[string]bool{}
	lit := strings.Builder{}
	flush := func() {
		if lit.Len() > 0 {
			f.segments = append(f.segments, segment{literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c != '%' {
			lit.WriteByte(c)
			i++
			continue
		}
		start := i
		i++
		width := 0
		for i < len(text) && text[i] >= '0' && text[i] <= '9' {
			width = width*10 + int(text[i]-'0')
			if width > 1<<16 {
				return nil, &Error{Offset: start, Msg: "width of formatting token is too large"}
			}
			i++
		}
		tok, n, err := scanToken(text[i:])
		if err != nil {
			return nil, &Error{Offset: start, Msg: err.Error()}
		}
		if tok == "" {
			return nil, &Error{Offset: start, Msg: fmt.Sprintf("invalid formatting token %q: '%%' must be followed by a field or a transformer", shorten(text[start:]))}
		}
		i += n
		flush()
		if tok == "container.info" {
			f.segments = append(f.segments, segment{removed: true})
			continue
		}
		op, err := parseOperand(tok)
		if err != nil {
			return nil, &Error{Offset: start, Msg: fmt.Sprintf("invalid formatting token %%%s: %v", tok, err)}
		}
		v, err := native.CompileOperand(op, true)
		if err != nil {
			return nil, &Error{Offset: start, Msg: fmt.Sprintf("invalid formatting token %%%s: %s", tok, plainMsg(err))}
		}
		seg := segment{value: v, width: width}
		if fd := v.Field(); fd != nil {
			seg.field = fd.Name
		}
		f.segments = append(f.segments, seg)
		if err := f.addFields(op, seen); err != nil {
			return nil, &Error{Offset: start, Msg: err.Error()}
		}
	}
	flush()
	return f, nil
}

func plainMsg(err error) string {
	var ne *native.Error
	if errors.As(err, &ne) {
		return ne.Msg
	}
	return err.Error()
}

// addFields records the output_fields keys of one token: the field itself,
// or the fields inside a transformer call, each once.
func (f *Format) addFields(op condition.Operand, seen map[string]bool) error {
	var err error
	walkFields(op, func(ref *condition.FieldRef) {
		if err != nil {
			return
		}
		key := condition.OperandString(ref)
		if seen[key] {
			return
		}
		seen[key] = true
		v, cerr := native.CompileOperand(ref, true)
		if cerr != nil {
			err = cerr
			return
		}
		f.fields = append(f.fields, outField{key: key, value: v, name: v.Field().Name})
	})
	return err
}

func walkFields(op condition.Operand, fn func(*condition.FieldRef)) {
	switch o := op.(type) {
	case *condition.FieldRef:
		fn(o)
	case *condition.Transform:
		for _, a := range o.Args {
			walkFields(a, fn)
		}
	case *condition.ArgList:
		for _, a := range o.Items {
			walkFields(a, fn)
		}
	}
}

var transformerNames = []string{"tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"}

// scanToken finds the token after "%" (and the width): a transformer call
// with balanced parentheses, or the longest run that names a field, plus
// its [argument]. It returns the token text and its length in s.
func scanToken(s string) (string, int, error) {
	for _, t := range transformerNames {
		if strings.HasPrefix(s, t+"(") {
			end, err := closeParen(s, len(t))
			if err != nil {
				return "", 0, err
			}
			end = withBracket(s, end)
			return s[:end], end, nil
		}
	}
	run := 0
	for run < len(s) && isFieldChar(s[run]) {
		run++
	}
	cand := s[:run]
	for cand != "" {
		if _, _, ok := fields.Resolve(cand); ok && startsLetter(cand) {
			break
		}
		if cand == "container.info" {
			return cand, len(cand), nil
		}
		j := strings.LastIndexByte(cand, '.')
		if j < 0 {
			cand = ""
			break
		}
		cand = cand[:j]
	}
	if cand == "" {
		return "", 0, nil
	}
	end := len(cand)
	if end == run {
		end = withBracket(s, end)
	}
	return s[:end], end, nil
}

func isFieldChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
}

func startsLetter(s string) bool {
	return s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// closeParen returns the index just past the ")" matching the "(" at open,
// skipping quoted strings.
func closeParen(s string, open int) (int, error) {
	depth := 0
	for i := open; i < len(s); i++ {
		switch c := s[i]; c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"', '\'':
			j := i + 1
			for j < len(s) && (s[j] != c || s[j-1] == '\\') {
				j++
			}
			if j == len(s) {
				return 0, fmt.Errorf("unterminated quoted string in transformer call %q", shorten(s))
			}
			i = j
		}
	}
	return 0, fmt.Errorf("transformer call %q is missing its closing ')'", shorten(s))
}

// withBracket extends a token ending at end over a following "[arg]".
func withBracket(s string, end int) int {
	if end >= len(s) || s[end] != '[' {
		return end
	}
	if j := strings.IndexByte(s[end:], ']'); j > 0 {
		return end + j + 1
	}
	return end
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// parseOperand parses a token with the condition parser, so outputs accept
// exactly the field and transformer syntax conditions do.
func parseOperand(tok string) (condition.Operand, error) {
	e, err := condition.Parse(tok + " exists")
	if err != nil {
		var ce *condition.Error
		if errors.As(err, &ce) {
			return nil, errors.New(ce.Msg)
		}
		return nil, err
	}
	c, ok := e.(*condition.Check)
	if !ok {
		return nil, fmt.Errorf("not a field or transformer")
	}
	return c.LHS, nil
}

// Text returns the template as written.
func (f *Format) Text() string { return f.text }

// Fields returns the output_fields keys: the fields as written in the
// template (normalised: "proc.aname[2]", "evt.arg.flags"), in order of first
// use, each once. Fields inside transformer calls are listed by themselves.
func (f *Format) Fields() []string {
	out := make([]string, len(f.fields))
	for i, fl := range f.fields {
		out[i] = fl.key
	}
	return out
}

var scratchPool = sync.Pool{New: func() any { return &fields.Scratch{B: make([]byte, 0, 256)} }}

// Append renders the template for ev, appending to dst. Values that cannot
// be extracted print as <NA>. It does not allocate when dst has room.
func (f *Format) Append(dst []byte, ev fields.Event) []byte {
	sc := scratchPool.Get().(*fields.Scratch)
	for i := range f.segments {
		s := &f.segments[i]
		switch {
		case s.removed:
		case s.value == nil:
			dst = append(dst, s.literal...)
		default:
			start := len(dst)
			m := sc.Mark()
			dst = appendValue(dst, s.value, s.field, ev, sc)
			sc.Release(m)
			if s.width > 0 {
				dst = fitWidth(dst, start, s.width)
			}
		}
	}
	sc.B = sc.B[:0]
	scratchPool.Put(sc)
	return dst
}

// fitWidth pads the value that starts at start with spaces, or truncates
// it, to exactly width bytes (Falco's %Nfield).
func fitWidth(dst []byte, start, width int) []byte {
	n := len(dst) - start
	if n > width {
		return dst[:start+width]
	}
	for ; n < width; n++ {
		dst = append(dst, ' ')
	}
	return dst
}

func appendValue(dst []byte, v *native.Value, field string, ev fields.Event, sc *fields.Scratch) []byte {
	if v.Shape() == fields.ListOf {
		n, ok := v.Len(ev, sc)
		if !ok {
			return append(dst, NA...)
		}
		dst = append(dst, '(')
		for i := 0; i < n; i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			if v.Type().Numeric() {
				x, _ := v.IntAt(ev, sc, i)
				dst = strconv.AppendInt(dst, x, 10)
			} else {
				s, _ := v.StrAt(ev, sc, i)
				dst = appendSanitized(dst, s)
			}
		}
		return append(dst, ')')
	}
	switch t := v.Type(); {
	case t.Numeric():
		x, ok := v.Int(ev, sc)
		if !ok {
			return append(dst, NA...)
		}
		if t == fields.AbsTime {
			if out, ok := appendTime(dst, field, x); ok {
				return out
			}
		}
		return strconv.AppendInt(dst, x, 10)
	case t == fields.Bool:
		b, ok := v.Bool(ev, sc)
		if !ok {
			return append(dst, NA...)
		}
		return strconv.AppendBool(dst, b)
	case t == fields.Bytes:
		b, ok := v.Bytes(ev, sc)
		if !ok {
			return append(dst, NA...)
		}
		return appendPrintable(dst, b)
	default:
		s, ok := v.Str(ev, sc)
		if !ok {
			return append(dst, NA...)
		}
		return appendSanitized(dst, s)
	}
}

// appendTime renders the event-time fields the way Falco prints them.
func appendTime(dst []byte, field string, ns int64) ([]byte, bool) {
	t := time.Unix(0, ns)
	switch field {
	case "evt.time", "jevt.time":
		return t.Local().AppendFormat(dst, "15:04:05.000000000"), true
	case "evt.time.s":
		return t.Local().AppendFormat(dst, "15:04:05"), true
	case "evt.time.iso8601", "jevt.time.iso8601":
		return t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000000-0700"), true
	case "evt.datetime":
		return t.Local().AppendFormat(dst, "2006-01-02 15:04:05.000000000"), true
	}
	return dst, false
}

// appendPrintable renders a byte buffer as Falco prints one: printable ASCII
// as is, every other byte as ".".
func appendPrintable(dst, b []byte) []byte {
	for _, c := range b {
		if c < ' ' || c >= 0x7f {
			c = '.'
		}
		dst = append(dst, c)
	}
	return dst
}
