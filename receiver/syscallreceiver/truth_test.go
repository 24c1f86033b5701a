package syscallreceiver

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/internal/dnsnames"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadatatest"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/procstate"
)

// A ring that overflows under a storm raises the drop alert: an alert
// record (source internal) with the counts and the stale-state warning.
func TestDropAlertOnRingOverflow(t *testing.T) {
	requireRoot(t)
	cfg := testConfig()
	cfg.RingBufferSize = 4096
	cfg.PollInterval = 300 * time.Millisecond // the reader sleeps while the storm fills the ring
	cfg.DropAlerts.Priority = "warning"
	sink := startReceiver(t, cfg)
	time.Sleep(400 * time.Millisecond)
	storm := exec.Command("sh", "-c", `f=$(mktemp); i=0; while [ $i -lt 20000 ]; do : > "$f"; i=$((i+1)); done; rm -f "$f"`)
	if out, err := storm.CombinedOutput(); err != nil {
		t.Fatalf("storm: %v: %s", err, out)
	}
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		return r.lr.EventName() == alert.EventName && str(r.attr, alert.RuleName) == DropAlertRule
	})
	if !ok {
		t.Fatal("no drop alert after overflowing a 4 KiB ring")
	}
	if got := rec.lr.SeverityText(); got != "Warning" {
		t.Errorf("severity %q, want the configured Warning", got)
	}
	if got := str(rec.attr, alert.RuleSource); got != "internal" {
		t.Errorf("source %q, want internal", got)
	}
	of, _ := rec.attr.Get(alert.OutputFields)
	drops, _ := of.Map().Get("n_drops")
	if drops.Int() <= 0 {
		t.Errorf("n_drops = %v", drops.AsRaw())
	}
	if stale, ok := of.Map().Get("process_table_stale"); !ok || !stale.Bool() {
		t.Error("the alert does not say the process table may be stale")
	}
	if !strings.Contains(rec.lr.Body().Str(), "system calls dropped in last second") {
		t.Errorf("body %q", rec.lr.Body().Str())
	}
}

// With the threshold at 1 and nothing dropping, no alert comes; a drop
// fraction at or under the threshold stays quiet.
func TestDropAlerterThresholdAndRate(t *testing.T) {
	d := newDropAlerter(DropAlertsConfig{Enabled: true, Threshold: 0.1, Rate: 1.0 / 30, MaxBurst: 1, Priority: "debug"}, "h")
	now := time.Unix(1000, 0)
	if _, ok := d.check(now, 1000, 100); ok {
		t.Error("alert at exactly the threshold")
	}
	if _, ok := d.check(now.Add(time.Second), 1000, 101); !ok {
		t.Error("no alert above the threshold")
	}
	if _, ok := d.check(now.Add(2*time.Second), 1000, 500); ok {
		t.Error("a second alert within 30 s")
	}
	if _, ok := d.check(now.Add(33*time.Second), 0, 5); !ok {
		t.Error("no alert once the bucket refilled (drops with nothing read)")
	}
}

// A working directory deeper than the probe walks is marked, so that a
// prefix test cannot take its leaf end for a whole path.
func TestDeepCwdIsMarkedTruncated(t *testing.T) {
	requireRoot(t)
	tt := componenttest.NewTelemetry()
	defer tt.Shutdown(context.Background())
	cfg := testConfig()
	sink := new(consumertest.LogsSink)
	r, err := NewFactory().CreateLogs(context.Background(), metadatatest.NewSettings(tt), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	defer r.Shutdown(context.Background())
	deep := filepath.Join(t.TempDir(), "shm")
	for i := 0; i < 60; i++ {
		deep = filepath.Join(deep, fmt.Sprintf("d%02d", i))
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/true")
	cmd.Dir = deep
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "execve"
	})
	if !ok {
		t.Fatalf("no execve of pid %d", pid)
	}
	cwd := str(rec.res, "process.working_directory")
	if !strings.HasPrefix(cwd, procstate.TruncatedPathPrefix+"/") || strings.HasPrefix(cwd, "/") {
		t.Errorf("cwd %q of a %d-component directory is not marked truncated", cwd, strings.Count(deep, "/"))
	}
	if !strings.HasSuffix(strings.TrimSuffix(cwd, "/"), "/d58/d59") {
		t.Errorf("cwd %q lost its leaf end", cwd)
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := sum(t, tt, "otelcol_receiver_syscall_truncated"); n == 0 {
		t.Error("the truncation was not counted")
	}
}

// A failed exec with more than 32 arguments says its list was cut.
func TestFailedExecArgsBeyond32AreMarked(t *testing.T) {
	requireRoot(t)
	sink := startReceiver(t, testConfig())
	args := []string{"/nonexistent/vigil-args"}
	for i := 1; i <= 40; i++ {
		args = append(args, "a"+strconv.Itoa(i))
	}
	// sh execs the missing program itself (no fork): the failed execve is
	// the shell's
	cmd := exec.Command("sh", append([]string{"-c", `exec "$@"`, "sh"}, args...)...)
	_ = cmd.Run()
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		res, _ := intv(r.attr, "vigil.evt.rawres")
		return p == pid && str(r.attr, "vigil.evt.type") == "execve" && res < 0
	})
	if !ok {
		t.Fatalf("no failed execve of pid %d", pid)
	}
	got := str(rec.attr, "vigil.evt.arg.args")
	if !strings.HasSuffix(got, " a31 "+procstate.TruncatedArg) {
		t.Errorf("evt.arg.args = %q, want a1..a31 and the cut marker", got)
	}
}

const capsetEnv = "VIGIL_CAPSET_HELPER"

// A capset changes thread.cap_* of the caller's next events: the helper
// drops CAP_NET_RAW from its effective set, then opens a marker file.
func TestCapsetRefreshesCapabilities(t *testing.T) {
	requireRoot(t)
	sink := startReceiver(t, testConfig())
	marker := filepath.Join(t.TempDir(), "after-capset")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCapsetHelper$")
	cmd.Env = append(os.Environ(), capsetEnv+"="+marker)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "file.path") == marker
	})
	if !ok {
		t.Fatalf("no open of %s by pid %d", marker, pid)
	}
	eff := str(rec.res, "vigil.thread.cap_effective")
	if strings.Contains(eff, "CAP_NET_RAW") || !strings.Contains(eff, "CAP_SYS_ADMIN") {
		t.Errorf("thread.cap_effective after dropping CAP_NET_RAW = %q", eff)
	}
	if prm := str(rec.res, "vigil.thread.cap_permitted"); !strings.Contains(prm, "CAP_NET_RAW") {
		t.Errorf("thread.cap_permitted = %q, still holds CAP_NET_RAW", prm)
	}
}

// TestCapsetHelper is the child of TestCapsetRefreshesCapabilities.
func TestCapsetHelper(t *testing.T) {
	marker := os.Getenv(capsetEnv)
	if marker == "" {
		t.Skip("runs only as the child of TestCapsetRefreshesCapabilities")
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		t.Fatal(err)
	}
	data[unix.CAP_NET_RAW/32].Effective &^= 1 << (unix.CAP_NET_RAW % 32)
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

// The executable's inode reaches the record: proc.exe_ino.ctime/mtime as
// stat(2) reports them, proc.is_exe_writable and execve's flags for a user
// who may write the file (root) and one who may not (nobody).
func TestExecExeInode(t *testing.T) {
	requireRoot(t)
	sink := startReceiver(t, testConfig())
	exe, err := filepath.EvalSymlinks("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Stat(exe, &st); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		uid      uint32
		writable bool
		flags    string
	}{{0, true, "EXE_WRITABLE"}, {65534, false, "0"}} {
		cmd := exec.Command(exe)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: c.uid, Gid: c.uid}}
		if err := cmd.Run(); err != nil {
			t.Fatal(err)
		}
		pid := int64(cmd.Process.Pid)
		rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
			p, _ := intv(r.res, "process.pid")
			return p == pid && str(r.attr, "vigil.evt.type") == "execve"
		})
		if !ok {
			t.Fatalf("no execve of pid %d", pid)
		}
		if got := str(rec.attr, "vigil.evt.arg.flags"); got != c.flags {
			t.Errorf("uid %d: evt.arg.flags = %q, want %q", c.uid, got, c.flags)
		}
		if v, ok := rec.res.Get("vigil.proc.is_exe_writable"); !ok || v.Bool() != c.writable {
			t.Errorf("uid %d: proc.is_exe_writable = %v (present %v), want %v", c.uid, v.AsRaw(), ok, c.writable)
		}
		if got, _ := intv(rec.res, "vigil.proc.exe_ino.ctime"); got != st.Ctim.Nano() {
			t.Errorf("proc.exe_ino.ctime = %d, stat says %d", got, st.Ctim.Nano())
		}
		if got, _ := intv(rec.res, "vigil.proc.exe_ino.mtime"); got != st.Mtim.Nano() {
			t.Errorf("proc.exe_ino.mtime = %d, stat says %d", got, st.Mtim.Nano())
		}
	}
}

// fd.name_changed follows an unconnected UDP socket's destinations: true
// for the first sendto and for one to another port, false for a repeat.
func TestUDPNameChanged(t *testing.T) {
	requireRoot(t)
	cfg := testConfig()
	cfg.Syscalls = SyscallSelection{Names: []string{"sendto"}}
	sink := startReceiver(t, cfg)
	l1, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l1.Close()
	l2, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	p1, p2 := l1.LocalAddr().(*net.UDPAddr).Port, l2.LocalAddr().(*net.UDPAddr).Port
	script := fmt.Sprintf(`import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in (%d, %d, %d):
    s.sendto(b"x", ("127.0.0.1", p))
`, p1, p1, p2)
	cmd := exec.Command("python3", "-c", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python3: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	var got []string
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < 3 && time.Now().Before(deadline) {
		got = got[:0]
		waitFor(t, sink, 200*time.Millisecond, func(r record) bool {
			p, _ := intv(r.res, "process.pid")
			if p == pid && str(r.attr, "vigil.evt.type") == "sendto" {
				v, _ := r.attr.Get("vigil.fd.name_changed")
				got = append(got, fmt.Sprintf("%d:%v", r.attr.AsRaw()["server.port"], v.AsRaw()))
			}
			return false
		})
	}
	want := []string{fmt.Sprintf("%d:true", p1), fmt.Sprintf("%d:false", p1), fmt.Sprintf("%d:true", p2)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sendto (server port:name_changed) = %v, want %v", got, want)
	}
}

// fd.sip.name: a host name the rules mention is resolved by the system
// resolver (here through an /etc/hosts entry on a loopback address) and a
// connect to its address carries it.
func TestServerNameFromRulesHostnames(t *testing.T) {
	requireRoot(t)
	const name, ip = "vigil-sensor-test.invalid", "127.0.0.77"
	removeHosts := addHostsEntry(t, ip+" "+name)
	defer removeHosts()
	// Go's resolver re-reads /etc/hosts at most every 5 s: wait until it
	// sees the new line, or the receiver's first round would miss it
	waitResolves(t, name, ip)
	dnsnames.Default.Publish("rules/dns-test", []string{name})
	defer dnsnames.Default.Withdraw("rules/dns-test")
	cfg := testConfig()
	cfg.Syscalls = SyscallSelection{Names: []string{"connect"}}
	sink := startReceiver(t, cfg)
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	// the receiver resolves in the background: connect until a record
	// carries the name, or give up after a few rounds
	var rec record
	for attempt := 0; attempt < 10; attempt++ {
		cmd := exec.Command("python3", "-c", fmt.Sprintf(`import socket; socket.create_connection(("%s", %d)).close()`, ip, port))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("python3: %v: %s", err, out)
		}
		pid := int64(cmd.Process.Pid)
		var ok bool
		// ipConnectBy: without HOME in its environment python looks the
		// user up at start, and glibc first tries nscd's unix socket
		rec, ok = waitFor(t, sink, 5*time.Second, ipConnectBy(pid))
		if !ok {
			t.Fatalf("no connect of pid %d", pid)
		}
		if str(rec.attr, "vigil.fd.sip.name") != "" {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if got := str(rec.attr, "vigil.fd.sip.name"); got != name {
		// the whole record, so that a failure on another machine says
		// whether the tuple, the name or the record itself was missing
		t.Errorf("fd.sip.name = %q, want %q; record %v", got, name, rec.attr.AsRaw())
	}
	if got := str(rec.attr, "vigil.fd.cip.name"); got != "" {
		t.Errorf("fd.cip.name = %q for a client address no rule names", got)
	}
}

// waitResolves waits until the system resolver maps name to ip.
func waitResolves(t *testing.T, name, ip string) {
	t.Helper()
	want := netip.MustParseAddr(ip)
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		addrs, _ := net.DefaultResolver.LookupNetIP(ctx, "ip", name)
		cancel()
		for _, a := range addrs {
			if a.Unmap() == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not resolve to %s after editing /etc/hosts", name, ip)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// addHostsEntry appends line to /etc/hosts and returns what removes it.
func addHostsEntry(t *testing.T, line string) func() {
	t.Helper()
	f, err := os.OpenFile("/etc/hosts", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n" + line + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return func() {
		cur, err := os.ReadFile("/etc/hosts")
		if err != nil {
			t.Error(err)
			return
		}
		// drop only our line: others may have edited the file meanwhile
		out := strings.Replace(string(cur), "\n"+line+"\n", "", 1)
		if err := os.WriteFile("/etc/hosts", []byte(out), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// A setuid record shows the caller as it was when it made the call (Falco
// evaluates "Non sudo setuid" at the call's entry: root dropping to daemon
// is root's call); the process's next events carry the new user, as the
// kernel holds it after the call.
func TestSetuidRecordShowsTheCaller(t *testing.T) {
	requireRoot(t)
	cfg := testConfig()
	cfg.Syscalls = SyscallSelection{Names: []string{"setuid", "openat"}}
	sink := startReceiver(t, cfg)
	dir, err := os.MkdirTemp("", "vigil-setuid")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "after-setuid")
	cmd := exec.Command("python3", "-c", fmt.Sprintf(`import os; os.setuid(1); open(%q, "w").close()`, marker))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python3: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	su, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "setuid"
	})
	if !ok {
		t.Fatalf("no setuid of pid %d", pid)
	}
	if uid, _ := intv(su.res, "process.user.id"); uid != 0 {
		t.Errorf("setuid record's user.uid = %d, want the caller's 0", uid)
	}
	op, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "file.path") == marker
	})
	if !ok {
		t.Fatalf("no open of %s", marker)
	}
	if uid, _ := intv(op.res, "process.user.id"); uid != 1 {
		t.Errorf("user.uid after setuid(1) = %d, want 1", uid)
	}
}

// fd.lport and fd.rport of UDP are the socket's own ports as the kernel
// holds them, on real traffic where one process is both the server and the
// client (as event-generator's actions are): the server socket's recvfrom
// has its bound port as local and the sender's as remote, the client
// socket's connect and sendto the reverse. Falco, guessing roles for
// unconnected UDP sockets from the ports the process has bound, can print
// the server's port as local for the client's event; Vigil does not guess.
func TestUDPPortsAreTheSocketsOwn(t *testing.T) {
	requireRoot(t)
	cfg := testConfig()
	cfg.Syscalls = SyscallSelection{Names: []string{"sendto", "recvfrom", "connect"}}
	sink := startReceiver(t, cfg)
	script := `import socket, sys
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", 0))
sport = srv.getsockname()[1]
cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
cli.bind(("127.0.0.1", 0))
cport = cli.getsockname()[1]
cli.sendto(b"x", ("127.0.0.1", sport))
srv.recvfrom(16)
cli.connect(("127.0.0.1", sport))
print(sport, cport)
`
	cmd := exec.Command("python3", "-c", script)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var sport, cport int64
	if _, err := fmt.Sscan(string(out), &sport, &cport); err != nil {
		t.Fatalf("python3 printed %q: %v", out, err)
	}
	pid := int64(cmd.Process.Pid)
	want := map[string][2]int64{"sendto": {cport, sport}, "recvfrom": {sport, cport}, "connect": {cport, sport}}
	got := map[string][2]int64{}
	recs := map[string]map[string]any{}
	_, complete := waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		typ := str(r.attr, "vigil.evt.type")
		// IP sockets only: without HOME in its environment python looks
		// the user up at start, and glibc first connects to nscd's unix
		// socket
		if _, ok := want[typ]; p == pid && ok && str(r.attr, "vigil.fd.type") != "unix" {
			l, _ := intv(r.attr, "network.local.port")
			rp, _ := intv(r.attr, "network.peer.port")
			got[typ] = [2]int64{l, rp}
			recs[typ] = r.attr.AsRaw()
		}
		return len(got) == len(want)
	})
	if !complete {
		t.Errorf("records of pid %d within 5 s: %v, want one of each of %v", pid, recs, want)
	}
	for typ, w := range want {
		if got[typ] != w {
			t.Errorf("%s: lport/rport %v, want %v (server %d, client %d); record %v", typ, got[typ], w, sport, cport, recs[typ])
		}
	}
}

// proc.sname is the session leader's name, on a real new session: a
// process that a fresh session's leader (sh, made leader by setsid) runs
// has sname sh and sid the leader's pid, as Falco's lookup of the thread
// whose pid is the session id gives for a host process.
func TestSessionLeaderName(t *testing.T) {
	requireRoot(t)
	cfg := testConfig()
	cfg.Syscalls = SyscallSelection{Names: []string{"openat"}}
	sink := startReceiver(t, cfg)
	// The leader's second command keeps it from exec'ing cat in its place.
	cmd := exec.Command("setsid", "sh", "-c", "cat /etc/hostname >/dev/null; true")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("setsid: %v: %s", err, out)
	}
	leader := int64(cmd.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, func(r record) bool {
		pp, _ := intv(r.res, "process.parent_pid")
		return pp == leader && str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == "/etc/hostname"
	})
	if !ok {
		t.Fatal("no openat of /etc/hostname by the leader's child")
	}
	sid, _ := intv(rec.res, "process.session_leader.pid")
	if sid != leader || str(rec.res, "vigil.proc.sname") != "sh" || str(rec.res, "process.executable.name") != "cat" {
		t.Errorf("sid %d sname %q name %q, want %d sh cat", sid, str(rec.res, "vigil.proc.sname"), str(rec.res, "process.executable.name"), leader)
	}
}
