package captureplan

import "slices"

// Plan is what one publisher needs the kernel to capture. A capturer applies
// the merge of every publisher's plan (Merged), never one plan alone, so a
// field is only useful with a merge rule that keeps every publisher's needs:
//
//   - Syscalls: the union (an event one publisher's rules can match must be
//     captured, whoever else publishes).
//   - Filters (the approvers of issue 13): the kernel drops an event only
//     when every publisher's filter drops it, so a publisher that captures
//     a syscall without a filter disables filtering it for everyone.
//   - Discards (the discarders of issue 13): likewise, an event is
//     discardable only when every publisher capturing its syscall says
//     so, and a publisher without an oracle disables discarding.
//
// The fields planned next follow the same principle: the event sources a
// publisher's rules read (issue 12) merge by union.
type Plan struct {
	// Syscalls are the names of the syscalls the publisher's rules can match.
	Syscalls []string
	// Filters are the kernel-side filters by syscall name; a syscall of
	// Syscalls without one is captured whole.
	Filters map[string]Filter
	// SocketNames: the publisher's rules compare a socket's name with the
	// one the previous record on that socket gave it (fd.name_changed), so
	// no record that names a socket may be filtered. Merged by "or".
	SocketNames bool
	// Discards, when set, tells which open-family events no rule of the
	// publisher can match (see Discards); nil disables discarding.
	Discards Discards
}

// Merged is the plan of every current publisher together.
type Merged struct {
	Plan
	// Published reports whether any publisher has a plan. No publisher (no
	// rules processor in this collector process) is not the same as a plan
	// that needs nothing: capturers fall back to their own default then.
	Published bool
	// Version grows by one with every change a subscriber is told of.
	Version uint64
}

func merge(plans map[string]Plan) Plan {
	var out Plan
	for _, p := range plans {
		out.Syscalls = append(out.Syscalls, p.Syscalls...)
	}
	slices.Sort(out.Syscalls)
	out.Syscalls = slices.Compact(out.Syscalls)
	out.Filters = mergeFilters(plans, out.Syscalls)
	for _, p := range plans {
		out.SocketNames = out.SocketNames || p.SocketNames
	}
	out.Discards = mergeDiscards(plans)
	return out
}

func (p Plan) clone() Plan {
	out := Plan{Syscalls: slices.Clone(p.Syscalls), SocketNames: p.SocketNames, Discards: p.Discards}
	if p.Filters != nil {
		out.Filters = make(map[string]Filter, len(p.Filters))
		for k, f := range p.Filters {
			out.Filters[k] = f.clone()
		}
	}
	return out
}
