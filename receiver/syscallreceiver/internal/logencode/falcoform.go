package logencode

import "strings"

// Falco's forms of process values, applied where the process context's
// attributes are written (once per process state, not per event); the
// process table keeps the plain forms it resolves paths against.

// falcoCwd is a working directory as Falco keeps it: with a trailing "/"
// ("/tmp/x/cwd/"), which is also what `proc.cwd startswith /tmp/x/` and
// `proc.cwd = /tmp/x/cwd/` in Falco rules expect.
func falcoCwd(cwd string) string {
	if cwd == "" || strings.HasSuffix(cwd, "/") {
		return cwd
	}
	return cwd + "/"
}

// falcoExePath is an executable's path as Falco prints it: a program
// exec'd from a memfd has no path in any directory, and Falco names it by
// the memfd's own name ("memfd:program"), without the leading "/" the
// kernel's dentry walk ends in.
func falcoExePath(p string) string {
	if strings.HasPrefix(p, "/memfd:") {
		return p[1:]
	}
	return p
}
