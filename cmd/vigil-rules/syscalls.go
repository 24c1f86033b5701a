package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/vigil-sec/vigil/rules"
)

func init() {
	register(&command{
		name:    "syscalls",
		args:    "FILE...",
		summary: "load rules files in order and print, one per line, the syscalls their enabled rules can match",
		run:     runSyscalls,
	})
}

// runSyscalls prints the syscall set the kernel must capture for the rules:
// the union of the enabled syscall rules' event-type sets (spec §3).
// Warnings go to stderr; any error exits 1 without printing a set.
func runSyscalls(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vigil-rules syscalls FILE...")
		return 2
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
		return 1
	}
	for _, d := range rs.Diagnostics() {
		fmt.Fprintln(stderr, d.String())
	}
	for _, s := range rs.Syscalls() {
		fmt.Fprintln(stdout, s)
	}
	return 0
}
