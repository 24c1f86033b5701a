package proctable

// reload reads an ancestor that is not in the table (evicted when the
// table was full) from /proc, so that proc.aname[N] and lineage exceptions
// keep working for long-lived process trees. The pid may have been reused
// since: a process that started after its supposed child is not its
// parent, and is not taken.
func (t *Table) reload(pid int64, child *Process) *Process {
	if t.Loader == nil {
		return nil
	}
	a, ok := t.Loader(pid)
	if !ok || (child.StartNs != 0 && a.StartNs > child.StartNs) {
		return nil
	}
	t.Put(a)
	return a
}
