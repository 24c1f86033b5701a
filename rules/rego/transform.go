package rego

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// transform translates a transformer call with the native engine's
// semantics: tolower, toupper and basename on text (ASCII case mapping;
// applied to each item of a list), b64 (standard base64, padded or not; a
// value that does not decode is not extractable), len (bytes of text or a
// byte buffer, items of a list), join and concat. getopt has no Rego
// counterpart.
func (c *checkCtx) transform(tr *condition.Transform) (operand, error) {
	if tr.Name == condition.TrGetopt {
		return operand{}, c.fail("the getopt transformer cannot be expressed in Rego")
	}
	if tr.HasIndex {
		return operand{}, c.fail("transformer %s does not take an argument in brackets", tr.Name)
	}
	var stmts []string
	arg := func(o condition.Operand) (operand, error) {
		if l, ok := o.(*condition.ArgList); ok {
			return c.argList(tr, l, &stmts)
		}
		a, err := c.operand(o)
		if err != nil {
			return a, err
		}
		if a.shape == fields.AnyOf {
			return a, c.fail("%s has several candidate values and cannot be used inside transformer %s", a.text, tr.Name)
		}
		stmts = append(stmts, a.stmts...)
		return a, nil
	}
	single := func(o condition.Operand, what string) (operand, error) {
		a, err := arg(o)
		if err != nil {
			return a, err
		}
		if a.shape != fields.Single || a.typ != fields.String {
			return a, c.fail("the %s of %s must be a single string value", what, tr.Name)
		}
		return a, nil
	}
	v := c.newVar()
	text := tr.Name.String() + "(...)"
	switch tr.Name {
	case condition.TrToLower, condition.TrToUpper, condition.TrBasename, condition.TrB64, condition.TrLen:
		if len(tr.Args) != 1 {
			return operand{}, c.fail("transformer %s takes exactly one argument", tr.Name)
		}
		a, err := arg(tr.Args[0])
		if err != nil {
			return operand{}, err
		}
		switch tr.Name {
		case condition.TrLen:
			switch {
			case a.shape == fields.ListOf:
				stmts = append(stmts, fmt.Sprintf("%s := count(%s)", v, a.expr))
			case a.typ == fields.String:
				stmts = append(stmts, fmt.Sprintf("%s := byte_len(%s)", v, a.expr))
			case a.typ == fields.Bytes:
				stmts = append(stmts, fmt.Sprintf("%s := count(%s) / 2", v, a.expr))
			default:
				return operand{}, c.fail("len needs a string, byte buffer or list")
			}
			return operand{stmts: stmts, expr: v, typ: fields.Int, text: text}, nil
		case condition.TrB64:
			if a.shape != fields.Single {
				return operand{}, c.fail("b64 needs a single value")
			}
			switch a.typ {
			case fields.String:
				stmts = append(stmts, fmt.Sprintf("%s := b64_decode(%s)", v, a.expr))
			case fields.Bytes:
				stmts = append(stmts, fmt.Sprintf("%s := hex.encode(b64_decode(hex.decode(%s)))", v, a.expr))
			default:
				return operand{}, c.fail("b64 needs a string or byte-buffer argument")
			}
			return operand{stmts: stmts, expr: v, typ: a.typ, text: text}, nil
		}
		if a.typ != fields.String {
			return operand{}, c.fail("transformer %s needs a string argument", tr.Name)
		}
		fn := map[condition.Transformer]string{
			condition.TrToLower: "ascii_lower", condition.TrToUpper: "ascii_upper", condition.TrBasename: "base_name",
		}[tr.Name]
		if a.shape == fields.ListOf {
			stmts = append(stmts, fmt.Sprintf("%s := [%s(x) | some x in %s]", v, fn, a.expr))
		} else {
			stmts = append(stmts, fmt.Sprintf("%s := %s(%s)", v, fn, a.expr))
		}
		return operand{stmts: stmts, expr: v, typ: fields.String, shape: a.shape, text: text}, nil
	case condition.TrJoin:
		if len(tr.Args) != 2 {
			return operand{}, c.fail("join takes 2 arguments: a separator and a list")
		}
		sep, err := single(tr.Args[0], "separator")
		if err != nil {
			return operand{}, err
		}
		l, err := arg(tr.Args[1])
		if err != nil {
			return operand{}, err
		}
		if l.shape != fields.ListOf || l.typ != fields.String {
			return operand{}, c.fail("the second argument of join must be a list of strings")
		}
		stmts = append(stmts, fmt.Sprintf("%s := concat(%s, %s)", v, sep.expr, l.expr))
		return operand{stmts: stmts, expr: v, typ: fields.String, text: text}, nil
	case condition.TrConcat:
		if len(tr.Args) < 2 {
			return operand{}, c.fail("concat takes at least 2 arguments")
		}
		parts := make([]string, 0, len(tr.Args))
		for _, a := range tr.Args {
			o, err := single(a, "arguments")
			if err != nil {
				return operand{}, err
			}
			parts = append(parts, o.expr)
		}
		stmts = append(stmts, fmt.Sprintf(`%s := concat("", [%s])`, v, strings.Join(parts, ", ")))
		return operand{stmts: stmts, expr: v, typ: fields.String, text: text}, nil
	}
	return operand{}, c.fail("unknown transformer %s", tr.Name)
}

// argList binds the items of a parenthesised transformer argument and
// returns them as an array; an item that cannot be extracted makes the whole
// transformer unextractable.
func (c *checkCtx) argList(tr *condition.Transform, l *condition.ArgList, stmts *[]string) (operand, error) {
	items := make([]string, 0, len(l.Items))
	for _, it := range l.Items {
		o, err := c.operand(it)
		if err != nil {
			return o, err
		}
		if o.shape != fields.Single || o.typ != fields.String {
			return o, c.fail("items of an argument list of %s must be single string values", tr.Name)
		}
		*stmts = append(*stmts, o.stmts...)
		items = append(items, o.expr)
	}
	return operand{expr: "[" + strings.Join(items, ", ") + "]", typ: fields.String, shape: fields.ListOf}, nil
}
