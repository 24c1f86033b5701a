package native

import (
	"encoding/base64"
	"strings"
	"unsafe"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// transformValue compiles a transformer call. Semantics follow libsinsp:
// tolower/toupper/basename work on text (ASCII case mapping); b64 decodes
// standard base64 text or bytes (a value that does not decode is not
// extractable); len is the byte length of text or bytes, or the number of
// items of a list; join(sep, list) joins a list's text items; concat(a, b,
// ...) concatenates two or more text values; getopt(args, optstring) parses
// a list of arguments like getopt(3) into option letters and values, or with
// getopt(...)[c] yields the value (or letter) of the last option c.
func transformValue(t *condition.Transform, forOutput bool) (*Value, *Error) {
	if t.HasIndex && t.Name != condition.TrGetopt {
		return nil, errorf(t.At, "transformer '%s' does not take an argument in brackets", t.Name)
	}
	switch t.Name {
	case condition.TrToLower, condition.TrToUpper, condition.TrB64, condition.TrBasename, condition.TrLen:
		if len(t.Args) != 1 {
			return nil, errorf(t.At, "transformer '%s' takes exactly one field or transformer argument", t.Name)
		}
		arg, err := transformArg(t, t.Args[0], forOutput)
		if err != nil {
			return nil, err
		}
		return singleArgTransform(t, arg)
	case condition.TrJoin:
		return joinTransform(t, forOutput)
	case condition.TrConcat:
		return concatTransform(t, forOutput)
	case condition.TrGetopt:
		return getoptTransform(t, forOutput)
	}
	return nil, errorf(t.At, "unknown transformer")
}

// transformArg compiles a transformer argument and enforces the fields'
// NoTransformer flag.
func transformArg(t *condition.Transform, op condition.Operand, forOutput bool) (*Value, *Error) {
	if ref, ok := op.(*condition.FieldRef); ok {
		f, _, _, err := resolveField(ref)
		if err != nil {
			return nil, err
		}
		if f.NoTransformer {
			return nil, errorf(ref.At, "field '%s' cannot be used inside transformer '%s'", f.Name, t.Name)
		}
	}
	if l, ok := op.(*condition.ArgList); ok {
		return listArg(t, l, forOutput)
	}
	v, err := compileOperand(op, forOutput)
	if err != nil {
		return nil, err
	}
	if v.shape == fields.AnyOf {
		return nil, errorf(op.Position(), "'%s' has several candidate values and cannot be used inside transformer '%s'", v.text, t.Name)
	}
	return v, nil
}

func singleArgTransform(t *condition.Transform, arg *Value) (*Value, *Error) {
	text := t.Name.String() + "(" + arg.text + ")"
	pos := t.Args[0].Position()
	out := &Value{typ: arg.typ, shape: arg.shape, text: text, cost: arg.cost + 2}
	switch t.Name {
	case condition.TrToLower, condition.TrToUpper, condition.TrBasename:
		if !isStringType(arg.typ) {
			return nil, errorf(pos, "transformer '%s' needs a string argument, '%s' is %s", t.Name, arg.text, arg.typ)
		}
		var fn func(string, *fields.Scratch) string
		switch t.Name {
		case condition.TrToLower:
			fn = func(s string, sc *fields.Scratch) string { return mapASCII(s, sc, false) }
		case condition.TrToUpper:
			fn = func(s string, sc *fields.Scratch) string { return mapASCII(s, sc, true) }
		default:
			fn = func(s string, _ *fields.Scratch) string { return basename(s) }
		}
		if arg.shape == fields.Single {
			out.str = func(ev fields.Event, sc *fields.Scratch) (string, bool) {
				s, ok := arg.str(ev, sc)
				if !ok {
					return "", false
				}
				return fn(s, sc), true
			}
		} else {
			out.n = arg.n
			out.strAt = func(ev fields.Event, sc *fields.Scratch, i int) (string, bool) {
				s, ok := arg.strAt(ev, sc, i)
				if !ok {
					return "", false
				}
				return fn(s, sc), true
			}
		}
		return out, nil
	case condition.TrB64:
		if arg.shape != fields.Single {
			return nil, errorf(pos, "transformer 'b64' needs a single value, '%s' is a list", arg.text)
		}
		switch arg.typ {
		case fields.String:
			out.str = func(ev fields.Event, sc *fields.Scratch) (string, bool) {
				s, ok := arg.str(ev, sc)
				if !ok {
					return "", false
				}
				m := sc.Mark()
				if !b64Decode(sc, unsafe.Slice(unsafe.StringData(s), len(s))) {
					sc.Release(m)
					return "", false
				}
				return sc.String(m), true
			}
		case fields.Bytes:
			out.byt = func(ev fields.Event, sc *fields.Scratch) ([]byte, bool) {
				b, ok := arg.byt(ev, sc)
				if !ok {
					return nil, false
				}
				m := sc.Mark()
				if !b64Decode(sc, b) {
					sc.Release(m)
					return nil, false
				}
				return sc.Bytes(m), true
			}
		default:
			return nil, errorf(pos, "transformer 'b64' needs a string or byte-buffer argument, '%s' is %s", arg.text, arg.typ)
		}
		return out, nil
	case condition.TrLen:
		out.typ, out.shape = fields.Int, fields.Single
		switch {
		case arg.shape == fields.ListOf:
			out.num = func(ev fields.Event, sc *fields.Scratch) (int64, bool) {
				n, ok := arg.n(ev, sc)
				return int64(n), ok
			}
		case arg.typ == fields.String:
			out.num = func(ev fields.Event, sc *fields.Scratch) (int64, bool) {
				s, ok := arg.str(ev, sc)
				return int64(len(s)), ok
			}
		case arg.typ == fields.Bytes:
			out.num = func(ev fields.Event, sc *fields.Scratch) (int64, bool) {
				b, ok := arg.byt(ev, sc)
				return int64(len(b)), ok
			}
		default:
			return nil, errorf(pos, "transformer 'len' needs a string, byte buffer or list, '%s' is %s", arg.text, arg.typ)
		}
		return out, nil
	}
	return nil, errorf(t.At, "unknown transformer")
}

// mapASCII folds ASCII letters; text without letters to change is returned
// as is, without touching the scratch buffer.
func mapASCII(s string, sc *fields.Scratch, upper bool) string {
	from, to := byte('A'), byte('Z')
	if upper {
		from, to = 'a', 'z'
	}
	i := 0
	for i < len(s) && (s[i] < from || s[i] > to) {
		i++
	}
	if i == len(s) {
		return s
	}
	m := sc.Mark()
	sc.B = append(sc.B, s...)
	b := sc.B[m:]
	for j := i; j < len(b); j++ {
		if c := b[j]; c >= from && c <= to {
			b[j] = c ^ 0x20
		}
	}
	return sc.String(m)
}

// basename is the text after the last "/" ("" for a path ending in "/").
func basename(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// b64Decode appends the decoded form of src (standard alphabet, padded or
// not). src is only read; a string's bytes may be passed without a copy.
func b64Decode(sc *fields.Scratch, src []byte) bool {
	var err error
	m := sc.Mark()
	sc.B, err = base64.StdEncoding.AppendDecode(sc.B, src)
	if err == nil {
		return true
	}
	sc.Release(m)
	sc.B, err = base64.RawStdEncoding.AppendDecode(sc.B, src)
	return err == nil
}

// listArg compiles a parenthesised argument list into a list value.
func listArg(t *condition.Transform, l *condition.ArgList, forOutput bool) (*Value, *Error) {
	items := make([]*Value, len(l.Items))
	text := "("
	cost := 0
	for i, it := range l.Items {
		v, err := transformArg(t, it, forOutput)
		if err != nil {
			return nil, err
		}
		if v.shape != fields.Single || !isStringType(v.typ) {
			return nil, errorf(it.Position(), "items of an argument list of '%s' must be single string values, '%s' is not", t.Name, v.text)
		}
		items[i] = v
		if i > 0 {
			text += ", "
		}
		text += v.text
		cost += v.cost
	}
	return &Value{
		typ: fields.String, shape: fields.ListOf, text: text + ")", cost: cost,
		n: func(fields.Event, *fields.Scratch) (int, bool) { return len(items), true },
		strAt: func(ev fields.Event, sc *fields.Scratch, i int) (string, bool) {
			if i < 0 || i >= len(items) {
				return "", false
			}
			return items[i].str(ev, sc)
		},
	}, nil
}

func singleString(t *condition.Transform, op condition.Operand, what string, forOutput bool) (*Value, *Error) {
	v, err := transformArg(t, op, forOutput)
	if err != nil {
		return nil, err
	}
	if v.shape != fields.Single || !isStringType(v.typ) {
		return nil, errorf(op.Position(), "the %s of '%s' must be a single string value, '%s' is not", what, t.Name, v.text)
	}
	return v, nil
}

func listString(t *condition.Transform, op condition.Operand, what string, forOutput bool) (*Value, *Error) {
	v, err := transformArg(t, op, forOutput)
	if err != nil {
		return nil, err
	}
	if v.shape != fields.ListOf || !isStringType(v.typ) {
		return nil, errorf(op.Position(), "the %s of '%s' must be a list of strings, '%s' is not", what, t.Name, v.text)
	}
	return v, nil
}

// gather evaluates n text items into views (a stack array for the usual
// handful), then copies them, separated by sep, to the end of the scratch.
// Items that compose in the scratch are all evaluated before the first copy,
// so the copies form one contiguous run.
func gather(ev fields.Event, sc *fields.Scratch, n int, sep string, item func(int) (string, bool)) (string, bool) {
	var small [16]string
	views := small[:0]
	if n > len(small) {
		views = make([]string, 0, n)
	}
	for i := 0; i < n; i++ {
		s, ok := item(i)
		if !ok {
			return "", false
		}
		views = append(views, s)
	}
	m := sc.Mark()
	for i, s := range views {
		if i > 0 {
			sc.B = append(sc.B, sep...)
		}
		sc.B = append(sc.B, s...)
	}
	return sc.String(m), true
}

func joinTransform(t *condition.Transform, forOutput bool) (*Value, *Error) {
	if len(t.Args) != 2 {
		return nil, errorf(t.At, "'join' takes 2 arguments: a separator and a list")
	}
	sep, err := singleString(t, t.Args[0], "separator", forOutput)
	if err != nil {
		return nil, err
	}
	list, err := listString(t, t.Args[1], "second argument", forOutput)
	if err != nil {
		return nil, err
	}
	return &Value{
		typ: fields.String, text: "join(" + sep.text + ", " + list.text + ")", cost: sep.cost + list.cost + 3,
		str: func(ev fields.Event, sc *fields.Scratch) (string, bool) {
			s, ok := sep.str(ev, sc)
			if !ok {
				return "", false
			}
			n, ok := list.n(ev, sc)
			if !ok {
				return "", false
			}
			return gather(ev, sc, n, s, func(i int) (string, bool) { return list.strAt(ev, sc, i) })
		},
	}, nil
}

func concatTransform(t *condition.Transform, forOutput bool) (*Value, *Error) {
	if len(t.Args) < 2 {
		return nil, errorf(t.At, "'concat' takes at least 2 arguments")
	}
	parts := make([]*Value, len(t.Args))
	text := "concat("
	cost := 3
	for i, a := range t.Args {
		v, err := singleString(t, a, "arguments", forOutput)
		if err != nil {
			return nil, err
		}
		parts[i] = v
		if i > 0 {
			text += ", "
		}
		text += v.text
		cost += v.cost
	}
	return &Value{
		typ: fields.String, text: text + ")", cost: cost,
		str: func(ev fields.Event, sc *fields.Scratch) (string, bool) {
			return gather(ev, sc, len(parts), "", func(i int) (string, bool) { return parts[i].str(ev, sc) })
		},
	}, nil
}

// getoptTransform follows libsinsp's getopt transformer: walk the argument
// list like getopt(3) with the optstring, stopping at "--" or the first
// non-option, skipping long options, expanding clusters ("-nt"), taking an
// option's value from the rest of the token or the next argument. The list
// result is option letters, each followed by its value when it takes one
// ("?" for an unknown option, "" for a missing value). getopt(...)[c] is the
// value (or the letter, for an option without value) of the last option c,
// not extractable when c does not occur.
func getoptTransform(t *condition.Transform, forOutput bool) (*Value, *Error) {
	if len(t.Args) != 2 {
		return nil, errorf(t.At, "'getopt' takes 2 arguments: an argument list and an optstring")
	}
	args, err := listString(t, t.Args[0], "first argument", forOutput)
	if err != nil {
		return nil, err
	}
	optv, err := singleString(t, t.Args[1], "optstring", forOutput)
	if err != nil {
		return nil, err
	}
	var selector byte
	if t.HasIndex {
		if len(t.Index) != 1 {
			return nil, errorf(t.At, "the argument of 'getopt(...)[...]' must be a single option character, not %q", t.Index)
		}
		selector = t.Index[0]
	}
	var constOpts *optInfo
	if optv.constant {
		s, _ := optv.str(nil, nil)
		o := parseOptstring(s)
		constOpts = &o
	}
	text := "getopt(" + args.text + ", " + optv.text + ")"
	if t.HasIndex {
		text += "[" + t.Index + "]"
	}
	g := &getopt{args: args, opt: optv, constOpts: constOpts, selector: selector, hasSel: t.HasIndex}
	v := &Value{typ: fields.String, text: text, cost: args.cost + 6}
	if t.HasIndex {
		v.str = func(ev fields.Event, sc *fields.Scratch) (string, bool) {
			var last string
			found := false
			g.walk(ev, sc, func(s string) bool { last, found = s, true; return true })
			return last, found
		}
		return v, nil
	}
	v.shape = fields.ListOf
	v.n = func(ev fields.Event, sc *fields.Scratch) (int, bool) {
		n := 0
		ok := g.walk(ev, sc, func(string) bool { n++; return true })
		return n, ok
	}
	v.strAt = func(ev fields.Event, sc *fields.Scratch, i int) (string, bool) {
		var out string
		found := false
		j := 0
		g.walk(ev, sc, func(s string) bool {
			if j == i {
				out, found = s, true
				return false
			}
			j++
			return true
		})
		return out, found
	}
	return v, nil
}

type optInfo struct {
	valid, withArg [256]bool
}

func parseOptstring(s string) optInfo {
	var o optInfo
	i := 0
	if strings.HasPrefix(s, ":") {
		i = 1
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c == ':' {
			continue
		}
		o.valid[c] = true
		if i+1 < len(s) && s[i+1] == ':' {
			o.withArg[c] = true
			i++
		}
	}
	return o
}

type getopt struct {
	args, opt *Value
	constOpts *optInfo
	selector  byte
	hasSel    bool
}

// walk emits the getopt results in order (only the selected option's
// results with a selector) until emit returns false. Results are substrings
// of the arguments or constants, so nothing is composed.
func (g *getopt) walk(ev fields.Event, sc *fields.Scratch, emit func(string) bool) bool {
	opts := g.constOpts
	var local optInfo
	if opts == nil {
		s, ok := g.opt.str(ev, sc)
		if !ok {
			return false
		}
		local = parseOptstring(s)
		opts = &local
	}
	n, ok := g.args.n(ev, sc)
	if !ok {
		return false
	}
	for ai := 0; ai < n; ai++ {
		arg, _ := g.args.strAt(ev, sc, ai)
		if arg == "--" {
			break
		}
		if len(arg) > 2 && arg[0] == '-' && arg[1] == '-' {
			continue
		}
		if len(arg) < 2 || arg[0] != '-' {
			break
		}
	cluster:
		for i := 1; i < len(arg); i++ {
			c := arg[i]
			if c == ':' || !opts.valid[c] {
				if !g.hasSel && !emit("?") {
					return true
				}
				continue
			}
			match := !g.hasSel || c == g.selector
			name := arg[i : i+1]
			if !opts.withArg[c] {
				if match && !emit(name) {
					return true
				}
				continue
			}
			var value string
			switch {
			case i+1 < len(arg):
				value = arg[i+1:]
			case ai+1 < n:
				ai++
				value, _ = g.args.strAt(ev, sc, ai)
			default:
				if match {
					emit("")
				}
				break cluster
			}
			if match {
				if g.hasSel {
					if !emit(value) {
						return true
					}
				} else if !emit(name) || !emit(value) {
					return true
				}
			}
			break cluster
		}
	}
	return true
}
