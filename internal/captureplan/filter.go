package captureplan

import "slices"

// Filter is a kernel-side filter for one syscall (an approver, issue 13):
// the probe writes an event to the ring only when it passes. The fields
// mirror what a probe can check cheaply; the rules library derives them
// (rules/approver) and the rules processor copies them here, so that
// capturers need not import the rules.
type Filter struct {
	// Outcome: bit 1 admits a return value >= 0, bit 2 one < 0.
	Outcome uint8
	// Proto: bit 1 admits events whose fd is a TCP socket, bit 2 a UDP
	// one. Other fds are always admitted (bit 4 is informative only).
	Proto uint8
	// Access: bit 1<<m admits an open-family call of access mode m (its
	// flags & O_ACCMODE); other syscalls have every bit.
	Access uint8
	// Path[m] constrains the path of an open-family call of access mode m.
	Path [Modes]Paths
}

// Modes is the number of access modes of an open.
const Modes = 4

// Paths: Any admits every path; otherwise an open-family call's path, when
// the probe can judge it (absolute, no "//", "/.", ".." or trailing "/"),
// must start with one of Prefixes or end with one of Suffixes. An exact
// path is the prefix path+"\x00".
type Paths struct {
	Any      bool
	Prefixes []string
	Suffixes []string
}

// union admits what either admits.
func (f Filter) union(g Filter) Filter {
	out := Filter{Outcome: f.Outcome | g.Outcome, Proto: f.Proto | g.Proto, Access: f.Access | g.Access}
	for m := range out.Path {
		p, q := f.Path[m], g.Path[m]
		out.Path[m].Any = p.Any || q.Any
		if !out.Path[m].Any {
			out.Path[m].Prefixes = sortedUnion(p.Prefixes, q.Prefixes)
			out.Path[m].Suffixes = sortedUnion(p.Suffixes, q.Suffixes)
		}
	}
	return out
}

func (f Filter) clone() Filter {
	for m := range f.Path {
		f.Path[m].Prefixes = slices.Clone(f.Path[m].Prefixes)
		f.Path[m].Suffixes = slices.Clone(f.Path[m].Suffixes)
	}
	return f
}

func sortedUnion(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// mergeFilters keeps a filter for a syscall only when every plan that
// captures it has one, and then admits what any of them admits: the
// kernel drops an event only when every publisher's filter drops it.
func mergeFilters(plans map[string]Plan, syscalls []string) map[string]Filter {
	out := map[string]Filter{}
	for _, sc := range syscalls {
		var merged Filter
		filtered, seen := true, false
		for _, p := range plans {
			if !slices.Contains(p.Syscalls, sc) {
				continue
			}
			f, ok := p.Filters[sc]
			if !ok {
				filtered = false
				break
			}
			if !seen {
				merged, seen = f.clone(), true
			} else {
				merged = merged.union(f)
			}
		}
		if filtered && seen {
			out[sc] = merged
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
