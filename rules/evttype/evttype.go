// Package evttype works out which event types can make a condition true
// (spec §3), the analysis that decides which syscalls the kernel captures
// and which rules an event is evaluated against.
//
// Sets are computed on the expanded condition: "and" intersects, "or"
// unites, "not" is pushed down to the leaves with De Morgan's laws (inside a
// negation "and" and "or" swap). Leaves that constrain the event type are
// complemented under negation; every other check matches all types whether
// negated or not:
//
//	evt.type = X, == X, in (X, ...)  {X, ...}
//	evt.type != X                    all but X
//	evt.type exists                  all
//	evt.num = 0, in (0), < 1, <= 0   none (the never_true idiom)
//	evt.num != 0, > 0, >= 1          all
//	any other check                  all, not affected by negation
package evttype

import (
	"slices"

	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Set is a set of event type names. It is either finite (the names listed)
// or co-finite (every event type except the names listed), so "all but X"
// stays exact even for event types no table knows. The zero value is the
// empty set.
type Set struct {
	names []string // sorted, unique
	// exclude is true for the co-finite form.
	exclude bool
}

// All is the set of every event type.
func All() Set { return Set{exclude: true} }

// None is the empty set.
func None() Set { return Set{} }

// Of returns the finite set of the given names.
func Of(names ...string) Set {
	n := slices.Clone(names)
	slices.Sort(n)
	return Set{names: slices.Compact(n)}
}

// IsAll reports whether s contains every event type.
func (s Set) IsAll() bool { return s.exclude && len(s.names) == 0 }

// IsEmpty reports whether s contains no event type.
func (s Set) IsEmpty() bool { return !s.exclude && len(s.names) == 0 }

// Finite reports whether s lists its members (rather than its exceptions).
func (s Set) Finite() bool { return !s.exclude }

// Contains reports whether name is in s.
func (s Set) Contains(name string) bool {
	_, found := slices.BinarySearch(s.names, name)
	return found != s.exclude
}

// Complement is every event type not in s.
func (s Set) Complement() Set { return Set{names: s.names, exclude: !s.exclude} }

// Union is s ∪ t.
func (s Set) Union(t Set) Set {
	switch {
	case !s.exclude && !t.exclude:
		return Set{names: merge(s.names, t.names)}
	case s.exclude && t.exclude:
		return Set{names: intersect(s.names, t.names), exclude: true}
	case s.exclude:
		return Set{names: minus(s.names, t.names), exclude: true}
	default:
		return Set{names: minus(t.names, s.names), exclude: true}
	}
}

// Intersect is s ∩ t.
func (s Set) Intersect(t Set) Set {
	switch {
	case !s.exclude && !t.exclude:
		return Set{names: intersect(s.names, t.names)}
	case s.exclude && t.exclude:
		return Set{names: merge(s.names, t.names), exclude: true}
	case s.exclude:
		return Set{names: minus(t.names, s.names)}
	default:
		return Set{names: minus(s.names, t.names)}
	}
}

// Names lists the members of s, sorted. A co-finite set is expanded over
// Known(): every known name not excluded.
func (s Set) Names() []string {
	if !s.exclude {
		return slices.Clone(s.names)
	}
	return minus(Known(), s.names)
}

// Len is len(s.Names()).
func (s Set) Len() int {
	if !s.exclude {
		return len(s.names)
	}
	n := len(known)
	for _, x := range s.names {
		if IsKnown(x) {
			n--
		}
	}
	return n
}

// Listed returns the names the set is defined by: its members when finite,
// its exceptions when co-finite.
func (s Set) Listed() []string { return slices.Clone(s.names) }

// String renders the set for messages: "{open, openat}" or "all but {x}".
func (s Set) String() string {
	out := "{"
	for i, n := range s.names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	out += "}"
	if s.exclude {
		if len(s.names) == 0 {
			return "all"
		}
		return "all but " + out
	}
	return out
}

// Equal reports whether s and t are the same set.
func (s Set) Equal(t Set) bool { return s.exclude == t.exclude && slices.Equal(s.names, t.names) }

func merge(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			out = append(out, x)
		}
	}
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	return out
}

// known is every syscall and event name, sorted.
var known = func() []string {
	k := merge(syscallNames, eventNames)
	return k
}()

// syscallNames are the x86-64 system call names, sorted (linuxabi's table:
// the same one the syscall receiver numbers its records by).
var syscallNames = linuxabi.SyscallNames()

// Known returns every event type name the table knows, sorted: the x86-64
// syscall names and Falco's non-syscall event names.
func Known() []string { return slices.Clone(known) }

// IsKnown reports whether name is a known event type.
func IsKnown(name string) bool {
	_, ok := slices.BinarySearch(known, name)
	return ok
}

// IsSyscall reports whether name is a system call (not an event such as
// procexit).
func IsSyscall(name string) bool {
	_, ok := slices.BinarySearch(syscallNames, name)
	return ok
}

// Condition returns the set of event types that can make e true. e must be
// expanded (macro references are treated like any other check: all types).
func Condition(e condition.Expr) Set { return visit(e, false) }

func visit(e condition.Expr, neg bool) Set {
	switch e := e.(type) {
	case *condition.And:
		if neg {
			return unionOf(e.Children, neg)
		}
		return intersectionOf(e.Children, neg)
	case *condition.Or:
		if neg {
			return intersectionOf(e.Children, neg)
		}
		return unionOf(e.Children, neg)
	case *condition.Not:
		return visit(e.Child, !neg)
	case *condition.Check:
		s, constrains := leaf(e)
		if constrains && neg {
			return s.Complement()
		}
		return s
	}
	return All()
}

func unionOf(kids []condition.Expr, neg bool) Set {
	s := None()
	for _, k := range kids {
		s = s.Union(visit(k, neg))
	}
	return s
}

func intersectionOf(kids []condition.Expr, neg bool) Set {
	s := All()
	for _, k := range kids {
		s = s.Intersect(visit(k, neg))
	}
	return s
}

// leaf returns a check's set and whether negation complements it.
func leaf(c *condition.Check) (Set, bool) {
	f, ok := c.LHS.(*condition.FieldRef)
	if !ok || f.HasArg || c.Modifier != condition.ModNone {
		return All(), false
	}
	switch f.Name {
	case "evt.type":
		switch c.Op {
		case condition.OpExists:
			return All(), true
		case condition.OpEq, condition.OpIn, condition.OpNe:
			names, ok := condition.Texts(c.RHS)
			if !ok {
				return All(), false
			}
			s := Of(names...)
			if c.Op == condition.OpNe {
				s = s.Complement()
			}
			return s, true
		}
	case "evt.num":
		if NeverTrue(c) {
			return None(), true
		}
		n, ok := singleNumber(c)
		if !ok {
			return All(), false
		}
		switch {
		case c.Op == condition.OpNe && n == "0",
			c.Op == condition.OpGt && n == "0",
			c.Op == condition.OpGe && n == "1":
			return All(), true
		}
	}
	return All(), false
}

// NeverTrue recognises the never_true idiom: an evt.num check that no event
// satisfies because event numbers start at 1 (= 0, in (0), < 1, <= 0, and
// lists of such values). The set analysis gives it no event types, and both
// engines fold it to false, even for an event that carries no number.
func NeverTrue(c *condition.Check) bool {
	f, ok := c.LHS.(*condition.FieldRef)
	if !ok || f.Name != "evt.num" || f.HasArg || c.Modifier != condition.ModNone {
		return false
	}
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) == 0 {
		return false
	}
	for _, it := range items {
		n, err := fields.ParseInt(it, fields.Int)
		if err != nil {
			return false
		}
		switch c.Op {
		case condition.OpEq, condition.OpIn, condition.OpIntersects:
			if n != 0 {
				return false
			}
		case condition.OpLt:
			if n > 1 {
				return false
			}
		case condition.OpLe:
			if n > 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func singleNumber(c *condition.Check) (string, bool) {
	names, ok := condition.Texts(c.RHS)
	if !ok || len(names) != 1 {
		return "", false
	}
	return names[0], true
}
