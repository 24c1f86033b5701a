package logencode

import (
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/plog"
)

// A batch's ResourceLogs are grouped by container: one container's process
// states are adjacent, in the order they appeared, and the groups are in
// container id order (the host's, with the empty id, first). Sorting the
// finished batch by a resource attribute looked the id up in each
// resource's attributes on every comparison; keeping each container's
// resources apart while the batch is built and joining the groups at Take
// gives the same order without looking anything up.

// group holds the resources of one container other than the batch's first.
type group struct {
	cid string
	rls plog.ResourceLogsSlice
}

// groupOf returns the slice that cid's next resource goes to.
func (b *Encoder) groupOf(cid string) plog.ResourceLogsSlice {
	first := b.logs.ResourceLogs()
	if first.Len() == 0 {
		b.firstCID = cid
	}
	if cid == b.firstCID {
		return first
	}
	for i := range b.others {
		if b.others[i].cid == cid {
			return b.others[i].rls
		}
	}
	b.others = append(b.others, group{cid: cid, rls: plog.NewResourceLogsSlice()})
	return b.others[len(b.others)-1].rls
}

// joinGroups returns the batch with its groups in container id order.
func (b *Encoder) joinGroups() plog.Logs {
	if len(b.others) == 0 {
		return b.logs
	}
	b.others = append(b.others, group{cid: b.firstCID, rls: b.logs.ResourceLogs()})
	slices.SortFunc(b.others, func(x, y group) int { return strings.Compare(x.cid, y.cid) })
	l := plog.NewLogs()
	n := 0
	for _, g := range b.others {
		n += g.rls.Len()
	}
	l.ResourceLogs().EnsureCapacity(n)
	for _, g := range b.others {
		g.rls.MoveAndAppendTo(l.ResourceLogs())
	}
	return l
}
