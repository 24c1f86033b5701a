package captureplan_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/rulesprocessor"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver"
)

// The real syscall receiver and rules processor, wired as a pipeline through
// the process-wide registry, in the order the collector does not use: the
// receiver starts first, with no plan published, and must follow the
// processor's plan when it starts, when it reloads its rules, and when it
// shuts down.
func TestReceiverStartedBeforeProcessorFollowsItsPlan(t *testing.T) {
	requireRoot(t)
	ctx := context.Background()
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "plan.yaml")
	rule := func(name, types, comm string) string {
		return "- rule: " + name + "\n  desc: d\n  condition: evt.type in (" + types + ") and proc.name = " + comm +
			"\n  output: " + name + " by %proc.name\n  priority: NOTICE\n"
	}
	writeRules := func(s string) {
		t.Helper()
		if err := os.WriteFile(rulesFile, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeRules(rule("Made", "mkdir, mkdirat", "mkdir"))

	// receiver -> tee (every event record) -> processor (once created) -> alerts
	events := &recordLog{}
	alerts := &recordLog{}
	var proc atomic.Pointer[processor.Logs]
	next, err := consumer.NewLogs(func(ctx context.Context, ld plog.Logs) error {
		events.add(ld)
		if p := proc.Load(); p != nil {
			return (*p).ConsumeLogs(ctx, ld)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	rf := syscallreceiver.NewFactory()
	rcfg := rf.CreateDefaultConfig().(*syscallreceiver.Config)
	rcfg.FlushInterval = 20 * time.Millisecond
	rcfg.PollInterval = 2 * time.Millisecond
	rcv, err := rf.CreateLogs(ctx, receivertest.NewNopSettings(rf.Type()), rcfg, next)
	if err != nil {
		t.Fatal(err)
	}
	if err := rcv.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer rcv.Shutdown(ctx)

	// no plan yet: the receiver's default selection emits openat
	if !eventually(10*time.Second, func() bool {
		return events.has(run(t, "cat", "/etc/hostname"), "openat")
	}) {
		t.Fatal("before any plan: no openat record from cat")
	}

	pf := rulesprocessor.NewFactory()
	pcfg := pf.CreateDefaultConfig().(*rulesprocessor.Config)
	pcfg.Files = []string{rulesFile}
	pcfg.SuggestedOutput = false
	pcfg.ReloadInterval = 20 * time.Millisecond
	pl, err := pf.CreateLogs(ctx, processortest.NewNopSettings(pf.Type()), pcfg, consumerOf(alerts))
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	proc.Store(&pl)
	processorUp := true
	defer func() {
		if processorUp {
			pl.Shutdown(ctx)
		}
	}()

	i := 0
	mkdir := func() int64 { i++; return run(t, "mkdir", filepath.Join(dir, "d"+strconv.Itoa(i))) }
	if !eventually(10*time.Second, func() bool { mkdir(); return alerts.hasBody("Made by mkdir") }) {
		t.Fatal("the processor's plan (mkdir) never reached the receiver: no alert")
	}
	// the plan names mkdir only: cat's openat is captured for the fd table
	// (state set) but no longer emitted
	pid := run(t, "cat", "/etc/hostname")
	if eventually(500*time.Millisecond, func() bool { return events.has(pid, "openat") }) {
		t.Error("openat still emitted under a plan of mkdir only")
	}

	// reload: the new rules' plan replaces the old one
	writeRules(rule("Removed", "rmdir, unlinkat", "rmdir"))
	if !eventually(10*time.Second, func() bool {
		d := filepath.Join(dir, "r"+strconv.Itoa(i))
		i++
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		run(t, "rmdir", d)
		return alerts.hasBody("Removed by rmdir")
	}) {
		t.Fatal("after the reload: no alert for rmdir")
	}
	pid = mkdir()
	if eventually(500*time.Millisecond, func() bool { return events.has(pid, "mkdir") || events.has(pid, "mkdirat") }) {
		t.Error("mkdir still emitted after the reload dropped it")
	}

	// the processor withdraws its plan: back to the default selection
	processorUp = false
	proc.Store(nil)
	if err := pl.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if !eventually(10*time.Second, func() bool {
		return events.has(run(t, "cat", "/etc/hostname"), "openat")
	}) {
		t.Fatal("after the processor shut down: the receiver did not return to its default selection")
	}
}

// run runs a command to completion and returns its pid.
func run(t *testing.T, name string, args ...string) int64 {
	t.Helper()
	cmd := exec.Command(name, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return int64(cmd.Process.Pid)
}

func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recordLog keeps what it was given: event records by pid and type, and
// alert bodies.
type recordLog struct {
	mu     sync.Mutex
	events map[int64]map[string]bool
	bodies []string
}

func (l *recordLog) add(ld plog.Logs) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.events == nil {
		l.events = map[int64]map[string]bool{}
	}
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		pid := int64(-1)
		if v, ok := rls.At(i).Resource().Attributes().Get(eventattr.ProcPID); ok {
			pid = v.Int()
		}
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				if v, ok := lr.Attributes().Get(eventattr.EvtType); ok {
					if l.events[pid] == nil {
						l.events[pid] = map[string]bool{}
					}
					l.events[pid][v.Str()] = true
				}
				l.bodies = append(l.bodies, lr.Body().AsString())
			}
		}
	}
}

func (l *recordLog) has(pid int64, evtType string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.events[pid][evtType]
}

func (l *recordLog) hasBody(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range l.bodies {
		if strings.Contains(b, s) {
			return true
		}
	}
	return false
}

func consumerOf(l *recordLog) consumer.Logs {
	c, _ := consumer.NewLogs(func(_ context.Context, ld plog.Logs) error {
		l.add(ld)
		return nil
	})
	return c
}

// requireRoot skips a test that needs eBPF when not root, except under CI,
// where a missing privilege is a failure.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("this test needs root (eBPF); CI must run it as root")
		}
		t.Skip("needs root for eBPF")
	}
}
