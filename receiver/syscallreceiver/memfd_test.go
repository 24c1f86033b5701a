package syscallreceiver

import (
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const memfdExecEnv = "VIGIL_TEST_MEMFD_EXEC"

// Fileless execution: a program copied into a memfd and exec'd from it.
// The exe path must be the memfd's ("memfd:NAME", as Falco prints
// it), so that proc.exepath and proc.is_exe_from_memfd tell the truth and
// the upstream rule "Fileless execution via memfd_create" can fire.
func TestMemfdExecIsSeen(t *testing.T) {
	requireRoot(t)
	sink := startReceiver(t, testConfig())
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemfdExecHelper$")
	cmd.Env = append(os.Environ(), memfdExecEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("memfd exec: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "execve" && str(r.attr, "vigil.evt.arg.exe") == "vigil-fileless"
	})
	if !ok {
		t.Fatal("no execve from the memfd")
	}
	if got := str(rec.res, "process.executable.path"); !strings.HasPrefix(got, "memfd:vigil-memfd") {
		t.Errorf("process.executable.path = %q, want memfd:vigil-memfd...", got)
	}
	if v, ok := rec.res.Get("vigil.proc.is_exe_from_memfd"); !ok || !v.Bool() {
		t.Errorf("vigil.proc.is_exe_from_memfd = %v (present %v), want true", v.AsRaw(), ok)
	}
}

// TestMemfdExecHelper is the child of TestMemfdExecIsSeen: it copies
// /bin/true into a memfd and execs it. It does nothing in a normal run.
func TestMemfdExecHelper(t *testing.T) {
	if os.Getenv(memfdExecEnv) == "" {
		t.Skip("runs only as the child of TestMemfdExecIsSeen")
	}
	fd, err := unix.MemfdCreate("vigil-memfd", 0)
	if err != nil {
		t.Fatal(err)
	}
	mem := os.NewFile(uintptr(fd), "memfd")
	src, err := os.Open("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(mem, src); err != nil {
		t.Fatal(err)
	}
	// Exec replaces the test binary; the parent waits for /bin/true's exit.
	err = syscall.Exec("/proc/self/fd/"+strconv.Itoa(fd), []string{"vigil-fileless"}, os.Environ())
	t.Fatalf("exec from memfd: %v", err)
}
