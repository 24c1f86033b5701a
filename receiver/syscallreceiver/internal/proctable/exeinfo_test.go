package proctable

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestExeWritable(t *testing.T) {
	for _, c := range []struct {
		mode, uid, gid, euid, egid uint32
		caps                       string
		want                       bool
	}{
		{0o755, 0, 0, 0, 0, "", true},                 // owner may write
		{0o555, 0, 0, 0, 0, "CAP_DAC_OVERRIDE", true}, // root overrides
		{0o755, 0, 0, 1000, 1000, "", false},          // another user
		{0o775, 0, 1000, 1000, 1000, "", true},        // group write
		{0o757, 0, 0, 1000, 1000, "", true},           // other write
		{0o575, 1000, 0, 1000, 0, "", false},          // owner bits apply, not group's
	} {
		if got := exeWritable(c.mode, c.uid, c.gid, c.euid, c.egid, c.caps); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
}

// A process read from /proc at start gets its executable's inode too.
func TestSeededProcessHasExeInode(t *testing.T) {
	fs := &ProcFS{Root: "/proc", TicksPerSec: 100}
	p, ok := fs.Load(int64(os.Getpid()))
	if !ok {
		t.Fatal("could not read this process from /proc")
	}
	var st unix.Stat_t
	if err := unix.Stat("/proc/self/exe", &st); err != nil {
		t.Fatal(err)
	}
	if p.ExeCtime != st.Ctim.Nano() || p.ExeMtime != st.Mtim.Nano() {
		t.Errorf("ctime %d mtime %d, stat says %d %d", p.ExeCtime, p.ExeMtime, st.Ctim.Nano(), st.Mtim.Nano())
	}
}
