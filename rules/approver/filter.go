// Package approver derives, from a rule set, the conditions an event must
// meet on the fields a kernel probe can see before any enabled rule could
// match it (issue 13's approvers). A probe that drops the events failing
// them changes no alert.
//
// The derivation is conservative: every filter it returns is a necessary
// condition (a superset of the events the rules can match), never a guess.
// A field the rules constrain in a way the filter cannot express (contains,
// regex, a transformer, a case-insensitive operator, a negated path test)
// stays unfiltered. The fields are the call's outcome, the protocol of its
// socket, an open-family call's access mode (evt.is_open_read and
// evt.is_open_write) and its path, per access mode: rules that test any
// path of write opens leave the path of read opens filtered. The process
// name and container versus host are not derived yet: proc.name is the
// comm the receiver learnt at exec, which a thread's prctl can make differ
// from the comm the kernel sees, and no rule set at hand gains from the
// other.
package approver

import (
	"slices"
	"strings"
)

// Outcome is a set of syscall results: bit Success (return value >= 0),
// bit Failure (< 0).
type Outcome uint8

const (
	Success    Outcome = 1
	Failure    Outcome = 2
	AnyOutcome         = Success | Failure
)

// Proto is a set of classes of the socket an event's fd argument names:
// TCP and UDP (an inet socket of that protocol) and OtherProto (anything
// else, including no socket at all). A probe can only tell the first two
// apart for sure, so it drops an event only when its socket is TCP or UDP
// and that class is missing from the set.
type Proto uint8

const (
	TCP        Proto = 1
	UDP        Proto = 2
	OtherProto Proto = 4
	AnyProto         = TCP | UDP | OtherProto
)

// MaxPath is the longest prefix or suffix a path filter holds; a pattern
// longer than that leaves the path unfiltered (probes compare a bounded
// number of bytes).
const MaxPath = 120

// maxPatterns bounds one path set; a larger one is not worth a filter.
const maxPatterns = 4096

// Judged reports whether a probe judges path against a path filter: an
// absolute path that path.Clean leaves as is and that holds no ".." at all
// (so no "../" of a directory traversal either). Every other path passes
// any path filter: the receiver resolves it against the cwd or cleans it,
// which the probe does not try.
func Judged(path string) bool {
	if len(path) == 0 || path[0] != '/' || (len(path) > 1 && path[len(path)-1] == '/') {
		return false
	}
	for i := 1; i < len(path); i++ {
		if (path[i-1] == '/' && (path[i] == '/' || path[i] == '.')) || (path[i-1] == '.' && path[i] == '.') {
			return false
		}
	}
	return true
}

// Paths is a set of judged paths (see Judged): those starting with one of
// Prefixes or ending with one of Suffixes. An exact path P is the prefix
// P+"\x00" (a probe compares the terminating NUL too). Any means no
// constraint; the zero value is the empty set, which still lets every
// path that is not judged through.
type Paths struct {
	Any      bool
	Prefixes []string
	Suffixes []string
}

// Empty reports whether no judged path is in p.
func (p Paths) Empty() bool { return !p.Any && len(p.Prefixes) == 0 && len(p.Suffixes) == 0 }

// Match reports whether the judged path is in p.
func (p Paths) Match(path string) bool {
	if p.Any {
		return true
	}
	z := path + "\x00"
	for _, pre := range p.Prefixes {
		if strings.HasPrefix(z, pre) {
			return true
		}
	}
	for _, suf := range p.Suffixes {
		if strings.HasSuffix(path, suf) {
			return true
		}
	}
	return false
}

func anyPaths() Paths { return Paths{Any: true} }

func (p Paths) union(q Paths) Paths {
	if p.Any || q.Any {
		return anyPaths()
	}
	out := Paths{Prefixes: sortedUnion(p.Prefixes, q.Prefixes), Suffixes: sortedUnion(p.Suffixes, q.Suffixes)}
	return out.bounded()
}

// intersect returns a superset of p ∩ q: exact for two prefix sets or two
// suffix sets, otherwise the smaller operand (each is a superset).
func (p Paths) intersect(q Paths) Paths {
	switch {
	case p.Any:
		return q
	case q.Any:
		return p
	case len(p.Suffixes) == 0 && len(q.Suffixes) == 0:
		return Paths{Prefixes: pairwise(p.Prefixes, q.Prefixes, strings.HasPrefix)}
	case len(p.Prefixes) == 0 && len(q.Prefixes) == 0:
		return Paths{Suffixes: pairwise(p.Suffixes, q.Suffixes, strings.HasSuffix)}
	case len(p.Prefixes)+len(p.Suffixes) <= len(q.Prefixes)+len(q.Suffixes):
		return p
	}
	return q
}

// pairwise keeps, for each pair, the longer pattern when one contains the
// other (has(long, short)); disjoint pairs contribute nothing.
func pairwise(a, b []string, has func(s, x string) bool) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			switch {
			case has(x, y):
				out = append(out, x)
			case has(y, x):
				out = append(out, y)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (p Paths) bounded() Paths {
	if len(p.Prefixes)+len(p.Suffixes) > maxPatterns {
		return anyPaths()
	}
	return p
}

func sortedUnion(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Access is a set of access modes of an open-family call: bit 1<<m for
// the mode m = flags & O_ACCMODE (0 O_RDONLY, 1 O_WRONLY, 2 O_RDWR, 3 the
// mode open(2) reserves). evt.is_open_read holds for modes 0, 2 and 3
// (every mode but O_WRONLY), evt.is_open_write for 1 and 2, as the rules
// library evaluates them. Other syscalls have no mode: their filters keep
// AnyAccess and the same paths in every mode.
type Access uint8

const (
	// Modes is the number of access modes.
	Modes              = 4
	AnyAccess   Access = 1<<Modes - 1
	ReadAccess  Access = 1<<0 | 1<<2 | 1<<3
	WriteAccess Access = 1<<1 | 1<<2
)

// ModeOf is the access mode of open flags.
func ModeOf(flags int64) int { return int(flags & 3) }

// Filter is a necessary condition on the kernel-visible fields of one
// syscall's events. The zero value admits nothing.
type Filter struct {
	Outcome Outcome
	Proto   Proto
	// Access holds the access modes an open-family call may have.
	Access Access
	// Path constrains the path an open-family call names (fd.name), per
	// access mode; a mode not in Access has the empty set.
	Path [Modes]Paths
}

// All admits every event.
func All() Filter {
	return Filter{Outcome: AnyOutcome, Proto: AnyProto, Access: AnyAccess, Path: [Modes]Paths{anyPaths(), anyPaths(), anyPaths(), anyPaths()}}
}

// None admits nothing.
func None() Filter { return Filter{} }

// IsNone reports whether f admits no event.
func (f Filter) IsNone() bool { return f.Outcome == 0 || f.Proto == 0 || f.Access == 0 }

// IsAll reports whether f admits every event.
func (f Filter) IsAll() bool {
	return f.Outcome == AnyOutcome && f.Proto == AnyProto && f.Access == AnyAccess && f.AnyPath()
}

// AnyPath reports whether f leaves the path free in every access mode.
func (f Filter) AnyPath() bool {
	for _, p := range f.Path {
		if !p.Any {
			return false
		}
	}
	return true
}

// Union admits what either admits (or a superset).
func (f Filter) Union(g Filter) Filter {
	switch {
	case f.IsNone():
		return g
	case g.IsNone():
		return f
	}
	out := Filter{Outcome: f.Outcome | g.Outcome, Proto: f.Proto | g.Proto, Access: f.Access | g.Access}
	for m := range out.Path {
		out.Path[m] = f.Path[m].union(g.Path[m])
	}
	return out
}

// Intersect admits what both admit (or a superset).
func (f Filter) Intersect(g Filter) Filter {
	out := Filter{Outcome: f.Outcome & g.Outcome, Proto: f.Proto & g.Proto, Access: f.Access & g.Access}
	if out.IsNone() {
		return None()
	}
	for m := range out.Path {
		if out.Access&(1<<m) != 0 {
			out.Path[m] = f.Path[m].intersect(g.Path[m])
		}
	}
	return out
}

// Admits reports whether an event with these kernel-visible values passes
// f. proto is the class of the event's socket (OtherProto when none);
// flags are an open-family call's open flags (0 for others); path is the
// path argument of an open-family call ("" for others).
func (f Filter) Admits(ret int64, proto Proto, flags int64, path string) bool {
	o := Success
	if ret < 0 {
		o = Failure
	}
	if f.Outcome&o == 0 {
		return false
	}
	if proto != OtherProto && f.Proto&proto == 0 {
		return false
	}
	m := ModeOf(flags)
	if f.Access&(1<<m) == 0 {
		return false
	}
	return !Judged(path) || f.Path[m].Match(path)
}
