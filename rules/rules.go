// Package rules is the one entry point to the Falco rules language: it loads
// rules files (rules/loader), compiles every rule's condition (rules/native)
// and output (rules/output), works out the event types and syscalls the
// rules need (rules/evttype), and evaluates events against the result.
//
//	rs, err := rules.LoadFiles(rules.Options{}, "falco_rules.yaml")
//	if err != nil { ... }                    // *rules.LoadError: every diagnostic
//	for _, d := range rs.Diagnostics() { ... } // warnings of a successful load
//	matched := rs.Match(ev, rules.MatchFirst, buf[:0])
//	for _, r := range matched {
//		body := r.Output.Append(nil, ev)
//		fields := r.Output.Values(ev, nil)
//	}
//
// A Ruleset is immutable and safe for concurrent use.
package rules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/loader"
	"github.com/vigil-sec/vigil/rules/native"
	"github.com/vigil-sec/vigil/rules/native/fnmatch"
	"github.com/vigil-sec/vigil/rules/output"
	"github.com/vigil-sec/vigil/rules/priority"
)

// Source is the content of one rules file, or of rules held in memory. Name
// is what diagnostics call it.
type Source = loader.Source

// Diagnostic is an error or warning with file, line and column.
type Diagnostic = loader.Diagnostic

// Position is a place in a rules file.
type Position = loader.Position

// Matching says how many rules may fire for one event.
type Matching uint8

const (
	// MatchFirst reports only the first matching rule in load order
	// (Falco's default, rule_matching: first).
	MatchFirst Matching = iota
	// MatchAll reports every matching rule, in load order.
	MatchAll
)

// ParseMatching reads Falco's rule_matching setting: "first" or "all".
func ParseMatching(s string) (Matching, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "first", "":
		return MatchFirst, nil
	case "all":
		return MatchAll, nil
	}
	return 0, fmt.Errorf("invalid rule matching %q: want first or all", s)
}

// Selection enables or disables rules by name or by tag, like an entry of
// Falco's "rules:" configuration ({disable: {rule: "*"}}, {enable: {tag:
// network}}). Rule is a rule name, where "*" matches any run of characters
// (fnmatch syntax); Tag is a tag name. Set exactly one of them.
type Selection struct {
	Enable bool
	Rule   string
	Tag    string
}

// Options tune a load. The zero value loads every rule as the files say.
type Options struct {
	// MinPriority keeps only rules at least this severe (Falco's "priority"
	// setting, e.g. "warning"); no selection enables a less severe rule.
	// Empty keeps every rule.
	MinPriority string
	// Selections are applied in order on top of each rule's own enabled
	// flag; a later selection overrides an earlier one.
	Selections []Selection
	// ExtraOutput is appended to every rule's output after one space
	// (Falco's append_output), e.g. "container_id=%container.id".
	ExtraOutput string
}

// Rule is one compiled rule.
type Rule struct {
	Name        string
	Description string
	Priority    priority.Priority
	// Source is the event source, "syscall" for kernel events.
	Source string
	// Tags are sorted and unique.
	Tags []string
	// Enabled is the rule's enabled flag after Options are applied; only
	// enabled rules are evaluated.
	Enabled bool
	// Condition is the condition text as the files define it (appends,
	// overrides and exceptions applied, macros and lists not expanded).
	Condition string
	// Output renders the rule's output (with Options.ExtraOutput).
	Output *output.Format
	// EventTypes are the event types the condition can match, sorted; nil
	// when it can match every type (or every type but a few), empty when it
	// can match none.
	EventTypes []string
	// Pos is where the rule is defined.
	Pos Position

	ast    condition.Expr
	filter *native.Filter
}

// Expanded is the condition with every macro and list substituted, as
// canonical condition text.
func (r *Rule) Expanded() string { return condition.String(r.ast) }

// Matches evaluates the rule's condition alone (whatever Enabled says).
func (r *Rule) Matches(ev fields.Event) bool { return r.filter.Match(ev) }

// Ruleset is a loaded, compiled rule set.
type Ruleset struct {
	rules    []*Rule
	diags    []Diagnostic
	index    *native.Index[*Rule]
	syscalls []string
	types    evttype.Set
}

// LoadError is a load that found errors. Diagnostics holds every error and
// warning, in the order found.
type LoadError struct {
	Diagnostics []Diagnostic
}

func (e *LoadError) Error() string {
	var errs []string
	for _, d := range e.Diagnostics {
		if !d.Warning {
			errs = append(errs, d.String())
		}
	}
	return strings.Join(errs, "\n")
}

// LoadFiles reads rules files in order and compiles them.
func LoadFiles(opts Options, paths ...string) (*Ruleset, error) {
	return build(opts, loader.LoadFiles(paths...))
}

// Load compiles rules held in memory, in order.
func Load(opts Options, srcs ...Source) (*Ruleset, error) {
	return build(opts, loader.Load(srcs...))
}

// Rules returns every compiled rule in load order, enabled or not. Rules the
// loader skipped (unloaded source, skip-if-unknown-filter) are not included.
func (rs *Ruleset) Rules() []*Rule { return rs.rules }

// Rule returns the rule with this name, or nil.
func (rs *Ruleset) Rule(name string) *Rule {
	for _, r := range rs.rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Diagnostics returns the warnings of the load (a successful load has no
// errors), with file, line and column.
func (rs *Ruleset) Diagnostics() []Diagnostic { return rs.diags }

// Syscalls returns the system calls the enabled syscall-source rules can
// match, sorted: what the kernel must capture for these rules. Event types
// that are not system calls (procexit, container, names no table knows) are
// left out; a rule that matches every event type contributes every syscall.
func (rs *Ruleset) Syscalls() []string { return rs.syscalls }

// EventTypes is the union of the enabled syscall-source rules' event-type
// sets.
func (rs *Ruleset) EventTypes() evttype.Set { return rs.types }

// Match appends to dst the enabled rules whose condition matches ev, in load
// order; with MatchFirst at most one. Only rules whose event types include
// the event's evt.type are evaluated. It does not allocate when dst has
// room.
func (rs *Ruleset) Match(ev fields.Event, mode Matching, dst []*Rule) []*Rule {
	m := native.First
	if mode == MatchAll {
		m = native.All
	}
	return rs.index.Match(ev, m, dst)
}

func build(opts Options, res *loader.Result) (*Ruleset, error) {
	b := &builder{res: res, diags: append([]Diagnostic(nil), res.Diagnostics...)}
	minPrio := priority.Debug
	if opts.MinPriority != "" {
		p, err := priority.Parse(opts.MinPriority)
		if err != nil {
			return nil, &LoadError{Diagnostics: []Diagnostic{{File: "options", Line: 1, Col: 1, Message: err.Error()}}}
		}
		minPrio = p
	}
	if !res.HasErrors() {
		b.compile(opts, minPrio)
	}
	if b.hasErrors() {
		return nil, &LoadError{Diagnostics: b.diags}
	}
	rs := &Ruleset{rules: b.rules, diags: b.diags, types: evttype.None()}
	var indexed []native.IndexedRule[*Rule]
	for _, r := range rs.rules {
		if !r.Enabled {
			continue
		}
		indexed = append(indexed, native.IndexedRule[*Rule]{ID: r, Filter: r.filter, Types: r.EventTypes})
		if r.Source == "syscall" {
			rs.types = rs.types.Union(b.sets[r])
		}
	}
	rs.index = native.NewIndex(indexed)
	for _, n := range rs.types.Names() {
		if evttype.IsSyscall(n) {
			rs.syscalls = append(rs.syscalls, n)
		}
	}
	return rs, nil
}

type builder struct {
	res   *loader.Result
	diags []Diagnostic
	rules []*Rule
	sets  map[*Rule]evttype.Set
}

func (b *builder) hasErrors() bool {
	for _, d := range b.diags {
		if !d.Warning {
			return true
		}
	}
	return false
}

func (b *builder) add(pos Position, item string, warning bool, format string, args ...any) {
	b.diags = append(b.diags, Diagnostic{File: pos.File, Line: pos.Line, Col: pos.Col, Item: item,
		Message: fmt.Sprintf(format, args...), Warning: warning})
}

// manyTypes is the size above which Falco warns about a rule's event types.
const manyTypes = 100

func (b *builder) compile(opts Options, minPrio priority.Priority) {
	b.sets = map[*Rule]evttype.Set{}
	for _, lr := range b.res.Rules {
		if lr.Skipped || lr.AST == nil {
			continue
		}
		item := "rule '" + lr.Name + "'"
		r := &Rule{
			Name: lr.Name, Description: lr.Desc, Priority: lr.Priority, Source: lr.Source,
			Tags: lr.Tags, Enabled: lr.Enabled, Condition: lr.Condition,
			Pos: lr.Pos, ast: lr.AST,
		}
		f, warns, err := native.Compile(lr.AST)
		for _, w := range warns {
			b.add(lr.ConditionPos, item, true, "%s%s", w.Msg, inCheck(w.Check))
		}
		if err != nil {
			var ne *native.Error
			if errors.As(err, &ne) {
				b.add(lr.ConditionPos, item, false, "%s%s", ne.Msg, inCheck(ne.Check))
			} else {
				b.add(lr.ConditionPos, item, false, "%v", err)
			}
			continue
		}
		r.filter = f
		text := lr.Output
		if opts.ExtraOutput != "" {
			text += " " + opts.ExtraOutput
		}
		out, err := output.Compile(text)
		if err != nil {
			b.add(lr.OutputPos, item, false, "invalid output: %v", err)
			continue
		}
		r.Output = out
		set := evttype.Condition(lr.AST)
		b.sets[r] = set
		if set.Finite() {
			// An empty set (a never_true rule) stays non-nil: no type.
			r.EventTypes = append([]string{}, set.Names()...)
		}
		b.checkTypes(lr, item, set)
		b.rules = append(b.rules, r)
	}
	b.applySelections(opts.Selections)
	// Rules below the minimum priority are not loaded in Falco, so no
	// selection can enable them.
	for _, r := range b.rules {
		if r.Priority > minPrio {
			r.Enabled = false
		}
	}
}

// checkTypes warns about event-type names no table knows and, like Falco,
// about syscall rules that match too many event types.
func (b *builder) checkTypes(lr *loader.Rule, item string, set evttype.Set) {
	for _, n := range set.Listed() {
		if !evttype.IsKnown(n) {
			b.add(lr.ConditionPos, item, true, "unknown event type '%s' in an evt.type check", n)
		}
	}
	if lr.Source == "syscall" && lr.WarnEvttypes {
		if n := set.Len(); n > manyTypes {
			b.add(lr.ConditionPos, item, true,
				"rule matches too many evt.type values (%d); this has a significant performance penalty. Add an evt.type check, or set warn_evttypes: false", n)
		}
	}
}

func (b *builder) applySelections(sel []Selection) {
	for _, s := range sel {
		for _, r := range b.rules {
			match := false
			switch {
			case s.Rule != "":
				match = fnmatch.Match(s.Rule, r.Name)
			case s.Tag != "":
				for _, t := range r.Tags {
					if t == s.Tag {
						match = true
					}
				}
			}
			if match {
				r.Enabled = s.Enable
			}
		}
	}
}

// inCheck names the check a compile problem is in: the condition's
// position alone does not say, since macros bring in text from elsewhere.
func inCheck(check string) string {
	if check == "" {
		return ""
	}
	return " (in '" + check + "')"
}
