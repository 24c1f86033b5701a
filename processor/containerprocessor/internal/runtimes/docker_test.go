package runtimes

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/vigil-sec/vigil/e2e/containerd"
	"github.com/vigil-sec/vigil/e2e/dockerd"
)

// TestDockerClient: against a real dockerd (Debian's docker.io), Lookup
// reads what `docker inspect` says, Watch announces created and destroyed
// containers, and an unknown id is ErrNotFound.
func TestDockerClient(t *testing.T) {
	requireRoot(t)
	checkDockerAPI(t, "docker", dockerd.Start(t))
}

// TestPodmanClient: the same against a real Podman (Debian's podman, its
// Docker-compatible API service): the Docker client reads Podman's
// containers and follows its events.
func TestPodmanClient(t *testing.T) {
	requireRoot(t)
	checkDockerAPI(t, "podman", dockerd.StartPodman(t))
}

// checkDockerAPI checks the client named name against the Docker Engine
// API served by d.
func checkDockerAPI(t *testing.T, name string, d *dockerd.Daemon) {
	d.LoadBusybox(t)
	c, err := NewDocker(name, d.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	created := make(chan *Container, 4)
	removed := make(chan string, 4)
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	go c.Watch(wctx, func(ct *Container) { created <- ct }, func(id string) { removed <- id })
	time.Sleep(300 * time.Millisecond)

	resp, err := d.Client.ContainerCreate(ctx,
		&container.Config{Image: containerd.ImageName, Cmd: []string{"sleep", "300"}, Labels: map[string]string{"io.kubernetes.pod.name": "web-0", "team": "shop"}},
		// not privileged: dockerd asks runc for every capability it knows,
		// more than this machine's bounding set grants
		&container.HostConfig{NetworkMode: "none", PidMode: "host", Binds: []string{"/etc:/host-etc:ro"},
			// within this machine's limits (Podman's defaults are above them)
			Resources: container.Resources{Ulimits: []*container.Ulimit{{Name: "nproc", Soft: 4096, Hard: 4096}, {Name: "nofile", Soft: 4096, Hard: 4096}}}},
		nil, nil, "web")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Client.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case ct := <-created:
		if ct.ID != resp.ID || ct.Name != "web" {
			t.Errorf("watch announced %s %q, want %s web", ct.ID, ct.Name, resp.ID)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no create event")
	}
	got, err := c.Lookup(ctx, resp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "web" || got.Runtime != name || got.ImageRepo != containerd.ImageRepo || got.ImageTag != containerd.ImageTag ||
		!strings.HasPrefix(got.ImageID, "sha256:") {
		t.Errorf("container = %+v", got)
	}
	if got.Privileged || !got.HostPID || got.HostNetwork || got.PodName != "web-0" || got.Labels["team"] != "shop" {
		t.Errorf("privileged=%v host_pid=%v host_network=%v pod=%q labels=%v", got.Privileged, got.HostPID, got.HostNetwork, got.PodName, got.Labels)
	}
	var mnt *Mount
	for i := range got.Mounts {
		if got.Mounts[i].Dest == "/host-etc" {
			mnt = &got.Mounts[i]
		}
	}
	if mnt == nil || mnt.Source != "/etc" || mnt.RW {
		t.Errorf("bind mount = %+v in %+v", mnt, got.Mounts)
	}
	if got.StartNs == 0 {
		t.Error("no start time")
	}
	if _, err := c.Lookup(ctx, strings.Repeat("7", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	if err := d.Client.ContainerRemove(ctx, resp.ID, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-removed:
		if id != resp.ID {
			t.Errorf("destroyed %s, want %s", id, resp.ID)
		}
	case <-time.After(30 * time.Second):
		t.Error("no destroy event")
	}
}
