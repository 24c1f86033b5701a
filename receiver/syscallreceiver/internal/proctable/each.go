package proctable

// Each calls fn for every process in the table, in no order. fn must not
// change the table.
func (t *Table) Each(fn func(p *Process)) {
	for _, p := range t.procs {
		fn(p)
	}
}
