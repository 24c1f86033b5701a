package eventgen

import (
	"encoding/hex"
	"math/rand"
	"net/netip"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// absent is the candidate "the field cannot be extracted".
type absentValue struct{}

var absent = absentValue{}

// lhsField resolves the left side of a check to a field; transformers are
// not inverted, so checks on them get no candidates.
func lhsField(c *condition.Check) (*fields.Field, string, bool, bool) {
	fr, ok := c.LHS.(*condition.FieldRef)
	if !ok {
		return nil, "", false, false
	}
	f, dotted, ok := fields.Resolve(fr.Name)
	if !ok {
		return nil, "", false, false
	}
	if dotted != "" {
		return f, dotted, true, true
	}
	return f, fr.Arg, fr.HasArg, true
}

func literals(v condition.Value) []string {
	switch v := v.(type) {
	case *condition.Literal:
		return []string{v.Text}
	case *condition.List:
		out := make([]string, len(v.Items))
		for i, it := range v.Items {
			out[i] = it.Text
		}
		return out
	}
	return nil
}

// candidates proposes values for the check's field that may give it the
// wanted truth value; the caller keeps the first that does.
func (g *Generator) candidates(c constraint, ev *Event) []any {
	f, arg, hasArg, ok := lhsField(c.check)
	if !ok {
		return nil
	}
	items := literals(c.check.RHS)
	op := c.check.Op
	var out []any
	add := func(v ...any) { out = append(out, v...) }
	typed := func(s string) any { return g.typed(f.Type, s) }
	if cur, ok := currentText(f, arg, hasArg, ev); ok && c.want && f.Type == fields.String {
		// Several checks on one field (contains, then glob, then endswith):
		// extend the value the earlier checks settled on.
		for _, it := range g.shuffled(items) {
			switch op {
			case condition.OpContains, condition.OpEndsWith:
				add(cur+it, cur+"/"+it)
			case condition.OpIContains:
				add(cur + swapCase(it))
			case condition.OpStartsWith:
				add(it+cur, it+"/"+cur)
			}
		}
	}
	if c.want {
		switch op {
		case condition.OpExists:
			add(g.randomValue(f.Type))
		case condition.OpEq, condition.OpIn, condition.OpIntersects:
			if c.check.Modifier == condition.ModNone || c.check.Modifier == condition.ModAnyOf || c.check.Modifier == condition.ModOneOf {
				for _, it := range g.shuffled(items) {
					add(typed(it))
				}
			}
		case condition.OpNe:
			for _, it := range items {
				add(typed(g.mutate(it)))
			}
			add(g.randomValue(f.Type))
		case condition.OpLt, condition.OpLe, condition.OpGt, condition.OpGe:
			for _, it := range items {
				if n, err := strconv.ParseInt(it, 0, 64); err == nil {
					add(n-1, n, n+1)
				}
			}
		case condition.OpContains, condition.OpBContains, condition.OpIContains:
			parts := items
			if op == condition.OpBContains {
				parts = decodeHex(items)
			}
			if c.check.Modifier == condition.ModAllOf {
				add(typed(g.word() + strings.Join(parts, " ") + g.word()))
			}
			for _, it := range g.shuffled(parts) {
				if op == condition.OpIContains {
					it = swapCase(it)
				}
				add(typed(g.word()+" "+it+" "+g.word()), typed(it))
			}
		case condition.OpStartsWith, condition.OpBStartsWith:
			parts := items
			if op == condition.OpBStartsWith {
				parts = decodeHex(items)
			}
			for _, it := range g.shuffled(parts) {
				add(typed(it+"/"+g.word()), typed(it))
			}
		case condition.OpEndsWith:
			for _, it := range g.shuffled(items) {
				add(typed("/"+g.word()+"/"+it), typed(it))
			}
		case condition.OpGlob, condition.OpIGlob:
			for _, it := range g.shuffled(items) {
				add(typed(g.instantiateGlob(it)), typed(g.instantiateGlob(it)))
			}
		case condition.OpRegex:
			for _, it := range g.shuffled(items) {
				if s, ok := g.fromRegex(it); ok {
					add(typed(s))
				}
			}
		case condition.OpPmatch:
			for _, it := range g.shuffled(items) {
				p := g.instantiatePath(it)
				add(typed(p), typed(strings.TrimSuffix(p, "/")+"/"+g.word()))
			}
		}
		if f.Type == fields.IPAddr || f.Type == fields.IPNet {
			for _, it := range items {
				if p, err := netip.ParsePrefix(it); err == nil && op != condition.OpNe {
					add(p.Masked().Addr().Next().String())
				}
			}
		}
		return out
	}
	// The check must fail: leave the field out, or give it a value it
	// rejects.
	add(absent)
	switch op {
	case condition.OpNe:
		for _, it := range items {
			add(typed(it))
		}
	case condition.OpLt, condition.OpLe, condition.OpGt, condition.OpGe:
		for _, it := range items {
			if n, err := strconv.ParseInt(it, 0, 64); err == nil {
				add(n-1, n, n+1)
			}
		}
	case condition.OpExists:
	default:
		for _, it := range items {
			add(typed(g.mutate(it)))
		}
		add(g.randomValue(f.Type), g.randomValue(f.Type))
	}
	if f.Type == fields.Bool {
		add(true, false)
	}
	return out
}

func (g *Generator) shuffled(s []string) []string {
	out := append([]string(nil), s...)
	g.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > 6 {
		out = out[:6]
	}
	return out
}

func decodeHex(items []string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		if b, err := hex.DecodeString(it); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// typed converts constant text to a value of the field's type.
func (g *Generator) typed(t fields.Type, s string) any {
	switch {
	case t.Numeric():
		if n, err := strconv.ParseInt(s, 0, 64); err == nil {
			return n
		}
		return int64(g.rng.Intn(100000))
	case t == fields.Bool:
		return s == "true"
	case t == fields.Bytes:
		return []byte(s)
	case t == fields.IPAddr || t == fields.IPNet:
		if p, err := netip.ParsePrefix(s); err == nil {
			return p.Masked().Addr().Next().String()
		}
	}
	return s
}

func (g *Generator) randomValue(t fields.Type) any {
	switch {
	case t.Numeric():
		return int64(g.rng.Intn(70000))
	case t == fields.Bool:
		return g.rng.Intn(2) == 0
	case t == fields.Bytes:
		return []byte(g.word())
	case t == fields.IPAddr || t == fields.IPNet:
		return g.pick([]string{"10.1.2.3", "8.8.8.8", "192.168.1.1", "::1", "2001:db8::7", "127.0.0.1"})
	}
	if g.rng.Intn(2) == 0 {
		return g.pick(paths)
	}
	return g.pick(procNames)
}

func (g *Generator) word() string {
	return g.pick([]string{"x", "abc", "tmp", "run", "data", "1", "opt", "Foo"})
}

// mutate changes text a little: a near miss of a constant.
func (g *Generator) mutate(s string) string {
	switch g.rng.Intn(5) {
	case 0:
		return s + "x"
	case 1:
		if len(s) > 1 {
			return s[:len(s)-1]
		}
		return s + "y"
	case 2:
		return swapCase(s)
	case 3:
		return "/" + g.word() + s
	}
	return g.pick(procNames)
}

func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// instantiateGlob returns a string the fnmatch pattern matches: stars
// become short words, ? a letter, brackets their first member.
func (g *Generator) instantiateGlob(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			if g.rng.Intn(3) > 0 {
				b.WriteString(g.word())
			}
		case '?':
			b.WriteByte('a')
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteByte(p[i])
			}
		case '[':
			end := strings.IndexByte(p[i+1:], ']')
			if end < 0 {
				b.WriteByte('[')
				continue
			}
			body := p[i+1 : i+1+end]
			if end == 0 { // "[]...]": ] is the first member
				b.WriteByte(']')
				i += 1 + strings.IndexByte(p[i+2:], ']') + 1
				continue
			}
			if body[0] == '!' || body[0] == '^' {
				b.WriteByte('z')
			} else {
				b.WriteByte(body[0])
			}
			i += end + 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// instantiatePath fills the wildcard components of a pmatch path.
func (g *Generator) instantiatePath(p string) string {
	comps := strings.Split(p, "/")
	for i, c := range comps {
		if strings.ContainsAny(c, "*?[\\") {
			comps[i] = g.instantiateGlob(c)
			if comps[i] == "" {
				comps[i] = "x"
			}
		}
	}
	return strings.Join(comps, "/")
}

// fromRegex builds a string the (anchored) pattern matches by walking its
// syntax tree.
func (g *Generator) fromRegex(p string) (string, bool) {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	ok := g.emitRegex(&b, re.Simplify(), 0)
	return b.String(), ok
}

func (g *Generator) emitRegex(b *strings.Builder, re *syntax.Regexp, depth int) bool {
	if depth > 50 {
		return false
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
		return true
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return false
		}
		lo := re.Rune[0]
		if lo < ' ' && len(re.Rune) > 1 && re.Rune[1] >= 'a' {
			lo = 'a'
		}
		b.WriteRune(lo)
		return true
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteByte('a')
		return true
	case syntax.OpCapture:
		return g.emitRegex(b, re.Sub[0], depth+1)
	case syntax.OpStar, syntax.OpQuest:
		if g.rng.Intn(2) == 0 {
			return true
		}
		return g.emitRegex(b, re.Sub[0], depth+1)
	case syntax.OpPlus:
		return g.emitRegex(b, re.Sub[0], depth+1)
	case syntax.OpRepeat:
		for i := 0; i < re.Min; i++ {
			if !g.emitRegex(b, re.Sub[0], depth+1) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !g.emitRegex(b, s, depth+1) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		return g.emitRegex(b, re.Sub[g.rng.Intn(len(re.Sub))], depth+1)
	}
	return false
}

var _ = rand.Int

// currentText is the field's current text value in ev, if any.
func currentText(f *fields.Field, arg string, hasArg bool, ev *Event) (string, bool) {
	if f.Type != fields.String {
		return "", false
	}
	acc, err := fields.NewAccessor(f, arg, hasArg)
	if err != nil || acc.Shape() != fields.Single {
		return "", false
	}
	s, ok := acc.Str(ev.Fields(), &fields.Scratch{})
	return strings.Clone(s), ok
}
