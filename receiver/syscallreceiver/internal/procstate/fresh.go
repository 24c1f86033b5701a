package procstate

import (
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// credChange are the calls whose record shows the caller as it was before
// the call: Falco evaluates rules on them at the call's entry (evt.dir=>,
// as "Non sudo setuid" is written), which the kernel runs before the
// credentials change. The change applies to the process's next records.
var credChange = map[int]bool{
	linuxabi.SysSetuid: true, linuxabi.SysSetgid: true, linuxabi.SysSetreuid: true, linuxabi.SysSetregid: true,
	linuxabi.SysSetresuid: true, linuxabi.SysSetresgid: true, linuxabi.SysSetfsuid: true, linuxabi.SysSetfsgid: true,
}

// ChangesCreds reports whether sc changes the caller's credentials: its
// record is encoded before Track applies the change (see credChange).
func ChangesCreds(sc *syscalls.Syscall) bool { return credChange[sc.NR] }

// refreshCreds applies the caller's identity that the probe sends after a
// call that changes it (capset, the setuid family, setns, unshare; see
// syscalls.RefreshesProc): the kernel's values, not the arguments'.
func (m *Machine) refreshCreds(p *proctable.Process, r *event.Record) bool {
	s, ok := r.Find(event.SecProc, -1)
	if !ok || !event.ParseProc(s.Data, &m.proc) {
		return false
	}
	k := &m.proc
	p.UID, p.GID = k.EUID, k.EGID
	if k.LoginUID == 0xffffffff {
		p.LoginUID = -1
	} else {
		p.LoginUID = int64(k.LoginUID)
	}
	p.VPID = int64(k.VPID)
	p.CapEff = proctable.CapNames(k.CapEff)
	p.CapPrm = proctable.CapNames(k.CapPrm)
	p.CapInh = proctable.CapNames(k.CapInh)
	m.Table.Changed(p)
	return true
}
