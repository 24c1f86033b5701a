package rego

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/fields"
)

// operand is a translated left side, val() field or transformer result: the
// statements that bind it and the Rego expression holding the value.
type operand struct {
	stmts []string
	expr  string
	typ   fields.Type
	shape fields.Shape
	text  string
	// either marks fields read from both ends of a connection (fd.ip,
	// fd.port, fd.net).
	either bool
}

// checkCtx translates one check; variables are numbered within its body.
type checkCtx struct {
	t     *translator
	check *condition.Check
	nvar  int
}

func (c *checkCtx) fail(format string, args ...any) error {
	return &Error{Rule: c.t.rule, Check: condition.String(c.check), Msg: fmt.Sprintf(format, args...)}
}

func (c *checkCtx) newVar() string {
	c.nvar++
	return fmt.Sprintf("v%d", c.nvar)
}

func (t *translator) check(ch *condition.Check) ([]string, error) {
	c := &checkCtx{t: t, check: ch}
	lhs, err := c.operand(ch.LHS)
	if err != nil {
		return nil, err
	}
	if ch.Op == condition.OpExists {
		return c.exists(lhs)
	}
	if evttype.NeverTrue(ch) {
		// Event numbers start at 1: the never_true idiom (evt.num = 0 and
		// its variants) is false, also for an event that carries no number,
		// as the native engine folds it.
		return []string{"false"}, nil
	}
	if lhs.shape == fields.ListOf && ch.Op != condition.OpIn && ch.Op != condition.OpIntersects {
		return nil, c.fail("lists support only in, intersects and exists")
	}
	var cond []string
	switch rhs := ch.RHS.(type) {
	case *condition.Literal:
		if ch.Op.IsList() {
			cond, err = c.list(lhs, ch.Op, []condition.Literal{*rhs})
		} else {
			cond, err = c.constant(lhs, ch.Op, *rhs)
		}
	case *condition.List:
		switch {
		case ch.Modifier != condition.ModNone:
			cond, err = c.modifier(lhs, ch.Op, ch.Modifier, rhs.Items)
		case ch.Op.IsList():
			cond, err = c.list(lhs, ch.Op, rhs.Items)
		default:
			err = c.fail("operator %s takes a single value, not a list", ch.Op)
		}
	case *condition.FieldValue:
		var r operand
		if r, err = c.operand(rhs.Field); err == nil {
			cond, err = c.dynamic(lhs, ch.Op, r)
		}
	case *condition.TransformValue:
		var r operand
		if r, err = c.transform(rhs.Transform); err == nil {
			cond, err = c.dynamic(lhs, ch.Op, r)
		}
	default:
		err = c.fail("operator %s needs a value", ch.Op)
	}
	if err != nil {
		return nil, err
	}
	return cond, nil
}

// use records an input key and returns it.
func (t *translator) use(f *fields.Field, arg string, hasArg bool) (*Input, error) {
	key := InputKey(f, arg, hasArg)
	if in, ok := t.inputs[key]; ok {
		return in, nil
	}
	acc, err := fields.NewAccessor(f, arg, hasArg)
	if err != nil {
		return nil, err
	}
	in := &Input{Key: key, Field: f, Arg: arg, HasArg: hasArg, Shape: acc.Shape(), acc: acc}
	t.inputs[key] = in
	return in, nil
}

// operand binds a field or transformer. The statements bind the value
// without iterating: an AnyOf field stays an array here, and the comparison
// iterates over it.
func (c *checkCtx) operand(o condition.Operand) (operand, error) {
	switch o := o.(type) {
	case *condition.FieldRef:
		f, dotted, ok := fields.Resolve(o.Name)
		if !ok {
			return operand{}, c.fail("unknown field %q", o.Name)
		}
		arg, hasArg := o.Arg, o.HasArg
		if dotted != "" {
			if hasArg {
				return operand{}, c.fail("field %q has both a dotted and a bracket argument", o.Name)
			}
			arg, hasArg = dotted, true
		}
		in, err := c.t.use(f, arg, hasArg)
		if err != nil {
			return operand{}, c.fail("%v", err)
		}
		v := c.newVar()
		return operand{
			stmts: []string{v + " := input.fields[" + quote(in.Key) + "]"},
			expr:  v, typ: f.Type, shape: in.Shape, text: in.Key,
			either: f.Extract == fields.Either,
		}, nil
	case *condition.Literal:
		s, err := c.str(o.Text)
		return operand{expr: s, typ: fields.String, text: s}, err
	case *condition.Transform:
		return c.transform(o)
	}
	return operand{}, c.fail("unsupported operand %T", o)
}

func (c *checkCtx) exists(lhs operand) ([]string, error) {
	if len(lhs.stmts) == 0 {
		return nil, c.fail("exists needs a field")
	}
	// The value is only present when it can be extracted; a boolean false
	// is present too, so bind it instead of testing it.
	return lhs.stmts, nil
}

// scalarTest applies pred (a Rego expression over the variable x) to the
// operand: to its one value, or to any candidate of an AnyOf operand.
func (c *checkCtx) scalarTest(o operand, pred func(x string) string) []string {
	stmts := append([]string(nil), o.stmts...)
	x := o.expr
	if o.shape == fields.AnyOf {
		x = c.newVar()
		stmts = append(stmts, "some "+x+" in "+o.expr)
	}
	if isIP(o.typ) {
		// Addresses that do not parse are null in the input: every
		// comparison on them is false, != included.
		stmts = append(stmts, "is_string("+x+")")
	}
	return append(stmts, pred(x))
}

func isIP(t fields.Type) bool { return t == fields.IPAddr || t == fields.IPNet }

// constant translates "lhs op constant".
func (c *checkCtx) constant(lhs operand, op condition.Operator, lit condition.Literal) ([]string, error) {
	if op == condition.OpNe && lhs.either {
		// libsinsp's rule for both-ends fields: "=" holds when either end
		// matches, "!=" when the field is present and neither end does.
		eq, err := c.constant(lhs, condition.OpEq, lit)
		if err != nil {
			return nil, err
		}
		tests := eq[len(lhs.stmts):]
		return append(append([]string(nil), lhs.stmts...),
			"count([1 | "+strings.Join(tests, "; ")+"]) == 0"), nil
	}
	switch {
	case lhs.typ == fields.String:
		pred, err := c.stringPred(op, lit.Text)
		if err != nil {
			return nil, err
		}
		return c.scalarTest(lhs, pred), nil
	case lhs.typ.Numeric():
		k, err := c.parseInt(lit.Text, lhs.typ)
		if err != nil {
			return nil, err
		}
		sym, err := c.orderSym(op)
		if err != nil {
			return nil, err
		}
		return c.scalarTest(lhs, func(x string) string { return fmt.Sprintf("%s %s %d", x, sym, k) }), nil
	case lhs.typ == fields.Bool:
		var k string
		switch lit.Text {
		case "true", "false":
			k = lit.Text
		default:
			return nil, c.fail("%q is not a valid boolean value", lit.Text)
		}
		switch op {
		case condition.OpEq:
			return c.scalarTest(lhs, func(x string) string { return x + " == " + k }), nil
		case condition.OpNe:
			return c.scalarTest(lhs, func(x string) string { return x + " != " + k }), nil
		}
	case isIP(lhs.typ):
		k, err := c.parseIP(lit.Text, lhs.typ)
		if err != nil {
			return nil, err
		}
		switch op {
		case condition.OpEq:
			return c.scalarTest(lhs, k.match), nil
		case condition.OpNe:
			return c.scalarTest(lhs, func(x string) string { return "not " + k.match(x) }), nil
		}
	case lhs.typ == fields.Bytes:
		k := hex.EncodeToString([]byte(lit.Text))
		if op == condition.OpBContains || op == condition.OpBStartsWith {
			b, err := hex.DecodeString(lit.Text)
			if err != nil {
				return nil, c.fail("%s needs a hexadecimal byte string, not %q", op, lit.Text)
			}
			k = hex.EncodeToString(b)
		}
		pred, err := bytesPred(op, quote(k))
		if err != nil {
			return nil, c.fail("%v", err)
		}
		return c.scalarTest(lhs, pred), nil
	}
	return nil, c.fail("operator %s cannot be used with a %s value", op, lhs.typ)
}

func (c *checkCtx) orderSym(op condition.Operator) (string, error) {
	switch op {
	case condition.OpEq:
		return "==", nil
	case condition.OpNe:
		return "!=", nil
	case condition.OpLt:
		return "<", nil
	case condition.OpLe:
		return "<=", nil
	case condition.OpGt:
		return ">", nil
	case condition.OpGe:
		return ">=", nil
	}
	return "", c.fail("operator %s does not apply to numbers", op)
}

// stringPred compiles a comparison of text with a constant.
func (c *checkCtx) stringPred(op condition.Operator, rhs string) (func(string) string, error) {
	k, err := c.str(rhs)
	if err != nil {
		return nil, err
	}
	switch op {
	case condition.OpEq, condition.OpNe, condition.OpLt, condition.OpLe, condition.OpGt, condition.OpGe:
		sym, _ := c.orderSym(op)
		return func(x string) string { return x + " " + sym + " " + k }, nil
	case condition.OpContains:
		return func(x string) string { return "contains(" + x + ", " + k + ")" }, nil
	case condition.OpIContains:
		lk := quote(asciiLower(rhs))
		return func(x string) string { return "contains(ascii_lower(" + x + "), " + lk + ")" }, nil
	case condition.OpStartsWith:
		return func(x string) string { return "startswith(" + x + ", " + k + ")" }, nil
	case condition.OpEndsWith:
		return func(x string) string { return "endswith(" + x + ", " + k + ")" }, nil
	case condition.OpGlob:
		re := quote(globRegexp(rhs, false))
		return func(x string) string { return "regex.match(" + re + ", " + x + ")" }, nil
	case condition.OpIGlob:
		re := quote(globRegexp(rhs, true))
		return func(x string) string { return "regex.match(" + re + ", ascii_lower(" + x + "))" }, nil
	case condition.OpRegex:
		if _, err := regexp.Compile(rhs); err != nil {
			return nil, c.fail("invalid regular expression %q: %v", rhs, err)
		}
		re := quote(`\A(?:` + rhs + `)\z`)
		return func(x string) string { return "regex.match(" + re + ", " + x + ")" }, nil
	}
	return nil, c.fail("operator %s does not apply to strings", op)
}

// bytesPred compares hex-encoded bytes with a hex-encoded constant term k;
// contains counts only matches that start on a byte boundary.
func bytesPred(op condition.Operator, k string) (func(string) string, error) {
	switch op {
	case condition.OpEq:
		return func(x string) string { return x + " == " + k }, nil
	case condition.OpNe:
		return func(x string) string { return x + " != " + k }, nil
	case condition.OpContains, condition.OpBContains:
		return func(x string) string { return "hex_contains(" + x + ", " + k + ")" }, nil
	case condition.OpStartsWith, condition.OpBStartsWith:
		return func(x string) string { return "startswith(" + x + ", " + k + ")" }, nil
	case condition.OpEndsWith:
		return func(x string) string { return "endswith(" + x + ", " + k + ")" }, nil
	}
	return nil, fmt.Errorf("operator %s does not apply to byte buffers", op)
}

// ipConst is an address, or a network written as a CIDR, both with
// IPv4-mapped IPv6 forms unmapped as the native engine does.
type ipConst struct {
	text  string
	isNet bool
}

func (k ipConst) match(x string) string {
	if k.isNet {
		return "net.cidr_contains(" + quote(k.text) + ", " + x + ")"
	}
	return x + " == " + quote(k.text)
}

func (c *checkCtx) parseIP(s string, typ fields.Type) (ipConst, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return ipConst{}, c.fail("%q is not a valid network (CIDR)", s)
		}
		bits := p.Bits()
		if p.Addr().Is4In6() && bits >= 96 {
			bits -= 96
		}
		return ipConst{text: netip.PrefixFrom(p.Addr().Unmap(), bits).Masked().String(), isNet: true}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ipConst{}, c.fail("%q is not a valid IP address", s)
	}
	a = a.Unmap()
	if typ == fields.IPNet {
		return ipConst{text: netip.PrefixFrom(a, a.BitLen()).String(), isNet: true}, nil
	}
	return ipConst{text: a.String()}, nil
}

// parseInt reads an integer constant exactly as the native compiler does.
func (c *checkCtx) parseInt(s string, typ fields.Type) (int64, error) {
	n, err := fields.ParseInt(s, typ)
	switch {
	case errors.Is(err, fields.ErrPortRange):
		return 0, c.fail("%q is not a valid port number", s)
	case err != nil:
		return 0, c.fail("%q is not a valid integer", s)
	}
	return n, nil
}

func (c *checkCtx) str(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", c.fail("constant %q is not valid UTF-8, which Rego strings must be", s)
	}
	return quote(s), nil
}

// list translates in, intersects and pmatch against constants.
func (c *checkCtx) list(lhs operand, op condition.Operator, items []condition.Literal) ([]string, error) {
	if op == condition.OpPmatch {
		if lhs.typ != fields.String || lhs.shape == fields.ListOf {
			return nil, c.fail("pmatch needs a text value")
		}
		if len(items) == 0 {
			return []string{"false"}, nil
		}
		alts := make([]string, 0, len(items))
		for _, it := range items {
			if !utf8.ValidString(it.Text) {
				return nil, c.fail("constant %q is not valid UTF-8, which Rego strings must be", it.Text)
			}
			alts = append(alts, pmatchRegexp(it.Text))
		}
		re := quote(`\A(?:` + strings.Join(alts, "|") + `)\z`)
		return c.scalarTest(lhs, func(x string) string { return "regex.match(" + re + ", " + x + ")" }), nil
	}
	var member func(x string) string
	switch {
	case lhs.typ == fields.String || lhs.typ == fields.Bytes || lhs.typ.Numeric() || lhs.typ == fields.Bool:
		terms := make([]string, 0, len(items))
		for _, it := range items {
			var t string
			var err error
			switch {
			case lhs.typ == fields.String:
				t, err = c.str(it.Text)
			case lhs.typ == fields.Bytes:
				t = quote(hex.EncodeToString([]byte(it.Text)))
			case lhs.typ == fields.Bool:
				if it.Text != "true" && it.Text != "false" {
					err = c.fail("%q is not a valid boolean value", it.Text)
				}
				t = it.Text
			default:
				var n int64
				n, err = c.parseInt(it.Text, lhs.typ)
				t = strconv.FormatInt(n, 10)
			}
			if err != nil {
				return nil, err
			}
			terms = append(terms, t)
		}
		set := c.t.constant(setTerm(terms))
		member = func(x string) string { return set + "[" + x + "]" }
	case isIP(lhs.typ):
		var addrs, nets []string
		for _, it := range items {
			k, err := c.parseIP(it.Text, lhs.typ)
			if err != nil {
				return nil, err
			}
			if k.isNet {
				nets = append(nets, quote(k.text))
			} else {
				addrs = append(addrs, quote(k.text))
			}
		}
		aset := c.t.constant(setTerm(addrs))
		nset := c.t.constant("[" + strings.Join(nets, ", ") + "]")
		member = func(x string) string { return fmt.Sprintf("ip_member(%s, %s, %s)", x, aset, nset) }
	default:
		return nil, c.fail("operator %s cannot be used with a %s value", op, lhs.typ)
	}
	if lhs.shape == fields.ListOf {
		x := c.newVar()
		stmts := append([]string(nil), lhs.stmts...)
		if op == condition.OpIn {
			// Every item is a member (the input holds no empty lists).
			return append(stmts, fmt.Sprintf("every %s in %s { %s }", x, lhs.expr, member(x))), nil
		}
		return append(stmts, "some "+x+" in "+lhs.expr, member(x)), nil
	}
	return c.scalarTest(lhs, member), nil
}

func setTerm(terms []string) string {
	if len(terms) == 0 {
		return "set()"
	}
	return "{" + strings.Join(terms, ", ") + "}"
}

// modifier translates "<op> oneof|anyof|allof (items)": oneof is exactly one
// item matching, anyof at least one, allof all.
func (c *checkCtx) modifier(lhs operand, op condition.Operator, mod condition.Modifier, items []condition.Literal) ([]string, error) {
	if lhs.shape == fields.ListOf || (lhs.typ != fields.String && lhs.typ != fields.Bytes) {
		return nil, c.fail("'%s %s' needs a string or byte-buffer left side", op, mod)
	}
	preds := make([]func(string) string, 0, len(items))
	for _, it := range items {
		var p func(string) string
		var err error
		if lhs.typ == fields.String {
			p, err = c.stringPred(op, it.Text)
		} else {
			k := hex.EncodeToString([]byte(it.Text))
			if op == condition.OpBContains || op == condition.OpBStartsWith {
				b, derr := hex.DecodeString(it.Text)
				if derr != nil {
					return nil, c.fail("%s needs a hexadecimal byte string, not %q", op, it.Text)
				}
				k = hex.EncodeToString(b)
			}
			p, err = bytesPred(op, quote(k))
			if err != nil {
				err = c.fail("%v", err)
			}
		}
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return c.scalarTest(lhs, func(x string) string {
		parts := make([]string, len(preds))
		for i, p := range preds {
			parts[i] = "(" + p(x) + ")"
		}
		switch mod {
		case condition.ModAllOf:
			// Each item's test as a statement of the same body.
			if len(parts) == 0 {
				return "true"
			}
			return strings.Join(parts, "; ")
		case condition.ModOneOf:
			return "sum([" + countTerms(preds, x) + "]) == 1"
		}
		if len(parts) == 0 {
			return "false"
		}
		return "sum([" + countTerms(preds, x) + "]) > 0"
	}), nil
}

// countTerms renders each predicate as a number: 1 when it holds, else 0.
func countTerms(preds []func(string) string, x string) string {
	parts := make([]string, len(preds))
	for i, p := range preds {
		parts[i] = "count([1 | " + p(x) + "])"
	}
	return strings.Join(parts, ", ")
}

// dynamic compares with a value read from the same event: val(field) or a
// transformer on the right. A right side that cannot be extracted makes the
// check false.
func (c *checkCtx) dynamic(lhs operand, op condition.Operator, rhs operand) ([]string, error) {
	if rhs.shape == fields.AnyOf {
		return nil, c.fail("%s has several candidate values and cannot be the right side of a comparison", rhs.text)
	}
	stmts := append([]string(nil), rhs.stmts...)
	r := rhs.expr
	if op.IsList() {
		if op == condition.OpPmatch {
			return nil, c.fail("pmatch against a value read from the event cannot be expressed in Rego (the path set would be built per event)")
		}
		member := func(x string) string { return x + " == " + r }
		if rhs.shape == fields.ListOf {
			member = func(x string) string { return x + " in " + r }
		}
		if lhs.shape == fields.ListOf {
			x := c.newVar()
			if op == condition.OpIn {
				return append(append(stmts, lhs.stmts...), fmt.Sprintf("every %s in %s { %s }", x, lhs.expr, member(x))), nil
			}
			return append(append(stmts, lhs.stmts...), "some "+x+" in "+lhs.expr, member(x)), nil
		}
		return append(stmts, c.scalarTest(lhs, member)...), nil
	}
	if rhs.shape == fields.ListOf {
		return nil, c.fail("operator %s needs a single value, %s is a list", op, rhs.text)
	}
	var pred func(string) string
	switch {
	case lhs.typ == fields.String:
		switch op {
		case condition.OpEq, condition.OpNe, condition.OpLt, condition.OpLe, condition.OpGt, condition.OpGe:
			sym, _ := c.orderSym(op)
			pred = func(x string) string { return x + " " + sym + " " + r }
		case condition.OpContains:
			pred = func(x string) string { return "contains(" + x + ", " + r + ")" }
		case condition.OpIContains:
			pred = func(x string) string { return "contains(ascii_lower(" + x + "), ascii_lower(" + r + "))" }
		case condition.OpStartsWith:
			pred = func(x string) string { return "startswith(" + x + ", " + r + ")" }
		case condition.OpEndsWith:
			pred = func(x string) string { return "endswith(" + x + ", " + r + ")" }
		default:
			return nil, c.fail("%s against a value read from the event cannot be expressed in Rego (the pattern would be compiled per event)", op)
		}
	case lhs.typ.Numeric() && rhs.typ.Numeric():
		sym, err := c.orderSym(op)
		if err != nil {
			return nil, err
		}
		pred = func(x string) string { return x + " " + sym + " " + r }
	case lhs.typ == fields.Bool && rhs.typ == fields.Bool && (op == condition.OpEq || op == condition.OpNe):
		sym, _ := c.orderSym(op)
		pred = func(x string) string { return x + " " + sym + " " + r }
	case isIP(lhs.typ) && (isIP(rhs.typ) || rhs.typ == fields.String) && (op == condition.OpEq || op == condition.OpNe):
		sym, _ := c.orderSym(op)
		if rhs.typ == fields.String {
			return nil, c.fail("comparing an address with a text value read from the event cannot be expressed in Rego (it has no address parser)")
		}
		stmts = append(stmts, "is_string("+r+")")
		pred = func(x string) string { return x + " " + sym + " " + r }
	case lhs.typ == fields.Bytes && rhs.typ == fields.Bytes:
		p, err := bytesPred(op, r)
		if err != nil {
			return nil, c.fail("%v", err)
		}
		pred = p
	default:
		return nil, c.fail("cannot compare a %s value with a %s value", lhs.typ, rhs.typ)
	}
	return append(stmts, c.scalarTest(lhs, pred)...), nil
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
