package logencode

import (
	"strings"
	"unsafe"
)

// An exec record's args and env parameters are the process's argv and
// environment joined by spaces; the environment alone is often kilobytes.
// Processes that exec with the same bytes share one slice (procstate's
// exec strings), so the children of one parent, or every run of the same
// command, join the same slice: joined keeps the last result while the
// same slice comes again. The slices are never changed in place, and the
// one held here stays allocated, so the same address and length mean the
// same strings.
type joined struct {
	ptr  *string
	n    int
	from int
	s    string
}

// join returns strings.Join(list[from:], " ").
func (j *joined) join(list []string, from int) string {
	if len(list) <= from {
		return ""
	}
	if p := unsafe.SliceData(list); p != j.ptr || len(list) != j.n || from != j.from {
		j.ptr, j.n, j.from, j.s = p, len(list), from, strings.Join(list[from:], " ")
	}
	return j.s
}
