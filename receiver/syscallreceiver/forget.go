package syscallreceiver

import (
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// forgetUnfollowed makes the probe forget the name and place of every
// process the receiver stops following from its records, once per
// process: one evicted from the table (max_processes), and one read
// (again) from /proc, after an eviction or after the ring dropped its
// fork or exec. The receiver names such a process by its comm in /proc
// and places it by /proc/PID/cgroup, which need not be the exec name and
// the place the probe judged it by; without an entry the probe passes the
// process's calls, so it never drops one the receiver would name or place
// otherwise. Set after the start's scan and seeding, which are the
// probe's starting point rather than a reload.
func forgetUnfollowed(p *probe.Probe, t *proctable.Table) {
	t.Evicted = func(pid int64) { p.Forget(uint32(pid)) }
	load := t.Loader
	if load == nil {
		return
	}
	t.Loader = func(pid int64) (*proctable.Process, bool) {
		p.Forget(uint32(pid))
		return load(pid)
	}
}
