package main

import (
	"fmt"
	"io"

	"github.com/vigil-sec/vigil/rules/loader"
)

func init() {
	register(&command{
		name:    "validate",
		args:    "FILE...",
		summary: "load rules files in order; print every error and warning and a summary; exit 1 on any error",
		run:     runValidate,
	})
}

func runValidate(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vigil-rules validate FILE...")
		return 2
	}
	res := loader.LoadFiles(args...)
	for _, d := range res.Diagnostics {
		fmt.Fprintln(stdout, d.String())
	}
	fmt.Fprintln(stdout, summary(res))
	if res.HasErrors() {
		return 1
	}
	return 0
}

// summary is the closing line of validate.
func summary(res *loader.Result) string {
	c := res.Counts()
	return fmt.Sprintf("rules: %d loaded, %d enabled, %d skipped; macros: %d; lists: %d",
		c.Loaded, c.Enabled, c.Skipped, c.Macros, c.Lists)
}
