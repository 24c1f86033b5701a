package rules

import (
	"sort"

	"github.com/vigil-sec/vigil/rules/condition"
)

// nameFields are the fields whose value is the host name an address
// resolved to: their comparisons name the hosts to resolve.
var nameFields = map[string]bool{"fd.sip.name": true, "fd.cip.name": true}

// Hostnames are the host names the enabled rules compare fd.sip.name or
// fd.cip.name with, sorted: the names a receiver must resolve for those
// fields to have values.
func (rs *Ruleset) Hostnames() []string {
	set := map[string]bool{}
	for _, r := range rs.rules {
		if !r.Enabled || r.ast == nil {
			continue
		}
		condition.Walk(r.ast, func(e condition.Expr) bool {
			ch, ok := e.(*condition.Check)
			if !ok {
				return true
			}
			f, ok := ch.LHS.(*condition.FieldRef)
			if !ok || !nameFields[f.Name] {
				return true
			}
			switch v := ch.RHS.(type) {
			case *condition.Literal:
				set[v.Text] = true
			case *condition.List:
				for _, it := range v.Items {
					set[it.Text] = true
				}
			}
			return true
		})
	}
	out := make([]string, 0, len(set))
	for n := range set {
		if n != "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
