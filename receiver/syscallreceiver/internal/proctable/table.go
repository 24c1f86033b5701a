// Package proctable is the receiver's view of every process: identity,
// ancestry, credentials, container and open fds. It is fed by the probe's
// fork/exec/exit records and by syscalls that change state, seeded from /proc
// at start, and bounded. It is not safe for concurrent use: the receiver's
// reader goroutine owns it.
package proctable

import (
	"container/list"
	"strings"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/container"
)

// FD is what the table knows about one open file descriptor.
type FD struct {
	// Type is Falco's fd.type ("file", "directory", "ipv4", "pipe", ...);
	// empty when only the kernel's view at each event is known.
	Type string
	// Path is the absolute path of a file or directory fd.
	Path string
	// Name is the name of a non-file fd ("pipe:[1234]").
	Name string
	// Server is true for sockets the process accepted or listens on.
	Server bool
	// CloExec: the fd closes at exec (O_CLOEXEC, SOCK_CLOEXEC, FD_CLOEXEC).
	CloExec bool
}

// Process is one process (thread group).
type Process struct {
	PID, PPID, VPID    int64
	Comm               string // task comm: Falco proc.name
	Exe                string // argv[0]
	ExePath            string
	Args               []string // argv, argv[0] included
	Cmdline            string   // comm + " " + args, Falco's proc.cmdline
	Cwd                string
	TTY                int64
	SID, PGID, VPGID   int64
	UID, GID           uint32 // effective
	LoginUID           int64
	StartNs            int64 // wall clock
	ExeIno             int64
	ExeUpper, ExeMemfd bool
	// the executable's inode at exec (exeinfo.go)
	ExeCtime, ExeMtime    int64 // ns since the epoch; 0 unknown
	ExeWritable, ExeLower bool
	CapEff, CapPrm        string
	CapInh                string
	Env                   []string // from the last exec; nil when not read
	ExecFilename          string   // path the last exec was asked to run
	Container             container.Info
	FDs                   map[int32]*FD
	// Loaded is false for a placeholder made for a pid the table could not
	// find anywhere (the process exited before it could be read).
	Loaded bool
	// StartBootNs is the start time as the probe reads it (boot-based;
	// 0 for a process read from /proc), and PlaceStamp the probe's place
	// stamp in the process's last fork, exec or cgroup record (0: none):
	// with them the probe can tell whether what the receiver says of the
	// process is still about it (procstate.Machine.Placed).
	StartBootNs uint64
	PlaceStamp  uint64

	elem  *list.Element
	stamp uint64 // changes with the process's own context (Changed, Put)
	ctx   ctxCache
	// lostParent is a parent pid that neither the table nor /proc could
	// give back (see Ancestors); 0: none
	lostParent int64
}

// SetCmdline rebuilds Cmdline from Comm and Args.
func (p *Process) SetCmdline() {
	if len(p.Args) <= 1 {
		p.Cmdline = p.Comm
		return
	}
	n := len(p.Comm)
	for _, a := range p.Args[1:] {
		n += 1 + len(a)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(p.Comm)
	for _, a := range p.Args[1:] {
		b.WriteByte(' ')
		b.WriteString(a)
	}
	p.Cmdline = b.String()
}

// Table holds processes by tgid, evicting the least recently used beyond Max.
type Table struct {
	procs     map[int64]*Process
	lru       list.List
	Max       int
	Evictions uint64
	// MaxExited bounds the exited processes kept for ancestry (exited.go);
	// ExitedEvictions counts those dropped by the bound.
	MaxExited       int
	ExitedEvictions uint64
	exited          exitedSet
	// Loader fills a process the table has not seen from the system
	// (/proc); nil disables lazy loading.
	Loader func(pid int64) (*Process, bool)
	// Evicted, when set, is told of a live process Put dropped to stay
	// within Max: what the table knew of it is gone, and Loader will give
	// the process back from the system when a record names it again.
	Evicted func(pid int64)

	// context versioning (context.go)
	stamps, gen, epoch, versions uint64
	chain                        []ctxLink
}

// New makes a table bounded to max processes.
func New(max int) *Table {
	return &Table{procs: make(map[int64]*Process, 1024), Max: max, MaxExited: DefaultMaxExited}
}

// Len is the number of processes held.
func (t *Table) Len() int { return len(t.procs) }

// Peek returns pid's entry without loading or touching it.
func (t *Table) Peek(pid int64) *Process { return t.procs[pid] }

// Get returns pid's entry, loading it if needed; a placeholder when the
// process cannot be found.
func (t *Table) Get(pid int64) *Process {
	if p, ok := t.procs[pid]; ok {
		t.lru.MoveToFront(p.elem)
		return p
	}
	if t.Loader != nil {
		if p, ok := t.Loader(pid); ok {
			t.Put(p)
			return p
		}
	}
	p := &Process{PID: pid, LoginUID: -1, FDs: map[int32]*FD{}}
	t.Put(p)
	return p
}

// Put inserts or replaces p.
func (t *Table) Put(p *Process) {
	if old, ok := t.procs[p.PID]; ok {
		t.lru.Remove(old.elem)
	}
	if p.FDs == nil {
		p.FDs = map[int32]*FD{}
	}
	t.forget(p.PID)
	p.elem = t.lru.PushFront(p)
	t.procs[p.PID] = p
	t.Changed(p)
	for t.Max > 0 && len(t.procs) > t.Max {
		back := t.lru.Back()
		victim := back.Value.(*Process)
		t.lru.Remove(back)
		delete(t.procs, victim.PID)
		t.Evictions++
		if t.Evicted != nil {
			t.Evicted(victim.PID)
		}
	}
}

// Remove forgets pid (it exited); its identity stays for the ancestry of
// its children (exited.go).
func (t *Table) Remove(pid int64) {
	if p, ok := t.procs[pid]; ok {
		t.lru.Remove(p.elem)
		delete(t.procs, pid)
		t.retire(p)
		t.gen++ // it may be someone's ancestor or session leader
	}
}

// Ancestors calls fn for p's parent, grandparent, ... up to max levels,
// stopping at the first one that the table does not hold (live or exited)
// and that /proc cannot give back.
func (t *Table) Ancestors(p *Process, max int, fn func(a *Process)) {
	cur := p
	for i := 0; i < max; i++ {
		if cur.PPID <= 0 || cur.PPID == cur.PID {
			return
		}
		a, ok := t.ancestor(cur.PPID)
		if ok && cur.StartNs != 0 && a.StartNs > cur.StartNs {
			// younger than its child: the pid was reused after the real
			// parent exited, so this entry is someone else
			ok = false
		}
		if !ok {
			// A parent that is gone from the table and from /proc stays
			// gone: its pid can only come back as a younger process,
			// which reload refuses. Remembering that on the child keeps
			// the walk, which runs for a process's first record after any
			// fork, exec or exit on the machine, from reading /proc again
			// every time.
			if cur.lostParent == cur.PPID {
				return
			}
			if a = t.reload(cur.PPID, cur); a == nil {
				cur.lostParent = cur.PPID
				return
			}
		}
		fn(a)
		cur = a
	}
}

// Fork makes child a copy of its parent's state (what fork copies) under a
// new pid.
func Fork(parent *Process, pid, ppid, vpid int64) *Process {
	c := *parent
	c.PID, c.PPID, c.VPID = pid, ppid, vpid
	c.PlaceStamp = 0
	c.elem = nil
	c.ctx = ctxCache{}
	c.lostParent = 0
	c.FDs = make(map[int32]*FD, len(parent.FDs))
	for k, v := range parent.FDs {
		c.FDs[k] = v
	}
	c.Loaded = true
	return &c
}
