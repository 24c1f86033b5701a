package loader

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vigil-sec/vigil/rules/condition"
)

// entry is a scalar or a sequence in an exception: fields, comps, one
// value, or one element of a value tuple.
type entry struct {
	isList bool
	item   string
	items  []entry
}

type exceptionInfo struct {
	name      string
	fields    entry
	hasFields bool
	comps     entry
	hasComps  bool
	values    []entry
	ref       *nodeRef // the exception mapping
}

// exceptions reads a rule's exceptions key. In updates (append/override)
// fields may be left out: they are then taken from the existing exception.
func (r *itemReader) exceptions(update bool) []*exceptionInfo {
	n, ok := r.it.val["exceptions"]
	if !ok || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(r.it.at("exceptions"), "'exceptions' must be a sequence")
		return nil
	}
	var out []*exceptionInfo
	seen := map[string]bool{}
	for _, en := range n.Content {
		en = deref(en)
		ref := r.it.ref(en)
		if en.Kind != yaml.MappingNode {
			r.errorf(ref.start(), "each exception must be a mapping with 'name', 'fields', 'comps' and 'values'")
			continue
		}
		ex := &exceptionInfo{ref: ref}
		vals := map[string]*yaml.Node{}
		for i := 0; i+1 < len(en.Content); i += 2 {
			k := deref(en.Content[i])
			if k.Kind != yaml.ScalarNode {
				r.errorf(r.it.ref(k).start(), "exception keys must be scalars")
				continue
			}
			switch k.Value {
			case "name", "fields", "comps", "values":
				if _, dup := vals[k.Value]; !dup {
					vals[k.Value] = deref(en.Content[i+1])
				}
			default:
				r.warnf(r.it.ref(k).start(), "unknown exception key '%s' is ignored", k.Value)
			}
		}
		nameNode, ok := vals["name"]
		if !ok {
			r.errorf(ref.start(), "exception is missing required key 'name'")
			continue
		}
		if p := scalarProblem(nameNode); p != "" {
			r.errorf(r.it.ref(nameNode).start(), "exception 'name' %s", p)
			continue
		}
		ex.name = nameNode.Value
		if seen[ex.name] {
			r.warnf(ref.start(), "exception name '%s' is used more than once in this rule", ex.name)
		}
		seen[ex.name] = true
		what := "exception '" + ex.name + "'"
		if fn, ok := vals["fields"]; ok {
			ex.fields, ex.hasFields = r.entry(fn, what+" 'fields'", 1)
			if !ex.hasFields {
				continue
			}
		} else if !update {
			r.errorf(ref.start(), "exception '%s' must have a 'fields' key", ex.name)
			continue
		}
		if cn, ok := vals["comps"]; ok {
			ex.comps, ex.hasComps = r.entry(cn, what+" 'comps'", 1)
			if !ex.hasComps {
				continue
			}
		}
		if vn, ok := vals["values"]; ok {
			if vn.Kind != yaml.SequenceNode {
				r.errorf(r.it.ref(vn).start(), "exception '%s' 'values' must be a sequence", ex.name)
				continue
			}
			good := true
			for _, v := range vn.Content {
				e, ok := r.entry(deref(v), what+" value", 2)
				good = good && ok
				ex.values = append(ex.values, e)
			}
			if !good {
				continue
			}
		} else if update {
			r.warnf(ref.start(), "exception '%s' is appended or overridden without 'values'", ex.name)
		}
		out = append(out, ex)
	}
	return out
}

// entry reads a non-empty scalar or a sequence nested at most depth deep.
func (r *itemReader) entry(n *yaml.Node, what string, depth int) (entry, bool) {
	n = deref(n)
	p := r.it.ref(n).start()
	switch {
	case n.Kind == yaml.ScalarNode && !isNull(n):
		if n.Value == "" {
			r.errorf(p, "%s must not be an empty string", what)
			return entry{}, false
		}
		return entry{item: n.Value}, true
	case n.Kind == yaml.SequenceNode && depth > 0:
		e := entry{isList: true}
		for _, c := range n.Content {
			ce, ok := r.entry(c, what, depth-1)
			if !ok {
				return entry{}, false
			}
			e.items = append(e.items, ce)
		}
		return e, true
	case n.Kind == yaml.SequenceNode:
		r.errorf(p, "%s is nested too deeply: expected a scalar", what)
	default:
		r.errorf(p, "%s must be a scalar or a sequence, not a %s", what, kindName(n))
	}
	return entry{}, false
}

var comparisonOps = set("=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains",
	"startswith", "bstartswith", "endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch", "exists")

var listOps = set("in", "intersects", "pmatch")

// modifierOps are the operators that take oneof/anyof/allof.
var modifierOps = set("=", "==", "!=", "contains", "icontains", "bcontains", "startswith",
	"bstartswith", "endswith", "glob", "iglob", "regex")

// splitModifier splits "contains anyof" into its operator and modifier.
func splitModifier(comp string) (op, mod string, ok bool) {
	f := strings.Fields(comp)
	if len(f) == 2 && modifierOps[f[0]] {
		switch f[1] {
		case "oneof", "anyof", "allof":
			return f[0], f[1], true
		}
	}
	return "", "", false
}

func validComp(comp string) bool {
	c := strings.TrimSpace(comp)
	if comparisonOps[c] {
		return true
	}
	_, _, ok := splitModifier(c)
	return ok
}

// takesList reports whether a comp's value is a list, so a scalar value is
// wrapped in parentheses (it may then name a list).
func takesList(comp string) bool {
	c := strings.TrimSpace(comp)
	if listOps[c] {
		return true
	}
	_, _, ok := splitModifier(c)
	return ok
}

// validateException fills in default comps and checks fields and comps.
// checkFields is false for rules whose source is not loaded.
func (l *loader) validateException(r *itemReader, ex *exceptionInfo, checkFields bool) bool {
	ok := true
	p := ex.ref.start()
	if ex.fields.isList {
		if !ex.hasComps {
			ex.comps = entry{isList: true}
			for range ex.fields.items {
				ex.comps.items = append(ex.comps.items, entry{item: "="})
			}
			ex.hasComps = true
		}
		if !ex.comps.isList || len(ex.comps.items) != len(ex.fields.items) {
			r.errorf(p, "exception '%s': 'fields' and 'comps' must be sequences of the same length", ex.name)
			return false
		}
		for _, c := range ex.comps.items {
			if c.isList || !validComp(c.item) {
				r.errorf(p, "exception '%s': '%s' is not a comparison operator", ex.name, entryText(c))
				ok = false
			}
		}
		if checkFields {
			for _, f := range ex.fields.items {
				if msg := exceptionFieldProblem(f); msg != "" {
					r.errorf(p, "exception '%s': %s", ex.name, msg)
					ok = false
				}
			}
		}
		return ok
	}
	if !ex.hasComps {
		ex.comps = entry{item: "in"}
		ex.hasComps = true
	}
	if ex.comps.isList {
		r.errorf(p, "exception '%s': when 'fields' is a single field, 'comps' must be a single operator", ex.name)
		return false
	}
	if !takesList(ex.comps.item) {
		r.errorf(p, "exception '%s': when 'fields' is a single field, 'comps' must be in, pmatch, intersects or an operator with oneof/anyof/allof, not '%s'", ex.name, ex.comps.item)
		ok = false
	}
	if checkFields {
		if msg := exceptionFieldProblem(ex.fields); msg != "" {
			r.errorf(p, "exception '%s': %s", ex.name, msg)
			ok = false
		}
	}
	return ok
}

func entryText(e entry) string {
	if !e.isList {
		return e.item
	}
	var parts []string
	for _, c := range e.items {
		parts = append(parts, entryText(c))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// exceptionFieldProblem checks that an exception field is one field (with
// an optional argument) that the registry knows.
func exceptionFieldProblem(f entry) string {
	if f.isList {
		return "'" + entryText(f) + "' is not a field name"
	}
	e, err := condition.Parse(f.item + " exists")
	c, ok := e.(*condition.Check)
	if err != nil || !ok {
		return "'" + f.item + "' is not a field name"
	}
	fr, ok := c.LHS.(*condition.FieldRef)
	if !ok {
		return "'" + f.item + "' is not a field name"
	}
	if p := fieldProblemOf(fr); p != nil {
		return p.msg
	}
	return ""
}

// quoteItem wraps an item that contains a space in double quotes unless it
// already starts with a quote; nothing is escaped (Falco behaves the same,
// and rules rely on it to paste pre-quoted items).
func quoteItem(s string) string {
	if strings.Contains(s, " ") && s[0] != '"' && s[0] != '\'' {
		return `"` + s + `"`
	}
	return s
}

func parenItem(s string) string {
	if s == "" || s[0] != '(' {
		return "(" + s + ")"
	}
	return s
}

// exceptionsText compiles exceptions into condition text the way Falco
// does (§6): "(" + cond + ")" then " and not E" for each exception with
// values. Falco's spacing, including the double blank after "and" between
// tuple elements, is reproduced on purpose.
func (l *loader) exceptionsText(rule *ruleInfo, item string) (text, bool) {
	parts := []text{madeText("(", rule.ref), rule.cond, madeText(")", rule.ref)}
	ok := true
	for _, ex := range rule.exceptions {
		var b strings.Builder
		if !ex.fields.isList {
			for _, v := range ex.values {
				if v.isList {
					l.errorf(ex.ref.start(), item, "exception '%s': with a single field, each value must be a scalar", ex.name)
					ok = false
					continue
				}
				if b.Len() == 0 {
					b.WriteString("(" + ex.fields.item + " " + ex.comps.item + " (")
				} else {
					b.WriteString(", ")
				}
				b.WriteString(quoteItem(v.item))
			}
			if b.Len() > 0 {
				b.WriteString("))")
			}
		} else {
			b.WriteString("(")
			for _, v := range ex.values {
				if len(v.items) != len(ex.fields.items) || !v.isList {
					l.errorf(ex.ref.start(), item, "exception '%s': each value must be a sequence with one element per field (%d)", ex.name, len(ex.fields.items))
					ok = false
					continue
				}
				if b.Len() > 1 {
					b.WriteString(" or ")
				}
				b.WriteString("(")
				for k, f := range ex.fields.items {
					if k > 0 {
						b.WriteString(" and ")
					}
					comp := ex.comps.items[k].item
					var val string
					if e := v.items[k]; e.isList {
						qs := make([]string, len(e.items))
						for i, it := range e.items {
							qs[i] = quoteItem(it.item)
						}
						val = "(" + strings.Join(qs, ", ") + ")"
					} else if takesList(comp) {
						val = parenItem(e.item)
					} else {
						val = quoteItem(e.item)
					}
					b.WriteString(" " + f.item + " " + comp + " " + val)
				}
				b.WriteString(")")
			}
			b.WriteString(")")
		}
		if s := b.String(); s != "" && s != "()" {
			parts = append(parts, madeText(" and not "+s, ex.ref))
		}
	}
	return joinText(parts...), ok
}
