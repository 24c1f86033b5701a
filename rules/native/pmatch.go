package native

import (
	"strings"

	"github.com/vigil-sec/vigil/rules/native/fnmatch"
)

// pathSet implements pmatch: a path matches when it equals, or lies below,
// one of the set's paths, compared component by component (so /opt does not
// cover /optional). Components are the non-empty parts between slashes, so
// "/etc/" and "/etc" are the same path and "/" covers every absolute path.
// A set component may hold fnmatch wildcards that match one component
// ("/opt/*/bin"). Paths covered by a shorter set path add nothing.
type pathSet struct {
	root pathNode
}

type pathNode struct {
	// end marks the last component of a set path: everything below matches.
	end      bool
	literal  map[string]*pathNode
	wildcard []wildChild
}

type wildChild struct {
	pattern string
	node    *pathNode
}

func newPathSet(paths []string) *pathSet {
	ps := &pathSet{}
	for _, p := range paths {
		ps.add(p)
	}
	return ps
}

func (ps *pathSet) add(p string) {
	n := &ps.root
	for comp := range components(p) {
		if n.end {
			return
		}
		if fnmatch.HasMeta(comp) {
			var next *pathNode
			for _, w := range n.wildcard {
				if w.pattern == comp {
					next = w.node
				}
			}
			if next == nil {
				next = &pathNode{}
				n.wildcard = append(n.wildcard, wildChild{comp, next})
			}
			n = next
			continue
		}
		if n.literal == nil {
			n.literal = map[string]*pathNode{}
		}
		next := n.literal[comp]
		if next == nil {
			next = &pathNode{}
			n.literal[comp] = next
		}
		n = next
	}
	// Everything below is covered now.
	n.end, n.literal, n.wildcard = true, nil, nil
}

// components yields the non-empty path components of p.
func components(p string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for len(p) > 0 {
			i := strings.IndexByte(p, '/')
			var c string
			if i < 0 {
				c, p = p, ""
			} else {
				c, p = p[:i], p[i+1:]
			}
			if c != "" && !yield(c) {
				return
			}
		}
	}
}

func (ps *pathSet) has(p string) bool { return ps.root.match(p) }

// match walks the rest of the path p from this node; wildcards make it a
// depth-first search.
func (n *pathNode) match(p string) bool {
	for {
		if n.end {
			return true
		}
		for len(p) > 0 && p[0] == '/' {
			p = p[1:]
		}
		if p == "" {
			return false
		}
		comp, rest := p, ""
		if i := strings.IndexByte(p, '/'); i >= 0 {
			comp, rest = p[:i], p[i:]
		}
		for _, w := range n.wildcard {
			if fnmatch.Match(w.pattern, comp) && w.node.match(rest) {
				return true
			}
		}
		next := n.literal[comp]
		if next == nil {
			return false
		}
		n, p = next, rest
	}
}

// pathUnder reports whether path p equals or lies below the set path
// pattern, component by component (pmatch against one path read from the
// event), without building a set.
func pathUnder(p, pattern string) bool {
	for {
		for len(pattern) > 0 && pattern[0] == '/' {
			pattern = pattern[1:]
		}
		if pattern == "" {
			return true
		}
		for len(p) > 0 && p[0] == '/' {
			p = p[1:]
		}
		if p == "" {
			return false
		}
		want, restW := pattern, ""
		if i := strings.IndexByte(pattern, '/'); i >= 0 {
			want, restW = pattern[:i], pattern[i:]
		}
		got, restP := p, ""
		if i := strings.IndexByte(p, '/'); i >= 0 {
			got, restP = p[:i], p[i:]
		}
		if !fnmatch.Match(want, got) {
			return false
		}
		pattern, p = restW, restP
	}
}
