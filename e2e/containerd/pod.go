package containerd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/containerd/api/types/runc/options"
	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/containers"
	"github.com/containerd/containerd/v2/pkg/cio"
	"github.com/containerd/containerd/v2/pkg/oci"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Container describes a container the way a Kubernetes container spec and
// its securityContext do, for RunContainer to translate into an OCI spec
// with the same choices the CRI plugin makes.
type Container struct {
	ID, Image string
	// Args replace the image's entrypoint and command when not empty.
	Args []string
	Env  []string
	// Mounts are bind mounts (type "bind", options with rbind and ro/rw).
	Mounts []specs.Mount
	// Capabilities (CAP_ names) are the only ones the process holds:
	// bounding, effective and permitted, none inheritable or ambient, as
	// for a root process with drop: [ALL] and add: [...].
	Capabilities []string
	// NoNewPrivileges is allowPrivilegeEscalation: false.
	NoNewPrivileges bool
	ReadOnlyRootfs  bool
	// HostPID and HostNetwork share the host's namespaces; otherwise the
	// container gets its own (runc's default spec).
	HostPID, HostNetwork bool
	// LogPath receives the container's stdout and stderr.
	LogPath string
}

// Task is a started container.
type Task struct {
	// Pid is the container's first process as the host numbers it.
	Pid  uint32
	Spec *specs.Spec
	// Exited is closed when the process has exited; ExitCode is then set.
	Exited   chan struct{}
	ExitCode uint32
}

// RunContainer creates and starts c with containerd's Go client. The
// default spec has no seccomp filter, no AppArmor profile and not
// privileged, as the securityContext of a pod with seccompProfile and
// appArmorProfile Unconfined. The container is removed when the test ends.
func (d *Daemon) RunContainer(t testing.TB, c Container) *Task {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, err := containerd.New(d.Socket, containerd.WithDefaultNamespace(d.Namespace))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	img, err := client.GetImage(ctx, c.Image)
	if err != nil {
		t.Fatalf("image %s: %v", c.Image, err)
	}
	if ok, err := img.IsUnpacked(ctx, "overlayfs"); err != nil || !ok {
		if err := img.Unpack(ctx, "overlayfs"); err != nil {
			t.Fatalf("unpacking %s: %v", c.Image, err)
		}
	}
	opts := []oci.SpecOpts{oci.WithImageConfig(img)}
	if len(c.Args) > 0 {
		opts = append(opts, oci.WithProcessArgs(c.Args...))
	}
	opts = append(opts, oci.WithEnv(c.Env), oci.WithMounts(c.Mounts), onlyCapabilities(c.Capabilities))
	if c.NoNewPrivileges {
		opts = append(opts, oci.WithNoNewPrivileges)
	}
	if c.ReadOnlyRootfs {
		opts = append(opts, oci.WithRootFSReadonly())
	}
	if c.HostPID {
		opts = append(opts, oci.WithHostNamespace(specs.PIDNamespace))
	}
	if c.HostNetwork {
		opts = append(opts, oci.WithHostNamespace(specs.NetworkNamespace), oci.WithHostHostsFile, oci.WithHostResolvconf)
	}
	d.containers = append(d.containers, c.ID)
	ctr, err := client.NewContainer(ctx, c.ID,
		containerd.WithImage(img),
		containerd.WithNewSnapshot(c.ID+"-rootfs", img),
		containerd.WithRuntime("io.containerd.runc.v2", &options.Options{Root: filepath.Join(d.Dir, "runc")}),
		containerd.WithNewSpec(opts...))
	if err != nil {
		t.Fatalf("creating container %s: %v", c.ID, err)
	}
	spec, err := ctr.Spec(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(c.LogPath), 0o755); err != nil {
		t.Fatal(err)
	}
	task, err := ctr.NewTask(ctx, cio.LogFile(c.LogPath))
	if err != nil {
		t.Fatalf("creating the task of %s: %v", c.ID, err)
	}
	// Wait before Start, or a fast exit is missed.
	status, err := task.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Start(ctx); err != nil {
		t.Fatalf("starting %s: %v", c.ID, err)
	}
	out := &Task{Pid: task.Pid(), Spec: spec, Exited: make(chan struct{})}
	go func() {
		st := <-status
		out.ExitCode = st.ExitCode()
		close(out.Exited)
	}()
	t.Cleanup(func() {
		kctx, kcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer kcancel()
		_ = task.Kill(kctx, syscall.SIGKILL)
		select {
		case <-out.Exited:
		case <-kctx.Done():
		}
		if _, err := task.Delete(kctx); err != nil {
			t.Logf("deleting the task of %s: %v", c.ID, err)
		}
		if err := ctr.Delete(kctx, containerd.WithSnapshotCleanup); err != nil {
			t.Logf("deleting container %s: %v", c.ID, err)
		}
	})
	return out
}

// onlyCapabilities gives the process exactly caps: what the CRI plugin
// does for a root container with drop: [ALL] and an add list.
func onlyCapabilities(caps []string) oci.SpecOpts {
	return func(_ context.Context, _ oci.Client, _ *containers.Container, s *oci.Spec) error {
		if s.Process == nil {
			return fmt.Errorf("spec has no process")
		}
		s.Process.Capabilities = &specs.LinuxCapabilities{
			Bounding:  append([]string(nil), caps...),
			Effective: append([]string(nil), caps...),
			Permitted: append([]string(nil), caps...),
		}
		return nil
	}
}
