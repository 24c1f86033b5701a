package captureplan

import "slices"

// Plan is what one publisher needs the kernel to capture. A capturer applies
// the merge of every publisher's plan (Merged), never one plan alone, so a
// field is only useful with a merge rule that keeps every publisher's needs:
//
//   - Syscalls: the union (an event one publisher's rules can match must be
//     captured, whoever else publishes).
//
// The fields planned next follow the same principle: the event sources a
// publisher's rules read (issue 12) merge by union, and kernel-side filters
// (the approvers of issue 13: "only these paths", "only these fds") merge so
// that the kernel drops an event only when every publisher's filters drop it
// (a publisher without a filter for a syscall disables it for everyone).
type Plan struct {
	// Syscalls are the names of the syscalls the publisher's rules can match.
	Syscalls []string
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
	return out
}

func (p Plan) clone() Plan {
	return Plan{Syscalls: slices.Clone(p.Syscalls)}
}
