package dockerd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/e2e/daemon"
)

// StartPodman runs Debian's podman as an API service (`podman system
// service`, which serves Docker's Engine API) with its own storage and
// run root, and returns once the API answers. Storage is vfs (no overlay
// mounts to clean up), cgroups are managed directly (no systemd here) and
// events go to a file. Containers get this process's open-files and
// process limits: Podman's defaults are above what this machine lets a
// process set.
// It fails the test when podman is missing (apt-get install podman).
func StartPodman(t testing.TB) *Daemon {
	t.Helper()
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatalf("podman is needed (apt-get install podman): %v", err)
	}
	dir, err := os.MkdirTemp("", "vigil-podman-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var nofile, nproc syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &nofile) != nil || syscall.Getrlimit(unix.RLIMIT_NPROC, &nproc) != nil {
		t.Fatal("cannot read this process's limits")
	}
	conf := filepath.Join(dir, "containers.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, "[containers]\ndefault_ulimits = [\"nofile=%d:%d\", \"nproc=%d:%d\"]\n",
		nofile.Max, nofile.Max, nproc.Max, nproc.Max), 0o644); err != nil {
		t.Fatal(err)
	}
	d := &Daemon{Socket: filepath.Join(dir, "podman.sock"), Dir: dir}
	d.proc = daemon.Start(t, "podman", dir, "podman", []string{
		"--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run"), "--tmpdir", filepath.Join(dir, "tmp"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file",
		"system", "service", "--time=0", "unix://" + d.Socket,
	}, []string{"CONTAINERS_CONF=" + conf})
	return connect(t, d, "podman")
}
