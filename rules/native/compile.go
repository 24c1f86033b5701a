// Package native compiles Falco conditions into trees of typed Go closures
// over fields.Event and evaluates rule sets indexed by event type.
//
// Constants are parsed once, at compile time; "in" uses hash sets, or-chains
// of startswith/endswith/= on one field become set lookups, pmatch uses a
// component trie. and/or are short-circuit and side-effect free, so their
// operands are reordered cheapest first. A check whose value cannot be
// extracted is false (so "not check" is true), as in Falco.
package native

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Warning is a compile-time warning at a position in the condition.
type Warning struct {
	Pos condition.Pos
	Msg string
	// Check is the check the warning is about, as condition text.
	Check string
}

// Filter is a compiled condition.
type Filter struct {
	root *tree
	eval node
}

// tree is the optimisable form of a condition, kept so a filter can be
// specialised for one event type.
type tree struct {
	kind     treeKind
	children []*tree
	check    *checkInfo
	value    bool // for constants
	cost     int
	// ptrue estimates how often the subtree holds.
	ptrue float64
}

type treeKind uint8

const (
	kConst treeKind = iota
	kCheck
	kAnd
	kOr
	kNot
)

type compiler struct {
	warnings []Warning
	// current is the check being compiled, for warnings.
	current string
}

func (c *compiler) warnf(pos condition.Pos, format string, args ...any) {
	c.warnings = append(c.warnings, Warning{Pos: pos, Msg: errorf(pos, format, args...).Msg, Check: c.current})
}

// Compile compiles an expanded condition (no macro references left). The
// error, if any, is an *Error naming the position of the offending check.
func Compile(e condition.Expr) (*Filter, []Warning, error) {
	c := &compiler{}
	t, err := c.build(e)
	if err != nil {
		return nil, c.warnings, err
	}
	t = optimise(t, "")
	return &Filter{root: t, eval: emit(t)}, c.warnings, nil
}

func (c *compiler) build(e condition.Expr) (*tree, *Error) {
	switch e := e.(type) {
	case *condition.And, *condition.Or:
		var kids []condition.Expr
		kind := kAnd
		if a, ok := e.(*condition.And); ok {
			kids = a.Children
		} else {
			kids, kind = e.(*condition.Or).Children, kOr
		}
		t := &tree{kind: kind}
		for _, k := range kids {
			kt, err := c.build(k)
			if err != nil {
				return nil, err
			}
			t.children = append(t.children, kt)
		}
		return t, nil
	case *condition.Not:
		kt, err := c.build(e.Child)
		if err != nil {
			return nil, err
		}
		return &tree{kind: kNot, children: []*tree{kt}}, nil
	case *condition.Check:
		c.current = condition.String(e)
		ci, err := c.check(e)
		if err != nil {
			if err.Check == "" {
				err.Check = c.current
			}
			return nil, err
		}
		return &tree{kind: kCheck, check: ci, cost: ci.cost, ptrue: ci.ptrue}, nil
	case *condition.MacroRef:
		return nil, errorf(e.At, "undefined macro '%s' used in filter", e.Name)
	case nil:
		return nil, errorf(condition.Pos{}, "empty condition")
	}
	return nil, errorf(e.Position(), "unsupported expression")
}

// optimise folds constants (and evt.type checks, when evtType is known),
// flattens nested and/or, merges or-chains of set-like checks on the same
// operand, and orders and/or operands cheapest first. It returns a new tree;
// t is not modified.
func optimise(t *tree, evtType string) *tree {
	switch t.kind {
	case kConst:
		return t
	case kCheck:
		if t.check.never {
			return constTree(false)
		}
		if evtType != "" && t.check.typePred != nil {
			return constTree(t.check.typePred(evtType))
		}
		if evtType != "" && t.check.forType != nil {
			n, v := t.check.forType(evtType)
			if n == nil {
				return constTree(v)
			}
			ci := *t.check
			ci.eval, ci.forType = n, nil
			return &tree{kind: kCheck, check: &ci, cost: t.cost, ptrue: t.ptrue}
		}
		return t
	case kNot:
		k := optimise(t.children[0], evtType)
		if k.kind == kConst {
			return constTree(!k.value)
		}
		if k.kind == kNot {
			return k.children[0]
		}
		return &tree{kind: kNot, children: []*tree{k}, cost: k.cost, ptrue: 1 - k.ptrue}
	}
	// and/or: the absorbing constant is false for and, true for or.
	absorb := t.kind == kOr
	var kids []*tree
	for _, k := range t.children {
		k = optimise(k, evtType)
		switch {
		case k.kind == kConst && k.value == absorb:
			return constTree(absorb)
		case k.kind == kConst:
			continue
		case k.kind == t.kind:
			kids = append(kids, k.children...)
		default:
			kids = append(kids, k)
		}
	}
	if t.kind == kOr {
		kids = mergeOr(kids)
	}
	switch len(kids) {
	case 0:
		return constTree(!absorb)
	case 1:
		return kids[0]
	}
	// Classic ordering for short-circuit evaluation of independent tests:
	// ascending cost per chance of deciding the result (being false in an
	// and, true in an or).
	key := func(k *tree) float64 {
		decide := 1 - k.ptrue
		if t.kind == kOr {
			decide = k.ptrue
		}
		return float64(k.cost) / max(decide, 0.01)
	}
	slices.SortStableFunc(kids, func(a, b *tree) int {
		ka, kb := key(a), key(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	// The cost of an and/or is what evaluating it is expected to cost:
	// later operands only run when the earlier ones did not decide.
	out := &tree{kind: t.kind, children: kids}
	reach := 1.0
	ptrue, pfalse := 1.0, 1.0
	var cost float64
	for _, k := range kids {
		cost += reach * float64(k.cost)
		if t.kind == kAnd {
			reach *= k.ptrue
		} else {
			reach *= 1 - k.ptrue
		}
		ptrue *= k.ptrue
		pfalse *= 1 - k.ptrue
	}
	out.cost = max(1, int(cost+0.5))
	out.ptrue = ptrue
	if t.kind == kOr {
		out.ptrue = 1 - pfalse
	}
	return out
}

func constTree(v bool) *tree { return &tree{kind: kConst, value: v} }

// mergeOr combines or-operands that test the same plain field against
// constants with the same kind of test into one set lookup.
func mergeOr(kids []*tree) []*tree {
	type group struct {
		first int
		items []string
		count int
		lhs   *Value
		kind  mergeKind
		pos   condition.Pos
	}
	groups := map[string]*group{}
	var order []string
	for i, k := range kids {
		if k.kind != kCheck || k.check.merge == mergeNone || k.check.lhs.acc == nil {
			continue
		}
		key := string(rune('0'+k.check.merge)) + k.check.lhs.text
		g := groups[key]
		if g == nil {
			g = &group{first: i, lhs: k.check.lhs, kind: k.check.merge, pos: k.check.pos}
			groups[key] = g
			order = append(order, key)
		}
		g.items = append(g.items, k.check.mergeItems...)
		g.count++
	}
	merged := map[int]*tree{}
	drop := map[string]bool{}
	for _, key := range order {
		g := groups[key]
		if g.count < 2 {
			continue
		}
		drop[key] = true
		ci := &checkInfo{pos: g.pos, lhs: g.lhs, merge: g.kind, mergeItems: g.items}
		ci.text = g.lhs.text + " " + [...]string{mergeEqual: "in", mergePrefix: "startswith anyof", mergeSuffix: "endswith anyof"}[g.kind] +
			" (" + strings.Join(g.items, ", ") + ")"
		switch g.kind {
		case mergeEqual:
			set := newStrSet(g.items)
			ci.eval, ci.cost = strNode(g.lhs, set.has), g.lhs.cost+set.cost()
			if isEvtType(g.lhs) {
				ci.typePred = set.has
			}
		case mergePrefix:
			ps := newPrefixSet(g.items)
			ci.eval, ci.cost = strNode(g.lhs, ps.has), g.lhs.cost+3
		case mergeSuffix:
			ss := newSuffixSet(g.items)
			ci.eval, ci.cost = strNode(g.lhs, ss.has), g.lhs.cost+2+len(ss.byLen)
		}
		ci.ptrue = 0.1
		merged[g.first] = &tree{kind: kCheck, check: ci, cost: ci.cost, ptrue: ci.ptrue}
	}
	if len(merged) == 0 {
		return kids
	}
	out := kids[:0:0]
	for i, k := range kids {
		if m, ok := merged[i]; ok {
			out = append(out, m)
			continue
		}
		if k.kind == kCheck && k.check.merge != mergeNone && k.check.lhs.acc != nil &&
			drop[string(rune('0'+k.check.merge))+k.check.lhs.text] {
			continue
		}
		out = append(out, k)
	}
	return out
}

// emit turns an optimised tree into closures.
func emit(t *tree) node { return emitMemo(t, nil) }

// emitMemo is emit with shared checks remembered per event: memo maps a
// check's text to its slot in Scratch.Memo (0 unknown, 1 false, 2 true).
func emitMemo(t *tree, memo map[string]int) node {
	switch t.kind {
	case kConst:
		if t.value {
			return func(fields.Event, *fields.Scratch) bool { return true }
		}
		return func(fields.Event, *fields.Scratch) bool { return false }
	case kCheck:
		if slot, ok := memo[t.check.text]; ok {
			return memoNode(slot, t.check.eval)
		}
		return t.check.eval
	case kNot:
		k := emitMemo(t.children[0], memo)
		return func(ev fields.Event, sc *fields.Scratch) bool { return !k(ev, sc) }
	}
	kids := make([]node, len(t.children))
	for i, c := range t.children {
		kids[i] = emitMemo(c, memo)
	}
	if t.kind == kAnd {
		switch len(kids) {
		case 2:
			a, b := kids[0], kids[1]
			return func(ev fields.Event, sc *fields.Scratch) bool { return a(ev, sc) && b(ev, sc) }
		case 3:
			a, b, c := kids[0], kids[1], kids[2]
			return func(ev fields.Event, sc *fields.Scratch) bool { return a(ev, sc) && b(ev, sc) && c(ev, sc) }
		}
		return func(ev fields.Event, sc *fields.Scratch) bool {
			for _, k := range kids {
				if !k(ev, sc) {
					return false
				}
			}
			return true
		}
	}
	switch len(kids) {
	case 2:
		a, b := kids[0], kids[1]
		return func(ev fields.Event, sc *fields.Scratch) bool { return a(ev, sc) || b(ev, sc) }
	case 3:
		a, b, c := kids[0], kids[1], kids[2]
		return func(ev fields.Event, sc *fields.Scratch) bool { return a(ev, sc) || b(ev, sc) || c(ev, sc) }
	}
	return func(ev fields.Event, sc *fields.Scratch) bool {
		for _, k := range kids {
			if k(ev, sc) {
				return true
			}
		}
		return false
	}
}

// specialise optimises the filter for events whose evt.type is t: checks on
// evt.type fold away. ok is false when the filter can never match such an
// event.
func (f *Filter) specialise(evtType string) (*tree, bool) {
	t := optimise(f.root, evtType)
	if t.kind == kConst && !t.value {
		return nil, false
	}
	return t, true
}

func memoNode(slot int, k node) node {
	return func(ev fields.Event, sc *fields.Scratch) bool {
		switch sc.Memo[slot] {
		case 1:
			return false
		case 2:
			return true
		}
		r := k(ev, sc)
		sc.Memo[slot] = 1
		if r {
			sc.Memo[slot] = 2
		}
		return r
	}
}

// checkTexts counts the checks of a tree by their text.
func checkTexts(t *tree, count map[string]int) {
	if t.kind == kCheck {
		count[t.check.text]++
		return
	}
	for _, c := range t.children {
		checkTexts(c, count)
	}
}

// Match evaluates the filter on one event.
func (f *Filter) Match(ev fields.Event) bool {
	sc := getScratch()
	r := f.eval(ev, sc)
	putScratch(sc)
	return r
}

// Cost is the optimiser's estimate of the evaluation cost, for tests and
// diagnostics.
func (f *Filter) Cost() int { return f.root.cost }

var scratchPool = sync.Pool{New: func() any { return &fields.Scratch{B: make([]byte, 0, 512)} }}

func getScratch() *fields.Scratch { return scratchPool.Get().(*fields.Scratch) }

func putScratch(sc *fields.Scratch) {
	if cap(sc.B) > 64<<10 {
		// Do not keep a buffer grown by one huge value.
		sc.B = make([]byte, 0, 512)
	}
	sc.B = sc.B[:0]
	scratchPool.Put(sc)
}

// String renders the optimised filter, operands in evaluation order with
// their estimated costs, for tests and debugging.
func (f *Filter) String() string { return treeString(f.root) }

// StringFor renders the filter as specialised for one event type.
func (f *Filter) StringFor(evtType string) string { return treeString(optimise(f.root, evtType)) }

func treeString(t *tree) string {
	switch t.kind {
	case kConst:
		return strconv.FormatBool(t.value)
	case kCheck:
		return t.check.text + " [" + strconv.Itoa(t.cost) + "]"
	case kNot:
		return "not (" + treeString(t.children[0]) + ")"
	}
	sep := " and "
	if t.kind == kOr {
		sep = " or "
	}
	parts := make([]string, len(t.children))
	for i, c := range t.children {
		parts[i] = treeString(c)
		if c.kind == kAnd || c.kind == kOr {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, sep)
}
