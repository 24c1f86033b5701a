// Package procstate is the receiver's state machine: the process and fd
// tables, kept in step with the probe's records (forks, execs, exits,
// cgroup moves, and the syscalls that change a process's fds, cwd,
// credentials or session). It knows nothing of OpenTelemetry: the encoder
// (logencode) reads the state to write records.
package procstate

import (
	"bytes"
	"encoding/binary"
	mathbits "math/bits"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/container"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// Machine owns the process table and applies records to it. Not safe for
// concurrent use.
type Machine struct {
	Table  *proctable.Table
	Users  *proctable.Users
	ProcFS *proctable.ProcFS
	// BootToWallNs is added to a boot-time timestamp to get wall-clock time.
	BootToWallNs int64
	// Placed, when set, is told of a process whose container the state
	// machine has just decided from a fork, exec or cgroup-move record,
	// so that the probe can filter by it (places).
	Placed func(p *proctable.Process)

	// Counters, read by the receiver's telemetry.
	Read, Malformed uint64
	// Values the probe cut at its limits (truncate.go).
	TruncatedExe, TruncatedCwd, TruncatedArgs uint64

	rec  event.Record
	kfd  event.FD
	proc event.Proc
	// resolved path arguments of the current record, by argument index
	paths     [6]string
	pathValid [6]bool
	rawPaths  [6]string // the path arguments as passed, as strings

	// resolved paths shared between events (paths.go)
	pathText pathTexts
	// exec strings shared between processes (exectext.go)
	execText execTexts
	// containers by cgroup path (cgroupinfo.go)
	cgroups cgroupInfos
}

// New makes a state machine over table.
func New(table *proctable.Table, users *proctable.Users, procfs *proctable.ProcFS) *Machine {
	return &Machine{Table: table, Users: users, ProcFS: procfs}
}

// Next decodes one raw record and applies what it says about processes:
// the closes the probe deferred to it, and forks, execs, exits and cgroup
// moves. For a syscall record it returns the syscall and its process, and
// leaves the syscall's own effect to Track: the caller encodes a close
// before tracking it and everything else after (Falco evaluates rules on
// the state an event leaves, but a close must still name its fd). sc is nil
// for every other record.
func (m *Machine) Next(raw []byte) (r *event.Record, sc *syscalls.Syscall, p *proctable.Process, err error) {
	m.Read++
	r = &m.rec
	m.pathValid = [6]bool{}
	if err := event.Decode(raw, r); err != nil {
		m.Malformed++
		return nil, nil, nil, err
	}
	m.countTruncated(r)
	if s, ok := r.Find(event.SecClosed, -1); ok && len(s.Data) >= 8 {
		// closes the probe deferred to this record (the process's first
		// since): they happened before it
		if p := m.Table.Peek(int64(r.TGID)); p != nil {
			for bits := binary.LittleEndian.Uint64(s.Data); bits != 0; bits &= bits - 1 {
				delete(p.FDs, int32(mathbits.TrailingZeros64(bits)))
			}
		}
	}
	switch r.Kind {
	case event.KindFork:
		m.onFork(r)
	case event.KindExec:
		m.onExec(r)
	case event.KindExit:
		m.Table.Remove(int64(r.TGID))
	case event.KindCgroup:
		info, ok := m.containerOf(r)
		if !ok && m.Placed == nil {
			break
		}
		p := m.Table.Get(int64(r.TGID))
		p.PlaceStamp = r.PlaceStamp()
		if ok && p.Container != info {
			p.Container = info
			m.Table.Changed(p)
		}
		m.placed(p)
	default:
		if sc = syscalls.ByNumber(int(r.Kind)); sc != nil {
			return r, sc, m.Table.Get(int64(r.TGID)), nil
		}
	}
	return r, nil, nil, nil
}

// Closing reports whether sc closes fds: its record is encoded before
// Track forgets them.
func Closing(sc *syscalls.Syscall) bool {
	return sc.NR == linuxabi.SysClose || sc.NR == linuxabi.SysCloseRange
}

// containerOf picks the container named by a record's cgroup sections: the
// destination of a move first, then v2, then the v1 hierarchies.
func (m *Machine) containerOf(r *event.Record) (container.Info, bool) {
	for _, want := range []uint8{event.CgroupMoved, event.CgroupDefault, event.CgroupCPU, event.CgroupPIDs, event.CgroupMemory} {
		for _, s := range r.Sections {
			if s.Type != event.SecCgroup || s.Arg != want {
				continue
			}
			if info, ok := m.cgroups.lookup(s.Data); ok {
				return info, true
			}
		}
	}
	return container.Info{}, false
}

func (m *Machine) applyProc(p *proctable.Process, k *event.Proc) {
	p.PPID = int64(k.PPID)
	p.VPID = int64(k.VPID)
	p.UID, p.GID = k.EUID, k.EGID
	if k.LoginUID == 0xffffffff {
		p.LoginUID = -1
	} else {
		p.LoginUID = int64(k.LoginUID)
	}
	p.SID, p.PGID, p.VPGID = int64(k.SID), int64(k.PGID), int64(k.VPGID)
	p.TTY = 0
	if k.TTYMajor != 0 || k.TTYMinor != 0 {
		p.TTY = int64(encodeDev(k.TTYMajor, k.TTYMinor))
	}
	p.StartNs = int64(k.StartBootNs) + m.BootToWallNs
	p.StartBootNs = k.StartBootNs
	p.CapEff = proctable.CapNames(k.CapEff)
	p.CapPrm = proctable.CapNames(k.CapPrm)
	p.CapInh = proctable.CapNames(k.CapInh)
	if string(k.Comm) != p.Comm {
		// a forked child has its parent's name: keep the string
		p.Comm = string(k.Comm)
	}
}

// encodeDev is the kernel's old-style dev_t encoding, as /proc/PID/stat's
// tty_nr and Falco's proc.tty use.
func encodeDev(major, minor uint32) uint32 {
	return (minor & 0xff) | (major << 8) | ((minor &^ 0xff) << 12)
}

func (m *Machine) onFork(r *event.Record) {
	s, ok := r.Find(event.SecProc, -1)
	if !ok || !event.ParseProc(s.Data, &m.proc) {
		m.Malformed++
		return
	}
	k := &m.proc
	// the forking task is the record's current task
	parent := m.Table.Get(int64(r.TGID))
	child := proctable.Fork(parent, int64(k.PID), int64(k.PPID), int64(k.VPID))
	m.applyProc(child, k)
	child.ExeIno = int64(k.ExeIno)
	if info, ok := m.containerOf(r); ok {
		child.Container = info
	}
	if child.Comm != parent.Comm || !parent.Loaded {
		// the child has its parent's argv, so its command line is the
		// parent's unless its name differs (or the parent is a
		// placeholder whose command line was never made)
		child.SetCmdline()
	}
	child.PlaceStamp = r.PlaceStamp()
	m.Table.Put(child)
	m.placed(child)
}

func (m *Machine) placed(p *proctable.Process) {
	if m.Placed != nil {
		m.Placed(p)
	}
}

func (m *Machine) onExec(r *event.Record) {
	s, ok := r.Find(event.SecProc, -1)
	if !ok || !event.ParseProc(s.Data, &m.proc) {
		m.Malformed++
		return
	}
	k := &m.proc
	p := m.Table.Peek(int64(k.PID))
	if p == nil {
		p = &proctable.Process{PID: int64(k.PID), Loaded: true}
		m.Table.Put(p)
	}
	p.Loaded = true
	m.applyProc(p, k)
	closeOnExec(p)
	p.ExeIno = int64(k.ExeIno)
	p.ExeUpper = k.Flags&event.ProcUpper != 0
	p.Args = p.Args[:0:0]
	p.Env = nil
	for _, s := range r.Sections {
		switch s.Type {
		case event.SecArgv:
			p.Args = m.execText.list(s)
		case event.SecEnv:
			p.Env = m.execText.list(s)
		case event.SecExe:
			p.ExePath = m.execText.path(s)
		case event.SecCwd:
			p.Cwd = m.execText.path(s)
		case event.SecFilename:
			p.ExecFilename = string(s.Data)
		case event.SecExeInfo:
			var e event.ExeInfo
			if event.ParseExeInfo(s.Data, &e) {
				p.SetExeInode(e.Mode, e.UID, e.GID, e.CtimeNs, e.MtimeNs, e.Overlay)
			}
		}
	}
	p.Exe = ""
	if len(p.Args) > 0 {
		p.Exe = p.Args[0]
	}
	p.ExeMemfd = strings.HasPrefix(p.ExePath, "/memfd:")
	if info, ok := m.containerOf(r); ok {
		p.Container = info
	}
	p.PlaceStamp = r.PlaceStamp()
	p.SetCmdline()
	m.Table.Changed(p)
	m.placed(p)
}

func SplitNUL(b []byte, out []string) []string {
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return out
	}
	for {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return append(out, string(b))
		}
		out = append(out, string(b[:i]))
		b = b[i+1:]
	}
}

// Str returns the user string read for argument i.
func Str(r *event.Record, i int) ([]byte, bool) {
	s, ok := r.Find(event.SecStr, i)
	return s.Data, ok
}

// resolve makes a path argument absolute: relative paths are joined to the
// dirfd's path (dirfdArg >= 0) or the cwd, and the result is cleaned. It
// also returns the argument as passed, as a string.
func (m *Machine) resolve(p *proctable.Process, r *event.Record, raw []byte, dirfdArg int8) (rawStr, abs string) {
	base := ""
	if len(raw) == 0 || raw[0] != '/' {
		base = p.Cwd
		if dirfdArg >= 0 {
			if d := int32(r.Args[dirfdArg]); d != unix.AT_FDCWD {
				if f := m.FDEntry(p, d); f != nil && f.Path != "" {
					base = f.Path
				}
			}
		}
		if base == "" {
			base = "/"
		}
		if len(raw) == 0 {
			return "", base
		}
	}
	return m.pathText.resolve(base, raw)
}

// ResolveArg is resolve for argument i of the current record, computed once
// per record (the open family needs it for the fd table, evt.arg.name and
// file.path).
func (m *Machine) ResolveArg(p *proctable.Process, r *event.Record, i int, raw []byte, dirfdArg int8) string {
	if i < 0 || i >= len(m.paths) {
		_, abs := m.resolve(p, r, raw, dirfdArg)
		return abs
	}
	if !m.pathValid[i] {
		m.rawPaths[i], m.paths[i] = m.resolve(p, r, raw, dirfdArg)
		m.pathValid[i] = true
	}
	return m.paths[i]
}

// RawArg is path argument i as passed, after resolveArg.
func (m *Machine) RawArg(i int, raw []byte) string {
	if i >= 0 && i < len(m.paths) && m.pathValid[i] {
		return m.rawPaths[i]
	}
	return string(raw)
}

// FDEntry returns p's fd entry, reading /proc once for fds opened before
// the receiver started.
func (m *Machine) FDEntry(p *proctable.Process, fd int32) *proctable.FD {
	if f, ok := p.FDs[fd]; ok {
		return f
	}
	if m.ProcFS == nil || fd < 0 {
		return nil
	}
	name, ok := m.ProcFS.FDName(p.PID, fd)
	if !ok {
		return nil
	}
	f := &proctable.FD{Type: typeFromProcLink(name)}
	if strings.HasPrefix(name, "/") {
		f.Path = strings.TrimSuffix(name, " (deleted)")
	} else {
		f.Name = name
	}
	p.FDs[fd] = f
	return f
}

// KernelFD finds the kernel's view of the fd the event operates on.
func (m *Machine) KernelFD(sc *syscalls.Syscall, r *event.Record) (*event.FD, string, bool) {
	if sc.FDSrc == 0 {
		return nil, "", false
	}
	arg := int(sc.FDSrc - 1)
	if sc.FDSrc == syscalls.FDRet {
		arg = event.FDRet
	}
	s, ok := r.Find(event.SecFD, arg)
	if !ok || !event.ParseFD(s.Data, &m.kfd) {
		return nil, "", false
	}
	dname := ""
	if d, ok := r.Find(event.SecDName, arg); ok {
		dname = string(d.Data)
	}
	return &m.kfd, dname, true
}

// Track applies a syscall's effect on the process and fd tables.
func (m *Machine) Track(sc *syscalls.Syscall, p *proctable.Process, r *event.Record) {
	ret := r.Ret
	if ret < 0 {
		return
	}
	if ret == 0 && syscalls.RefreshesProc(sc.NR) && m.refreshCreds(p, r) {
		// the kernel's identity after the call replaces the guesses below
		return
	}
	defer trackCloexec(sc, p, r)
	switch sc.NR {
	case linuxabi.SysOpen, linuxabi.SysOpenat, linuxabi.SysOpenat2, linuxabi.SysCreat:
		dirfd := int8(-1)
		if sc.NR == linuxabi.SysOpenat || sc.NR == linuxabi.SysOpenat2 {
			dirfd = 0
		}
		arg := 0
		if dirfd == 0 {
			arg = 1
		}
		raw, _ := Str(r, arg)
		f := &proctable.FD{Type: "file", Path: m.ResolveArg(p, r, arg, raw, dirfd)}
		if k, dname, ok := m.KernelFD(sc, r); ok {
			f.Type = FDType(k, dname)
		}
		p.FDs[int32(ret)] = f
	case linuxabi.SysOpenByHandleAt:
		p.FDs[int32(ret)] = &proctable.FD{Type: "file"}
		if m.ProcFS != nil {
			delete(p.FDs, int32(ret))
			m.FDEntry(p, int32(ret))
		}
	case linuxabi.SysMemfdCreate:
		raw, _ := Str(r, 0)
		p.FDs[int32(ret)] = &proctable.FD{Type: "memfd", Path: "/memfd:" + string(raw)}
	case linuxabi.SysClose:
		delete(p.FDs, int32(r.Args[0]))
	case linuxabi.SysCloseRange:
		lo, hi := uint32(r.Args[0]), uint32(r.Args[1])
		for fd := range p.FDs {
			if uint32(fd) >= lo && uint32(fd) <= hi {
				delete(p.FDs, fd)
			}
		}
	case linuxabi.SysDup, linuxabi.SysDup2, linuxabi.SysDup3:
		if f := m.FDEntry(p, int32(r.Args[0])); f != nil {
			p.FDs[int32(ret)] = f
		}
	case linuxabi.SysFcntl:
		if cmd := r.Args[1]; cmd == unix.F_DUPFD || cmd == unix.F_DUPFD_CLOEXEC {
			if f := m.FDEntry(p, int32(r.Args[0])); f != nil {
				p.FDs[int32(ret)] = f
			}
		}
	case linuxabi.SysPipe, linuxabi.SysPipe2, linuxabi.SysSocketpair:
		if s, ok := r.Find(event.SecIntPair, -1); ok && len(s.Data) >= 8 {
			t := "pipe"
			if sc.NR == linuxabi.SysSocketpair {
				t = "unix"
			}
			for i := 0; i < 2; i++ {
				fd := int32(uint32(s.Data[4*i]) | uint32(s.Data[4*i+1])<<8 | uint32(s.Data[4*i+2])<<16 | uint32(s.Data[4*i+3])<<24)
				p.FDs[fd] = &proctable.FD{Type: t}
			}
		}
	case linuxabi.SysSocket, linuxabi.SysAccept, linuxabi.SysAccept4, linuxabi.SysEventfd2, linuxabi.SysUserfaultfd, linuxabi.SysBpf, linuxabi.SysIoUringSetup, linuxabi.SysMemfdSecret:
		f := &proctable.FD{Server: sc.NR == linuxabi.SysAccept || sc.NR == linuxabi.SysAccept4}
		if k, dname, ok := m.KernelFD(sc, r); ok {
			f.Type = FDType(k, dname)
		}
		p.FDs[int32(ret)] = f
	case linuxabi.SysListen, linuxabi.SysBind:
		if f := m.FDEntry(p, int32(r.Args[0])); f != nil {
			cp := *f
			cp.Server = true
			p.FDs[int32(r.Args[0])] = &cp
		}
	case linuxabi.SysChdir:
		raw, _ := Str(r, 0)
		p.Cwd = m.ResolveArg(p, r, 0, raw, -1)
		m.Table.Changed(p)
	case linuxabi.SysFchdir:
		if f := m.FDEntry(p, int32(r.Args[0])); f != nil && f.Path != "" {
			p.Cwd = f.Path
			m.Table.Changed(p)
		}
	case linuxabi.SysSetuid, linuxabi.SysSetfsuid:
		if sc.NR == linuxabi.SysSetuid {
			p.UID = uint32(r.Args[0])
			m.Table.Changed(p)
		}
	case linuxabi.SysSetgid:
		p.GID = uint32(r.Args[0])
		m.Table.Changed(p)
	case linuxabi.SysSetreuid, linuxabi.SysSetresuid:
		if e := uint32(r.Args[1]); e != 0xffffffff {
			p.UID = e
			m.Table.Changed(p)
		}
	case linuxabi.SysSetregid, linuxabi.SysSetresgid:
		if e := uint32(r.Args[1]); e != 0xffffffff {
			p.GID = e
			m.Table.Changed(p)
		}
	case linuxabi.SysSetsid:
		p.SID, p.PGID, p.VPGID = p.PID, p.PID, p.VPID
		m.Table.Changed(p)
	case linuxabi.SysSetpgid:
		if pid, pg := int64(r.Args[0]), int64(r.Args[1]); pid == 0 || pid == p.PID {
			if pg == 0 {
				pg = p.PID
			}
			p.PGID = pg
			m.Table.Changed(p)
		}
	}
}
