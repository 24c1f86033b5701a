// Package trace evaluates one rule on one event node by node, for vigil-rules
// explain: every node of the rule's expanded condition (the tree the engine
// compiled, rules.Rule.Tree) gets its value, the field values it read, and
// the macro and lists it came from.
//
// Each node's value comes from compiling that subtree with the engine's own
// compiler (rules/native) and matching it on the event, and field values come
// from the output formatter's compiled accessors, so a trace cannot disagree
// with the engine about an operator or a field.
package trace

import (
	"fmt"

	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/native"
	"github.com/vigil-sec/vigil/rules/output"
)

// Node is one node of a traced condition.
type Node struct {
	// Expr is the node of the rule's expanded tree.
	Expr condition.Expr
	// Result is the node's value on the event.
	Result bool
	// Absent is set on a check whose field cannot be extracted from the
	// event (the check is then false, and a "not" above it true).
	Absent bool
	// Values are the fields the check reads, with their values.
	Values []output.Value
	// Macros are the macros whose substitution this node is, outermost
	// first; Lists the lists whose items a check's list holds.
	Macros []Origin
	Lists  []Origin
	// Decisive marks the nodes on the path that decided the rule's result.
	// FirstFalse marks, on a false result, the first false check (or not)
	// on that path: where to look first.
	Decisive, FirstFalse bool
	Children             []*Node
}

// Origin is a macro or list and where it is defined.
type Origin struct {
	Name string
	Pos  rules.Position
	// Holds is set on a list that contains the value the check read: the
	// list that made an "in" true.
	Holds bool
}

// Evaluate traces rule r of rs on ev.
func Evaluate(rs *rules.Ruleset, r *rules.Rule, ev fields.Event) (*Node, error) {
	t := &tracer{rs: rs, r: r, ev: ev}
	root, err := t.node(r.Tree(), r.Condition)
	if err != nil {
		return nil, err
	}
	// The whole tree is compiled once more as the engine does; a trace
	// that disagrees with it would be wrong, not merely imprecise.
	if got := r.Matches(ev); got != root.Result {
		return nil, fmt.Errorf("trace of rule %q: node-by-node result %v, but the rule evaluates to %v", r.Name, root.Result, got)
	}
	mark(root)
	return root, nil
}

type tracer struct {
	rs *rules.Ruleset
	r  *rules.Rule
	ev fields.Event
}

// node traces e; owner is the condition text of the innermost rule or
// macro e is part of, where its lists were named.
func (t *tracer) node(e condition.Expr, owner string) (*Node, error) {
	n := &Node{Expr: e}
	names := t.r.MacrosAt(e)
	for i := len(names) - 1; i >= 0; i-- {
		o := Origin{Name: names[i]}
		if m := t.rs.Macro(names[i]); m != nil {
			o.Pos = m.Pos
			owner = m.Condition
		}
		n.Macros = append(n.Macros, o)
	}
	f, _, err := native.Compile(e)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", condition.String(e), err)
	}
	n.Result = f.Match(t.ev)
	switch e := e.(type) {
	case *condition.And:
		err = t.children(n, e.Children, owner)
	case *condition.Or:
		err = t.children(n, e.Children, owner)
	case *condition.Not:
		err = t.children(n, []condition.Expr{e.Child}, owner)
	case *condition.Check:
		t.check(n, e, owner)
	}
	return n, err
}

func (t *tracer) children(n *Node, kids []condition.Expr, owner string) error {
	for _, k := range kids {
		c, err := t.node(k, owner)
		if err != nil {
			return err
		}
		n.Children = append(n.Children, c)
	}
	return nil
}

// mark sets Decisive along the path that decided the root's value, as a
// left-to-right short-circuit evaluation meets it, and FirstFalse on the
// first false leaf of that path.
func mark(root *Node) {
	var walk func(n *Node, firstFalse bool)
	walk = func(n *Node, firstFalse bool) {
		n.Decisive = true
		switch n.Expr.(type) {
		case *condition.And:
			// An and is decided by its first false operand, or by all of
			// them when it holds.
			for _, c := range n.Children {
				if !c.Result {
					walk(c, firstFalse)
					return
				}
				walk(c, false)
			}
		case *condition.Or:
			// An or is decided by its first true operand, or by all of them
			// when it fails (the first is where to look first).
			for _, c := range n.Children {
				if c.Result {
					walk(c, false)
					return
				}
			}
			for i, c := range n.Children {
				walk(c, firstFalse && i == 0)
			}
		default:
			if !n.Result && firstFalse {
				n.FirstFalse = true
				return
			}
			for _, c := range n.Children {
				walk(c, false)
			}
		}
	}
	walk(root, !root.Result)
}
