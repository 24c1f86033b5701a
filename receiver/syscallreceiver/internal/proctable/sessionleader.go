package proctable

// maxSessionWalk bounds the ancestry walked to find a session's eldest
// member; sessions deeper than this are not seen in practice.
const maxSessionWalk = 64

// SessionLeader is the process proc.sname names: the process whose pid is
// p's session id, live or recently exited (the session id is a host pid
// here, so the lookup holds inside pid namespaces too). When the table
// knows no such process, it is the eldest ancestor in p's session (p
// itself at the least), as Falco declares when the leader is gone.
func (t *Table) SessionLeader(p *Process) *Process {
	if p.SID <= 0 {
		return nil
	}
	if l, ok := t.ancestor(p.SID); ok {
		return l
	}
	leader := p
	t.Ancestors(p, maxSessionWalk, func(a *Process) {
		if a.SID == p.SID && leader.PPID == a.PID { // an unbroken chain up from p
			leader = a
		}
	})
	return leader
}
