package dockerd

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/vigil-sec/vigil/e2e/containerd"
)

// LoadBusybox loads the tests' busybox image (e2e/containerd) into dockerd
// as containerd.ImageName, through a docker-archive tarball.
func (d *Daemon) LoadBusybox(t testing.TB) {
	t.Helper()
	tag, err := name.NewTag(containerd.ImageName)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tarball.Write(tag, containerd.BusyboxImage(t), &buf); err != nil {
		t.Fatal(err)
	}
	resp, err := d.Client.ImageLoad(context.Background(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
