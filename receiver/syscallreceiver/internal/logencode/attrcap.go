package logencode

import (
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// The attribute array is a record's largest allocation, and growing it
// copies it. Its size follows from the syscall's definition and the kind of
// fd the kernel reported, so each record is allocated once at its size.

// Attributes record writes besides the parameters and the fd: type,
// number, CPU, raw result, thread id and virtual thread id.
const eventAttrs = 6

// fd keys putOpenFD writes at most (fd.num, open flags and mode, dev, ino,
// created, fd.type, path, raw name); putFD for a socket (fd.num, type, dev,
// ino, name, connected, name changed, is server, l4 proto, client, server,
// local and peer address and port, two host names) and for anything else
// (fd.num, type, dev, ino, a path or a name).
const (
	openFDAttrs   = 9
	socketFDAttrs = 19
	otherFDAttrs  = 5
)

// attrCapacity is how many attributes record writes for this event.
func (b *Encoder) attrCapacity(sc *syscalls.Syscall, p *proctable.Process, r *event.Record) int {
	nr := sc.NR & (len(b.paramAttrs) - 1)
	if b.paramAttrs[nr] == 0 {
		n := 1 // 0 means not worked out yet
		for i := range sc.Params {
			n++
			if hasRaw(&sc.Params[i]) {
				n++
			}
		}
		b.paramAttrs[nr] = uint8(min(n, 255))
	}
	n := eventAttrs + int(b.paramAttrs[nr]) - 1
	switch {
	case sc.Open:
		n += openFDAttrs
	case sc.FDSrc != 0:
		if k, _, ok := b.KernelFD(sc, r); ok && k.Mode&unix.S_IFMT == unix.S_IFSOCK {
			n += socketFDAttrs
		} else {
			n += otherFDAttrs
		}
	}
	if (sc.NR == linuxabi.SysExecve || sc.NR == linuxabi.SysExecveat) && r.Ret == 0 {
		n += len(p.Env)
	}
	return n
}

// Resource attributes putContext writes whatever the process: identity,
// command, cwd, tty, session and group, the executable's upper-layer,
// lower-layer and memfd flags, the three capability sets, the five
// ancestry lists, and the user and group ids, user name and login uid;
// and those that depend on a lookup made while writing (the session
// leader's name, the user's home and shell, the login name, the group
// name), counted as present.
const (
	contextAlways  = 29
	contextLookups = 5
)

// contextAttrs is how many attributes putContext writes for p at most.
// A fixed capacity (48) left a fork+exec's resource of 36 attributes with
// 12 unused 32-byte slots.
func (b *Encoder) contextAttrs(p *proctable.Process) int {
	n := contextAlways + contextLookups
	if b.Host != "" {
		n++
	}
	if c := p.Container; c.ID != "" {
		n++
		if c.Runtime != "" {
			n++
		}
		if c.PodUID != "" {
			n++
		}
	}
	if p.StartNs != 0 {
		n++
	}
	if p.ExeIno != 0 {
		n++
	}
	if p.ExeCtime != 0 {
		n += 3 // ctime, mtime, writable
	}
	return n
}

// hasRaw reports whether parameter pr can have a vigil.evt.rawarg key
// (render's third result).
func hasRaw(pr *syscalls.Param) bool {
	switch pr.R {
	case syscalls.RPath, syscalls.RSockaddr, syscalls.RTuple, syscalls.RExecExe, syscalls.RExecArgs, syscalls.RFilename:
		return false
	case syscalls.RProcField:
		switch pr.Aux {
		case syscalls.PFCwd, syscalls.PFComm, syscalls.PFExePath, syscalls.PFEnv:
			return false
		}
	}
	return true
}
