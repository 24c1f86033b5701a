// Package discarder decides which open-family events no enabled rule can
// match whatever the fields the kernel does not know (issue 13's learned
// discarders). It evaluates each rule's expanded condition in three-valued
// logic with only the fields the probe can pin down bound: the syscall,
// the open's access mode, the path the rules see as fd.name (and what
// derives from it) and the fd type of a regular file. Every other check is unknown, so an answer of
// "discardable" never depends on the process, the container, the flags or
// anything else a later event of the same key may change.
package discarder

import (
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/approver"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/native"
)

// Oracle answers, for the enabled syscall rules of one ruleset, whether an
// open-family event of a syscall on a regular file at a path is
// discardable. It is immutable and safe for concurrent use.
type Oracle struct {
	// residual holds, per syscall that may be discarded at all, what is
	// left of each rule that can match it once everything that does not
	// depend on the path is folded in. A syscall absent here is never
	// discarded.
	residual map[string][]*node
}

// New builds the oracle of rs's enabled syscall rules, or returns nil
// (discard nothing) when some rule that can match a syscall outside the
// open family reads a file's path from the fd table (FDTableReader).
func New(rs *rules.Ruleset) *Oracle {
	o := &Oracle{residual: map[string][]*node{}}
	var active []*rules.Rule
	for _, r := range rs.Rules() {
		if r.Enabled && r.Source == "syscall" {
			active = append(active, r)
		}
	}
	if _, _, ok := FDTableReader(rs); ok {
		return nil
	}
	captured := map[string]bool{}
	for _, sc := range rs.Syscalls() {
		captured[sc] = true
	}
	compiled := map[*condition.Check]*native.Filter{}
	for _, sc := range approver.OpenFamily {
		if !captured[sc] {
			// no rule can match it: the receiver does not emit it, and
			// a syscall it keeps only for its tables is not discarded
			continue
		}
		b := builder{sc: sc, compiled: compiled}
		left := []*node{}
		for _, r := range active {
			n := b.visit(r.Tree())
			if n.kind == kConst && n.value == False {
				continue
			}
			if n.kind == kConst {
				// true or unknown whatever the path
				left = nil
				break
			}
			left = append(left, n)
		}
		if left != nil {
			o.residual[sc] = left
		}
	}
	return o
}

// Discards reports whether every enabled rule that can match syscall sc
// is false for a successful open of the regular file path (as fd.name) in
// access mode (flags & O_ACCMODE), whatever the values of the fields left
// unbound. A nil oracle discards nothing.
func (o *Oracle) Discards(sc, path string, mode uint8) bool {
	if o == nil {
		return false
	}
	left, ok := o.residual[sc]
	if !ok {
		return false
	}
	ev := pathEvent{sc: sc, path: path, mode: int64(mode & 3)}
	for _, n := range left {
		if n.eval(ev) != False {
			return false
		}
	}
	return true
}

// Syscalls names the syscalls for which some path may be discardable.
func (o *Oracle) Syscalls() []string {
	if o == nil {
		return nil
	}
	var out []string
	for _, sc := range approver.OpenFamily {
		if _, ok := o.residual[sc]; ok {
			out = append(out, sc)
		}
	}
	return out
}

type builder struct {
	sc       string
	compiled map[*condition.Check]*native.Filter
}

// bound are the fields whose value the kernel pins down for a discarder:
// each reads only the path, the fd type, the syscall and the access mode
// of the open flags (rules/fields registry and accessors), which
// pathEvent provides. evt.is_open_exec and evt.is_open_create read more
// (the mode argument, O_CREAT, whether the file was created) and stay
// unknown.
var bound = map[string]bool{"fd.name": true, "fd.directory": true, "fd.filename": true, "fd.type": true, "fd.typechar": true,
	"evt.is_open_read": true, "evt.is_open_write": true}

func (b builder) visit(e condition.Expr) *node {
	switch e := e.(type) {
	case *condition.And:
		kids := make([]*node, 0, len(e.Children))
		for _, c := range e.Children {
			kids = append(kids, b.visit(c))
		}
		return and(kids)
	case *condition.Or:
		kids := make([]*node, 0, len(e.Children))
		for _, c := range e.Children {
			kids = append(kids, b.visit(c))
		}
		return or(kids)
	case *condition.Not:
		return not(b.visit(e.Child))
	case *condition.Check:
		return b.check(e)
	}
	// an unexpanded macro or a node this package does not know
	return constant(Unknown)
}

func (b builder) check(c *condition.Check) *node {
	f, ok := c.LHS.(*condition.FieldRef)
	if !ok || f.HasArg {
		return constant(Unknown)
	}
	switch {
	case f.Name == "evt.type" || f.Name == "evt.num":
		if c.Modifier != condition.ModNone {
			return constant(Unknown)
		}
		canTrue := evttype.Condition(c).Contains(b.sc)
		canFalse := evttype.Condition(&condition.Not{Child: c}).Contains(b.sc)
		switch {
		case !canTrue:
			return constant(False)
		case !canFalse:
			return constant(True)
		}
		return constant(Unknown)
	case bound[f.Name]:
		switch c.RHS.(type) {
		case nil, *condition.Literal, *condition.List:
		default:
			// another field's value or a transformer: not bound
			return constant(Unknown)
		}
		flt, ok := b.compiled[c]
		if !ok {
			var err error
			if flt, _, err = native.Compile(c); err != nil {
				flt = nil
			}
			b.compiled[c] = flt
		}
		if flt == nil {
			return constant(Unknown)
		}
		return &node{kind: kCheck, check: flt}
	}
	return constant(Unknown)
}
