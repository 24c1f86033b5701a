package main

import (
	"fmt"
	"strings"
)

// flagSpec says what a subcommand's --flags take: a value, several values
// (every argument up to the next flag), or none.
type flagSpec map[string]flagKind

type flagKind uint8

const (
	flagBool flagKind = iota
	flagValue
	flagValues
)

// parseArgs splits args into positional arguments and flag values. Flags are
// written --name or -name, with the value after a space or "=".
func parseArgs(args []string, spec flagSpec) (pos []string, vals map[string][]string, err error) {
	vals = map[string][]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if j := strings.IndexByte(name, '='); j >= 0 {
			name, val, hasVal = name[:j], name[j+1:], true
		}
		kind, ok := spec[name]
		if !ok {
			return nil, nil, fmt.Errorf("unknown flag %s", a)
		}
		switch kind {
		case flagBool:
			vals[name] = append(vals[name], "true")
		case flagValue, flagValues:
			if hasVal {
				vals[name] = append(vals[name], val)
			}
			for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && (kind == flagValues || !hasVal) {
				i++
				vals[name] = append(vals[name], args[i])
				hasVal = true
				if kind == flagValue {
					break
				}
			}
			if !hasVal {
				return nil, nil, fmt.Errorf("%s needs a value", a)
			}
		}
	}
	return pos, vals, nil
}
