package rules

import (
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/native"
)

// Event sources whose rules Vigil evaluates.
const (
	SourceSyscall  = "syscall"
	SourceK8sAudit = fields.SourceK8sAudit
)

// sourceNeutral are the event fields that every source has (Falco's plugin
// sources share evt.time and friends with syscalls, and evt.source names
// each event's own source).
var sourceNeutral = map[string]bool{
	"evt.time": true, "evt.time.s": true, "evt.time.iso8601": true, "evt.datetime": true,
	"evt.rawtime": true, "evt.num": true, "evt.hostname": true, "evt.source": true,
}

// foreignField returns the first field of the condition that belongs to
// another source than src, as Falco refuses a k8s_audit rule reading
// proc.name or a syscall rule reading ka.verb.
func foreignField(e condition.Expr, src string) (*condition.FieldRef, string) {
	var bad *condition.FieldRef
	var badSrc string
	condition.Walk(e, func(x condition.Expr) bool {
		c, ok := x.(*condition.Check)
		if !ok || bad != nil {
			return bad == nil
		}
		condition.CheckFields(c, func(f *condition.FieldRef) {
			if bad != nil {
				return
			}
			fd, _, ok := fields.Resolve(f.Name)
			if !ok || sourceNeutral[fd.Name] {
				return
			}
			if s := fields.SourceOf(fd); s != src {
				bad, badSrc = f, s
			}
		})
		return bad == nil
	})
	return bad, badSrc
}

// MatchSource is Match for the rules of one event source: the rules
// processor picks the source from the record's EventName. An unknown source
// matches nothing.
func (rs *Ruleset) MatchSource(source string, ev fields.Event, mode Matching, dst []*Rule) []*Rule {
	idx := rs.bySource[source]
	if idx == nil {
		return dst
	}
	m := native.First
	if mode == MatchAll {
		m = native.All
	}
	return idx.Match(ev, m, dst)
}

// buildIndexes makes one index per source of the enabled rules.
func (rs *Ruleset) buildIndexes() {
	per := map[string][]native.IndexedRule[*Rule]{}
	for _, r := range rs.rules {
		if r.Enabled {
			per[r.Source] = append(per[r.Source], native.IndexedRule[*Rule]{ID: r, Filter: r.filter, Types: r.EventTypes})
		}
	}
	rs.bySource = map[string]*native.Index[*Rule]{}
	for src, ir := range per {
		rs.bySource[src] = native.NewIndex(ir)
	}
	if rs.bySource[SourceSyscall] == nil {
		rs.bySource[SourceSyscall] = native.NewIndex[*Rule](nil)
	}
	rs.index = rs.bySource[SourceSyscall]
}
