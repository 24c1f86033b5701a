package main

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
)

// tap sits between the receiver and the rules processor and counts the
// records of the workload being measured: those whose process, or one of
// whose ancestors, is one of the workload's own processes. Every process on
// the machine feeds the receiver, and on a shared machine the others'
// traffic comes in bursts that no quiet window before or after a run
// predicts; this count does not depend on them.
type tap struct {
	next consumer.Logs

	mu    sync.Mutex
	roots map[int64]bool
	mine  int64
	all   int64
}

func (t *tap) Capabilities() consumer.Capabilities { return t.next.Capabilities() }

func (t *tap) ConsumeLogs(ctx context.Context, l plog.Logs) error {
	t.mu.Lock()
	rls := l.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		n := int64(0)
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			n += int64(rl.ScopeLogs().At(j).LogRecords().Len())
		}
		t.all += n
		if t.ofWorkload(rl) {
			t.mine += n
		}
	}
	t.mu.Unlock()
	return t.next.ConsumeLogs(ctx, l)
}

func (t *tap) ofWorkload(rl plog.ResourceLogs) bool {
	if len(t.roots) == 0 {
		return false
	}
	a := rl.Resource().Attributes()
	if v, ok := a.Get(eventattr.ProcPID); ok && t.roots[v.Int()] {
		return true
	}
	if v, ok := a.Get(eventattr.AncPIDs); ok {
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			if t.roots[s.At(i).Int()] {
				return true
			}
		}
	}
	return false
}

// watch adds a process of the workload.
func (t *tap) watch(pid int) {
	t.mu.Lock()
	if t.roots == nil {
		t.roots = map[int64]bool{}
	}
	t.roots[int64(pid)] = true
	t.mu.Unlock()
}

// counts returns the workload's records and all records so far.
func (t *tap) counts() (mine, all int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mine, t.all
}

// current is the tap of the running pipeline, if any: workloads register
// their processes with it as they start them.
var (
	currentMu sync.Mutex
	current   *tap
)

func watchWorkload(pid int) {
	currentMu.Lock()
	defer currentMu.Unlock()
	if current != nil {
		current.watch(pid)
	}
}
