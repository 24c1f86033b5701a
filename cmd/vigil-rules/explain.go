package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/loader"
)

func init() {
	register(&command{
		name:    "explain",
		args:    "FILE... --rule NAME",
		summary: "print a rule's condition with lists pasted and macros substituted",
		run:     runExplain,
	})
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	var files []string
	rule, haveRule := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--rule" || a == "-rule":
			if i+1 >= len(args) {
				fmt.Fprintln(stderr, "vigil-rules explain: --rule needs a rule name")
				return 2
			}
			rule, haveRule = args[i+1], true
			i++
		case strings.HasPrefix(a, "--rule="):
			rule, haveRule = strings.TrimPrefix(a, "--rule="), true
		case strings.HasPrefix(a, "-rule="):
			rule, haveRule = strings.TrimPrefix(a, "-rule="), true
		default:
			files = append(files, a)
		}
	}
	if len(files) == 0 || !haveRule {
		fmt.Fprintln(stderr, "usage: vigil-rules explain FILE... --rule NAME")
		return 2
	}
	res := loader.LoadFiles(files...)
	if res.HasErrors() {
		for _, d := range res.Errors() {
			fmt.Fprintln(stderr, d.String())
		}
		return 1
	}
	r := res.Rule(rule)
	if r == nil {
		fmt.Fprintf(stderr, "vigil-rules explain: no rule named %q in %s\n", rule, strings.Join(files, ", "))
		return 1
	}
	if r.AST == nil {
		fmt.Fprintf(stderr, "vigil-rules explain: rule %q is skipped: %s\n", rule, r.SkipReason)
		return 1
	}
	fmt.Fprintln(stdout, condition.String(r.AST))
	return 0
}
