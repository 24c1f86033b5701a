package trace

import (
	"regexp"
	"slices"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/output"
)

// check fills in what a check read: the value of every field it names
// (left side, val() and transformer arguments), rendered by the output
// formatter, and the lists its right side was pasted from.
func (t *tracer) check(n *Node, c *condition.Check, owner string) {
	var refs []*condition.FieldRef
	collect(c.LHS, &refs)
	lhsFields := len(refs)
	switch v := c.RHS.(type) {
	case *condition.FieldValue:
		refs = append(refs, v.Field)
	case *condition.TransformValue:
		collect(v.Transform, &refs)
	}
	seen := map[string]bool{}
	for i, ref := range refs {
		text := condition.String(&condition.Check{LHS: ref, Op: condition.OpExists})
		text = text[:len(text)-len(" exists")]
		if seen[text] {
			continue
		}
		seen[text] = true
		f, err := output.Compile("%" + text)
		if err != nil {
			// Filter-only fields (fd.net and friends) have no output form.
			continue
		}
		vals := f.Values(t.ev, nil)
		if len(vals) == 1 {
			n.Values = append(n.Values, vals[0])
			if i < lhsFields && vals[0].Kind == output.Absent {
				n.Absent = true
			}
		}
	}
	if l, ok := c.RHS.(*condition.List); ok {
		n.Lists = t.lists(l, owner)
		if len(n.Values) > 0 && n.Values[0].Kind == output.String {
			for i := range n.Lists {
				li := t.rs.List(n.Lists[i].Name)
				n.Lists[i].Holds = slices.ContainsFunc(li.Resolved, func(s string) bool { return unquote(s) == n.Values[0].Str })
			}
		}
	}
}

func collect(o condition.Operand, refs *[]*condition.FieldRef) {
	switch o := o.(type) {
	case *condition.FieldRef:
		*refs = append(*refs, o)
	case *condition.Transform:
		for _, a := range o.Args {
			collect(a, refs)
		}
	case *condition.ArgList:
		for _, a := range o.Items {
			collect(a, refs)
		}
	}
}

// lists names the lists pasted into l: lists named in the owner's condition
// text whose items l holds. Lists are pasted as text before parsing, so
// the tree keeps no trace of them; this recovers them from the text.
func (t *tracer) lists(l *condition.List, owner string) []Origin {
	items := map[string]bool{}
	for _, it := range l.Items {
		items[it.Text] = true
	}
	var out []Origin
	for _, li := range t.rs.Lists() {
		if len(li.Resolved) == 0 || !mentions(owner, li.Name) {
			continue
		}
		if !slices.ContainsFunc(li.Resolved, func(s string) bool { return !items[unquote(s)] }) {
			out = append(out, Origin{Name: li.Name, Pos: li.Pos})
		}
	}
	return out
}

func mentions(text, name string) bool {
	re := regexp.MustCompile(`(^|[\s(,])` + regexp.QuoteMeta(name) + `($|[\s),])`)
	return re.MatchString(text)
}

// unquote strips the quotes a list item may carry into the pasted text
// ('"(systemd)"' in YAML is the condition literal "(systemd)").
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
