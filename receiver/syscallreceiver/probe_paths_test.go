package syscallreceiver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The probe reads kernel fields with direct loads on Linux 6.2+ and with
// bpf_probe_read_kernel before; this kernel runs the first, so the second is
// forced here and the main captures are checked again.
func TestProbeReadKernelPath(t *testing.T) {
	requireRoot(t)
	probeReads = true
	defer func() { probeReads = false }()
	t.Run("cat /etc/shadow", TestCatShadowYieldsOpenat)
	t.Run("connect", TestConnectYieldsTuple)
	t.Run("ipv6 and unix", TestIPv6AndUnixConnects)
	t.Run("open created", TestOpenCreated)
	t.Run("deferred close", TestDeferredCloseForgetsTheFD)
}

// evt.is_open_create: the kernel's FMODE_CREATED at the open's exit.
func TestOpenCreated(t *testing.T) {
	requireRoot(t)
	sink := startReceiver(t, testConfig())
	f := filepath.Join(t.TempDir(), "created")
	// ": > f" creates the file, ": >> f" opens it again with O_CREAT
	cmd := exec.Command("bash", "-c", ": > "+f+"; : >> "+f)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	var got []string
	_, _ = waitFor(t, sink, 5*time.Second, func(r record) bool {
		if p, _ := intv(r.res, "process.pid"); p == pid && str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == f {
			got = append(got, str(r.attr, "vigil.evt.open_created"))
		}
		return len(got) == 2
	})
	if strings.Join(got, ",") != "true,false" {
		t.Errorf("vigil.evt.open_created of the two opens = %q, want [true false]", got)
	}
}

// fdReuseHelper, run as a child of the test binary, opens a file, closes
// it, gets the same fd number back from epoll_create1 (a syscall the
// receiver does not track) and calls fchmod on it. It prints the fd.
func fdReuseHelper() {
	fd, err := unix.Open("/etc/hostname", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		os.Exit(2)
	}
	unix.Close(fd)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil || ep != fd {
		os.Exit(3)
	}
	_ = unix.Fchmod(ep, 0o600)
	fmt.Println(fd)
	os.Exit(0)
}

func init() {
	if os.Getenv("VIGIL_TEST_HELPER") == "fdreuse" {
		fdReuseHelper()
	}
}

// A close no rule asks for is deferred by the probe (not written, carried
// by the process's next record); the receiver must still forget the fd
// before that record, or it would name the reused fd after the closed file.
func TestDeferredCloseForgetsTheFD(t *testing.T) {
	requireRoot(t)
	cfg := testConfig()
	cfg.Syscalls = SyscallSelection{Names: []string{"openat", "fchmod"}}
	sink := startReceiver(t, cfg)
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=fdreuse")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	fd, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "fchmod"
	})
	if !ok {
		t.Fatal("no fchmod record from the helper")
	}
	if n, _ := intv(rec.attr, "vigil.evt.rawarg.fd"); n != int64(fd) {
		t.Fatalf("fchmod fd %d, helper reused %d", n, fd)
	}
	if got := str(rec.attr, "vigil.evt.arg.fd"); strings.Contains(got, "/etc/hostname") {
		t.Errorf("vigil.evt.arg.fd = %q: the closed file's name stuck to the reused fd", got)
	}
	if got := str(rec.attr, "file.path"); got == "/etc/hostname" {
		t.Errorf("file.path = %q for an epoll fd", got)
	}
	// and the open before it was captured with its path
	if _, ok := waitFor(t, sink, time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == "/etc/hostname"
	}); !ok {
		t.Error("no openat of /etc/hostname from the helper")
	}
}
