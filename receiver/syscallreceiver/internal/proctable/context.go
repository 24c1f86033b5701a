package proctable

// MaxAncestors bounds the ancestry that is part of a process's context.
const MaxAncestors = 16

// A process's context is everything a record says about the process that
// made the syscall: its own identity, credentials, cwd and container, its
// session leader's name and its ancestry (up to MaxAncestors). The receiver
// writes it once per batch on a Resource instead of on every record, so it
// needs to know when the context changes; ContextVersion tells it.
//
// A context changes when the process itself changes (Changed, and every
// Put: exec, credentials, cwd, session, container) or when a process its
// context names does (an ancestor or the session leader execs, exits, or is
// replaced; the user database changes: Invalidate). Rather than tracking
// descendants, every process carries a stamp that changes with its own
// state, and the table a generation that changes with any of the above; a
// process whose stamp and the table's generation are what they were when
// its version was issued has the same context. After the generation moved,
// the chain of (process, stamp) pairs the context depends on is compared
// again: the walk costs a few map lookups, and only for the first event of
// each process after a change anywhere.

type ctxCache struct {
	ver        uint64 // 0: none issued
	stamp, gen uint64 // the process's stamp and the table's generation at validation
	epoch      uint64
	chain      []ctxLink
}

// ctxLink is one process the context depends on, with its stamp.
type ctxLink struct {
	p     *Process
	stamp uint64
}

// Changed records that p's own context changed (exec, credentials, cwd,
// session, process group, container).
func (t *Table) Changed(p *Process) {
	t.stamps++
	p.stamp = t.stamps
	t.gen++
}

// Invalidate gives every process a new context version at its next event
// (the user and group names changed).
func (t *Table) Invalidate() {
	t.epoch++
	t.gen++
}

// ContextVersion returns a number that identifies p's current context: the
// same number as long as the context is the same, a new one (never reused)
// when anything in it changed.
func (t *Table) ContextVersion(p *Process) uint64 {
	c := &p.ctx
	if c.ver != 0 && c.gen == t.gen && c.stamp == p.stamp {
		return c.ver
	}
	chain := t.chain[:0]
	t.Ancestors(p, MaxAncestors, func(a *Process) { chain = append(chain, ctxLink{a, a.stamp}) })
	// the session leader's name is part of the context too
	leader := t.procs[p.SID]
	if leader != nil {
		chain = append(chain, ctxLink{leader, leader.stamp})
	} else {
		chain = append(chain, ctxLink{})
	}
	t.chain = chain
	if c.ver != 0 && c.stamp == p.stamp && c.epoch == t.epoch && sameChain(c.chain, chain) {
		c.gen = t.gen
		return c.ver
	}
	t.versions++
	c.ver = t.versions
	c.stamp, c.gen, c.epoch = p.stamp, t.gen, t.epoch
	c.chain = append(c.chain[:0], chain...)
	return c.ver
}

func sameChain(a, b []ctxLink) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
