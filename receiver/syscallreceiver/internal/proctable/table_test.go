package proctable

import (
	"os"
	"testing"
)

func TestEvictionIsCountedAndLRU(t *testing.T) {
	tb := New(3)
	var evicted []int64
	tb.Evicted = func(pid int64) { evicted = append(evicted, pid) }
	for pid := int64(1); pid <= 3; pid++ {
		tb.Put(&Process{PID: pid})
	}
	tb.Get(1) // 2 is now the least recently used
	tb.Put(&Process{PID: 4})
	if tb.Len() != 3 || tb.Evictions != 1 || tb.Peek(2) != nil || tb.Peek(1) == nil {
		t.Fatalf("len %d evictions %d, 2 held %v", tb.Len(), tb.Evictions, tb.Peek(2) != nil)
	}
	if len(evicted) != 1 || evicted[0] != 2 {
		t.Fatalf("Evicted told of %v, want [2]", evicted)
	}
	tb.Remove(4) // an exit is no eviction
	if len(evicted) != 1 {
		t.Fatalf("Evicted told of %v after an exit", evicted)
	}
	if tb.Len() != 2 {
		t.Fatalf("len %d after remove", tb.Len())
	}
}

func TestAncestorsAndCmdline(t *testing.T) {
	tb := New(10)
	tb.Put(&Process{PID: 1, Comm: "init"})
	tb.Put(&Process{PID: 10, PPID: 1, Comm: "bash"})
	c := &Process{PID: 20, PPID: 10, Comm: "cat", Args: []string{"/bin/cat", "-n", "x"}}
	c.SetCmdline()
	tb.Put(c)
	if c.Cmdline != "cat -n x" {
		t.Errorf("Cmdline = %q", c.Cmdline)
	}
	var names []string
	tb.Ancestors(c, 16, func(a *Process) { names = append(names, a.Comm) })
	if len(names) != 2 || names[0] != "bash" || names[1] != "init" {
		t.Errorf("ancestors %q", names)
	}
}

func TestLoadSelfFromProc(t *testing.T) {
	fs := &ProcFS{Root: "/proc", TicksPerSec: 100}
	p, ok := fs.Load(int64(os.Getpid()))
	if !ok {
		t.Fatal("cannot load self")
	}
	exe, _ := os.Executable()
	if p.PPID != int64(os.Getppid()) || p.ExePath != exe || len(p.Args) == 0 || p.Comm == "" {
		t.Errorf("self: %+v", p)
	}
	if uint32(os.Geteuid()) != p.UID {
		t.Errorf("uid %d", p.UID)
	}
	if _, ok := fs.Load(1 << 30); ok {
		t.Error("loaded a pid that cannot exist")
	}
}

func TestCapNames(t *testing.T) {
	if got := CapNames(1<<21 | 1); got != "CAP_CHOWN CAP_SYS_ADMIN" {
		t.Errorf("CapNames = %q", got)
	}
}
