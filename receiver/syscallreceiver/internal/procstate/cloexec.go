package procstate

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/internal/linuxabi"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// trackCloexec records which fds close at exec, from the flags of the
// call that made them (O_CLOEXEC, SOCK_CLOEXEC, F_DUPFD_CLOEXEC) or of
// fcntl F_SETFD. A dup's fd does not inherit the flag, so the entry it
// shares with the original is copied rather than changed.
func trackCloexec(sc *syscalls.Syscall, p *proctable.Process, r *event.Record) {
	ret := r.Ret
	if ret < 0 {
		return
	}
	var on bool
	fd := int32(ret)
	switch sc.NR {
	case linuxabi.SysOpen:
		on = r.Args[1]&unix.O_CLOEXEC != 0
	case linuxabi.SysOpenat:
		on = r.Args[2]&unix.O_CLOEXEC != 0
	case linuxabi.SysOpenat2:
		if s, ok := r.Find(event.SecOpenHow, -1); ok && len(s.Data) >= 8 {
			on = binary.LittleEndian.Uint64(s.Data)&unix.O_CLOEXEC != 0
		}
	case linuxabi.SysSocket:
		on = r.Args[1]&unix.SOCK_CLOEXEC != 0
	case linuxabi.SysAccept4:
		on = r.Args[3]&unix.SOCK_CLOEXEC != 0
	case linuxabi.SysMemfdCreate:
		on = r.Args[1]&unix.MFD_CLOEXEC != 0
	case linuxabi.SysEventfd2:
		on = r.Args[1]&unix.EFD_CLOEXEC != 0
	case linuxabi.SysDup3:
		on = r.Args[2]&unix.O_CLOEXEC != 0
	case linuxabi.SysPipe2:
		if s, ok := r.Find(event.SecIntPair, -1); ok && len(s.Data) >= 8 {
			on = r.Args[1]&unix.O_CLOEXEC != 0
			setCloexec(p, int32(binary.LittleEndian.Uint32(s.Data[0:])), on)
			setCloexec(p, int32(binary.LittleEndian.Uint32(s.Data[4:])), on)
		}
		return
	case linuxabi.SysFcntl:
		switch r.Args[1] {
		case unix.F_DUPFD_CLOEXEC:
			on = true
		case unix.F_SETFD:
			fd, on = int32(r.Args[0]), r.Args[2]&unix.FD_CLOEXEC != 0
		case unix.F_DUPFD:
		default:
			return
		}
	case linuxabi.SysDup, linuxabi.SysDup2, linuxabi.SysAccept, linuxabi.SysCreat:
	default:
		return
	}
	setCloexec(p, fd, on)
}

func setCloexec(p *proctable.Process, fd int32, on bool) {
	f, ok := p.FDs[fd]
	if !ok || f.CloExec == on {
		return
	}
	cp := *f
	cp.CloExec = on
	p.FDs[fd] = &cp
}

// closeOnExec forgets the fds a successful exec closed.
func closeOnExec(p *proctable.Process) {
	for fd, f := range p.FDs {
		if f.CloExec {
			delete(p.FDs, fd)
		}
	}
}
