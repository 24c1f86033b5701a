package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/vigil-sec/vigil/rules/lint"
)

func init() {
	register(&command{
		name: "lint",
		args: "FILE...",
		summary: "warn about items that silently change other rules: macros and lists redefined without append or override,\n" +
			"      overrides replacing what other rules use, exceptions no event source can match, constant conditions",
		run: runLint,
	})
}

// runLint prints one line per finding and a count per kind. Findings are
// warnings: the exit code is 0 unless the files do not load.
func runLint(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vigil-rules lint FILE...")
		return 2
	}
	ws, err := lint.Files(args...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	count := map[lint.Kind]int{}
	for _, w := range ws {
		fmt.Fprintln(stdout, w)
		count[w.Kind]++
	}
	var parts []string
	for _, k := range lint.Kinds() {
		parts = append(parts, fmt.Sprintf("%d %s", count[k], k))
	}
	fmt.Fprintf(stdout, "%d warnings: %s\n", len(ws), strings.Join(parts, ", "))
	return 0
}
