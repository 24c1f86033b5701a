package lint

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/loader"
	"github.com/vigil-sec/vigil/rules/native"
)

// deadExceptions finds exception fields that no event source writes: such
// an exception never excepts anything, however many values it lists.
func deadExceptions(res *loader.Result) []Warning {
	var out []Warning
	for _, r := range res.Rules {
		if r.Skipped {
			continue
		}
		for _, ex := range r.Exceptions {
			if len(ex.Values) == 0 {
				continue // an exception with no values is a placeholder for users
			}
			for _, name := range ex.Fields {
				f, _, ok := fields.Resolve(fieldName(name))
				if !ok || Written(f) {
					continue
				}
				var keys []string
				for _, k := range f.Keys {
					keys = append(keys, k.Name)
				}
				out = append(out, Warning{Pos: r.Pos, Kind: DeadException, Item: "rule '" + r.Name + "'",
					Msg: fmt.Sprintf("exception '%s' can never match: no event source writes %s (attribute %s)",
						ex.Name, name, strings.Join(keys, ", "))})
			}
		}
	}
	return out
}

// fieldName drops a bracket argument: proc.aname[2] is proc.aname.
func fieldName(s string) string {
	if i := strings.IndexByte(s, '['); i > 0 {
		return s[:i]
	}
	return s
}

// constantRules finds rules whose condition the engine folds to a
// constant: always true (fires on every event of its types) or never true.
func constantRules(res *loader.Result) []Warning {
	var out []Warning
	for _, r := range res.Rules {
		if r.AST == nil || r.Skipped {
			continue
		}
		f, _, err := native.Compile(r.AST)
		if err != nil {
			continue // the rules facade reports compile errors
		}
		if c := f.String(); c == "true" || c == "false" {
			what := "never true: the rule can never fire"
			if c == "true" {
				what = "always true: the rule fires on every event"
			}
			out = append(out, Warning{Pos: r.ConditionPos, Kind: ConstantRule, Item: "rule '" + r.Name + "'",
				Msg: "condition is " + what})
		}
	}
	return out
}
