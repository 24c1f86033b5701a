package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/vigil-sec/vigil/rules"
)

// loadRuleset loads FILE... through the rules facade for the subcommands
// that need compiled rules. Every diagnostic goes to stderr; on failure it
// returns the exit code to use (2 for usage, 1 for rules errors).
func loadRuleset(name string, args []string, stderr io.Writer) (*rules.Ruleset, int) {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "usage: vigil-rules %s FILE...\n", name)
		return nil, 2
	}
	rs, err := rules.LoadFiles(rules.Options{}, args...)
	if err != nil {
		var le *rules.LoadError
		if errors.As(err, &le) {
			for _, d := range le.Diagnostics {
				fmt.Fprintln(stderr, d.String())
			}
		} else {
			fmt.Fprintln(stderr, err)
		}
		return nil, 1
	}
	for _, d := range rs.Diagnostics() {
		fmt.Fprintln(stderr, d.String())
	}
	return rs, 0
}
