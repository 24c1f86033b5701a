package linuxabi

import (
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The generated tables agree with golang.org/x/sys, which is generated from
// the same kernel headers by other tooling: a header path or parser mistake
// in gen.go shows up here.
func TestSyscallTableMatchesXSys(t *testing.T) {
	for _, c := range []struct {
		nr   int
		want uintptr
		name string
	}{
		{SysRead, unix.SYS_READ, "read"}, {SysOpen, unix.SYS_OPEN, "open"}, {SysOpenat, unix.SYS_OPENAT, "openat"},
		{SysOpenat2, unix.SYS_OPENAT2, "openat2"}, {SysExecve, unix.SYS_EXECVE, "execve"},
		{SysCloseRange, unix.SYS_CLOSE_RANGE, "close_range"}, {SysConnect, unix.SYS_CONNECT, "connect"},
		{SysMemfdSecret, unix.SYS_MEMFD_SECRET, "memfd_secret"}, {SysSysctl, unix.SYS__SYSCTL, "_sysctl"},
	} {
		if uintptr(c.nr) != c.want {
			t.Errorf("%s = %d, x/sys says %d", c.name, c.nr, c.want)
		}
		if got := SyscallName(c.nr); got != c.name {
			t.Errorf("SyscallName(%d) = %q, want %q", c.nr, got, c.name)
		}
		if nr, ok := SyscallNumber(c.name); !ok || nr != c.nr {
			t.Errorf("SyscallNumber(%q) = %d %v, want %d", c.name, nr, ok, c.nr)
		}
	}
	if len(SyscallNames()) < 360 {
		t.Errorf("only %d syscall names", len(SyscallNames()))
	}
}

// x/sys names two values by their alias; the kernel headers (and Falco)
// name them as here.
var xsysAliases = map[int64]string{95: "EOPNOTSUPP", 117: "EUCLEAN"}

func TestErrnoTableMatchesXSys(t *testing.T) {
	for n := int64(1); n < 134; n++ {
		want := unix.ErrnoName(syscall.Errno(n))
		if a, ok := xsysAliases[n]; ok {
			want = a
		}
		if got := ErrnoName(n); got != want {
			t.Errorf("ErrnoName(%d) = %q, x/sys says %q", n, got, want)
		}
	}
	for n, want := range map[int64]string{0: "", -2: "", 512: "ERESTARTSYS", 520: "", 530: "ERECALLCONFLICT", 531: "", 4095: ""} {
		if got := ErrnoName(n); got != want {
			t.Errorf("ErrnoName(%d) = %q, want %q", n, got, want)
		}
	}
}
