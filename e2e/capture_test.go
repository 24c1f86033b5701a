package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/internal/eventfile"
)

// TestCaptureThenTestRules is the rule author's recipe, for real: bin/vigil
// runs examples/capture.yaml scoped to the syscalls of the upstream stable
// rules (vigil-rules syscalls --yaml) and to processes named cat, a real
// `cat /etc/shadow` runs, and `vigil-rules test` on the captured file
// reports the stable rule it trips, without root and without the collector.
func TestCaptureThenTestRules(t *testing.T) {
	requireRoot(t)
	root := collector.RepoRoot(t)
	stable := filepath.Join(root, "..", "shared", "falco-rules", "falco_rules.yaml")
	if _, err := os.Stat(stable); err != nil {
		t.Fatalf("upstream rules: %v", err)
	}
	tool := filepath.Join(t.TempDir(), "vigil-rules")
	build := exec.Command("go", "build", "-o", tool, "./cmd/vigil-rules")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/vigil-rules: %v\n%s", err, out)
	}
	syscalls, err := exec.Command(tool, "syscalls", "--yaml", stable).Output()
	if err != nil {
		t.Fatalf("vigil-rules syscalls --yaml: %v", err)
	}
	config, err := os.ReadFile(filepath.Join(root, "examples", "capture.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	capture := filepath.Join(t.TempDir(), "capture.json")
	col := collector.Start(t, string(config),
		"VIGIL_CAPTURE_FILE="+capture,
		"VIGIL_CAPTURE_SYSCALLS="+strings.TrimSpace(string(syscalls)),
		"VIGIL_CAPTURE_PROCESS=cat")

	pid := readShadow(t)
	var evs []*eventfile.Event
	found := false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && !found; time.Sleep(200 * time.Millisecond) {
		evs, _ = eventfile.ReadFile(capture) // the exporter may be mid-line
		for _, ev := range evs {
			res := ev.ResourceLogs().Resource().Attributes()
			p, ok := res.Get("process.pid")
			f, fok := ev.Record().Attributes().Get("file.path")
			found = found || ok && p.Int() == pid && fok && f.Str() == "/etc/shadow"
		}
	}
	col.Stop(t)
	if !found {
		t.Fatalf("no openat of /etc/shadow by cat (pid %d) in %s within 15s (%d events)\n%s", pid, capture, len(evs), col.Tail(30))
	}
	evs, err = eventfile.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	// The scope held: only cat's records, only the rules' syscalls.
	want := map[string]bool{}
	for _, s := range strings.Split(strings.Trim(strings.TrimSpace(string(syscalls)), "[]"), ", ") {
		want[s] = true
	}
	for _, ev := range evs {
		name, _ := ev.ResourceLogs().Resource().Attributes().Get("process.executable.name")
		typ, _ := ev.Record().Attributes().Get("vigil.evt.type")
		if name.Str() != "cat" || !want[typ.Str()] {
			t.Errorf("%s: %s by %q is outside the capture's scope", ev.Name(), typ.Str(), name.Str())
		}
	}
	out, err := exec.Command(tool, "test", stable, "--events", capture).CombinedOutput()
	if err != nil {
		t.Fatalf("vigil-rules test: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "  Read sensitive file untrusted (Warning)\n") {
		t.Errorf("vigil-rules test did not report the stable rule:\n%s", out)
	}
	t.Logf("%d events captured; vigil-rules test:\n%s", len(evs), out)
}
