// Package dockerd runs servers of the Docker Engine API for tests: Debian's
// dockerd (docker.io) and Podman's API service (podman.go), each with its
// own data root and API socket, no bridge and no iptables, stopped and
// removed when the test ends.
package dockerd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/docker/docker/client"

	"github.com/vigil-sec/vigil/e2e/daemon"
)

// Daemon is one running dockerd.
type Daemon struct {
	Socket string
	Dir    string
	Client *client.Client
	proc   *daemon.Process
}

// Start runs dockerd and returns once its API answers. It fails the test
// when dockerd is missing (apt-get install docker.io).
func Start(t testing.TB) *Daemon {
	t.Helper()
	if _, err := exec.LookPath("dockerd"); err != nil {
		t.Fatalf("dockerd is needed (apt-get install docker.io): %v", err)
	}
	dir, err := os.MkdirTemp("", "vigil-dockerd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// its containerd puts shim sockets under /run/containerd, whatever
	// the exec root
	if _, err := os.Stat("/run/containerd"); err != nil {
		t.Cleanup(func() { os.RemoveAll("/run/containerd") })
	}
	d := &Daemon{Socket: filepath.Join(dir, "docker.sock"), Dir: dir}
	d.proc = daemon.Start(t, "dockerd", dir, "dockerd", []string{
		"--data-root", filepath.Join(dir, "root"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"), "-H", "unix://" + d.Socket,
		"--bridge", "none", "--iptables=false", "--ip6tables=false",
	}, nil)
	return connect(t, d, "dockerd")
}

// connect makes d's client, removes every container when the test ends,
// and returns once the API at d.Socket answers.
func connect(t testing.TB, d *Daemon, what string) *Daemon {
	t.Helper()
	c, err := client.NewClientWithOpts(client.WithHost("unix://"+d.Socket), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	d.Client = c
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if list, err := c.ContainerList(ctx, containerListAll); err == nil {
			for _, ct := range list {
				_ = c.ContainerRemove(ctx, ct.ID, containerRemoveForce)
			}
		}
		c.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := c.Ping(ctx)
		cancel()
		if err == nil {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 60s: %v\n%s", what, err, d.proc.Tail(30))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
