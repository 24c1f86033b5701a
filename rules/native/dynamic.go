package native

import (
	"bytes"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/native/fnmatch"
)

// dynamicCheck compiles a check whose right side is read from the same
// event: val(field) or a transformer. A right side that cannot be extracted
// makes the check false, like a left side that cannot.
func (c *compiler) dynamicCheck(ci *checkInfo, ck *condition.Check, lhs, rhs *Value) (*checkInfo, *Error) {
	op := ck.Op
	if rhs.shape == fields.AnyOf {
		return nil, errorf(ck.RHS.Position(), "'%s' has several candidate values and cannot be the right side of a comparison", rhs.text)
	}
	if !compatible(lhs.typ, rhs.typ) {
		return nil, errorf(ck.RHS.Position(), "cannot compare %s with %s", describe(lhs), describe(rhs))
	}
	ci.cost = lhs.cost + rhs.cost + 4
	if op.IsList() {
		return c.dynamicList(ci, ck, lhs, rhs)
	}
	if rhs.shape == fields.ListOf {
		return nil, errorf(ck.RHS.Position(), "operator '%s' needs a single value, '%s' is a list", op, rhs.text)
	}
	switch {
	case lhs.typ == fields.String:
		if op == condition.OpRegex {
			return nil, errorf(ck.RHS.Position(), "'regex' needs a constant pattern")
		}
		cmp := dynStrCompare(op)
		ci.eval = func(ev fields.Event, sc *fields.Scratch) bool {
			m := sc.Mark()
			defer sc.Release(m)
			r, ok := rhs.str(ev, sc)
			if !ok {
				return false
			}
			return anyStr(lhs, ev, sc, func(s string) bool { return cmp(s, r) })
		}
	case lhs.typ.Numeric():
		cmp := dynIntCompare(op)
		ci.eval = func(ev fields.Event, sc *fields.Scratch) bool {
			r, ok := rhs.num(ev, sc)
			if !ok {
				return false
			}
			if lhs.shape == fields.AnyOf {
				n, _ := lhs.n(ev, sc)
				for i := 0; i < n; i++ {
					if x, ok := lhs.intAt(ev, sc, i); ok && cmp(x, r) {
						return true
					}
				}
				return false
			}
			x, ok := lhs.num(ev, sc)
			return ok && cmp(x, r)
		}
	case lhs.typ == fields.Bool:
		ci.eval = func(ev fields.Event, sc *fields.Scratch) bool {
			r, ok := rhs.bl(ev, sc)
			if !ok {
				return false
			}
			l, ok := lhs.bl(ev, sc)
			return ok && (l == r) == (op == condition.OpEq)
		}
	case lhs.typ == fields.IPAddr || lhs.typ == fields.IPNet:
		ci.eval = func(ev fields.Event, sc *fields.Scratch) bool {
			m := sc.Mark()
			defer sc.Release(m)
			rs, ok := rhs.str(ev, sc)
			if !ok {
				return false
			}
			r, ok := parseAddr(rs)
			if !ok {
				return false
			}
			return anyStr(lhs, ev, sc, func(s string) bool {
				a, ok := parseAddr(s)
				return ok && (a == r) == (op == condition.OpEq)
			})
		}
	case lhs.typ == fields.Bytes:
		ci.eval = func(ev fields.Event, sc *fields.Scratch) bool {
			m := sc.Mark()
			defer sc.Release(m)
			r, ok := rhs.byt(ev, sc)
			if !ok {
				return false
			}
			l, ok := lhs.byt(ev, sc)
			return ok && dynBytesCompare(op, l, r)
		}
	default:
		return nil, errorf(ck.At, "operator '%s' cannot be used with %s", op, describe(lhs))
	}
	return ci, nil
}

// anyStr applies pred to the operand's value, or to each candidate of an
// AnyOf operand until one holds. pred does not escape, so a closure over
// per-event values costs no allocation.
func anyStr(v *Value, ev fields.Event, sc *fields.Scratch, pred func(string) bool) bool {
	if v.shape == fields.AnyOf {
		n, _ := v.n(ev, sc)
		for i := 0; i < n; i++ {
			if s, ok := v.strAt(ev, sc, i); ok && pred(s) {
				return true
			}
		}
		return false
	}
	s, ok := v.str(ev, sc)
	return ok && pred(s)
}

func dynIntCompare(op condition.Operator) func(x, r int64) bool {
	switch op {
	case condition.OpEq:
		return func(x, r int64) bool { return x == r }
	case condition.OpNe:
		return func(x, r int64) bool { return x != r }
	case condition.OpLt:
		return func(x, r int64) bool { return x < r }
	case condition.OpLe:
		return func(x, r int64) bool { return x <= r }
	case condition.OpGt:
		return func(x, r int64) bool { return x > r }
	case condition.OpGe:
		return func(x, r int64) bool { return x >= r }
	}
	return func(int64, int64) bool { return false }
}

func compatible(a, b fields.Type) bool {
	if a.Numeric() && b.Numeric() {
		return true
	}
	if (a == fields.IPAddr || a == fields.IPNet) && (b == fields.IPAddr || b == fields.String) {
		return true
	}
	return a == b
}

func dynStrCompare(op condition.Operator) func(s, r string) bool {
	switch op {
	case condition.OpEq:
		return func(s, r string) bool { return s == r }
	case condition.OpNe:
		return func(s, r string) bool { return s != r }
	case condition.OpLt:
		return func(s, r string) bool { return s < r }
	case condition.OpLe:
		return func(s, r string) bool { return s <= r }
	case condition.OpGt:
		return func(s, r string) bool { return s > r }
	case condition.OpGe:
		return func(s, r string) bool { return s >= r }
	case condition.OpContains:
		return strings.Contains
	case condition.OpIContains:
		return func(s, r string) bool { return containsFold(s, foldASCII(r)) }
	case condition.OpStartsWith:
		return strings.HasPrefix
	case condition.OpEndsWith:
		return strings.HasSuffix
	case condition.OpGlob:
		return func(s, r string) bool { return fnmatch.Match(r, s) }
	case condition.OpIGlob:
		return func(s, r string) bool { return fnmatch.MatchFold(r, s) }
	}
	return func(string, string) bool { return false }
}

func dynBytesCompare(op condition.Operator, l, r []byte) bool {
	switch op {
	case condition.OpEq:
		return bytes.Equal(l, r)
	case condition.OpNe:
		return !bytes.Equal(l, r)
	case condition.OpContains, condition.OpBContains:
		return bytes.Contains(l, r)
	case condition.OpStartsWith, condition.OpBStartsWith:
		return bytes.HasPrefix(l, r)
	case condition.OpEndsWith:
		return bytes.HasSuffix(l, r)
	}
	return false
}

// dynamicList compiles in/intersects/pmatch against values read from the
// event: a single value or the items of a list (getopt, a list field).
func (c *compiler) dynamicList(ci *checkInfo, ck *condition.Check, lhs, rhs *Value) (*checkInfo, *Error) {
	op := ck.Op
	numeric := lhs.typ.Numeric()
	if !numeric && lhs.typ != fields.String {
		return nil, errorf(ck.At, "operator '%s' with a value read from the event supports only string and numeric left sides, not %s", op, describe(lhs))
	}
	if op == condition.OpPmatch && (numeric || lhs.shape == fields.ListOf) {
		return nil, errorf(ck.At, "operator 'pmatch' cannot be used with %s", describe(lhs))
	}
	rhsCount := func(ev fields.Event, sc *fields.Scratch) (int, bool) {
		if rhs.shape == fields.ListOf {
			return rhs.n(ev, sc)
		}
		return 1, true
	}
	memberStr := func(ev fields.Event, sc *fields.Scratch, s string) bool {
		n, ok := rhsCount(ev, sc)
		if !ok {
			return false
		}
		for i := 0; i < n; i++ {
			var r string
			if rhs.shape == fields.ListOf {
				r, ok = rhs.strAt(ev, sc, i)
			} else {
				r, ok = rhs.str(ev, sc)
			}
			if !ok {
				continue
			}
			if op == condition.OpPmatch {
				if pathUnder(s, r) {
					return true
				}
			} else if s == r {
				return true
			}
		}
		return false
	}
	memberInt := func(ev fields.Event, sc *fields.Scratch, x int64) bool {
		n, ok := rhsCount(ev, sc)
		if !ok {
			return false
		}
		for i := 0; i < n; i++ {
			var r int64
			if rhs.shape == fields.ListOf {
				r, ok = rhs.intAt(ev, sc, i)
			} else {
				r, ok = rhs.num(ev, sc)
			}
			if ok && x == r {
				return true
			}
		}
		return false
	}
	all := op == condition.OpIn && lhs.shape == fields.ListOf
	ci.eval = func(ev fields.Event, sc *fields.Scratch) bool {
		m := sc.Mark()
		defer sc.Release(m)
		if lhs.shape == fields.Single {
			if numeric {
				x, ok := lhs.num(ev, sc)
				return ok && memberInt(ev, sc, x)
			}
			s, ok := lhs.str(ev, sc)
			return ok && memberStr(ev, sc, s)
		}
		n, ok := lhs.n(ev, sc)
		if !ok || n == 0 {
			return false
		}
		for i := 0; i < n; i++ {
			var hit bool
			if numeric {
				x, ok := lhs.intAt(ev, sc, i)
				hit = ok && memberInt(ev, sc, x)
			} else {
				s, ok := lhs.strAt(ev, sc, i)
				hit = ok && memberStr(ev, sc, s)
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
	return ci, nil
}
