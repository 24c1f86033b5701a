package rules

import (
	"errors"
	"fmt"

	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/loader"
	"github.com/vigil-sec/vigil/rules/native"
	"github.com/vigil-sec/vigil/rules/native/fnmatch"
	"github.com/vigil-sec/vigil/rules/output"
)

// build compiles a load: every usable rule's condition and output, its
// event-type set, the selections, and the index that Match uses.
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
	rs := &Ruleset{rules: b.rules, diags: b.diags, types: evttype.None(), res: res}
	for _, r := range rs.rules {
		if r.Enabled && r.Source == SourceSyscall {
			rs.types = rs.types.Union(b.sets[r])
		}
	}
	rs.buildIndexes()
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
			Pos: lr.Pos, ast: lr.AST, macros: lr.MacroRoots,
		}
		if fr, src := foreignField(lr.AST, lr.Source); fr != nil {
			b.add(lr.ConditionPos, item, false, "field '%s' belongs to source '%s', but the rule's source is '%s'", fr.Name, src, lr.Source)
			continue
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
		if opts.SyscallExtraOutput != "" && lr.Source == SourceSyscall {
			text += " " + opts.SyscallExtraOutput
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
