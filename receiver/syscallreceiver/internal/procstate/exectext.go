package procstate

import (
	"hash/maphash"
	"strings"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// An exec's strings repeat: a shell or a build runs the same programs with
// the same arguments, from the same directories, under the same
// environment, and every child of one parent inherits its environment.
// Splitting a section into strings once and handing the same strings, and
// the same slice, to every exec with the same bytes keeps the allocation
// of argv, environment, executable path and cwd off the exec path: a fork
// storm's exec cost 14 allocations for them, and a hit costs none. The
// cache is direct-mapped (a slot per hash, a collision simply splits
// again), so it is bounded and never needs eviction. The slices it hands
// out are shared between processes: nothing may change them in place (an
// exec replaces a process's slices, it never appends to them). Two ways per
// set, so that two sections of one exec that hash to the same set do not
// evict each other at every exec.
const execSlots = 256

// execText is one section's bytes and what was made of them: the strings
// of a NUL-separated list (argv, environment) or a path.
type execText struct {
	typ       uint8
	truncated bool
	raw       string
	list      []string
	path      string
}

type execTexts [execSlots / 2][2]execText

// slot returns s's entry, or on a miss the entry to fill: the set's older
// one, after moving the newer one to its place.
func (c *execTexts) slot(s event.Section) (e *execText, hit bool) {
	h := maphash.Bytes(seed, s.Data) ^ uint64(s.Type)<<1
	if s.Truncated {
		h ^= 1
	}
	set := &c[h%(execSlots/2)]
	for i := range set {
		e := &set[i]
		if e.raw != "" && e.typ == s.Type && e.truncated == s.Truncated && e.raw == string(s.Data) {
			return e, true
		}
	}
	set[1] = set[0]
	return &set[0], false
}

// list returns the strings of a NUL-separated section: SectionArgs for an
// argument list, SplitNUL otherwise.
func (c *execTexts) list(s event.Section) []string {
	if len(s.Data) == 0 {
		if s.Type == event.SecArgv {
			return SectionArgs(s, nil)
		}
		return SplitNUL(s.Data, nil)
	}
	e, hit := c.slot(s)
	if hit {
		return e.list
	}
	raw := string(s.Data)
	// the strings are slices of raw: one allocation for all of them
	list := splitNULString(raw, nil)
	if s.Type == event.SecArgv && s.Truncated {
		list = append(list, TruncatedArg)
	}
	*e = execText{typ: s.Type, truncated: s.Truncated, raw: raw, list: list}
	return list
}

// path returns the path of an exe or cwd section (appendSectionPath).
func (c *execTexts) path(s event.Section) string {
	if len(s.Data) == 0 {
		return string(appendSectionPath(nil, s))
	}
	e, hit := c.slot(s)
	if hit {
		return e.path
	}
	*e = execText{typ: s.Type, truncated: s.Truncated, raw: string(s.Data), path: string(appendSectionPath(nil, s))}
	return e.path
}

// splitNULString is SplitNUL over a string, returning substrings of it.
func splitNULString(s string, out []string) []string {
	for len(s) > 0 && s[len(s)-1] == 0 {
		s = s[:len(s)-1]
	}
	if len(s) == 0 {
		return out
	}
	if out == nil {
		out = make([]string, 0, 1+strings.Count(s, "\x00"))
	}
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
}
