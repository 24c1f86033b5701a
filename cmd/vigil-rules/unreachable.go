//go:build linux

package main

import (
	"fmt"
	"io"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/syscallcaps"
	"github.com/vigil-sec/vigil/rules"
)

// errNoSensorCaps is why this build cannot report for a sensor; nil on
// Linux (see unreachable_other.go).
var errNoSensorCaps error

// reportUnreachable prints, for the syscall receiver's capabilities, every
// enabled rule that reads a field the receiver never writes or matches only
// syscalls its probe cannot capture, then a count.
func reportUnreachable(w io.Writer, rs *rules.Ruleset) {
	us := rs.Unreachable([]rules.Sensor{{Source: syscallcaps.Source, Keys: syscallcaps.Keys(), Syscalls: syscallcaps.Syscalls()}})
	dead := map[*rules.Rule]bool{}
	for _, u := range us {
		fmt.Fprintf(w, "warning: %s\n", u)
		dead[u.Rule] = true
	}
	fmt.Fprintf(w, "%d enabled rules can never fire in full with the syscall receiver (%d unwritten fields or uncapturable syscall sets)\n", len(dead), len(us))
}
