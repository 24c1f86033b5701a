// Package lint finds rules-file items that silently change other rules:
// macros and lists redefined without append or override, overrides that
// replace a condition or list other rules use, exceptions that can never
// match because no event source writes their field, and rules whose
// condition is a constant. Every finding names the files and lines involved.
package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/rules/loader"
)

// Kind classifies a finding.
type Kind string

const (
	Redefined     Kind = "redefined"
	ReplacedUsed  Kind = "override-replaces"
	DeadException Kind = "dead-exception"
	ConstantRule  Kind = "constant-condition"
	kindsInOrder       = "redefined override-replaces dead-exception constant-condition"
)

// Kinds lists every kind, in report order.
func Kinds() []Kind {
	var out []Kind
	for _, k := range strings.Fields(kindsInOrder) {
		out = append(out, Kind(k))
	}
	return out
}

// Warning is one finding at a place in a rules file.
type Warning struct {
	Pos  loader.Position
	Kind Kind
	// Item is "macro 'x'", "list 'y'" or "rule 'z'".
	Item string
	Msg  string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s:%d: %s: %s: %s", w.Pos.File, w.Pos.Line, w.Kind, w.Item, w.Msg)
}

// Files lints rules files loaded in this order. A load with errors is
// returned as the error: lint judges rules that load.
func Files(paths ...string) ([]Warning, error) {
	res := loader.LoadFiles(paths...)
	if res.HasErrors() {
		return nil, res.Err()
	}
	var defs []*def
	for _, p := range paths {
		d, err := readDefs(p)
		if err != nil {
			return nil, err
		}
		defs = append(defs, d...)
	}
	u := newUsage(res)
	var out []Warning
	out = append(out, redefinitions(defs, u)...)
	out = append(out, deadExceptions(res)...)
	out = append(out, constantRules(res)...)
	slices.SortStableFunc(out, func(a, b Warning) int {
		if c := strings.Compare(a.Pos.File, b.Pos.File); c != 0 {
			return c
		}
		return a.Pos.Line - b.Pos.Line
	})
	return out, nil
}

// usage says which rules use each macro and list, directly or through
// macros.
type usage struct {
	macroRules map[string][]string
	listRules  map[string][]string
}

func newUsage(res *loader.Result) *usage {
	u := &usage{macroRules: map[string][]string{}, listRules: map[string][]string{}}
	// Lists are pasted as text, so a list is used by the rules whose own
	// condition, or a macro they use, names it.
	texts := map[string][]string{}
	for _, r := range res.Rules {
		if r.AST == nil {
			continue
		}
		seen := map[string]bool{}
		for _, names := range r.MacroRoots {
			for _, m := range names {
				if !seen[m] {
					seen[m] = true
					u.macroRules[m] = append(u.macroRules[m], r.Name)
				}
			}
		}
		texts[r.Name] = append(texts[r.Name], r.Condition)
		for m := range seen {
			if mm := res.Macro(m); mm != nil {
				texts[r.Name] = append(texts[r.Name], mm.Condition)
			}
		}
	}
	// Lists that name other lists pass their use on.
	for _, l := range res.Lists {
		for _, r := range res.Rules {
			if slices.ContainsFunc(texts[r.Name], func(t string) bool { return namesList(t, l.Name, res) }) {
				u.listRules[l.Name] = append(u.listRules[l.Name], r.Name)
			}
		}
	}
	return u
}

// namesList: text names list, or a list whose items name it.
func namesList(text, list string, res *loader.Result) bool {
	if mentions(text, list) {
		return true
	}
	for _, l := range res.Lists {
		if l.Name != list && slices.Contains(l.Items, list) && mentions(text, l.Name) {
			return true
		}
	}
	return false
}

func mentions(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(name)
		if (j == 0 || isDelim(text[j-1])) && (end == len(text) || isDelim(text[end])) {
			return true
		}
		i = j + 1
	}
}

func isDelim(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == ','
}

// users renders "used by N rules: a, b, c (and K more)".
func users(rules []string) string {
	if len(rules) == 0 {
		return "no rule uses it"
	}
	const show = 3
	s := "1 rule uses it: "
	if len(rules) > 1 {
		s = fmt.Sprintf("%d rules use it: ", len(rules))
	}
	quoted := make([]string, 0, show)
	for i, r := range rules {
		if i == show {
			break
		}
		quoted = append(quoted, "'"+r+"'")
	}
	s += strings.Join(quoted, ", ")
	if len(rules) > show {
		s += fmt.Sprintf(" and %d more", len(rules)-show)
	}
	return s
}
