package native

import (
	"bytes"
	"net/netip"
	"regexp"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/fields"
)

// node evaluates a compiled (sub)condition.
type node func(ev fields.Event, sc *fields.Scratch) bool

// mergeKind says how or-chains of checks on the same operand combine into
// one set lookup.
type mergeKind uint8

const (
	mergeNone mergeKind = iota
	mergeEqual
	mergePrefix
	mergeSuffix
)

// checkInfo is a compiled check plus what the optimiser needs to know.
type checkInfo struct {
	eval node
	cost int
	pos  condition.Pos
	// text is the check as condition text, for Filter.String.
	text string
	// ptrue estimates how often the check holds, for ordering operands.
	ptrue float64
	// never is set for checks that cannot hold for any event: the
	// never_true idiom evt.num = 0 (event numbers start at 1).
	never bool
	// forType, when set, rebuilds the check for one event type: a new
	// node, or (nil, v) when the check is the constant v for that type.
	forType func(evtType string) (n node, constant bool)
	// typePred is set for a constant comparison on plain evt.type, so the
	// check folds to a constant once the event type is known.
	typePred func(string) bool
	// lhs and the merge fields describe checks that an "or" may merge:
	// "x startswith a or x startswith b" becomes one prefix-set lookup.
	lhs        *Value
	merge      mergeKind
	mergeItems []string
}

// opAllowed is libsinsp's operator/type compatibility table.
func opAllowed(op condition.Operator, t fields.Type) bool {
	switch op {
	case condition.OpExists, condition.OpEq, condition.OpNe, condition.OpIn, condition.OpIntersects:
		return true
	}
	switch t {
	case fields.String:
		switch op {
		case condition.OpLt, condition.OpLe, condition.OpGt, condition.OpGe,
			condition.OpContains, condition.OpIContains, condition.OpStartsWith, condition.OpEndsWith,
			condition.OpGlob, condition.OpIGlob, condition.OpPmatch, condition.OpRegex:
			return true
		}
	case fields.Int, fields.Port, fields.AbsTime, fields.RelTime:
		switch op {
		case condition.OpLt, condition.OpLe, condition.OpGt, condition.OpGe:
			return true
		}
	case fields.Bytes:
		switch op {
		case condition.OpContains, condition.OpBContains, condition.OpStartsWith,
			condition.OpBStartsWith, condition.OpEndsWith:
			return true
		}
	}
	return false
}

func modifierAllowed(op condition.Operator) bool {
	switch op {
	case condition.OpEq, condition.OpNe, condition.OpContains, condition.OpIContains, condition.OpBContains,
		condition.OpStartsWith, condition.OpBStartsWith, condition.OpEndsWith,
		condition.OpGlob, condition.OpIGlob, condition.OpRegex:
		return true
	}
	return false
}

func describe(v *Value) string {
	kind := v.typ.String()
	switch v.typ {
	case fields.Int, fields.AbsTime, fields.RelTime:
		kind = "numeric"
	case fields.IPAddr, fields.IPNet:
		kind = "IP address"
	case fields.Bytes:
		kind = "byte-buffer"
	}
	if v.shape == fields.ListOf {
		return "list " + "'" + v.text + "'"
	}
	if v.acc != nil {
		return kind + " field '" + v.text + "'"
	}
	return kind + " value '" + v.text + "'"
}

func (c *compiler) check(ck *condition.Check) (*checkInfo, *Error) {
	lhs, err := compileOperand(ck.LHS, false)
	if err != nil {
		return nil, err
	}
	op := ck.Op
	ci := &checkInfo{pos: ck.At, lhs: lhs, text: condition.String(ck), ptrue: selectivity(ck, lhs)}
	if lhs.acc != nil && lhs.acc.Field().Name == "evt.num" {
		ci.never = evttype.NeverTrue(ck)
	}
	if op == condition.OpExists {
		ci.eval, ci.cost = existsNode(lhs), lhs.cost
		return ci, nil
	}
	if !opAllowed(op, lhs.typ) {
		return nil, errorf(ck.At, "operator '%s' cannot be used with %s", op, describe(lhs))
	}
	if lhs.shape == fields.ListOf && op != condition.OpIn && op != condition.OpIntersects {
		return nil, errorf(ck.At, "operator '%s' cannot be used with %s: lists support only in, intersects and exists", op, describe(lhs))
	}
	if ck.Modifier != condition.ModNone {
		if !modifierAllowed(op) {
			return nil, errorf(ck.At, "'%s %s' is not allowed: modifiers apply only to =, !=, contains, icontains, bcontains, startswith, bstartswith, endswith, glob, iglob and regex", op, ck.Modifier)
		}
		list, ok := ck.RHS.(*condition.List)
		if !ok {
			return nil, errorf(ck.RHS.Position(), "'%s %s' needs a list of values", op, ck.Modifier)
		}
		return c.modifierCheck(ci, ck, lhs, list)
	}
	switch rhs := ck.RHS.(type) {
	case *condition.List:
		if !op.IsList() {
			return nil, errorf(rhs.At, "operator '%s' takes a single value, not a list", op)
		}
		return c.listCheck(ci, ck, lhs, rhs)
	case *condition.Literal:
		if op.IsList() {
			// The grammar always produces a list here; keep the tree honest.
			return c.listCheck(ci, ck, lhs, &condition.List{At: rhs.At, Items: []condition.Literal{*rhs}})
		}
		if ck.Op == condition.OpNe && isEither(lhs) {
			return c.eitherNotEqual(ci, ck, lhs, *rhs)
		}
		return c.scalarCheck(ci, ck, lhs, *rhs)
	case *condition.FieldValue:
		f, _, _, perr := resolveField(rhs.Field)
		if perr != nil {
			return nil, perr
		}
		if f.NoRHS {
			return nil, errorf(rhs.At, "field '%s' cannot be used inside val()", f.Name)
		}
		rv, perr := fieldValue(rhs.Field, false)
		if perr != nil {
			return nil, perr
		}
		return c.dynamicCheck(ci, ck, lhs, rv)
	case *condition.TransformValue:
		rv, perr := transformValue(rhs.Transform, false)
		if perr != nil {
			return nil, perr
		}
		return c.dynamicCheck(ci, ck, lhs, rv)
	}
	return nil, errorf(ck.At, "operator '%s' needs a value", op)
}

// selectivity guesses the probability that a check holds. Rule conditions
// test for rare things ("proc.name in (shells)") and exclude rarer ones
// ("and not ..."), so equality-like tests are assumed rarely true and
// inequalities and existence tests usually true.
func selectivity(ck *condition.Check, lhs *Value) float64 {
	switch ck.Op {
	case condition.OpExists, condition.OpNe:
		return 0.9
	case condition.OpLt, condition.OpLe, condition.OpGt, condition.OpGe:
		return 0.5
	}
	if lhs.typ == fields.Bool {
		return 0.5
	}
	return 0.1
}

// existsNode: the value can be extracted (any candidate, for AnyOf).
func existsNode(v *Value) node {
	switch {
	case v.shape == fields.AnyOf:
		return func(ev fields.Event, sc *fields.Scratch) bool {
			n, ok := v.n(ev, sc)
			if !ok {
				return false
			}
			m := sc.Mark()
			defer sc.Release(m)
			for i := 0; i < n; i++ {
				if v.typ.Numeric() {
					if _, ok := v.intAt(ev, sc, i); ok {
						return true
					}
				} else if _, ok := v.strAt(ev, sc, i); ok {
					return true
				}
			}
			return false
		}
	case v.shape == fields.ListOf:
		return func(ev fields.Event, sc *fields.Scratch) bool {
			n, ok := v.n(ev, sc)
			return ok && n > 0
		}
	case v.typ.Numeric():
		return func(ev fields.Event, sc *fields.Scratch) bool { _, ok := v.num(ev, sc); return ok }
	case v.typ == fields.Bool:
		return func(ev fields.Event, sc *fields.Scratch) bool { _, ok := v.bl(ev, sc); return ok }
	case v.typ == fields.Bytes:
		return func(ev fields.Event, sc *fields.Scratch) bool { _, ok := v.byt(ev, sc); return ok }
	}
	return func(ev fields.Event, sc *fields.Scratch) bool {
		m := sc.Mark()
		_, ok := v.str(ev, sc)
		sc.Release(m)
		return ok
	}
}

// strNode applies a text predicate to the operand's value(s): one value, or
// any candidate of an AnyOf operand.
func strNode(v *Value, pred func(string) bool) node {
	if v.shape == fields.AnyOf {
		return func(ev fields.Event, sc *fields.Scratch) bool {
			n, ok := v.n(ev, sc)
			if !ok {
				return false
			}
			m := sc.Mark()
			defer sc.Release(m)
			for i := 0; i < n; i++ {
				if s, ok := v.strAt(ev, sc, i); ok && pred(s) {
					return true
				}
			}
			return false
		}
	}
	if v.direct {
		k := v.key
		return func(ev fields.Event, _ *fields.Scratch) bool {
			s, ok := ev.Str(k)
			return ok && pred(s)
		}
	}
	get := v.str
	if v.acc != nil && !v.acc.Composes() {
		// Plain fields read straight from the event; nothing to release.
		return func(ev fields.Event, sc *fields.Scratch) bool {
			s, ok := get(ev, sc)
			return ok && pred(s)
		}
	}
	return func(ev fields.Event, sc *fields.Scratch) bool {
		m := sc.Mark()
		s, ok := get(ev, sc)
		r := ok && pred(s)
		sc.Release(m)
		return r
	}
}

func intNode(v *Value, pred func(int64) bool) node {
	if v.shape == fields.AnyOf {
		return func(ev fields.Event, sc *fields.Scratch) bool {
			n, ok := v.n(ev, sc)
			if !ok {
				return false
			}
			for i := 0; i < n; i++ {
				if x, ok := v.intAt(ev, sc, i); ok && pred(x) {
					return true
				}
			}
			return false
		}
	}
	if v.direct {
		k := v.key
		return func(ev fields.Event, _ *fields.Scratch) bool {
			x, ok := ev.Int(k)
			return ok && pred(x)
		}
	}
	get := v.num
	return func(ev fields.Event, sc *fields.Scratch) bool {
		x, ok := get(ev, sc)
		return ok && pred(x)
	}
}

// typeCharNode rewrites a test of fd.typechar against constants into a test
// of the fd.type attribute the character is computed from, sparing the
// mapping per event. It returns nil when the rewrite does not apply (other
// fields, or "o", which stands for every unlisted type).
func typeCharNode(chars []string, lhs *Value, member bool) node {
	if lhs.acc == nil || lhs.acc.Field().Extract != fields.TypeChar {
		return nil
	}
	var types []string
	for _, c := range chars {
		ts, ok := fields.FDTypesWithChar(c)
		if !ok {
			return nil
		}
		types = append(types, ts...)
	}
	set := newStrSet(types)
	k := lhs.acc.Field().Keys[0]
	return func(ev fields.Event, _ *fields.Scratch) bool {
		t, ok := ev.Str(k)
		return ok && set.has(t) == member
	}
}

// directStrEq and directIntCmp are the commonest checks written out, so
// they cost one closure call and one event read.
func directStrEq(k fields.Key, want string, eq bool) node {
	return func(ev fields.Event, _ *fields.Scratch) bool {
		s, ok := ev.Str(k)
		return ok && (s == want) == eq
	}
}

func directIntCmp(k fields.Key, op condition.Operator, c int64) node {
	switch op {
	case condition.OpEq:
		return func(ev fields.Event, _ *fields.Scratch) bool { x, ok := ev.Int(k); return ok && x == c }
	case condition.OpNe:
		return func(ev fields.Event, _ *fields.Scratch) bool { x, ok := ev.Int(k); return ok && x != c }
	case condition.OpLt:
		return func(ev fields.Event, _ *fields.Scratch) bool { x, ok := ev.Int(k); return ok && x < c }
	case condition.OpLe:
		return func(ev fields.Event, _ *fields.Scratch) bool { x, ok := ev.Int(k); return ok && x <= c }
	case condition.OpGt:
		return func(ev fields.Event, _ *fields.Scratch) bool { x, ok := ev.Int(k); return ok && x > c }
	case condition.OpGe:
		return func(ev fields.Event, _ *fields.Scratch) bool { x, ok := ev.Int(k); return ok && x >= c }
	}
	return nil
}

func boolNode(v *Value, pred func(bool) bool) node {
	get := v.bl
	return func(ev fields.Event, sc *fields.Scratch) bool {
		b, ok := get(ev, sc)
		return ok && pred(b)
	}
}

func ipNode(v *Value, pred func(netip.Addr) bool) node {
	return strNode(v, func(s string) bool {
		a, ok := parseAddr(s)
		return ok && pred(a)
	})
}

func bytesNode(v *Value, pred func([]byte) bool) node {
	get := v.byt
	return func(ev fields.Event, sc *fields.Scratch) bool {
		m := sc.Mark()
		b, ok := get(ev, sc)
		r := ok && pred(b)
		sc.Release(m)
		return r
	}
}

func intPred(op condition.Operator, k int64) func(int64) bool {
	switch op {
	case condition.OpEq:
		return func(x int64) bool { return x == k }
	case condition.OpNe:
		return func(x int64) bool { return x != k }
	case condition.OpLt:
		return func(x int64) bool { return x < k }
	case condition.OpLe:
		return func(x int64) bool { return x <= k }
	case condition.OpGt:
		return func(x int64) bool { return x > k }
	case condition.OpGe:
		return func(x int64) bool { return x >= k }
	}
	return nil
}

func bytesPred(op condition.Operator, k []byte) func([]byte) bool {
	switch op {
	case condition.OpEq:
		return func(b []byte) bool { return bytes.Equal(b, k) }
	case condition.OpNe:
		return func(b []byte) bool { return !bytes.Equal(b, k) }
	case condition.OpContains, condition.OpBContains:
		return func(b []byte) bool { return bytes.Contains(b, k) }
	case condition.OpStartsWith, condition.OpBStartsWith:
		return func(b []byte) bool { return bytes.HasPrefix(b, k) }
	case condition.OpEndsWith:
		return func(b []byte) bool { return bytes.HasSuffix(b, k) }
	}
	return nil
}

// scalarCheck compiles "lhs op constant".
func (c *compiler) scalarCheck(ci *checkInfo, ck *condition.Check, lhs *Value, lit condition.Literal) (*checkInfo, *Error) {
	op := ck.Op
	switch {
	case lhs.typ == fields.String:
		c.warnValue(lit)
		if op == condition.OpRegex {
			c.warnRegex(lit)
		}
		pred, cost, err := stringPredicate(op, lit.Text, lit.At)
		if err != nil {
			return nil, err
		}
		ci.eval, ci.cost = strNode(lhs, pred), lhs.cost+cost
		if lhs.direct && (op == condition.OpEq || op == condition.OpNe) {
			ci.eval = directStrEq(lhs.key, lit.Text, op == condition.OpEq)
		}
		if op == condition.OpEq || op == condition.OpNe {
			if n := typeCharNode([]string{lit.Text}, lhs, op == condition.OpEq); n != nil {
				ci.eval = n
			}
		}
		if isEvtType(lhs) {
			ci.typePred = pred
		}
		switch op {
		case condition.OpEq:
			ci.merge, ci.mergeItems = mergeEqual, []string{lit.Text}
		case condition.OpStartsWith:
			ci.merge, ci.mergeItems = mergePrefix, []string{lit.Text}
		case condition.OpEndsWith:
			ci.merge, ci.mergeItems = mergeSuffix, []string{lit.Text}
		}
	case lhs.typ.Numeric():
		k, err := parseInt(lit, lhs.typ)
		if err != nil {
			return nil, err
		}
		ci.eval, ci.cost = intNode(lhs, intPred(op, k)), lhs.cost+1
		if lhs.direct && lhs.shape == fields.Single {
			ci.eval = directIntCmp(lhs.key, op, k)
		}
	case lhs.typ == fields.Bool:
		k, err := parseBool(lit)
		if err != nil {
			return nil, err
		}
		want := k
		pred := func(b bool) bool { return b == want }
		if op == condition.OpNe {
			pred = func(b bool) bool { return b != want }
		}
		ci.eval = boolNode(lhs, pred)
		ci.cost = lhs.cost + 1
		if acc := lhs.acc; acc != nil && acc.ForEventType("x") != acc {
			// evt.is_open_*: the event type decides most of the value.
			ci.forType = func(t string) (node, bool) {
				spec := acc.ForEventType(t)
				if v, ok := spec.ConstBool(); ok {
					return nil, pred(v)
				}
				return func(ev fields.Event, _ *fields.Scratch) bool {
					b, ok := spec.Bool(ev)
					return ok && pred(b)
				}, false
			}
		}
	case lhs.typ == fields.IPAddr || lhs.typ == fields.IPNet:
		k, err := parseIP(lit, lhs.typ)
		if err != nil {
			return nil, err
		}
		if op == condition.OpNe {
			ci.eval = ipNode(lhs, func(a netip.Addr) bool { return !k.match(a) })
		} else {
			ci.eval = ipNode(lhs, k.match)
		}
		ci.cost = lhs.cost + 3
	case lhs.typ == fields.Bytes:
		k := []byte(lit.Text)
		if op == condition.OpBContains || op == condition.OpBStartsWith {
			var err *Error
			if k, err = parseHex(lit, op); err != nil {
				return nil, err
			}
		}
		ci.eval, ci.cost = bytesNode(lhs, bytesPred(op, k)), lhs.cost+4
	default:
		return nil, errorf(ck.At, "operator '%s' cannot be used with %s", op, describe(lhs))
	}
	return ci, nil
}

// isEither reports fields that read both ends of a connection (fd.ip,
// fd.port, fd.net).
func isEither(v *Value) bool { return v.acc != nil && v.acc.Field().Extract == fields.Either }

// eitherNotEqual compiles "!=" on a both-ends field as libsinsp does: "="
// holds when either end matches, "!=" when neither does (so fd.net !=
// 127.0.0.0/8 is false for a connection with one end on loopback).
func (c *compiler) eitherNotEqual(ci *checkInfo, ck *condition.Check, lhs *Value, lit condition.Literal) (*checkInfo, *Error) {
	eqCheck := *ck
	eqCheck.Op = condition.OpEq
	eq, err := c.scalarCheck(&checkInfo{pos: ck.At, lhs: lhs}, &eqCheck, lhs, lit)
	if err != nil {
		return nil, err
	}
	present, matches := existsNode(lhs), eq.eval
	ci.eval = func(ev fields.Event, sc *fields.Scratch) bool { return present(ev, sc) && !matches(ev, sc) }
	ci.cost = eq.cost + lhs.cost
	return ci, nil
}

func isEvtType(v *Value) bool { return v.acc != nil && v.acc.Field().Name == "evt.type" }

// modifierCheck compiles "lhs op oneof|anyof|allof (items)".
func (c *compiler) modifierCheck(ci *checkInfo, ck *condition.Check, lhs *Value, list *condition.List) (*checkInfo, *Error) {
	op := ck.Op
	if lhs.shape == fields.ListOf || (lhs.typ != fields.String && lhs.typ != fields.Bytes) {
		return nil, errorf(ck.At, "'%s %s' needs a string or byte-buffer left side, %s is not", op, ck.Modifier, describe(lhs))
	}
	if lhs.typ == fields.String && (op == condition.OpBContains || op == condition.OpBStartsWith) {
		return nil, errorf(ck.At, "operator '%s' cannot be used with %s", op, describe(lhs))
	}
	cost := 0
	var strPreds []strPred
	var bytePreds []func([]byte) bool
	for _, it := range list.Items {
		if lhs.typ == fields.String {
			c.warnValue(it)
			p, pc, err := stringPredicate(op, it.Text, it.At)
			if err != nil {
				return nil, err
			}
			strPreds = append(strPreds, p)
			cost += pc
			continue
		}
		k := []byte(it.Text)
		if op == condition.OpBContains || op == condition.OpBStartsWith {
			var err *Error
			if k, err = parseHex(it, op); err != nil {
				return nil, err
			}
		}
		bytePreds = append(bytePreds, bytesPred(op, k))
		cost += 4
	}
	mod := ck.Modifier
	if lhs.typ == fields.String {
		// anyof over prefixes or exact values is a set lookup.
		if mod == condition.ModAnyOf && op == condition.OpStartsWith {
			ps := newPrefixSet(literalTexts(list))
			ci.eval, ci.cost = strNode(lhs, ps.has), lhs.cost+3
			return ci, nil
		}
		if mod == condition.ModAnyOf && op == condition.OpEq {
			set := newStrSet(literalTexts(list))
			ci.eval, ci.cost = strNode(lhs, set.has), lhs.cost+set.cost()
			return ci, nil
		}
		ci.eval, ci.cost = strNode(lhs, combine(mod, strPreds)), lhs.cost+cost
		return ci, nil
	}
	ci.eval, ci.cost = bytesNode(lhs, combine(mod, bytePreds)), lhs.cost+cost
	return ci, nil
}

// combine applies a list of predicates with modifier semantics: anyof = at
// least one holds, allof = all hold, oneof = exactly one holds.
func combine[T any, P ~func(T) bool](mod condition.Modifier, preds []P) func(T) bool {
	switch mod {
	case condition.ModAllOf:
		return func(x T) bool {
			for _, p := range preds {
				if !p(x) {
					return false
				}
			}
			return true
		}
	case condition.ModOneOf:
		return func(x T) bool {
			n := 0
			for _, p := range preds {
				if p(x) {
					if n++; n > 1 {
						return false
					}
				}
			}
			return n == 1
		}
	}
	return func(x T) bool {
		for _, p := range preds {
			if p(x) {
				return true
			}
		}
		return false
	}
}

func literalTexts(l *condition.List) []string {
	out := make([]string, len(l.Items))
	for i, it := range l.Items {
		out[i] = it.Text
	}
	return out
}

// listCheck compiles in, intersects and pmatch against a constant list.
func (c *compiler) listCheck(ci *checkInfo, ck *condition.Check, lhs *Value, list *condition.List) (*checkInfo, *Error) {
	op := ck.Op
	if op == condition.OpPmatch {
		if lhs.typ != fields.String || lhs.shape == fields.ListOf {
			return nil, errorf(ck.At, "operator 'pmatch' cannot be used with %s", describe(lhs))
		}
		ps := newPathSet(literalTexts(list))
		ci.eval, ci.cost = strNode(lhs, ps.has), lhs.cost+8
		return ci, nil
	}
	// member is the per-value membership test; the shape decides whether
	// one (in on a single value, intersects, any candidate) or every value
	// (in on a list) must be a member.
	var memberStr func(string) bool
	var memberInt func(int64) bool
	cost := 2
	switch {
	case lhs.typ == fields.String:
		for _, it := range list.Items {
			c.warnValue(it)
		}
		set := newStrSet(literalTexts(list))
		memberStr, cost = set.has, set.cost()
		if isEvtType(lhs) {
			ci.typePred = set.has
		}
		if n := typeCharNode(literalTexts(list), lhs, true); n != nil && lhs.shape == fields.Single {
			ci.eval, ci.cost = n, lhs.cost+cost
			return ci, nil
		}
		if lhs.shape != fields.ListOf {
			ci.merge, ci.mergeItems = mergeEqual, literalTexts(list)
		}
	case lhs.typ.Numeric():
		set := map[int64]struct{}{}
		for _, it := range list.Items {
			k, err := parseInt(it, lhs.typ)
			if err != nil {
				return nil, err
			}
			set[k] = struct{}{}
		}
		memberInt = func(x int64) bool { _, ok := set[x]; return ok }
	case lhs.typ == fields.Bool:
		var want [2]bool
		for _, it := range list.Items {
			k, err := parseBool(it)
			if err != nil {
				return nil, err
			}
			if k {
				want[1] = true
			} else {
				want[0] = true
			}
		}
		ci.eval = boolNode(lhs, func(b bool) bool {
			if b {
				return want[1]
			}
			return want[0]
		})
		ci.cost = lhs.cost + 1
		return ci, nil
	case lhs.typ == fields.IPAddr || lhs.typ == fields.IPNet:
		var consts []ipConst
		for _, it := range list.Items {
			k, err := parseIP(it, lhs.typ)
			if err != nil {
				return nil, err
			}
			consts = append(consts, k)
		}
		memberStr = func(s string) bool {
			a, ok := parseAddr(s)
			if !ok {
				return false
			}
			for _, k := range consts {
				if k.match(a) {
					return true
				}
			}
			return false
		}
		cost = 3 + len(consts)
	case lhs.typ == fields.Bytes:
		items := literalTexts(list)
		ci.eval = bytesNode(lhs, func(b []byte) bool {
			for _, it := range items {
				if string(b) == it {
					return true
				}
			}
			return false
		})
		ci.cost = lhs.cost + 2*len(items)
		return ci, nil
	default:
		return nil, errorf(ck.At, "operator '%s' cannot be used with %s", op, describe(lhs))
	}
	ci.cost = lhs.cost + cost
	if lhs.shape == fields.ListOf {
		all := op == condition.OpIn
		ci.eval = listMembership(lhs, all, memberStr, memberInt)
		return ci, nil
	}
	if memberInt != nil {
		ci.eval = intNode(lhs, memberInt)
	} else {
		ci.eval = strNode(lhs, memberStr)
	}
	return ci, nil
}

// listMembership tests the values of a list operand: all of them (in: the
// list is a subset of the right side) or any (intersects). An empty or
// absent list is not extractable, so the check is false.
func listMembership(v *Value, all bool, memberStr func(string) bool, memberInt func(int64) bool) node {
	return func(ev fields.Event, sc *fields.Scratch) bool {
		n, ok := v.n(ev, sc)
		if !ok || n == 0 {
			return false
		}
		m := sc.Mark()
		defer sc.Release(m)
		for i := 0; i < n; i++ {
			var hit bool
			if memberInt != nil {
				x, ok := v.intAt(ev, sc, i)
				hit = ok && memberInt(x)
			} else {
				s, ok := v.strAt(ev, sc, i)
				hit = ok && memberStr(s)
			}
			if all && !hit {
				return false
			}
			if !all && hit {
				return true
			}
		}
		return all
	}
}

// warnValue flags string constants that were probably meant as something
// else: a field name (use val()) or a transformer call.
func (c *compiler) warnValue(lit condition.Literal) {
	s := lit.Text
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "/ ") {
		if _, _, ok := fields.Resolve(s); ok && validFieldToken(s) {
			c.warnf(lit.At, "the value %s is the name of a field, but is compared as a plain string; use val(%s) to compare against the field's value", condition.Quote(s), s)
			return
		}
	}
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		switch s[:i] {
		case "tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt", "val":
			c.warnf(lit.At, "the value %s looks like a transformer call, but is compared as a plain string", condition.Quote(s))
		}
	}
}

func validFieldToken(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" || !(part[0] >= 'a' && part[0] <= 'z' || part[0] >= 'A' && part[0] <= 'Z') {
			return false
		}
		for i := 0; i < len(part); i++ {
			ch := part[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_') {
				return false
			}
		}
	}
	return true
}

// warnRegex suggests a plain operator when the pattern has no regex syntax
// beyond a leading or trailing ".*".
func (c *compiler) warnRegex(lit condition.Literal) {
	p := lit.Text
	lead := strings.HasPrefix(p, ".*")
	core := strings.TrimPrefix(p, ".*")
	trail := strings.HasSuffix(core, ".*") && !strings.HasSuffix(core, `\.*`)
	core = strings.TrimSuffix(core, ".*")
	if core == "" || regexp.QuoteMeta(core) != core {
		return
	}
	var better string
	switch {
	case lead && trail:
		better = "contains"
	case lead:
		better = "endswith"
	case trail:
		better = "startswith"
	default:
		better = "="
	}
	c.warnf(lit.At, "the regular expression %s has no special syntax; '%s %s' is equivalent and faster", condition.Quote(p), better, condition.Quote(core))
}
