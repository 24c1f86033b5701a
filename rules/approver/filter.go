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

// Paths is a selector: the set of events whose judged path (see Judged)
// starts with one of Prefixes or ends with one of Suffixes, together with
// the events whose process name is one of Names (whatever their path). An
// exact path P is the prefix P+"\x00" (a probe compares the terminating
// NUL too). Any means no constraint; the zero value is the empty set,
// which still lets every path that is not judged through. A syscall
// without a path argument has no judged path: only Names select its
// events.
type Paths struct {
	Any      bool
	Prefixes []string
	Suffixes []string
	// Names are process names (proc.name), at most TaskComm bytes each.
	Names []string
}

// TaskComm is the longest process name the kernel keeps (TASK_COMM_LEN
// less the NUL). A rule's longer name is cut to it: the result is still a
// superset of the names that can equal the rule's.
const TaskComm = 15

// Match reports whether an event of process name comm with the judged
// path (or no path: "") is in p.
func (p Paths) Match(path, comm string) bool {
	if p.Any || slices.Contains(p.Names, comm) {
		return true
	}
	if path == "" {
		return false
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
	out := Paths{Prefixes: sortedUnion(p.Prefixes, q.Prefixes), Suffixes: sortedUnion(p.Suffixes, q.Suffixes), Names: sortedUnion(p.Names, q.Names)}
	return out.bounded()
}

// intersect returns a superset of p ∩ q. With P the path part and N the
// name part, (P1 ∪ N1) ∩ (P2 ∪ N2) = (P1∩P2) ∪ (P1∩N2) ∪ (N1∩P2) ∪
// (N1∩N2). N1∩N2 is exact; P1∩P2 is the pathsIntersect superset; a cross
// term such as P1∩N2 (path in P1 and name in N2) is kept as P1, a
// superset, when N2 is not empty: a path test is the more selective one
// for opens, and the only one a probe can combine with a name by "or".
func (p Paths) intersect(q Paths) Paths {
	switch {
	case p.Any:
		return q
	case q.Any:
		return p
	}
	out := pathsIntersect(Paths{Prefixes: p.Prefixes, Suffixes: p.Suffixes}, Paths{Prefixes: q.Prefixes, Suffixes: q.Suffixes})
	if len(q.Names) > 0 {
		out = out.union(Paths{Prefixes: p.Prefixes, Suffixes: p.Suffixes})
	}
	if len(p.Names) > 0 {
		out = out.union(Paths{Prefixes: q.Prefixes, Suffixes: q.Suffixes})
	}
	if out.Any {
		return out
	}
	out.Names = intersectSorted(p.Names, q.Names)
	return out
}

// pathsIntersect returns a superset of the paths in both p and q (neither
// Any, no names): exact for two prefix sets or two suffix sets, otherwise
// the smaller operand (each is a superset).
func pathsIntersect(p, q Paths) Paths {
	switch {
	case len(p.Suffixes) == 0 && len(q.Suffixes) == 0:
		return Paths{Prefixes: pairwise(p.Prefixes, q.Prefixes, strings.HasPrefix)}
	case len(p.Prefixes) == 0 && len(q.Prefixes) == 0:
		return Paths{Suffixes: pairwise(p.Suffixes, q.Suffixes, strings.HasSuffix)}
	case len(p.Prefixes)+len(p.Suffixes) <= len(q.Prefixes)+len(q.Suffixes):
		return p
	}
	return q
}

func intersectSorted(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
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
	if len(p.Prefixes)+len(p.Suffixes) > maxPatterns || len(p.Names) > maxPatterns {
		return anyPaths()
	}
	return p
}

func sortedUnion(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Where is a set of places a process runs in: Host (container.id is
// "host") and Container (any other container.id). The receiver decides it
// from the process's cgroups; a probe drops an event on it only when it
// knows the place.
type Where uint8

const (
	Host      Where = 1
	Container Where = 2
	AnyWhere        = Host | Container
)

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
	Where   Where
	// Access holds the access modes an open-family call may have.
	Access Access
	// Path selects, per access mode, by the path an open-family call
	// names (fd.name) or by the process name; a mode not in Access has
	// the empty set. Syscalls without a path have the same selector in
	// every mode.
	Path [Modes]Paths
}

// All admits every event.
func All() Filter {
	return Filter{Outcome: AnyOutcome, Proto: AnyProto, Where: AnyWhere, Access: AnyAccess, Path: [Modes]Paths{anyPaths(), anyPaths(), anyPaths(), anyPaths()}}
}

// None admits nothing.
func None() Filter { return Filter{} }

// IsNone reports whether f admits no event.
func (f Filter) IsNone() bool { return f.Outcome == 0 || f.Proto == 0 || f.Where == 0 || f.Access == 0 }

// IsAll reports whether f admits every event.
func (f Filter) IsAll() bool {
	return f.Outcome == AnyOutcome && f.Proto == AnyProto && f.Where == AnyWhere && f.Access == AnyAccess && f.AnyPath()
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
	out := Filter{Outcome: f.Outcome | g.Outcome, Proto: f.Proto | g.Proto, Where: f.Where | g.Where, Access: f.Access | g.Access}
	for m := range out.Path {
		out.Path[m] = f.Path[m].union(g.Path[m])
	}
	return out
}

// Intersect admits what both admit (or a superset).
func (f Filter) Intersect(g Filter) Filter {
	out := Filter{Outcome: f.Outcome & g.Outcome, Proto: f.Proto & g.Proto, Where: f.Where & g.Where, Access: f.Access & g.Access}
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

// View is what a probe sees of an event.
type View struct {
	Ret int64
	// Proto is the class of the event's socket (OtherProto, or 0, when
	// none).
	Proto Proto
	// Flags are an open-family call's open flags (0 for others).
	Flags int64
	// Path is an open-family call's path argument; HasPath is false for
	// other syscalls.
	Path    string
	HasPath bool
	// Comm is the process name (proc.name); InContainer whether
	// container.id is not "host".
	Comm        string
	InContainer bool
}

// Admits reports whether an event passes f.
func (f Filter) Admits(v View) bool {
	o := Success
	if v.Ret < 0 {
		o = Failure
	}
	if f.Outcome&o == 0 {
		return false
	}
	if v.Proto&(TCP|UDP) != 0 && f.Proto&v.Proto == 0 {
		return false
	}
	w := Host
	if v.InContainer {
		w = Container
	}
	if f.Where&w == 0 {
		return false
	}
	m := ModeOf(v.Flags)
	if f.Access&(1<<m) == 0 {
		return false
	}
	if v.HasPath && !Judged(v.Path) {
		return true
	}
	path := ""
	if v.HasPath {
		path = v.Path
	}
	return f.Path[m].Match(path, v.Comm)
}
