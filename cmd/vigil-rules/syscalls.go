package main

import (
	"fmt"
	"io"
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
	rs, code := loadRuleset("syscalls", args, stderr)
	if rs == nil {
		return code
	}
	for _, s := range rs.Syscalls() {
		fmt.Fprintln(stdout, s)
	}
	return 0
}
