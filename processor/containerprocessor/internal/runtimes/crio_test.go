package runtimes

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/containerd"
)

// TestCRIClient: the CRI client against a real CRI server, containerd's
// CRI plugin (no CRI-O here): it answers Version, an unknown container is
// ErrNotFound, and Watch, which containerd 1.6 does not serve
// (GetContainerEvents came with evented PLEG), waits for its context
// instead of failing, so the runtime stays usable for lookups.
// Creating a pod needs a sandbox image and CNI, which this machine lacks, so
// reading a live container through the CRI is not covered here.
func TestCRIClient(t *testing.T) {
	requireRoot(t)
	d := containerd.StartCRI(t)
	c, err := NewCRI("cri-o", d.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lookup(ctx, strings.Repeat("8", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Second)
	defer wcancel()
	if err := c.Watch(wctx, func(*Container) {}, func(string) {}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("watch ended with %v before its context", err)
	}
}
