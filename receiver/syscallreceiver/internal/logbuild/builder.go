// Package logbuild turns the probe's records into process-table updates and
// OTLP log records that follow the rules/fields attribute contract.
package logbuild

import (
	"bytes"
	"encoding/binary"
	mathbits "math/bits"
	"net/netip"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/container"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
	"github.com/vigil-sec/vigil/rules/fields"
)

// EventName is the EventName of every syscall record.
const EventName = "vigil.syscall"

// ScopeName names the instrumentation scope of the records.
const ScopeName = "github.com/vigil-sec/vigil/receiver/syscallreceiver"

const atFDCWD = -100

// Builder owns the process table and the batch being built. Not safe for
// concurrent use.
type Builder struct {
	Table  *proctable.Table
	Users  *proctable.Users
	ProcFS *proctable.ProcFS
	Host   string
	// BootToWallNs is added to a boot-time timestamp to get wall-clock time.
	BootToWallNs int64
	// Emit selects the syscalls (by number) that become records; the rest
	// only update the tables.
	Emit []bool
	// HostName names an address after a host name the rules mention
	// (fd.sip.name, fd.cip.name); nil: none.
	HostName func(netip.Addr) (string, bool)

	// Counters, read by the receiver's telemetry.
	Read, Emitted, Malformed uint64
	// Values the probe cut at its limits (truncate.go).
	TruncatedExe, TruncatedCwd, TruncatedArgs uint64

	evtNum int64
	rec    event.Record
	kfd    event.FD
	proc   event.Proc
	logs   plog.Logs
	// the batch's resources by process context version (see resource.go)
	byVer   map[uint64]plog.LogRecordSlice
	lastVer uint64
	last    plog.LogRecordSlice
	// the batch's first resource's container, and whether another container
	// has a resource too (then Take groups them)
	firstCID string
	mixed    bool
	pending  int
	buf      []byte
	args     []string
	// resolved path arguments of the current record, by argument index
	paths     [6]string
	pathValid [6]bool
	rawPaths  [6]string // the path arguments as passed, as strings
	anc       []*proctable.Process

	// attribute count of each syscall's records (by number), to size
	// their attribute arrays
	attrCap [512]uint8

	// rendered strings shared between events (intern.go)
	numText  numTexts
	pathText pathTexts
	fdTexts  fdTexts
}

// New makes a builder over table.
func New(table *proctable.Table, users *proctable.Users, procfs *proctable.ProcFS, host string) *Builder {
	b := &Builder{Table: table, Users: users, ProcFS: procfs, Host: host}
	b.reset()
	return b
}

func (b *Builder) reset() {
	b.logs = plog.NewLogs()
	if b.byVer == nil {
		b.byVer = make(map[uint64]plog.LogRecordSlice, 16)
	}
	clear(b.byVer)
	b.lastVer = 0
	b.firstCID, b.mixed = "", false
	b.pending = 0
}

// Pending is the number of records in the current batch.
func (b *Builder) Pending() int { return b.pending }

// Take hands over the current batch and starts a new one. Its
// ResourceLogs are grouped by container: one container's process states
// are adjacent (the host's first), in the order they appeared.
func (b *Builder) Take() plog.Logs {
	l := b.logs
	if b.mixed {
		cid := func(rl plog.ResourceLogs) string {
			v, _ := rl.Resource().Attributes().Get(fields.KeyContainerID.Name)
			return v.Str()
		}
		l.ResourceLogs().Sort(func(x, y plog.ResourceLogs) bool { return cid(x) < cid(y) })
	}
	b.reset()
	return l
}

// Handle applies one raw record; observed is when it was read.
func (b *Builder) Handle(raw []byte, observed pcommon.Timestamp) error {
	b.Read++
	r := &b.rec
	b.pathValid = [6]bool{}
	if err := event.Decode(raw, r); err != nil {
		b.Malformed++
		return err
	}
	b.countTruncated(r)
	if s, ok := r.Find(event.SecClosed, -1); ok && len(s.Data) >= 8 {
		// closes the probe deferred to this record (the process's first
		// since): they happened before it
		if p := b.Table.Peek(int64(r.TGID)); p != nil {
			for bits := binary.LittleEndian.Uint64(s.Data); bits != 0; bits &= bits - 1 {
				delete(p.FDs, int32(mathbits.TrailingZeros64(bits)))
			}
		}
	}
	switch r.Kind {
	case event.KindFork:
		b.onFork(r)
	case event.KindExec:
		b.onExec(r)
	case event.KindExit:
		b.Table.Remove(int64(r.TGID))
	case event.KindCgroup:
		if info, ok := containerOf(r); ok {
			p := b.Table.Get(int64(r.TGID))
			if p.Container != info {
				p.Container = info
				b.Table.Changed(p)
			}
		}
	default:
		sc := syscalls.ByNumber(int(r.Kind))
		if sc == nil {
			return nil
		}
		p := b.Table.Get(int64(r.TGID))
		emit := int(r.Kind) < len(b.Emit) && b.Emit[r.Kind]
		// a close is recorded before the fd is forgotten, so it still names
		// it; everything else after its effect, as Falco evaluates rules on
		// the state the event leaves
		closing := sc.Name == "close" || sc.Name == "close_range" || credChange[sc.Name]
		if emit && closing {
			b.record(sc, p, r, observed)
		}
		b.track(sc, p, r)
		if emit && !closing {
			b.record(sc, p, r, observed)
		}
	}
	return nil
}

// containerOf picks the container named by a record's cgroup sections: the
// destination of a move first, then v2, then the v1 hierarchies.
func containerOf(r *event.Record) (container.Info, bool) {
	for _, want := range []uint8{event.CgroupMoved, event.CgroupDefault, event.CgroupCPU, event.CgroupPIDs, event.CgroupMemory} {
		for _, s := range r.Sections {
			if s.Type != event.SecCgroup || s.Arg != want {
				continue
			}
			var buf [512]byte
			p := event.AppendPath(buf[:0], s.Data)
			if info, ok := container.FromCgroup(string(p)); ok {
				return info, true
			}
		}
	}
	return container.Info{}, false
}

func (b *Builder) applyProc(p *proctable.Process, k *event.Proc) {
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
	p.StartNs = int64(k.StartBootNs) + b.BootToWallNs
	p.CapEff = proctable.CapNames(k.CapEff)
	p.CapPrm = proctable.CapNames(k.CapPrm)
	p.CapInh = proctable.CapNames(k.CapInh)
	p.Comm = string(k.Comm)
}

// encodeDev is the kernel's old-style dev_t encoding, as /proc/PID/stat's
// tty_nr and Falco's proc.tty use.
func encodeDev(major, minor uint32) uint32 {
	return (minor & 0xff) | (major << 8) | ((minor &^ 0xff) << 12)
}

func (b *Builder) onFork(r *event.Record) {
	s, ok := r.Find(event.SecProc, -1)
	if !ok || !event.ParseProc(s.Data, &b.proc) {
		b.Malformed++
		return
	}
	k := &b.proc
	// the forking task is the record's current task
	parent := b.Table.Get(int64(r.TGID))
	child := proctable.Fork(parent, int64(k.PID), int64(k.PPID), int64(k.VPID))
	b.applyProc(child, k)
	child.ExeIno = int64(k.ExeIno)
	if info, ok := containerOf(r); ok {
		child.Container = info
	}
	child.SetCmdline()
	b.Table.Put(child)
}

func (b *Builder) onExec(r *event.Record) {
	s, ok := r.Find(event.SecProc, -1)
	if !ok || !event.ParseProc(s.Data, &b.proc) {
		b.Malformed++
		return
	}
	k := &b.proc
	p := b.Table.Peek(int64(k.PID))
	if p == nil {
		p = &proctable.Process{PID: int64(k.PID), Loaded: true}
		b.Table.Put(p)
	}
	p.Loaded = true
	b.applyProc(p, k)
	closeOnExec(p)
	p.ExeIno = int64(k.ExeIno)
	p.ExeUpper = k.Flags&event.ProcUpper != 0
	p.Args = p.Args[:0:0]
	p.Env = nil
	for _, s := range r.Sections {
		switch s.Type {
		case event.SecArgv:
			p.Args = sectionArgs(s, nil)
		case event.SecEnv:
			p.Env = splitNUL(s.Data, nil)
		case event.SecExe:
			p.ExePath = string(appendSectionPath(nil, s))
		case event.SecCwd:
			p.Cwd = string(appendSectionPath(nil, s))
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
	if info, ok := containerOf(r); ok {
		p.Container = info
	}
	p.SetCmdline()
	b.Table.Changed(p)
}

func splitNUL(b []byte, out []string) []string {
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

// str returns the user string read for argument i.
func str(r *event.Record, i int) ([]byte, bool) {
	s, ok := r.Find(event.SecStr, i)
	return s.Data, ok
}

// resolve makes a path argument absolute: relative paths are joined to the
// dirfd's path (dirfdArg >= 0) or the cwd, and the result is cleaned. It
// also returns the argument as passed, as a string.
func (b *Builder) resolve(p *proctable.Process, r *event.Record, raw []byte, dirfdArg int8) (rawStr, abs string) {
	base := ""
	if len(raw) == 0 || raw[0] != '/' {
		base = p.Cwd
		if dirfdArg >= 0 {
			if d := int32(r.Args[dirfdArg]); d != atFDCWD {
				if f := b.fdEntry(p, d); f != nil && f.Path != "" {
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
	return b.pathText.resolve(base, raw)
}

// resolveArg is resolve for argument i of the current record, computed once
// per record (the open family needs it for the fd table, evt.arg.name and
// file.path).
func (b *Builder) resolveArg(p *proctable.Process, r *event.Record, i int, raw []byte, dirfdArg int8) string {
	if i < 0 || i >= len(b.paths) {
		_, abs := b.resolve(p, r, raw, dirfdArg)
		return abs
	}
	if !b.pathValid[i] {
		b.rawPaths[i], b.paths[i] = b.resolve(p, r, raw, dirfdArg)
		b.pathValid[i] = true
	}
	return b.paths[i]
}

// rawArg is path argument i as passed, after resolveArg.
func (b *Builder) rawArg(i int, raw []byte) string {
	if i >= 0 && i < len(b.paths) && b.pathValid[i] {
		return b.rawPaths[i]
	}
	return string(raw)
}

// fdEntry returns p's fd entry, reading /proc once for fds opened before
// the receiver started.
func (b *Builder) fdEntry(p *proctable.Process, fd int32) *proctable.FD {
	if f, ok := p.FDs[fd]; ok {
		return f
	}
	if b.ProcFS == nil || fd < 0 {
		return nil
	}
	name, ok := b.ProcFS.FDName(p.PID, fd)
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

// kernelFD finds the kernel's view of the fd the event operates on.
func (b *Builder) kernelFD(sc *syscalls.Syscall, r *event.Record) (*event.FD, string, bool) {
	if sc.FDSrc == 0 {
		return nil, "", false
	}
	arg := int(sc.FDSrc - 1)
	if sc.FDSrc == syscalls.FDRet {
		arg = event.FDRet
	}
	s, ok := r.Find(event.SecFD, arg)
	if !ok || !event.ParseFD(s.Data, &b.kfd) {
		return nil, "", false
	}
	dname := ""
	if d, ok := r.Find(event.SecDName, arg); ok {
		dname = string(d.Data)
	}
	return &b.kfd, dname, true
}

// track applies a syscall's effect on the process and fd tables.
func (b *Builder) track(sc *syscalls.Syscall, p *proctable.Process, r *event.Record) {
	ret := r.Ret
	if ret < 0 {
		return
	}
	if ret == 0 && syscalls.RefreshesProc(sc.Name) && b.refreshCreds(p, r) {
		// the kernel's identity after the call replaces the guesses below
		return
	}
	defer b.trackCloexec(sc, p, r)
	switch sc.Name {
	case "open", "openat", "openat2", "creat":
		dirfd := int8(-1)
		if sc.Name == "openat" || sc.Name == "openat2" {
			dirfd = 0
		}
		arg := 0
		if dirfd == 0 {
			arg = 1
		}
		raw, _ := str(r, arg)
		f := &proctable.FD{Type: "file", Path: b.resolveArg(p, r, arg, raw, dirfd)}
		if k, dname, ok := b.kernelFD(sc, r); ok {
			f.Type = fdType(k, dname)
		}
		p.FDs[int32(ret)] = f
	case "open_by_handle_at":
		p.FDs[int32(ret)] = &proctable.FD{Type: "file"}
		if b.ProcFS != nil {
			delete(p.FDs, int32(ret))
			b.fdEntry(p, int32(ret))
		}
	case "memfd_create":
		raw, _ := str(r, 0)
		p.FDs[int32(ret)] = &proctable.FD{Type: "memfd", Path: "/memfd:" + string(raw)}
	case "close":
		delete(p.FDs, int32(r.Args[0]))
	case "close_range":
		lo, hi := uint32(r.Args[0]), uint32(r.Args[1])
		for fd := range p.FDs {
			if uint32(fd) >= lo && uint32(fd) <= hi {
				delete(p.FDs, fd)
			}
		}
	case "dup", "dup2", "dup3":
		if f := b.fdEntry(p, int32(r.Args[0])); f != nil {
			p.FDs[int32(ret)] = f
		}
	case "fcntl":
		if cmd := r.Args[1]; cmd == unix.F_DUPFD || cmd == unix.F_DUPFD_CLOEXEC {
			if f := b.fdEntry(p, int32(r.Args[0])); f != nil {
				p.FDs[int32(ret)] = f
			}
		}
	case "pipe", "pipe2", "socketpair":
		if s, ok := r.Find(event.SecIntPair, -1); ok && len(s.Data) >= 8 {
			t := "pipe"
			if sc.Name == "socketpair" {
				t = "unix"
			}
			for i := 0; i < 2; i++ {
				fd := int32(uint32(s.Data[4*i]) | uint32(s.Data[4*i+1])<<8 | uint32(s.Data[4*i+2])<<16 | uint32(s.Data[4*i+3])<<24)
				p.FDs[fd] = &proctable.FD{Type: t}
			}
		}
	case "socket", "accept", "accept4", "eventfd2", "userfaultfd", "bpf", "io_uring_setup", "memfd_secret":
		f := &proctable.FD{Server: sc.Name == "accept" || sc.Name == "accept4"}
		if k, dname, ok := b.kernelFD(sc, r); ok {
			f.Type = fdType(k, dname)
		}
		p.FDs[int32(ret)] = f
	case "listen", "bind":
		if f := b.fdEntry(p, int32(r.Args[0])); f != nil {
			cp := *f
			cp.Server = true
			p.FDs[int32(r.Args[0])] = &cp
		}
	case "chdir":
		raw, _ := str(r, 0)
		p.Cwd = b.resolveArg(p, r, 0, raw, -1)
		b.Table.Changed(p)
	case "fchdir":
		if f := b.fdEntry(p, int32(r.Args[0])); f != nil && f.Path != "" {
			p.Cwd = f.Path
			b.Table.Changed(p)
		}
	case "setuid", "setfsuid":
		if sc.Name == "setuid" {
			p.UID = uint32(r.Args[0])
			b.Table.Changed(p)
		}
	case "setgid":
		p.GID = uint32(r.Args[0])
		b.Table.Changed(p)
	case "setreuid", "setresuid":
		if e := uint32(r.Args[1]); e != 0xffffffff {
			p.UID = e
			b.Table.Changed(p)
		}
	case "setregid", "setresgid":
		if e := uint32(r.Args[1]); e != 0xffffffff {
			p.GID = e
			b.Table.Changed(p)
		}
	case "setsid":
		p.SID, p.PGID, p.VPGID = p.PID, p.PID, p.VPID
		b.Table.Changed(p)
	case "setpgid":
		if pid, pg := int64(r.Args[0]), int64(r.Args[1]); pid == 0 || pid == p.PID {
			if pg == 0 {
				pg = p.PID
			}
			p.PGID = pg
			b.Table.Changed(p)
		}
	}
}
