package loader

import (
	"errors"

	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules/condition"
)

// Position is a place in a rules file.
type Position struct {
	File      string
	Line, Col int
}

// Result is everything a load produced. Rules, Macros and Lists are in
// definition order; a redefinition replaces an item in place, so it keeps
// the position of the first definition (which decides which rule fires
// first under Falco's default rule_matching: first).
type Result struct {
	Rules  []*Rule
	Macros []*Macro
	Lists  []*List

	// RequiredEngineVersion is the highest required_engine_version found
	// (normalised to x.y.z), or "" when no file asked for one.
	RequiredEngineVersion string

	// Diagnostics holds errors and warnings in the order they were found.
	Diagnostics []Diagnostic
}

// Rule is one rule after every file has been read.
type Rule struct {
	Name     string
	Desc     string
	Output   string // whitespace-trimmed, appends applied
	Priority priority.Priority
	Source   string
	Tags     []string // sorted, without duplicates
	Enabled  bool

	WarnEvttypes        bool
	SkipIfUnknownFilter bool
	Capture             bool
	CaptureDuration     uint64 // milliseconds

	Exceptions []Exception

	// Pos is where the rule's latest full definition starts;
	// ConditionPos and OutputPos point at those values.
	Pos, ConditionPos, OutputPos Position

	// Condition is the final condition text: appends and overrides applied
	// and exceptions compiled in, before lists are pasted (§6, §7).
	Condition string
	// ParsedText is Condition with lists pasted in: the text that was
	// parsed (§5).
	ParsedText string
	// AST is the parsed condition with every macro substituted. It is nil
	// when the rule is skipped or its condition has errors.
	AST condition.Expr
	// MacroRoots maps the nodes of AST that are a macro's substitution to
	// the macros' names, innermost first, so tools can say where a part of
	// the expanded condition came from.
	MacroRoots map[condition.Expr][]string

	// Skipped rules are not evaluated: their source is not loaded, or they
	// read an unknown field and say skip-if-unknown-filter: true.
	Skipped    bool
	SkipReason string
}

// Exception is one entry of a rule's exceptions key.
type Exception struct {
	Name string
	// Fields and Comps have one element in the single-field form
	// (FieldsList false) and one per tuple element otherwise.
	Fields     []string
	FieldsList bool
	Comps      []string
	// Values: in the tuple form each value is a tuple with one element per
	// field; an element with List set was a sequence. In the single-field
	// form each value is a one-element tuple.
	Values [][]ExceptionValue
}

// ExceptionValue is one element of an exception value tuple.
type ExceptionValue struct {
	Item  string
	List  bool
	Items []string
}

// Macro is a macro after every file has been read.
type Macro struct {
	Name      string
	Condition string // appends applied, before lists are pasted
	// ParsedText is Condition with lists pasted in: the text that was parsed.
	ParsedText string
	Pos        Position
	// AST is the parsed condition with lists pasted and macros substituted;
	// nil on error.
	AST condition.Expr
	// Used is true when a rule or macro refers to it.
	Used bool
}

// List is a list after every file has been read.
type List struct {
	Name string
	// Items are the items as written, appends applied.
	Items []string
	// Resolved are the items pasted into conditions: an item naming an
	// earlier list is replaced by that list's items (one level).
	Resolved []string
	Pos      Position
	Used     bool
}

// Counts summarises a load, for the "rules: N loaded, ..." line.
type Counts struct {
	// Loaded rules have a usable AST; Enabled is the subset with
	// enabled: true; Skipped rules were left out on purpose.
	Loaded, Enabled, Skipped int
	Macros, Lists            int
}

// Counts returns the summary numbers.
func (r *Result) Counts() Counts {
	c := Counts{Macros: len(r.Macros), Lists: len(r.Lists)}
	for _, rl := range r.Rules {
		switch {
		case rl.Skipped:
			c.Skipped++
		case rl.AST != nil:
			c.Loaded++
			if rl.Enabled {
				c.Enabled++
			}
		}
	}
	return c
}

// Errors returns the error diagnostics.
func (r *Result) Errors() []Diagnostic { return r.filter(false) }

// Warnings returns the warning diagnostics.
func (r *Result) Warnings() []Diagnostic { return r.filter(true) }

func (r *Result) filter(warning bool) []Diagnostic {
	var out []Diagnostic
	for _, d := range r.Diagnostics {
		if d.Warning == warning {
			out = append(out, d)
		}
	}
	return out
}

// HasErrors reports whether any error was found.
func (r *Result) HasErrors() bool {
	for _, d := range r.Diagnostics {
		if !d.Warning {
			return true
		}
	}
	return false
}

// Err joins every error diagnostic into one error, or returns nil.
func (r *Result) Err() error {
	var errs []error
	for _, d := range r.Diagnostics {
		if !d.Warning {
			errs = append(errs, d)
		}
	}
	return errors.Join(errs...)
}

// Rule returns the rule with this name, or nil.
func (r *Result) Rule(name string) *Rule {
	for _, rl := range r.Rules {
		if rl.Name == name {
			return rl
		}
	}
	return nil
}

// Macro returns the macro with this name, or nil.
func (r *Result) Macro(name string) *Macro {
	for _, m := range r.Macros {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// List returns the list with this name, or nil.
func (r *Result) List(name string) *List {
	for _, l := range r.Lists {
		if l.Name == name {
			return l
		}
	}
	return nil
}
