package loader

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
)

// Limits that keep hostile rules files from exhausting memory or time.
// Lists whose items name later lists grow text exponentially, and so do
// macros that use another macro twice. The upstream stable+incubating
// files stay far below: at most 124 nodes per expanded rule, 1,800 nodes
// and about 200 KiB of pasted text for the whole load.
const (
	maxConditionText = 1 << 20   // bytes of one condition after pasting lists
	maxTotalText     = 16 << 20  // bytes of all conditions after pasting lists
	maxExpandedNodes = 100_000   // weight of one condition after substituting macros
	maxTotalNodes    = 1_000_000 // weight of all expansions of a load
)

// owner is one parsed condition: diagnostics about its tree's nodes map
// node offsets through the text it was parsed from.
type owner struct {
	item     string
	text     text
	ast      condition.Expr // as parsed; macros not substituted
	size     int            // nodes in ast
	problems []fieldProblem
}

// compile turns the collected items into the Result (§5): lists, then
// macros, then rules, after every file has been read.
func (l *loader) compile() {
	resolved := l.compileLists()
	macroOwners := map[string]*owner{}
	for _, m := range l.macroOrder {
		macroOwners[m.name] = l.parse(itemName("macro", m.name), m.cond, resolved)
	}
	used := map[string]bool{}
	for _, m := range l.macroOrder {
		o := macroOwners[m.name]
		out := &Macro{Name: m.name, Condition: m.cond.s, ParsedText: o.text.s, Pos: m.pos}
		l.res.Macros = append(l.res.Macros, out)
		if o.ast == nil {
			continue
		}
		vis := m.visibility
		x := &expander{l: l, owners: macroOwners, used: used,
			visible: func(d *macroInfo) bool { return d.index < vis }}
		if e := x.run(o); !x.broken {
			out.AST = e
		}
	}
	for _, ri := range l.ruleOrder {
		l.compileRule(ri, resolved, macroOwners, used)
	}
	for _, m := range l.res.Macros {
		m.Used = used[m.Name]
	}
	for _, li := range l.listOrder {
		l.res.Lists = append(l.res.Lists, &List{Name: li.name, Items: li.items, Resolved: resolved[li.name], Pos: li.pos, Used: li.used})
	}
	if l.res.HasErrors() {
		return
	}
	for _, m := range l.res.Macros {
		if !m.Used {
			l.warnf(m.Pos, itemName("macro", m.Name), "macro is not used by any rule or macro")
		}
	}
	for _, li := range l.res.Lists {
		if !li.Used {
			l.warnf(li.Pos, itemName("list", li.Name), "list is not used by any rule, macro or list")
		}
	}
}

// compileLists resolves list items: an item naming a list defined before
// this list's latest update is replaced by that list's items, one level.
func (l *loader) compileLists() map[string][]string {
	resolved := make(map[string][]string, len(l.listOrder))
	for _, li := range l.listOrder {
		items := make([]string, 0, len(li.items))
		for _, it := range li.items {
			if ref := l.lists[it]; ref != nil && ref.index < li.visibility {
				ref.used = true
				items = append(items, ref.items...)
			} else {
				items = append(items, it)
			}
		}
		resolved[li.name] = items
	}
	return resolved
}

var (
	errTooLong      = fmt.Errorf("condition is longer than %d bytes after pasting lists", maxConditionText)
	errTotalTooLong = fmt.Errorf("conditions are longer than %d bytes in total after pasting lists", maxTotalText)
)

// pasteLists replaces list names in condition text by their items, list by
// list in definition order, with Falco's delimiter rules (§5).
func (l *loader) pasteLists(t text, resolved map[string][]string) (text, error) {
	for _, li := range l.listOrder {
		var used bool
		t, used = pasteList(t, li.name, resolved[li.name])
		if used {
			li.used = true
		}
		if len(t.s) > maxConditionText {
			return t, errTooLong
		}
	}
	l.pastedBytes += len(t.s)
	if l.pastedBytes > maxTotalText {
		return t, errTotalTooLong
	}
	return t, nil
}

func isPasteBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isPasteDelim(c byte) bool {
	return isPasteBlank(c) || c == '(' || c == ')' || c == ',' || c == '='
}

// pasteList substitutes one list the way Falco does (§5). An occurrence of
// the name counts when both sides are the text's ends or one of blank
// ( ) , =; blanks around it are swallowed, the items are joined with ", "
// and written with one blank on each side (none on the left at the start
// of the text); an empty list also removes one adjacent comma. Falco
// rebuilds the whole string at each occurrence and resumes the search
// right after the pasted items (one byte later at the start of the text);
// this does the same in one pass, so pasting stays linear.
func pasteList(t text, name string, items []string) (text, bool) {
	if name == "" || !strings.Contains(t.s, name) {
		return t, false
	}
	src := t.s
	var out pasted
	rs := 0 // src[rs:] is not yet copied to out
	from := 0
	sub, subDone, used := "", false, false
	for from <= len(src) {
		k := strings.Index(src[from:], name)
		if k < 0 {
			break
		}
		k += from
		end := k + len(name)
		left := k > rs && isPasteDelim(src[k-1]) || k == rs && (out.n == 0 || isPasteDelim(out.back(1)))
		right := end >= len(src) || isPasteDelim(src[end])
		if !left || !right {
			from = k + 1
			continue
		}
		if !subDone {
			q := make([]string, len(items))
			for i, it := range items {
				q[i] = quoteItem(it)
			}
			sub, subDone = strings.Join(q, ", "), true
		}
		s, trim := k, 0
		for s > rs && isPasteBlank(src[s-1]) {
			s--
		}
		if s == rs {
			for trim < out.n && isPasteBlank(out.back(trim+1)) {
				trim++
			}
		}
		e := end
		for e < len(src) && isPasteBlank(src[e]) {
			e++
		}
		if sub == "" {
			switch {
			case s > rs && src[s-1] == ',':
				s--
			case s == rs && trim < out.n && out.back(trim+1) == ',':
				trim++
			case e < len(src) && src[e] == ',':
				e++
			}
		}
		out.trim(trim)
		at := t.fixedAt("", k).spans
		out.add(t.slice(rs, s))
		prefix := out.n > 0
		if prefix {
			out.add(text{s: " ", spans: at})
		}
		out.add(text{s: sub + " ", spans: at})
		rs = e
		used = true
		from = e
		if !prefix {
			from = e + 1
		}
	}
	if !used {
		return t, false
	}
	out.add(t.slice(rs, len(src)))
	return joinText(out.parts...), true
}

// pasted is the output of pasteList so far.
type pasted struct {
	parts []text
	n     int
}

func (p *pasted) add(t text) {
	if t.s != "" {
		p.parts = append(p.parts, t)
		p.n += len(t.s)
	}
}

// back returns the i-th byte from the end (1 is the last).
func (p *pasted) back(i int) byte {
	for k := len(p.parts) - 1; k >= 0; k-- {
		s := p.parts[k].s
		if i <= len(s) {
			return s[len(s)-i]
		}
		i -= len(s)
	}
	return 0
}

// trim drops the last n bytes.
func (p *pasted) trim(n int) {
	p.n -= n
	for n > 0 {
		last := &p.parts[len(p.parts)-1]
		if n < len(last.s) {
			*last = last.slice(0, len(last.s)-n)
			return
		}
		n -= len(last.s)
		p.parts = p.parts[:len(p.parts)-1]
	}
}

// parse pastes lists into a condition and parses it; a syntax error is
// reported at its place in the rules file and leaves ast nil.
func (l *loader) parse(item string, t text, resolved map[string][]string) *owner {
	o := &owner{item: item}
	pasted, err := l.pasteLists(t, resolved)
	o.text = pasted
	if err != nil {
		l.errorf(t.pos(0), item, "%v", err)
		return o
	}
	e, err := condition.Parser{MaxDepth: condition.DefaultMaxDepth}.Parse(pasted.s)
	if err != nil {
		var ce *condition.Error
		if errors.As(err, &ce) {
			l.errorf(pasted.pos(ce.Pos.Offset), item, "invalid condition: %s", ce.Msg)
		} else {
			l.errorf(t.pos(0), item, "invalid condition: %v", err)
		}
		return o
	}
	o.ast = e
	o.size = weight(e)
	o.problems = checkFields(e)
	return o
}

// weight is what copying a tree costs: its nodes and list items.
func weight(e condition.Expr) int {
	n := 0
	condition.Walk(e, func(x condition.Expr) bool {
		n++
		if c, ok := x.(*condition.Check); ok {
			if l, ok := c.RHS.(*condition.List); ok {
				n += len(l.Items)
			}
		}
		return true
	})
	return n
}

// report adds an error once, however many rules reach it through macros.
func (l *loader) report(o *owner, off int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%s\x00%d\x00%s", o.item, off, msg)
	if l.reported[key] {
		return
	}
	l.reported[key] = true
	l.errorf(o.text.pos(off), o.item, "%s", msg)
}

// expander substitutes macro references with copies of the macros' trees
// (§5), each copy expanded in turn, detecting reference loops.
type expander struct {
	l       *loader
	owners  map[string]*owner
	visible func(*macroInfo) bool
	used    map[string]bool // every macro substituted, at any depth
	path    []string
	nodes   int
	broken  bool
	// macros lists the macros this expansion substituted, in first-use order.
	macros []string
	// origins maps each substituted tree's root to the macros it came from,
	// innermost first (macro a: b makes b's tree the root of a's too).
	origins map[condition.Expr][]string
}

func (x *expander) run(o *owner) condition.Expr {
	x.nodes = o.size
	return x.expand(condition.Clone(o.ast), o)
}

func (x *expander) expand(e condition.Expr, o *owner) condition.Expr {
	switch n := e.(type) {
	case *condition.And:
		for i, c := range n.Children {
			n.Children[i] = x.expand(c, o)
		}
	case *condition.Or:
		for i, c := range n.Children {
			n.Children[i] = x.expand(c, o)
		}
	case *condition.Not:
		n.Child = x.expand(n.Child, o)
	case *condition.MacroRef:
		return x.macro(n, o)
	}
	return e
}

func (x *expander) macro(n *condition.MacroRef, o *owner) condition.Expr {
	m := x.l.macros[n.Name]
	if m == nil || !x.visible(m) {
		x.broken = true
		if m != nil {
			x.l.report(o, n.At.Offset, "Undefined macro '%s' used in filter (it is defined after this macro, and a macro can only use macros defined before it)", n.Name)
		} else {
			x.l.report(o, n.At.Offset, "Undefined macro '%s' used in filter", n.Name)
		}
		return n
	}
	for i, p := range x.path {
		if p == n.Name {
			x.broken = true
			loop := append(append([]string{}, x.path[i:]...), n.Name)
			x.l.report(o, n.At.Offset, "macro reference loop: %s", strings.Join(loop, " -> "))
			return n
		}
	}
	x.used[n.Name] = true
	if !contains(x.macros, n.Name) {
		x.macros = append(x.macros, n.Name)
	}
	mo := x.owners[n.Name]
	if mo.ast == nil {
		x.broken = true // its own error is already reported
		return n
	}
	x.nodes += mo.size
	x.l.expandedNodes += mo.size
	if x.nodes > maxExpandedNodes || x.l.expandedNodes > maxTotalNodes {
		if !x.broken {
			if x.nodes > maxExpandedNodes {
				x.l.report(o, n.At.Offset, "condition is too large after substituting macros (more than %d nodes and list items)", maxExpandedNodes)
			} else {
				x.l.report(o, n.At.Offset, "the rules are too large after substituting macros (more than %d nodes and list items in all conditions)", maxTotalNodes)
			}
		}
		x.broken = true
		return n
	}
	x.path = append(x.path, n.Name)
	r := x.expand(condition.Clone(mo.ast), mo)
	x.path = x.path[:len(x.path)-1]
	if x.origins == nil {
		x.origins = map[condition.Expr][]string{}
	}
	x.origins[r] = append(x.origins[r], n.Name)
	return r
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (l *loader) compileRule(ri *ruleInfo, resolved map[string][]string, owners map[string]*owner, used map[string]bool) {
	item := itemName("rule", ri.name)
	r := &Rule{
		Name: ri.name, Desc: ri.desc, Output: ri.output, Priority: ri.prio, Source: ri.source,
		Tags: sortedTags(ri.tags), Enabled: ri.enabled, WarnEvttypes: ri.warnEvttypes,
		SkipIfUnknownFilter: ri.skipUnknown, Capture: ri.capture, CaptureDuration: ri.captureDur,
		Pos: ri.pos, ConditionPos: ri.condPos, OutputPos: ri.outPos, Condition: ri.cond.s,
	}
	for _, ex := range ri.exceptions {
		r.Exceptions = append(r.Exceptions, exportException(ex))
	}
	l.res.Rules = append(l.res.Rules, r)
	if ri.unknownSource {
		r.Skipped = true
		r.SkipReason = "source '" + ri.source + "' is not loaded"
		return
	}
	t := ri.cond
	if len(ri.exceptions) > 0 {
		var ok bool
		if t, ok = l.exceptionsText(ri, item); !ok {
			return
		}
		r.Condition = t.s
	}
	o := l.parse(item, t, resolved)
	r.ParsedText = o.text.s
	if o.ast == nil {
		return
	}
	x := &expander{l: l, owners: owners, used: used, visible: func(*macroInfo) bool { return true }}
	e := x.run(o)
	if x.broken {
		return
	}
	type located struct {
		o *owner
		p fieldProblem
	}
	var probs []located
	for _, p := range o.problems {
		probs = append(probs, located{o, p})
	}
	for _, name := range x.macros {
		mo := owners[name]
		for _, p := range mo.problems {
			probs = append(probs, located{mo, p})
		}
	}
	if len(probs) > 0 {
		if ri.skipUnknown {
			for _, lp := range probs {
				if lp.p.unknown {
					r.Skipped = true
					r.SkipReason = lp.p.msg
					l.warnf(lp.o.text.pos(lp.p.off), item, "rule skipped (skip-if-unknown-filter): %s", lp.p.msg)
					return
				}
			}
		}
		for _, lp := range probs {
			l.report(lp.o, lp.p.off, "%s", lp.p.msg)
		}
		return
	}
	r.AST = e
	r.MacroRoots = x.origins
}

func exportException(ex *exceptionInfo) Exception {
	out := Exception{Name: ex.name, FieldsList: ex.fields.isList}
	if ex.fields.isList {
		for _, f := range ex.fields.items {
			out.Fields = append(out.Fields, f.item)
		}
		for _, c := range ex.comps.items {
			out.Comps = append(out.Comps, c.item)
		}
	} else {
		out.Fields = []string{ex.fields.item}
		out.Comps = []string{ex.comps.item}
	}
	for _, v := range ex.values {
		var tuple []ExceptionValue
		if ex.fields.isList {
			for _, e := range v.items {
				ev := ExceptionValue{Item: e.item, List: e.isList}
				for _, i := range e.items {
					ev.Items = append(ev.Items, i.item)
				}
				tuple = append(tuple, ev)
			}
		} else {
			tuple = []ExceptionValue{{Item: v.item}}
		}
		out.Values = append(out.Values, tuple)
	}
	return out
}
