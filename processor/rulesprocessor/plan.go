package rulesprocessor

import (
	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/rules/approver"
)

// plan is what this state needs the kernel to capture: the syscalls its
// rules can match and, per syscall, the filter an event must pass for any
// rule to match it (rules/approver). Rego policies judge events by rules
// the derivation does not read, so with policies loaded nothing is
// filtered.
func (st *ruleState) plan() captureplan.Plan {
	p := captureplan.Plan{Syscalls: st.syscalls}
	if st.policies != nil {
		return p
	}
	d := approver.Derive(st.rs)
	p.Filters = map[string]captureplan.Filter{}
	p.SocketNames = d.SocketNames
	for sc, f := range d.Filters {
		if f.IsAll() {
			continue
		}
		p.Filters[sc] = captureplan.Filter{
			Outcome:  uint8(f.Outcome),
			Proto:    uint8(f.Proto),
			PathAny:  f.Path.Any,
			Prefixes: f.Path.Prefixes,
			Suffixes: f.Path.Suffixes,
		}
	}
	return p
}
