package syscallreceiver

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const pidnsEnv = "VIGIL_PIDNS_HELPER"

// In a pid namespace of its own (a pod without hostPID) the collector
// still drops its own syscalls in the kernel: the helper runs the receiver
// under unshare, opens a marker file itself and has a child open another;
// only the child's open may come back.
func TestSelfFilterInPIDNamespace(t *testing.T) {
	requireRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Fatal("unshare (util-linux) is needed")
	}
	dir := t.TempDir()
	cmd := exec.Command("unshare", "--pid", "--fork", "--mount-proc", os.Args[0], "-test.run", "^TestSelfFilterHelper$", "-test.v")
	cmd.Env = append(os.Environ(), pidnsEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	var self, child string
	for sc.Scan() {
		fmt.Sscanf(sc.Text(), "PIDNS self=%s child=%s", &self, &child)
	}
	if child != "seen" {
		t.Errorf("the child's open in the namespace was %q, want seen\n%s", child, out)
	}
	if self != "dropped" {
		t.Errorf("the collector's own open was %q, want dropped in the kernel\n%s", self, out)
	}
}

// TestSelfFilterHelper is the child of TestSelfFilterInPIDNamespace: pid 1
// of a new pid namespace.
func TestSelfFilterHelper(t *testing.T) {
	dir := os.Getenv(pidnsEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestSelfFilterInPIDNamespace")
	}
	if os.Getpid() != 1 {
		t.Fatalf("getpid = %d, want 1 in a new pid namespace", os.Getpid())
	}
	sink := startReceiver(t, testConfig())
	selfMarker := filepath.Join(dir, "self-marker")
	childMarker := filepath.Join(dir, "child-marker")
	if err := os.WriteFile(selfMarker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("touch", childMarker).Run(); err != nil {
		t.Fatal(err)
	}
	seen := func(path string, d time.Duration) string {
		if _, ok := waitFor(t, sink, d, func(r record) bool { return str(r.attr, "file.path") == path }); ok {
			return "seen"
		}
		return "dropped"
	}
	child := seen(childMarker, 5*time.Second)
	// the child's record came after ours: ours had its chance
	self := seen(selfMarker, 100*time.Millisecond)
	fmt.Printf("PIDNS self=%s child=%s\n", self, child)
}
