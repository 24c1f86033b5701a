package discarder

import (
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/native"
)

// Truth is a three-valued truth value.
type Truth uint8

const (
	False Truth = iota
	True
	Unknown
)

type nodeKind uint8

const (
	kConst nodeKind = iota
	kCheck
	kAnd
	kOr
	kNot
)

// node is a condition with what does not depend on the path folded into
// constants; a kCheck is one check on a bound field, compiled by the
// engine so that it means exactly what the engine makes of it.
type node struct {
	kind  nodeKind
	value Truth
	check *native.Filter
	kids  []*node
}

func constant(t Truth) *node { return &node{kind: kConst, value: t} }

// and folds constants: a false member makes the whole false, true members
// drop out, unknown ones stay unknown unless a false one turns up.
func and(kids []*node) *node {
	var left []*node
	unknown := false
	for _, k := range kids {
		switch {
		case k.kind == kConst && k.value == False:
			return constant(False)
		case k.kind == kConst && k.value == True:
		case k.kind == kConst:
			unknown = true
		default:
			left = append(left, k)
		}
	}
	return fold(kAnd, left, unknown, True)
}

func or(kids []*node) *node {
	var left []*node
	unknown := false
	for _, k := range kids {
		switch {
		case k.kind == kConst && k.value == True:
			return constant(True)
		case k.kind == kConst && k.value == False:
		case k.kind == kConst:
			unknown = true
		default:
			left = append(left, k)
		}
	}
	return fold(kOr, left, unknown, False)
}

// fold makes the node of an and/or whose constant members were folded:
// empty is its value with no member left; an unknown member stays as one
// unknown constant among the rest.
func fold(kind nodeKind, left []*node, unknown bool, empty Truth) *node {
	if unknown {
		if len(left) == 0 {
			return constant(Unknown)
		}
		left = append(left, constant(Unknown))
	}
	switch len(left) {
	case 0:
		return constant(empty)
	case 1:
		return left[0]
	}
	return &node{kind: kind, kids: left}
}

func not(n *node) *node {
	if n.kind == kConst {
		switch n.value {
		case True:
			return constant(False)
		case False:
			return constant(True)
		}
		return n
	}
	return &node{kind: kNot, kids: []*node{n}}
}

func (n *node) eval(ev fields.Event) Truth {
	switch n.kind {
	case kConst:
		return n.value
	case kCheck:
		if n.check.Match(ev) {
			return True
		}
		return False
	case kNot:
		switch n.kids[0].eval(ev) {
		case True:
			return False
		case False:
			return True
		}
		return Unknown
	case kAnd:
		out := True
		for _, k := range n.kids {
			switch k.eval(ev) {
			case False:
				return False
			case Unknown:
				out = Unknown
			}
		}
		return out
	}
	out := False
	for _, k := range n.kids {
		switch k.eval(ev) {
		case True:
			return True
		case Unknown:
			out = Unknown
		}
	}
	return out
}

// pathEvent is an open-family event on a regular file as the bound
// fields see it: fd.name is the path, fd.type "file". Everything else is
// absent, which no bound check reads.
type pathEvent struct{ path string }

func (e pathEvent) Str(k fields.Key) (string, bool) {
	switch k.Name {
	case fields.KeyFilePath.Name:
		return e.path, true
	case fields.KeyFDType.Name:
		return "file", true
	}
	return "", false
}
func (pathEvent) Int(fields.Key) (int64, bool)                      { return 0, false }
func (pathEvent) Bool(fields.Key) (bool, bool)                      { return false, false }
func (pathEvent) Bytes(fields.Key) ([]byte, bool)                   { return nil, false }
func (pathEvent) Len(fields.Key) (int, bool)                        { return 0, false }
func (pathEvent) StrAt(fields.Key, int) (string, bool)              { return "", false }
func (pathEvent) IntAt(fields.Key, int) (int64, bool)               { return 0, false }
func (pathEvent) Range(fields.Key, func(suffix, value string) bool) {}
func (pathEvent) Time() int64                                       { return 0 }
