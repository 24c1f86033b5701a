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

// and folds constants: a false member makes the whole false, true
// members drop out, unknown ones stay unknown unless a false one turns up.
func and(kids []*node) *node { return junction(kAnd, kids, False) }

// or is and's dual: a true member decides, false members drop out.
func or(kids []*node) *node { return junction(kOr, kids, True) }

// junction folds the constant members of an and (absorbing False) or an
// or (absorbing True): the absorbing value decides the whole, the other
// one drops out, unknown members stay as one unknown constant among the
// rest.
func junction(kind nodeKind, kids []*node, absorbing Truth) *node {
	var left []*node
	unknown := false
	for _, k := range kids {
		switch {
		case k.kind != kConst:
			left = append(left, k)
		case k.value == absorbing:
			return constant(absorbing)
		case k.value == Unknown:
			unknown = true
		}
	}
	if unknown {
		if len(left) == 0 {
			return constant(Unknown)
		}
		left = append(left, constant(Unknown))
	}
	switch len(left) {
	case 0:
		return constant(negate(absorbing)) // every member was the identity
	case 1:
		return left[0]
	}
	return &node{kind: kind, kids: left}
}

func negate(t Truth) Truth {
	switch t {
	case True:
		return False
	case False:
		return True
	}
	return Unknown
}

func not(n *node) *node {
	if n.kind == kConst {
		return constant(negate(n.value))
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
		return negate(n.kids[0].eval(ev))
	}
	// and: false absorbs; or: true absorbs
	absorbing := False
	if n.kind == kOr {
		absorbing = True
	}
	out := negate(absorbing)
	for _, k := range n.kids {
		switch k.eval(ev) {
		case absorbing:
			return absorbing
		case Unknown:
			out = Unknown
		}
	}
	return out
}

// pathEvent is an open-family event on a regular file as the bound
// fields see it: its syscall, fd.name the path, fd.type "file", open
// flags holding the access mode alone. Everything else is absent, which no
// bound check reads.
type pathEvent struct {
	sc, path string
	mode     int64
}

func (e pathEvent) Str(k fields.Key) (string, bool) {
	switch k.Name {
	case fields.KeyFilePath.Name:
		return e.path, true
	case fields.KeyFDType.Name:
		return "file", true
	case fields.KeyEvtType.Name:
		return e.sc, true
	}
	return "", false
}

func (e pathEvent) Int(k fields.Key) (int64, bool) {
	if k.Name == fields.KeyOpenFlags.Name {
		return e.mode, true
	}
	return 0, false
}

func (pathEvent) Bool(fields.Key) (bool, bool)                      { return false, false }
func (pathEvent) Bytes(fields.Key) ([]byte, bool)                   { return nil, false }
func (pathEvent) Len(fields.Key) (int, bool)                        { return 0, false }
func (pathEvent) StrAt(fields.Key, int) (string, bool)              { return "", false }
func (pathEvent) IntAt(fields.Key, int) (int64, bool)               { return 0, false }
func (pathEvent) Range(fields.Key, func(suffix, value string) bool) {}
func (pathEvent) Time() int64                                       { return 0 }
