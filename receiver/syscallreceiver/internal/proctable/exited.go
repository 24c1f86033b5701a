package proctable

// Exited processes stay in the table a little longer, for the ancestry of
// the children they leave behind. A process exec'd into a container
// (ctr task exec, kubectl exec, docker exec) is started by the runtime's
// runc, which exits before the new process makes its first syscall; without
// this its parent would be unknown (proc.pname <NA>), where Falco names
// runc. Only ancestry lookups see exited processes; they are bounded by
// MaxExited (oldest exit first) and their evictions are counted.

// DefaultMaxExited bounds the exited processes kept.
const DefaultMaxExited = 4096

// exitedSet is a FIFO of exited processes by pid.
type exitedSet struct {
	byPID map[int64]*Process
	order []*Process // exit order; a ring once full
	next  int
}

// retire keeps p, which exited, for its children's ancestry.
func (t *Table) retire(p *Process) {
	if t.MaxExited <= 0 {
		return
	}
	x := &t.exited
	if x.byPID == nil {
		x.byPID = make(map[int64]*Process, 256)
	}
	if len(x.order) < t.MaxExited {
		x.order = append(x.order, p)
	} else {
		old := x.order[x.next]
		if x.byPID[old.PID] == old {
			delete(x.byPID, old.PID)
			t.ExitedEvictions++
		}
		x.order[x.next] = p
		x.next = (x.next + 1) % t.MaxExited
	}
	clear(p.FDs) // only identity is read from an exited process
	x.byPID[p.PID] = p
}

// forget drops the exited process of pid (the pid is live again).
func (t *Table) forget(pid int64) {
	if t.exited.byPID != nil {
		delete(t.exited.byPID, pid)
	}
}

// ExitedLen is the number of exited processes kept.
func (t *Table) ExitedLen() int { return len(t.exited.byPID) }

// ancestor returns the live or recently exited process pid.
func (t *Table) ancestor(pid int64) (*Process, bool) {
	if p, ok := t.procs[pid]; ok {
		return p, true
	}
	p, ok := t.exited.byPID[pid]
	return p, ok
}
