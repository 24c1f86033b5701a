// Package containerd runs Debian's containerd (with runc) for end-to-end
// tests: its own root, state and sockets, a busybox image built locally,
// and containers run and exec'd with ctr. Everything it made is removed
// when the test ends: tasks, containers, the image, its cgroups and the
// shim sockets containerd 1.6 always puts under /run/containerd.
package containerd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/daemon"
)

// StandardSocket is containerd's default socket, the one discovery finds.
const StandardSocket = "/run/containerd/containerd.sock"

// Daemon is one running containerd.
type Daemon struct {
	Socket    string
	Namespace string
	Dir       string

	proc       *daemon.Process
	containers []string
	images     []string
	stopped    bool
}

// Start runs containerd with its gRPC API at socket (a temp path when
// empty) and returns once it answers. It fails the test when containerd,
// runc or ctr are missing (apt-get install containerd runc), and refuses a
// socket some other process already serves.
func Start(t testing.TB, socket string) *Daemon {
	t.Helper()
	return start(t, socket, false)
}

// StartCRI is Start with containerd's CRI plugin on: the same socket also
// serves the Kubernetes CRI API.
func StartCRI(t testing.TB) *Daemon {
	t.Helper()
	return start(t, "", true)
}

func start(t testing.TB, socket string, withCRI bool) *Daemon {
	t.Helper()
	for _, bin := range []string{"containerd", "ctr", "runc", "containerd-shim-runc-v2"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is needed (apt-get install containerd runc): %v", bin, err)
		}
	}
	dir, err := os.MkdirTemp("", "vigil-ctrd-") // short: socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if socket == "" {
		socket = filepath.Join(dir, "containerd.sock")
	} else if _, err := os.Stat(socket); err == nil {
		if out, err := exec.Command("ctr", "-a", socket, "version").CombinedOutput(); err == nil {
			t.Fatalf("another containerd already serves %s; refusing to start a second one there:\n%s", socket, out)
		}
		os.Remove(socket) // stale
	}
	runDirExisted := exists("/run/containerd")
	d := &Daemon{Socket: socket, Namespace: "vigil-e2e", Dir: dir}
	disabled := `disabled_plugins = ["io.containerd.grpc.v1.cri"]`
	if withCRI {
		disabled = fmt.Sprintf(`[plugins."io.containerd.grpc.v1.cri".cni]
  conf_dir = %q
  bin_dir = %q`, filepath.Join(dir, "cni"), filepath.Join(dir, "cni"))
	}
	cfg := fmt.Sprintf(`version = 2
root = %q
state = %q
%s
[grpc]
  address = %q
[ttrpc]
  address = %q
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), disabled, socket, socket+".ttrpc")
	cfgPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	d.proc = daemon.Start(t, "containerd", dir, "containerd", []string{"--config", cfgPath}, nil)
	// runs before the daemon's own stop (cleanups run last first)
	t.Cleanup(func() {
		d.cleanup(t)
		d.proc.Stop(t)
		for _, h := range hierarchies() {
			os.Remove(filepath.Join(h, d.Namespace))
		}
		if !runDirExisted {
			os.RemoveAll("/run/containerd")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := d.Ctr("version"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("containerd not ready after 20s\n%s", d.proc.Tail(30))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return d
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func hierarchies() []string {
	ents, _ := os.ReadDir("/sys/fs/cgroup")
	var out []string
	for _, e := range ents {
		out = append(out, filepath.Join("/sys/fs/cgroup", e.Name()))
	}
	return out
}

// Ctr runs ctr against this containerd in the test namespace.
func (d *Daemon) Ctr(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ctr", append([]string{"-a", d.Socket, "-n", d.Namespace}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ctr %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Stop stops containerd (its containers keep running under their shims).
func (d *Daemon) Stop(t testing.TB) {
	d.stopped = true
	d.proc.Stop(t)
}

// ImportBusybox builds the busybox image and imports it as ImageName.
func (d *Daemon) ImportBusybox(t testing.TB) {
	t.Helper()
	d.Import(t, BuildImage(t, d.Dir), ImageName)
}

// Import runs `ctr image import` of the archive tarPath and checks that
// containerd then lists the image name. The image is removed when the
// daemon's test ends.
func (d *Daemon) Import(t testing.TB, tarPath, name string) {
	t.Helper()
	if _, err := d.Ctr("image", "import", tarPath); err != nil {
		t.Fatal(err)
	}
	out, err := d.Ctr("image", "ls", "-q")
	if err != nil || !strings.Contains(out, name) {
		t.Fatalf("image %s not imported (%v): %s", name, err, out)
	}
	if name != ImageName {
		d.images = append(d.images, name)
	}
}

// Run starts container id from ImageName, detached, with extra ctr run
// flags before the image, running cmd.
func (d *Daemon) Run(t testing.TB, id string, flags []string, cmd ...string) {
	t.Helper()
	args := append([]string{"run", "-d", "--fifo-dir", filepath.Join(d.Dir, "fifo"), "--runc-root", filepath.Join(d.Dir, "runc")}, flags...)
	args = append(append(args, ImageName, id), cmd...)
	d.containers = append(d.containers, id)
	if _, err := d.Ctr(args...); err != nil {
		t.Fatal(err)
	}
}

// Exec runs cmd in container id and returns its output.
func (d *Daemon) Exec(t testing.TB, id, execID string, cmd ...string) string {
	t.Helper()
	out, err := d.Ctr(append([]string{"task", "exec", "--fifo-dir", filepath.Join(d.Dir, "fifo"), "--exec-id", execID, id}, cmd...)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Info is `ctr container info id`, as containerd reports it.
func (d *Daemon) Info(t testing.TB, id string) string {
	t.Helper()
	out, err := d.Ctr("container", "info", id)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Remove kills and deletes container id.
func (d *Daemon) Remove(id string) {
	for i, c := range d.containers {
		if c == id {
			d.containers = append(d.containers[:i], d.containers[i+1:]...)
			break
		}
	}
	for i := 0; i < 20; i++ {
		_, err := d.Ctr("task", "delete", "--force", id)
		if err == nil || strings.Contains(err.Error(), "not found") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	d.Ctr("container", "rm", id)
}

func (d *Daemon) cleanup(t testing.TB) {
	if d.stopped {
		return
	}
	for _, id := range append([]string(nil), d.containers...) {
		d.Remove(id)
	}
	d.Ctr(append([]string{"image", "rm", ImageName}, d.images...)...)
}
