package syscallreceiver

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/goleak"

	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"
)

// Start and Shutdown are idempotent, quick, and leave no goroutine behind.
func TestStartShutdownLeakFree(t *testing.T) {
	requireRoot(t)
	defer goleak.VerifyNone(t)
	for i := 0; i < 3; i++ {
		r, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), testConfig(), consumertest.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Shutdown(context.Background()); err != nil {
			t.Fatalf("shutdown before start: %v", err)
		}
		start := time.Now()
		if err := r.Start(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(context.Background(), nil); err == nil {
			t.Error("a second Start succeeded")
		}
		started := time.Since(start)
		start = time.Now()
		if err := r.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := r.Shutdown(context.Background()); err != nil {
			t.Fatalf("second shutdown: %v", err)
		}
		t.Logf("start %v, shutdown %v", started, time.Since(start))
	}
}

// With syscalls: auto the receiver follows what rules processors publish,
// at start and when they republish.
func TestAutoFollowsPublishedSet(t *testing.T) {
	requireRoot(t)
	reg := captureplan.NewRegistry()
	registry = reg
	defer func() { registry = captureplan.Default }()
	reg.Publish("rules/a", captureplan.Plan{Syscalls: []string{"openat"}})
	sink := startReceiver(t, testConfig())

	cmd := exec.Command("cat", "/etc/hostname")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid := int64(cmd.Process.Pid)
	if _, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "openat"
	}); !ok {
		t.Fatal("no openat with openat published")
	}
	// close is in the state set: captured for the fd table, not emitted
	if _, ok := waitFor(t, sink, 300*time.Millisecond, func(r record) bool {
		return str(r.attr, "vigil.evt.type") != "openat"
	}); ok {
		t.Error("a syscall outside the published set became a record")
	}

	reg.Publish("rules/a", captureplan.Plan{Syscalls: []string{"execve"}})
	time.Sleep(100 * time.Millisecond)
	sink.Reset()
	cmd = exec.Command("cat", "/etc/hostname")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid = int64(cmd.Process.Pid)
	if _, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "execve"
	}); !ok {
		t.Fatal("no execve after the rules republished execve")
	}
	if _, ok := waitFor(t, sink, 300*time.Millisecond, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "openat"
	}); ok {
		t.Error("openat still emitted after the rules dropped it")
	}
}
