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
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/loader"
	"github.com/vigil-sec/vigil/rules/native"
	"github.com/vigil-sec/vigil/rules/output"
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
	// SyscallExtraOutput is appended after ExtraOutput to the outputs of
	// syscall rules only, as Falco's container plugin suggests its
	// container and pod fields for syscall events only.
	SyscallExtraOutput string
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
	macros map[condition.Expr][]string
	filter *native.Filter
}

// MacrosAt returns the macros whose substitution is the node e of Tree(),
// innermost first, or nil when e is not the root of a macro's tree.
func (r *Rule) MacrosAt(e condition.Expr) []string { return r.macros[e] }

// Expanded is the condition with every macro and list substituted, as
// canonical condition text.
func (r *Rule) Expanded() string { return condition.String(r.ast) }

// Tree is the expanded condition as a syntax tree, for other engines (the
// Rego translator). It is shared: callers must not modify it.
func (r *Rule) Tree() condition.Expr { return r.ast }

// Matches evaluates the rule's condition alone (whatever Enabled says).
func (r *Rule) Matches(ev fields.Event) bool { return r.filter.Match(ev) }

// Ruleset is a loaded, compiled rule set.
type Ruleset struct {
	rules    []*Rule
	diags    []Diagnostic
	index    *native.Index[*Rule]
	bySource map[string]*native.Index[*Rule]
	syscalls []string
	types    evttype.Set
	res      *loader.Result
}

// Macro is a macro as loaded (position, condition text, expanded tree).
type Macro = loader.Macro

// List is a list as loaded (position, items).
type List = loader.List

// Macro returns the loaded macro with this name, or nil.
func (rs *Ruleset) Macro(name string) *Macro { return rs.res.Macro(name) }

// List returns the loaded list with this name, or nil.
func (rs *Ruleset) List(name string) *List { return rs.res.List(name) }

// Lists returns every loaded list, in definition order.
func (rs *Ruleset) Lists() []*List { return rs.res.Lists }

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

// Match appends to dst the enabled syscall rules whose condition matches ev,
// in load order; with MatchFirst at most one. Only rules whose event types
// include the event's evt.type are evaluated. It does not allocate when dst
// has room. MatchSource evaluates the rules of another source.
func (rs *Ruleset) Match(ev fields.Event, mode Matching, dst []*Rule) []*Rule {
	m := native.First
	if mode == MatchAll {
		m = native.All
	}
	return rs.index.Match(ev, m, dst)
}
