//go:build linux && amd64

package probe

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Both variants of the probe pass the verifier and attach: direct kernel
// loads (Linux 6.2+) and bpf_probe_read_kernel for every field (older
// kernels, forced here).
func TestLoadBothReadPaths(t *testing.T) {
	requireRoot(t)
	for _, forced := range []bool{false, true} {
		p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 1, RingBytes: 1 << 16, ProbeReads: forced})
		if err != nil {
			t.Fatalf("ProbeReads=%v: %v", forced, err)
		}
		if err := p.Attach(); err != nil {
			p.Close()
			t.Fatalf("ProbeReads=%v: %v", forced, err)
		}
		if forced && p.DirectReads {
			t.Error("ProbeReads did not turn direct loads off")
		}
		if !forced && p.DirectReads != haveDirectReads() {
			t.Errorf("DirectReads = %v, kernel support %v", p.DirectReads, haveDirectReads())
		}
		t.Logf("ProbeReads=%v: DirectReads=%v", forced, p.DirectReads)
		if err := p.SetMode(3, Defer); err != nil {
			t.Error(err)
		}
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}
}

// The kernel names the caller by its host tgid; inside a new pid namespace
// getpid() says 1 while HostTGID gives the number the probe's filter
// compares. The helper runs under unshare and, while it waits, the test
// checks from the host that the tgid it learned is really its own.
func TestHostTGIDInPIDNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("loading the probe needs root; CI must run this test as root")
		}
		t.Skip("needs root")
	}
	got, err := HostTGID()
	if err != nil {
		t.Fatal(err)
	}
	if got != uint32(os.Getpid()) {
		t.Fatalf("HostTGID = %d in the initial pid namespace, getpid %d", got, os.Getpid())
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Fatal("unshare (util-linux) is needed")
	}
	cmd := exec.Command("unshare", "--pid", "--fork", "--mount-proc", os.Args[0], "-test.run", "^TestHostTGIDHelper$")
	cmd.Env = append(os.Environ(), "VIGIL_HOSTTGID_HELPER=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper: %v", err)
		}
	}()
	sc := bufio.NewScanner(stdout)
	var inner, host int
	found := false
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "HOSTTGID getpid=%d host=%d", &inner, &host); err == nil {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("the helper printed no result")
	}
	if inner != 1 {
		t.Errorf("getpid in the new namespace = %d, want 1", inner)
	}
	// the host's /proc entry of that tgid is the helper: its NSpid lists
	// the host number and 1, and its parent is unshare
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", host))
	if err != nil {
		t.Fatalf("HostTGID in the namespace = %d: %v", host, err)
	}
	want := fmt.Sprintf("NSpid:\t%d\t1\n", host)
	if !strings.Contains(string(status), want) {
		t.Errorf("/proc/%d/status lacks %q:\n%s", host, want, status)
	}
	if !strings.Contains(string(status), fmt.Sprintf("PPid:\t%d\n", cmd.Process.Pid)) {
		t.Errorf("/proc/%d is not unshare's (%d) child:\n%s", host, cmd.Process.Pid, status)
	}
}

// TestHostTGIDHelper runs inside the namespace for the test above: it
// prints getpid and HostTGID, then waits for its stdin to close.
func TestHostTGIDHelper(t *testing.T) {
	if os.Getenv("VIGIL_HOSTTGID_HELPER") != "1" {
		t.Skip("helper for TestHostTGIDInPIDNamespace")
	}
	host, err := HostTGID()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("HOSTTGID getpid=%d host=%d\n", os.Getpid(), host)
	_, _ = io.Copy(io.Discard, os.Stdin)
}
