package syscallreceiver

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"
)

// minimalCaps is what the receiver needs, documented in the README.
const minimalCaps = "+bpf,+perfmon,+sys_ptrace,+dac_read_search"

// helperEnv makes the test binary act as a capture helper (see
// TestCapabilityHelper) instead of running the suite.
const helperEnv = "VIGIL_CAPTURE_HELPER"

// copyTestBinary puts the test binary where an unprivileged user may run it.
func copyTestBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := filepath.Join(dir, "receiver.test")
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, src); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// runHelper re-executes the test binary as user nobody holding only caps
// (ambient capabilities), and returns its combined output.
func runHelper(t *testing.T, caps string) (string, error) {
	t.Helper()
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatalf("setpriv (util-linux) is needed to drop privileges: %v", err)
	}
	bin := copyTestBinary(t)
	args := []string{"--reuid=65534", "--regid=65534", "--clear-groups"}
	if caps == "" {
		args = append(args, "--inh-caps=-all", "--bounding-set=-all")
	} else {
		args = append(args, "--inh-caps="+caps, "--ambient-caps="+caps)
	}
	args = append(args, "--", bin, "-test.run=^TestCapabilityHelper$", "-test.v", "-test.count=1")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, setpriv, args...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestRunsWithMinimalCapabilities(t *testing.T) {
	requireRoot(t)
	out, err := runHelper(t, minimalCaps)
	if err != nil || !strings.Contains(out, "helper captured openat") {
		t.Fatalf("receiver as uid 65534 with only %s: %v\n%s", minimalCaps, err, out)
	}
}

func TestStartErrorNamesMissingCapabilities(t *testing.T) {
	requireRoot(t)
	out, err := runHelper(t, "")
	if err == nil {
		t.Fatalf("receiver started without any capability:\n%s", out)
	}
	if !strings.Contains(out, "CAP_BPF") || !strings.Contains(out, "CAP_PERFMON") {
		t.Errorf("start error does not name the missing capabilities:\n%s", out)
	}
}

// TestCapabilityHelper is the body run by runHelper in the unprivileged
// child; it does nothing in a normal test run.
func TestCapabilityHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("runs only as the child of TestRunsWithMinimalCapabilities")
	}
	cfg := testConfig()
	sink := new(consumertest.LogsSink)
	r, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), nil); err != nil {
		t.Fatalf("start: %v", err)
	}
	defer r.Shutdown(context.Background())
	cmd := exec.Command("cat", "/etc/hostname")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cat: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == "/etc/hostname"
	})
	if !ok {
		t.Fatal("no openat captured")
	}
	if str(rec.res, "process.executable.path") == "" || len(strs(rec.res, "vigil.proc.anames")) == 0 {
		t.Errorf("process details missing: exepath %q anames %q", str(rec.res, "process.executable.path"), strs(rec.res, "vigil.proc.anames"))
	}
	t.Log("helper captured openat")
}
