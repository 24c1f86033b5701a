package runtimes

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/containerd"
)

func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("containerd needs root (CI=true: not skipping)")
	}
	t.Skip("containerd needs root")
}

// TestContainerdClient: against a real containerd, Lookup reads name,
// image, privileges, host namespaces and mounts as containerd holds them,
// Watch announces created and deleted containers, and an unknown id is
// ErrNotFound.
func TestContainerdClient(t *testing.T) {
	requireRoot(t)
	d := containerd.Start(t, "")
	d.ImportBusybox(t)
	c, err := NewContainerd(d.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	created := make(chan *Container, 8)
	removed := make(chan string, 8)
	watchErr := make(chan error, 1)
	wctx, wcancel := context.WithCancel(ctx)
	go func() {
		watchErr <- c.Watch(wctx, func(ct *Container) { created <- ct }, func(id string) { removed <- id })
	}()
	time.Sleep(200 * time.Millisecond) // let the subscription start

	plain := strings.Repeat("1", 64)
	d.Run(t, plain, []string{"--label", "io.kubernetes.pod.name=web-0", "--label", "io.kubernetes.pod.namespace=shop",
		"--label", "io.kubernetes.pod.uid=0b5e2c7e-0000-4000-8000-000000000001", "--label", "io.kubernetes.container.name=nginx"}, "sleep", "300")
	priv := strings.Repeat("2", 64)
	d.Run(t, priv, []string{"--privileged", "--net-host", "--mount", "type=bind,src=/etc,dst=/host-etc,options=rbind:ro"}, "sleep", "300")

	seen := map[string]*Container{}
	for len(seen) < 2 {
		select {
		case ct := <-created:
			seen[ct.ID] = ct
		case err := <-watchErr:
			t.Fatalf("watch ended: %v", err)
		case <-time.After(20 * time.Second):
			t.Fatalf("watch announced %d of 2 containers", len(seen))
		}
	}

	got, err := c.Lookup(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "nginx" || got.ImageRepo != containerd.ImageRepo || got.ImageTag != containerd.ImageTag ||
		got.ImageRef != containerd.ImageName || got.Runtime != "containerd" {
		t.Errorf("plain container = %+v", got)
	}
	if !strings.HasPrefix(got.ImageDigest, "sha256:") || !strings.HasPrefix(got.ImageID, "sha256:") || got.ImageDigest == got.ImageID {
		t.Errorf("image digest %q and id %q: want the manifest's and the config's sha256", got.ImageDigest, got.ImageID)
	}
	if got.Privileged || got.HostNetwork || got.HostPID || got.HostIPC {
		t.Errorf("plain container privileged=%v host net/pid/ipc=%v/%v/%v, want all false", got.Privileged, got.HostNetwork, got.HostPID, got.HostIPC)
	}
	if got.PodName != "web-0" || got.PodNamespace != "shop" || got.PodUID != "0b5e2c7e-0000-4000-8000-000000000001" || got.K8sContainerName != "nginx" {
		t.Errorf("pod identity from the CRI labels = %q/%q/%q/%q", got.PodNamespace, got.PodName, got.PodUID, got.K8sContainerName)
	}
	if got.StartNs == 0 || time.Since(time.Unix(0, got.StartNs)) > time.Minute {
		t.Errorf("start time %v", time.Unix(0, got.StartNs))
	}
	if w := seen[plain]; w == nil || w.ImageID != got.ImageID || w.Name != got.Name {
		t.Errorf("watch's container %+v differs from lookup's %+v", w, got)
	}

	p, err := c.Lookup(ctx, priv)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Privileged || !p.HostNetwork || p.HostPID || p.Name != priv {
		t.Errorf("privileged container: privileged=%v host_network=%v host_pid=%v name=%q", p.Privileged, p.HostNetwork, p.HostPID, p.Name)
	}
	var mount *Mount
	for i := range p.Mounts {
		if p.Mounts[i].Dest == "/host-etc" {
			mount = &p.Mounts[i]
		}
	}
	if mount == nil || mount.Source != "/etc" || mount.RW {
		t.Errorf("bind mount of /etc: %+v in %+v", mount, p.Mounts)
	} else if s := mount.String(); !strings.HasPrefix(s, "/etc:/host-etc:") || !strings.Contains(s, ":false:") {
		t.Errorf("mount string %q", s)
	}

	if _, err := c.Lookup(ctx, strings.Repeat("3", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: err = %v, want ErrNotFound", err)
	}

	d.Remove(plain)
	select {
	case id := <-removed:
		if id != plain {
			t.Errorf("removed %s, want %s", id, plain)
		}
	case <-time.After(20 * time.Second):
		t.Error("no delete event")
	}
	wcancel()
}

// BenchmarkContainerdLookup is the cost of a cache miss: one lookup of a
// live container through containerd's API (container, image and config).
func BenchmarkContainerdLookup(b *testing.B) {
	requireRoot(b)
	d := containerd.Start(b, "")
	d.ImportBusybox(b)
	id := strings.Repeat("4", 64)
	d.Run(b, id, nil, "sleep", "300")
	c, err := NewContainerd(d.Socket)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Lookup(ctx, id); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Lookup(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
