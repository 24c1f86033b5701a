package syscallreceiver

import (
	"reflect"
	"testing"

	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
)

// TestKernelFilterNamesAndPlaces: process names reach the probe with the
// paths of an open's modes, alone for a syscall without a path, never for
// the state set; a place set other than both turns the place filter on.
func TestKernelFilterNamesAndPlaces(t *testing.T) {
	sel := captureplan.Paths{Prefixes: []string{"/etc/shadow\x00"}, Names: []string{"tar"}}
	names := captureplan.Paths{Names: []string{"curl"}}
	plan := captureplan.Merged{Published: true, Plan: captureplan.Plan{
		Syscalls: []string{"openat", "creat", "sendto", "connect", "execve"},
		Filters: map[string]captureplan.Filter{
			"openat":  {Outcome: 3, Proto: 7, Access: 15, Where: 3, Path: [4]captureplan.Paths{sel, {Any: true}, {Any: true}, sel}},
			"creat":   {Outcome: 3, Proto: 7, Access: 15, Path: [4]captureplan.Paths{sel, {Names: []string{"cp"}}, sel, sel}},
			"sendto":  {Outcome: 3, Proto: 7, Access: 15, Where: 2, Path: [4]captureplan.Paths{names, names, names, names}},
			"connect": {Outcome: 3, Proto: 7, Access: 15, Where: 2, Path: [4]captureplan.Paths{names, names, names, names}},
			"execve":  {Outcome: 3, Proto: 7, Access: 15, Where: 1, Path: [4]captureplan.Paths{names, names, names, names}},
		},
	}}
	r := &syscallReceiver{cfg: createDefaultConfig()}
	emit, _ := r.selection(plan)
	got := r.kernelFilters(plan, emit)
	on := probe.ModePaths{On: true, Prefixes: sel.Prefixes, Names: sel.Names}
	for nr, want := range map[int]*probe.Filter{
		linuxabi.SysOpenat: {FlagsArg: 3, PathArg: 1, Paths: [4]probe.ModePaths{on, {}, {}, on}},
		// no flags: one selector, the union of the modes'
		linuxabi.SysCreat:  {PathArg: 0, Paths: [4]probe.ModePaths{{On: true, Prefixes: []string{"/etc/shadow\x00"}, Names: []string{"cp", "tar"}}}},
		linuxabi.SysSendto: {WhereOn: true, Where: 2, NoPath: true, Paths: [4]probe.ModePaths{{On: true, Names: []string{"curl"}}}},
		// state set: the outcome only, which drops nothing here
		linuxabi.SysConnect: nil,
		linuxabi.SysExecve:  nil,
	} {
		if f := got[nr]; !reflect.DeepEqual(f, want) {
			t.Errorf("syscall %d: filter %+v, want %+v", nr, f, want)
		}
	}
}
