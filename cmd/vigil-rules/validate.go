package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/loader"
)

func init() {
	register(&command{
		name:    "validate",
		args:    "[-sensor syscall] FILE...",
		summary: "load and compile rules files in order; print every error and warning and a summary; exit 1 on any error; -sensor syscall also lists the enabled rules that read a field the syscall receiver never writes or match only syscalls its probe cannot capture",
		run:     runValidate,
	})
}

// runValidate loads the files through the rules facade, so "valid" means
// what the collector needs: every rule's condition compiles with the native
// compiler and every output format is valid, not only that the YAML and
// conditions parse.
func runValidate(args []string, stdout, stderr io.Writer) int {
	sensor := ""
	if len(args) >= 2 && (args[0] == "-sensor" || args[0] == "--sensor") {
		sensor, args = args[1], args[2:]
		if sensor != "syscall" {
			fmt.Fprintf(stderr, "validate: -sensor %q: the only sensor is syscall\n", sensor)
			return 2
		}
		if errNoSensorCaps != nil {
			fmt.Fprintf(stderr, "validate: %v\n", errNoSensorCaps)
			return 2
		}
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vigil-rules validate [-sensor syscall] FILE...")
		return 2
	}
	srcs, diags := loader.ReadFiles(args...)
	res := loader.Load(srcs...)
	rs, err := rules.Load(rules.Options{}, srcs...)
	var le *rules.LoadError
	switch {
	case err == nil:
		diags = append(diags, rs.Diagnostics()...)
	case errors.As(err, &le):
		diags = append(diags, le.Diagnostics...)
	default:
		diags = append(diags, loader.Diagnostic{File: args[0], Line: 1, Col: 1, Message: err.Error()})
	}
	failed := false
	for _, d := range diags {
		fmt.Fprintln(stdout, d.String())
		failed = failed || !d.Warning
	}
	fmt.Fprintln(stdout, summary(res, rs, diags))
	if sensor != "" && rs != nil {
		reportUnreachable(stdout, rs)
	}
	if failed {
		return 1
	}
	return 0
}

// summary is the closing line of validate. Loaded rules are those that
// compiled; when the load failed, the loader's rules minus those with an
// error.
func summary(res *loader.Result, rs *rules.Ruleset, diags []loader.Diagnostic) string {
	c := res.Counts()
	loaded, enabled := 0, 0
	if rs != nil {
		for _, r := range rs.Rules() {
			loaded++
			if r.Enabled {
				enabled++
			}
		}
	} else {
		bad := map[string]bool{}
		for _, d := range diags {
			if !d.Warning && strings.HasPrefix(d.Item, "rule '") {
				bad[strings.TrimSuffix(strings.TrimPrefix(d.Item, "rule '"), "'")] = true
			}
		}
		for _, r := range res.Rules {
			if r.AST != nil && !r.Skipped && !bad[r.Name] {
				loaded++
				if r.Enabled {
					enabled++
				}
			}
		}
	}
	return fmt.Sprintf("rules: %d loaded, %d enabled, %d skipped; macros: %d; lists: %d",
		loaded, enabled, c.Skipped, c.Macros, c.Lists)
}
