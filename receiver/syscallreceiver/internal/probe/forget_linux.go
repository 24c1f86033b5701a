//go:build linux && amd64

package probe

// Forget deletes what the probe holds of process tgid's name and place
// (proc_names, proc_places), for a process the receiver no longer follows
// from its records: one it evicted from its table, or reads again from
// /proc, whose name there (the comm now, which a prctl may have changed)
// and place need not be what the probe judged it by. With no entry the
// process passes every name and place filter until the probe makes a new
// one, at its next exec or fork, from the same record the receiver then
// reads; a cgroup move makes only a nameless one, which passes the name
// filters. Both deletions are best effort: an entry already gone is what
// is wanted.
func (p *Probe) Forget(tgid uint32) {
	_ = p.objs.ProcNames.Delete(tgid)
	_ = p.objs.ProcPlaces.Delete(tgid)
}
