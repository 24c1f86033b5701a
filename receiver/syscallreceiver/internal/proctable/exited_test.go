package proctable

import "testing"

func names(tb *Table, p *Process) []string {
	var out []string
	tb.Ancestors(p, MaxAncestors, func(a *Process) { out = append(out, a.Comm) })
	return out
}

// TestExitedParentStaysInAncestry: runc starts a process and exits before
// the process's first event; the process's ancestry still names runc and
// runc's parent. A live process that takes the pid replaces the exited one.
func TestExitedParentStaysInAncestry(t *testing.T) {
	tb := New(100)
	tb.Put(&Process{PID: 1, Comm: "init"})
	tb.Put(&Process{PID: 50, PPID: 1, Comm: "containerd-shim"})
	tb.Put(&Process{PID: 60, PPID: 50, Comm: "runc"})
	cat := &Process{PID: 70, PPID: 60, VPID: 3, Comm: "cat"}
	tb.Put(cat)
	v1 := tb.ContextVersion(cat)
	tb.Remove(60)
	if tb.Peek(60) != nil || tb.Len() != 3 || tb.ExitedLen() != 1 {
		t.Fatalf("after runc's exit: live %d, exited %d", tb.Len(), tb.ExitedLen())
	}
	if got := names(tb, cat); len(got) != 3 || got[0] != "runc" || got[1] != "containerd-shim" || got[2] != "init" {
		t.Errorf("ancestry after the parent's exit = %q, want [runc containerd-shim init]", got)
	}
	if tb.ContextVersion(cat) != v1 {
		t.Error("the context changed although the ancestry names the same processes")
	}
	tb.Put(&Process{PID: 60, PPID: 1, Comm: "sleep"})
	if tb.ExitedLen() != 0 {
		t.Errorf("the exited runc is still kept after its pid was reused")
	}
	if got := names(tb, cat); len(got) == 0 || got[0] != "sleep" {
		t.Errorf("ancestry after pid reuse = %q", got)
	}
}

// TestExitedIsBoundedAndCounted: beyond MaxExited the oldest exit goes, and
// is counted.
func TestExitedIsBoundedAndCounted(t *testing.T) {
	tb := New(100)
	tb.MaxExited = 2
	for pid := int64(10); pid < 13; pid++ {
		tb.Put(&Process{PID: pid, Comm: "p"})
		tb.Remove(pid)
	}
	if tb.ExitedLen() != 2 || tb.ExitedEvictions != 1 {
		t.Fatalf("exited %d, evictions %d; want 2 and 1", tb.ExitedLen(), tb.ExitedEvictions)
	}
	child := &Process{PID: 20, PPID: 10, Comm: "c"}
	tb.Put(child)
	if got := names(tb, child); len(got) != 0 {
		t.Errorf("the evicted exit (pid 10) is still an ancestor: %q", got)
	}
	child.PPID = 12
	if got := names(tb, child); len(got) != 1 {
		t.Errorf("the newest exit (pid 12) is not an ancestor: %q", got)
	}
	// a pid that exited, was reused and exited again is kept once
	tb.Put(&Process{PID: 12, Comm: "again"})
	tb.Remove(12)
	tb.Put(&Process{PID: 30})
	tb.Remove(30)
	if tb.ExitedLen() != 2 {
		t.Errorf("exited %d, want 2", tb.ExitedLen())
	}
}
