package proctable

import (
	"os"
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
