package syscallreceiver

import (
	"reflect"
	"testing"

	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
)

// TestKernelFilterPolicy: which of a plan's filters reach the probe. The
// tables stay exact: close is never filtered, the state set only loses
// failures, SocketNames keeps every record with an fd (opens apart), and
// kernel_filters: false, an explicit syscall list or no publisher install
// nothing.
func TestKernelFilterPolicy(t *testing.T) {
	shadow := captureplan.Paths{Prefixes: []string{"/etc/shadow\x00"}, Suffixes: []string{"/id_rsa"}}
	anyPath := [4]captureplan.Paths{{Any: true}, {Any: true}, {Any: true}, {Any: true}}
	plan := captureplan.Merged{Published: true, Plan: captureplan.Plan{
		Syscalls: []string{"openat", "close", "execve", "connect", "sendto", "ptrace", "dup"},
		Filters: map[string]captureplan.Filter{
			// write-only opens dropped; read-write ones of any path kept
			"openat":  {Outcome: 1, Proto: 7, Access: 0b1101, Path: [4]captureplan.Paths{shadow, {}, {Any: true}, shadow}},
			"close":   {Outcome: 1, Proto: 7, Access: 15, Path: anyPath},
			"execve":  {Outcome: 2, Proto: 7, Access: 15, Path: anyPath}, // failures only: would drop successes
			"connect": {Outcome: 1, Proto: 1, Access: 15, Path: anyPath}, // drops failures and UDP
			"sendto":  {Outcome: 0, Proto: 0, Access: 15, Path: anyPath}, // no rule can match
			"ptrace":  {Outcome: 1, Proto: 7, Access: 15, Path: anyPath},
			"dup":     {Outcome: 1, Proto: 7, Access: 15, Path: anyPath},
		},
	}}
	r := &syscallReceiver{cfg: createDefaultConfig()}
	emit, _ := r.selection(plan)
	got := r.kernelFilters(plan, emit)
	check := func(nr int, want *probe.Filter) {
		t.Helper()
		f := got[nr]
		switch {
		case want == nil && f != nil:
			t.Errorf("syscall %d: filter %+v, want none", nr, *f)
		case want != nil && f == nil:
			t.Errorf("syscall %d: no filter, want %+v", nr, *want)
		case want != nil && !reflect.DeepEqual(f, want):
			t.Errorf("syscall %d: filter %+v, want %+v", nr, *f, *want)
		}
	}
	shadowOn := probe.ModePaths{On: true, Prefixes: shadow.Prefixes, Suffixes: shadow.Suffixes}
	check(linuxabi.SysOpenat, &probe.Filter{OutcomeOn: true, Outcome: 1, FlagsArg: 3, AccessOn: true, Access: 0b1101, PathArg: 1, Paths: [4]probe.ModePaths{shadowOn, {}, {}, shadowOn}})
	check(linuxabi.SysClose, nil)
	check(linuxabi.SysExecve, nil)
	check(linuxabi.SysConnect, &probe.Filter{OutcomeOn: true, Outcome: 1}) // state: the outcome only
	check(linuxabi.SysSendto, &probe.Filter{OutcomeOn: true, Outcome: 0, ProtoOn: true, Proto: 0})
	check(linuxabi.SysPtrace, &probe.Filter{OutcomeOn: true, Outcome: 1})
	check(linuxabi.SysDup, &probe.Filter{OutcomeOn: true, Outcome: 1})

	sock := plan
	sock.SocketNames = true
	got = r.kernelFilters(sock, emit)
	check(linuxabi.SysSendto, nil)
	check(linuxabi.SysConnect, nil)
	check(linuxabi.SysDup, nil)
	check(linuxabi.SysPtrace, &probe.Filter{OutcomeOn: true, Outcome: 1})
	if got[linuxabi.SysOpenat] == nil {
		t.Error("SocketNames took the open filter away")
	}

	for name, change := range map[string]func(r *syscallReceiver, m *captureplan.Merged){
		"kernel_filters false": func(r *syscallReceiver, _ *captureplan.Merged) { r.cfg.KernelFilters = false },
		"explicit syscalls": func(r *syscallReceiver, _ *captureplan.Merged) {
			r.cfg.Syscalls = SyscallSelection{Names: []string{"openat", "sendto"}}
		},
		"no publisher": func(_ *syscallReceiver, m *captureplan.Merged) { m.Published = false },
	} {
		r := &syscallReceiver{cfg: createDefaultConfig()}
		m := plan
		change(r, &m)
		emit, _ := r.selection(m)
		for nr, f := range r.kernelFilters(m, emit) {
			if f != nil {
				t.Errorf("%s: syscall %d filtered", name, nr)
			}
		}
	}
}
