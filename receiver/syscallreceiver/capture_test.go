package syscallreceiver

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// selfComm is the test binary's task comm, the parent name of the commands
// the tests run.
func selfComm(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestCatShadowYieldsOpenat(t *testing.T) {
	requireRoot(t)
	sink := startReceiver(t, testConfig())
	cmd := exec.Command("cat", "/etc/shadow")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cat: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == "/etc/shadow"
	})
	if !ok {
		t.Fatalf("no openat of /etc/shadow by pid %d", pid)
	}
	a, res := rec.attr, rec.res
	checkPlacement(t, rec)
	for k, want := range map[string]string{
		"process.executable.name": "cat",
		"process.command_line":    "cat /etc/shadow",
		"process.command":         "cat",
		"vigil.evt.arg.name":      "/etc/shadow",
		"vigil.fd.type":           "file",
		"vigil.fd.nameraw":        "/etc/shadow",
		"process.user.name":       "root",
	} {
		if got := str(rec.at(k), k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if tid, _ := intv(a, "thread.id"); tid != pid {
		t.Errorf("thread.id = %d, want %d", tid, pid)
	}
	if got := str(a, "vigil.evt.arg.flags"); !strings.Contains(got, "O_RDONLY") {
		t.Errorf("vigil.evt.arg.flags = %q, want read flags", got)
	}
	if got := str(a, "vigil.evt.arg.fd"); !strings.HasSuffix(got, "(<f>/etc/shadow)") {
		t.Errorf("vigil.evt.arg.fd = %q, want the fd rendered with its path", got)
	}
	if res, _ := intv(a, "vigil.evt.rawres"); res < 0 {
		t.Errorf("vigil.evt.rawres = %d, want success", res)
	}
	if fl, ok := intv(a, "vigil.evt.rawarg.flags"); !ok || fl&3 != 0 {
		t.Errorf("vigil.evt.rawarg.flags = %d, %v; want O_RDONLY", fl, ok)
	}
	if args := strs(res, "process.command_args"); strings.Join(args, " ") != "cat /etc/shadow" {
		t.Errorf("process.command_args = %q", args)
	}
	if an := strs(res, "vigil.proc.anames"); len(an) == 0 || an[0] != selfComm(t) {
		t.Errorf("vigil.proc.anames = %q, want the test binary %q first", an, selfComm(t))
	}
	if ppid, _ := intv(res, "process.parent_pid"); ppid != int64(os.Getpid()) {
		t.Errorf("process.parent_pid = %d, want %d", ppid, os.Getpid())
	}
	if str(res, "process.executable.path") == "" {
		t.Error("process.executable.path is empty")
	}
	if rec.lr.EventName() != "vigil.syscall" {
		t.Errorf("EventName = %q", rec.lr.EventName())
	}
	if ts := rec.lr.Timestamp().AsTime(); time.Since(ts) > time.Minute || time.Until(ts) > time.Second {
		t.Errorf("Timestamp %v is not the wall-clock time of the event", ts)
	}
	if _, ok := rec.res.Get("container.id"); ok {
		t.Error("a host process carries container.id")
	}
	if str(rec.res, "host.name") == "" {
		t.Error("resource has no host.name")
	}
}

func TestConnectYieldsTuple(t *testing.T) {
	requireRoot(t)
	port := serve(t, "tcp", "127.0.0.1:0").Addr().(*net.TCPAddr).Port
	sink := startReceiver(t, testConfig())
	// bash's /dev/tcp does a real connect(2) from a process other than the
	// collector (whose own syscalls the probe drops)
	cmd := exec.Command("bash", "-c", fmt.Sprintf("exec 3<>/dev/tcp/127.0.0.1/%d", port))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("connect: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, ipConnectBy(pid))
	if !ok {
		t.Fatalf("no connect by pid %d", pid)
	}
	a := rec.attr
	cport, _ := intv(a, "client.port")
	want := fmt.Sprintf("127.0.0.1:%d->127.0.0.1:%d", cport, port)
	if got := str(a, "vigil.fd.name"); got != want || cport == 0 {
		t.Errorf("vigil.fd.name = %q, want %q", got, want)
	}
	if sp, _ := intv(a, "server.port"); sp != int64(port) {
		t.Errorf("server.port = %d, want %d", sp, port)
	}
	for k, want := range map[string]string{
		"server.address": "127.0.0.1", "client.address": "127.0.0.1", "network.transport": "tcp",
		"vigil.fd.type": "ipv4", "network.peer.address": "127.0.0.1", "vigil.evt.arg.tuple": want,
		"vigil.evt.arg.addr": "127.0.0.1:" + strconv.Itoa(port),
	} {
		if got := str(a, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if res, _ := intv(a, "vigil.evt.rawres"); res != 0 {
		t.Errorf("vigil.evt.rawres = %d", res)
	}
}

func TestScriptExecYieldsExeArgsAncestors(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "vigil-probe.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat /etc/hostname >/dev/null\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	sink := startReceiver(t, testConfig())
	// "; true" keeps bash from exec'ing the script in place: bash forks it
	cmd := exec.Command("bash", "-c", script+" alpha beta; true")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script: %v: %s", err, out)
	}
	self := selfComm(t)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		return str(r.attr, "vigil.evt.type") == "execve" && str(r.res, "process.executable.name") == "vigil-probe.sh"
	})
	if !ok {
		t.Fatal("no execve of the script")
	}
	a, res := rec.attr, rec.res
	checkPlacement(t, rec)
	args := strs(res, "process.command_args")
	if len(args) != 4 || args[1] != script || args[2] != "alpha" || args[3] != "beta" {
		t.Errorf("process.command_args = %q, want [interpreter %s alpha beta]", args, script)
	}
	if got, want := str(res, "process.command_line"), "vigil-probe.sh "+script+" alpha beta"; got != want {
		t.Errorf("process.command_line = %q, want %q", got, want)
	}
	exe, _ := filepath.EvalSymlinks("/bin/sh")
	if got := str(res, "process.executable.path"); got != exe {
		t.Errorf("process.executable.path = %q, want the interpreter %q", got, exe)
	}
	if got := str(a, "vigil.evt.arg.filename"); got != script {
		t.Errorf("vigil.evt.arg.filename = %q, want %q", got, script)
	}
	an := strs(res, "vigil.proc.anames")
	// proc.aname[1] is bash, proc.aname[2] the test binary
	if len(an) < 2 || an[0] != "bash" || an[1] != self {
		t.Errorf("vigil.proc.anames = %q, want [bash %s ...]", an, self)
	}
	if _, ok := a.Get("process.environment_variable.PATH"); !ok {
		t.Error("execve record carries no environment")
	}
	// the cat the script runs: aname[1] the script, aname[2] bash
	rec, ok = waitFor(t, sink, 5*time.Second, func(r record) bool {
		return str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == "/etc/hostname" &&
			len(strs(r.res, "vigil.proc.anames")) > 0 && strs(r.res, "vigil.proc.anames")[0] == "vigil-probe.sh"
	})
	if !ok {
		t.Fatal("no openat of /etc/hostname by the script's cat")
	}
	an = strs(rec.res, "vigil.proc.anames")
	if len(an) < 3 || an[1] != "bash" || an[2] != self {
		t.Errorf("cat's vigil.proc.anames = %q, want [vigil-probe.sh bash %s ...]", an, self)
	}
	if got := strs(rec.res, "vigil.proc.aexepaths"); len(got) == 0 || got[0] != exe {
		t.Errorf("cat's vigil.proc.aexepaths = %q, want the interpreter first", got)
	}
}

// cgroupRoot is the hierarchy where the test can create cgroups and move
// processes: cgroup v2 (unified on hybrid hosts) or, failing that, v1's pids.
func cgroupRoot(t *testing.T) string {
	for _, c := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup", "/sys/fs/cgroup/pids"} {
		if _, err := os.Stat(filepath.Join(c, "cgroup.procs")); err == nil {
			return c
		}
	}
	t.Fatal("no writable cgroup hierarchy found")
	return ""
}

func TestContainerCgroupYieldsContainerID(t *testing.T) {
	requireRoot(t)
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		t.Fatal(err)
	}
	id := hex.EncodeToString(raw[:])
	parent := filepath.Join(cgroupRoot(t), "vigil-test-"+id[:8])
	scope := filepath.Join(parent, "cri-containerd-"+id+".scope")
	if err := os.MkdirAll(scope, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// the child has exited; its cgroup is empty
		for i := 0; i < 50; i++ {
			if os.Remove(scope) == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		os.Remove(parent)
	})
	sink := startReceiver(t, testConfig())
	cmd := exec.Command("bash", "-c", "echo $$ > "+filepath.Join(scope, "cgroup.procs")+" && exec cat /etc/hostname")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == "/etc/hostname"
	})
	if !ok {
		t.Fatal("no openat of /etc/hostname from the container-shaped cgroup")
	}
	if got := str(rec.res, "container.id"); got != id {
		t.Errorf("container.id = %q, want %q", got, id)
	}
	if got := str(rec.res, "container.runtime.name"); got != "containerd" {
		t.Errorf("container.runtime.name = %q, want containerd", got)
	}
	if _, ok := rec.attr.Get("container.id"); ok {
		t.Error("container.id must be on the Resource, not the record")
	}
}
