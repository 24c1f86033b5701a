package rulesprocessor

import (
	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/rules/approver"
	"github.com/vigil-sec/vigil/rules/discarder"
)

// the access modes are the same in both packages
var _ [approver.Modes]captureplan.Paths = captureplan.Filter{}.Path

// plan is what this state needs the kernel to capture: the syscalls its
// rules can match and, per syscall, the filter an event must pass for any
// rule to match it (rules/approver). Rego policies judge events by rules
// the derivation does not read, so with policies loaded nothing is
// filtered, and nothing is discarded either.
func (st *ruleState) plan() captureplan.Plan {
	p := captureplan.Plan{Syscalls: st.syscalls}
	if st.policies != nil {
		return p
	}
	d := approver.Derive(st.rs)
	p.Filters = map[string]captureplan.Filter{}
	p.SocketNames = d.SocketNames
	if o := discarder.New(st.rs); o != nil {
		// only a real oracle: the method value of a nil *Oracle is a
		// non-nil func, which would publish "never discards" where no
		// oracle (discarding off for every publisher) is meant
		p.Discards = o.Discards
	}
	for sc, f := range d.Filters {
		if f.IsAll() {
			continue
		}
		cf := captureplan.Filter{Outcome: uint8(f.Outcome), Proto: uint8(f.Proto), Access: uint8(f.Access), Where: uint8(f.Where)}
		for m, ps := range f.Path {
			cf.Path[m] = captureplan.Paths{Any: ps.Any, Prefixes: ps.Prefixes, Suffixes: ps.Suffixes, Names: ps.Names}
		}
		p.Filters[sc] = cf
	}
	return p
}
