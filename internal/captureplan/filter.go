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
	// Where: bit 1 admits host processes (container.id "host"), bit 2
	// container processes. 0 admits both, as 3 does: a filter that admits
	// neither is never published.
	Where uint8
	// Path[m] constrains the path of an open-family call of access mode m.
	Path [Modes]Paths
}

// Modes is the number of access modes of an open.
const Modes = 4

// Paths: Any admits every event; otherwise an event passes when its
// process name (proc.name, at most 15 bytes) is one of Names, or when it
// is an open-family call whose path the probe can judge (absolute, no
// "//", "/.", ".." or trailing "/") and that path starts with one of
// Prefixes or ends with one of Suffixes. An exact path is the prefix
// path+"\x00". A call with a path the probe cannot judge always passes.
type Paths struct {
	Any      bool
	Prefixes []string
	Suffixes []string
	Names    []string
}

// Places is f's Where with 0 read as both places.
func (f Filter) Places() uint8 {
	if f.Where&3 == 0 {
		return 3
	}
	return f.Where & 3
}

// union admits what either admits.
func (f Filter) union(g Filter) Filter {
	out := Filter{Outcome: f.Outcome | g.Outcome, Proto: f.Proto | g.Proto, Access: f.Access | g.Access, Where: f.Places() | g.Places()}
	for m := range out.Path {
		p, q := f.Path[m], g.Path[m]
		out.Path[m].Any = p.Any || q.Any
		if !out.Path[m].Any {
			out.Path[m].Prefixes = sortedUnion(p.Prefixes, q.Prefixes)
			out.Path[m].Suffixes = sortedUnion(p.Suffixes, q.Suffixes)
			out.Path[m].Names = sortedUnion(p.Names, q.Names)
		}
	}
	return out
}

func (f Filter) clone() Filter {
	for m := range f.Path {
		f.Path[m].Prefixes = slices.Clone(f.Path[m].Prefixes)
		f.Path[m].Suffixes = slices.Clone(f.Path[m].Suffixes)
		f.Path[m].Names = slices.Clone(f.Path[m].Names)
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
