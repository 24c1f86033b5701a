package proctable

import (
	"os"
	"os/exec"
	"testing"
)

// An ancestor missing from the table (evicted) is read again from /proc
// while it lives: this test process's parent is found although only the
// test process was put in the table.
func TestEvictedAncestorIsReread(t *testing.T) {
	fs := &ProcFS{Root: "/proc", TicksPerSec: 100}
	self, ok := fs.Load(int64(os.Getpid()))
	if !ok {
		t.Fatal("cannot read this process")
	}
	tb := New(64)
	tb.Loader = fs.Load
	tb.Put(self)
	var got []int64
	tb.Ancestors(self, 2, func(a *Process) { got = append(got, a.PID) })
	if len(got) == 0 || got[0] != int64(os.Getppid()) {
		t.Fatalf("ancestors %v, want the parent %d first", got, os.Getppid())
	}
	// a "parent" that started after its child is a reused pid
	young := &Process{PID: 999999, PPID: int64(os.Getppid()), StartNs: 1}
	tb.Remove(int64(os.Getppid()))
	got = got[:0]
	tb.Ancestors(young, 1, func(a *Process) { got = append(got, a.PID) })
	if len(got) != 0 {
		t.Errorf("a parent younger than its child was taken: %v", got)
	}
}

// A parent that has exited and is no longer in the table is looked for in
// /proc once, not at every walk: the ancestry is walked again for a
// process's first record after any change on the machine, and a process
// whose parent is gone would otherwise read /proc for each of them.
func TestLostParentIsLookedForOnce(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	gone := int64(cmd.ProcessState.Pid())
	fs := &ProcFS{Root: "/proc", TicksPerSec: 100}
	tb := New(64)
	loads := map[int64]int{}
	tb.Loader = func(pid int64) (*Process, bool) {
		loads[pid]++
		return fs.Load(pid)
	}
	child := &Process{PID: int64(os.Getpid()), PPID: gone, Comm: "child"}
	tb.Put(child)
	other := &Process{PID: int64(os.Getppid())}
	tb.Put(other)
	for i := 0; i < 10; i++ {
		tb.Changed(other) // any change elsewhere makes the next record walk again
		tb.ContextVersion(child)
	}
	if loads[gone] != 1 {
		t.Errorf("/proc was read %d times for the exited parent %d, want once", loads[gone], gone)
	}
	// a fork of the child has a parent that lives: nothing is remembered
	grandchild := Fork(child, 1<<22+1, child.PID, 1<<22+1)
	tb.Put(grandchild)
	var got []int64
	tb.Ancestors(grandchild, 2, func(a *Process) { got = append(got, a.PID) })
	if len(got) != 1 || got[0] != child.PID {
		t.Errorf("grandchild's ancestors %v, want [%d]", got, child.PID)
	}
}
