package main

import (
	"fmt"
	"io"
	"strings"
)

func init() {
	register(&command{
		name: "syscalls",
		args: "FILE... [--yaml]",
		summary: "load rules files in order and print, one per line, the syscalls their enabled rules can match;\n" +
			"      --yaml prints them as one YAML list, for the syscall receiver's syscalls key (examples/capture.yaml)",
		run: runSyscalls,
	})
}

// runSyscalls prints the syscall set the kernel must capture for the rules:
// the union of the enabled syscall rules' event-type sets (spec §3).
// Warnings go to stderr; any error exits 1 without printing a set.
func runSyscalls(args []string, stdout, stderr io.Writer) int {
	files, flags, err := parseArgs(args, flagSpec{"yaml": flagBool})
	if err != nil {
		fmt.Fprintln(stderr, "vigil-rules syscalls:", err)
		return 2
	}
	rs, code := loadRuleset("syscalls", files, stderr)
	if rs == nil {
		return code
	}
	if len(flags["yaml"]) > 0 {
		// Syscall names need no quoting in YAML.
		fmt.Fprintf(stdout, "[%s]\n", strings.Join(rs.Syscalls(), ", "))
		return 0
	}
	for _, s := range rs.Syscalls() {
		fmt.Fprintln(stdout, s)
	}
	return 0
}
