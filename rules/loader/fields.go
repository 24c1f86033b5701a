package loader

import (
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// fieldProblem is a field a condition cannot read, at byte off of the
// condition text. unknown marks a field the registry does not know, the
// one problem that skip-if-unknown-filter turns into a skipped rule.
type fieldProblem struct {
	off     int
	msg     string
	unknown bool
}

// fieldProblemOf checks one field reference against the registry: the
// name (or its dotted-argument form), and the argument's kind.
func fieldProblemOf(f *condition.FieldRef) *fieldProblem {
	fd, arg, ok := fields.Resolve(f.Name)
	if !ok {
		return &fieldProblem{off: f.At.Offset, msg: "unknown field '" + f.Name + "'", unknown: true}
	}
	has := arg != ""
	if f.HasArg {
		if has {
			return &fieldProblem{off: f.At.Offset, msg: "field '" + f.Name + "' already has the argument '" + arg +
				"' (it is " + fd.Name + "[" + arg + "]); it cannot also take [" + f.Arg + "]"}
		}
		arg, has = f.Arg, true
	}
	switch fd.Arg {
	case fields.ArgNone:
		if has {
			return &fieldProblem{off: f.At.Offset, msg: "field '" + fd.Name + "' does not take an argument"}
		}
	case fields.ArgIndex:
		if has && !isIndex(arg) {
			return &fieldProblem{off: f.At.Offset, msg: "field '" + fd.Name + "' takes a numeric index, not '" + arg + "'"}
		}
	}
	if fd.ArgRequired && !has {
		return &fieldProblem{off: f.At.Offset, msg: "field '" + fd.Name + "' requires an argument, e.g. " + fd.Name + "[name]"}
	}
	return nil
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkFields lists the field problems of a parsed (not yet expanded)
// condition, in text order.
func checkFields(e condition.Expr) []fieldProblem {
	var out []fieldProblem
	condition.Walk(e, func(x condition.Expr) bool {
		if c, ok := x.(*condition.Check); ok {
			condition.CheckFields(c, func(f *condition.FieldRef) {
				if p := fieldProblemOf(f); p != nil {
					out = append(out, *p)
				}
			})
		}
		return true
	})
	return out
}
