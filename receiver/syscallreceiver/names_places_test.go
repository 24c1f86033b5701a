package syscallreceiver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadatatest"
)

// openHelper, run as a child of the test binary, renames its thread to
// $VIGIL_RENAME when set (prctl PR_SET_NAME), waits $VIGIL_WAIT_MS and
// until the file $VIGIL_GO exists (when set), then opens the paths of $VIGIL_OPEN from that thread, then waits
// $VIGIL_LINGER_MS.
func openHelper() {
	runtime.LockOSThread()
	if n := os.Getenv("VIGIL_RENAME"); n != "" {
		name := append([]byte(n), 0)
		if err := unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&name[0])), 0, 0, 0); err != nil {
			os.Exit(4)
		}
	}
	ms, _ := strconv.Atoi(os.Getenv("VIGIL_WAIT_MS"))
	time.Sleep(time.Duration(ms) * time.Millisecond)
	if goFile := os.Getenv("VIGIL_GO"); goFile != "" {
		// the test says when: a loaded machine can take longer than any
		// fixed wait to start the receiver
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(goFile); err == nil {
				break
			}
		}
	}
	for _, p := range filepath.SplitList(os.Getenv("VIGIL_OPEN")) {
		if fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0); err == nil {
			unix.Close(fd)
		}
	}
	// alive a while after, when asked: the receiver can still read it
	// from /proc
	ms, _ = strconv.Atoi(os.Getenv("VIGIL_LINGER_MS"))
	time.Sleep(time.Duration(ms) * time.Millisecond)
	os.Exit(0)
}

func init() {
	if os.Getenv("VIGIL_TEST_HELPER") == "open" {
		openHelper()
	}
}

// filterReceiver starts a receiver whose rules publish plan, counting its
// telemetry in tt.
func filterReceiver(t *testing.T, plan captureplan.Plan) (*consumertest.LogsSink, *componenttest.Telemetry) {
	t.Helper()
	return filterReceiverWith(t, plan, testConfig())
}

// filterReceiverWith is filterReceiver with the receiver's configuration.
func filterReceiverWith(t *testing.T, plan captureplan.Plan, cfg *Config) (*consumertest.LogsSink, *componenttest.Telemetry) {
	t.Helper()
	reg := captureplan.NewRegistry()
	registry = reg
	t.Cleanup(func() { registry = captureplan.Default })
	reg.Publish("rules/a", plan)
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tt.Shutdown(context.Background()) })
	return startReceiverWith(t, metadatatest.NewSettings(tt), cfg), tt
}

// opened reports whether an openat record of path by process pid reached
// the sink.
func opened(t *testing.T, sink *consumertest.LogsSink, pid int, path string, timeout time.Duration) (record, bool) {
	t.Helper()
	return waitFor(t, sink, timeout, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == int64(pid) && str(r.attr, "vigil.evt.type") == "openat" && str(r.attr, "file.path") == path
	})
}

func tempFile(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestKernelFilterProcessName: with an openat filter that admits one
// path or one process name, the open of another path by the named
// process becomes a record, the same open by another process is kept
// off the ring and counted, and a process that renamed its thread to the
// admitted name with prctl is still judged by its exec name (its
// proc.name).
func TestKernelFilterProcessName(t *testing.T) {
	requireRoot(t)
	sel := captureplan.Paths{Prefixes: []string{"/etc/hostname\x00"}, Names: []string{"vigilnamed"}}
	sink, tt := filterReceiver(t, captureplan.Plan{Syscalls: []string{"openat"}, Filters: map[string]captureplan.Filter{
		"openat": {Outcome: 3, Proto: 7, Access: 15, Path: [4]captureplan.Paths{sel, sel, sel, sel}},
	}})
	dir := t.TempDir()
	named := filepath.Join(dir, "vigilnamed")
	if err := os.Symlink(os.Args[0], named); err != nil {
		t.Fatal(err)
	}
	run := func(exe, rename, path string) int {
		cmd := exec.Command(exe, "-test.run", "^$")
		cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=open", "VIGIL_OPEN="+path, "VIGIL_RENAME="+rename)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("helper: %v %s", err, out)
		}
		return cmd.Process.Pid
	}
	a := tempFile(t, dir, "a")
	if _, ok := opened(t, sink, run(named, "", a), a, 5*time.Second); !ok {
		t.Fatal("the named process's open did not become a record")
	}
	before, _ := sum(t, tt, "otelcol_receiver_syscall_kernel_filtered")
	b := tempFile(t, dir, "b")
	pid := run(os.Args[0], "", b)
	if r, ok := opened(t, sink, pid, b, time.Second); ok {
		t.Fatalf("the open by %s passed the name filter", str(r.res, "process.executable.name"))
	}
	c := tempFile(t, dir, "c")
	pid = run(os.Args[0], "vigilnamed", c)
	if _, ok := opened(t, sink, pid, c, time.Second); ok {
		t.Fatal("a thread renamed to the admitted name with prctl passed the name filter")
	}
	d := tempFile(t, dir, "d")
	pid = run(named, "other", d)
	if _, ok := opened(t, sink, pid, d, 5*time.Second); !ok {
		t.Fatal("the named process renamed to another name lost its open")
	}
	// the counter is exported every second
	deadline := time.Now().Add(5 * time.Second)
	for {
		after, _ := sum(t, tt, "otelcol_receiver_syscall_kernel_filtered")
		if after >= before+2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("kernel_filtered went from %d to %d, want at least 2 more", before, after)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestKernelFilterContainer: with an openat filter that admits container
// processes only, a host process's open is kept off the ring, while the
// same open by a process moved into a container's cgroup (the cgroupfs
// layout /docker/<id>, which the receiver reads as a docker container)
// becomes a record with that container's id.
func TestKernelFilterContainer(t *testing.T) {
	requireRoot(t)
	any := captureplan.Paths{Any: true}
	sink, tt := filterReceiver(t, captureplan.Plan{Syscalls: []string{"openat"}, Filters: map[string]captureplan.Filter{
		"openat": {Outcome: 3, Proto: 7, Access: 15, Where: 2, Path: [4]captureplan.Paths{any, any, any, any}},
	}})
	dir := t.TempDir()
	// the helpers wait before opening, so that the receiver has read
	// their fork and exec (and cgroup move) and told the probe
	start := func(path string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run", "^$")
		cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=open", "VIGIL_OPEN="+path, "VIGIL_WAIT_MS=1500")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	before, _ := sum(t, tt, "otelcol_receiver_syscall_kernel_filtered")
	host := tempFile(t, dir, "host")
	cmd := start(host)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, ok := opened(t, sink, cmd.Process.Pid, host, time.Second); ok {
		t.Fatal("a host process's open passed a container-only filter")
	}

	id := make([]byte, 32)
	_, _ = rand.Read(id)
	cid := hex.EncodeToString(id)
	cg := containerCgroup(t, cid)
	inside := tempFile(t, dir, "inside")
	cmd = start(inside)
	if err := os.WriteFile(filepath.Join(cg, "cgroup.procs"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	r, ok := opened(t, sink, cmd.Process.Pid, inside, 5*time.Second)
	if !ok {
		t.Fatal("a container process's open was filtered")
	}
	if got := str(r.res, "container.id"); got != cid {
		t.Errorf("container.id %q, want %q", got, cid)
	}
	// the reverse, after a reload: host processes only. The container's
	// process is dropped, which shows the probe knew its place rather
	// than passing a process it knew nothing of.
	registry.Publish("rules/a", captureplan.Plan{Syscalls: []string{"openat"}, Filters: map[string]captureplan.Filter{
		"openat": {Outcome: 3, Proto: 7, Access: 15, Where: 1, Path: [4]captureplan.Paths{any, any, any, any}},
	}})
	time.Sleep(200 * time.Millisecond) // the reader applies it at its next turn
	again := tempFile(t, dir, "again")
	cmd = start(again)
	if err := os.WriteFile(filepath.Join(cg, "cgroup.procs"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	host2 := tempFile(t, dir, "host2")
	hcmd := start(host2)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := hcmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, ok := opened(t, sink, hcmd.Process.Pid, host2, 5*time.Second); !ok {
		t.Fatal("a host process's open was filtered by a host-only filter")
	}
	if _, ok := opened(t, sink, cmd.Process.Pid, again, time.Second); ok {
		t.Fatal("a container process's open passed a host-only filter")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		after, _ := sum(t, tt, "otelcol_receiver_syscall_kernel_filtered")
		if after > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("kernel_filtered did not grow (%d)", after)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// containerCgroup makes the cgroup a cgroupfs-driven docker would give
// container id: /docker/<id>, in the unified hierarchy when it is mounted
// at /sys/fs/cgroup, else in the v1 memory hierarchy.
func containerCgroup(t *testing.T, id string) string {
	t.Helper()
	root := "/sys/fs/cgroup"
	if _, err := os.Stat(filepath.Join(root, "cgroup.procs")); err != nil {
		root = filepath.Join(root, "memory")
	}
	parent := filepath.Join(root, "docker")
	made := false
	if _, err := os.Stat(parent); err != nil {
		if err := os.Mkdir(parent, 0o755); err != nil {
			t.Fatal(err)
		}
		made = true
	}
	dir := filepath.Join(parent, id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// the helper has exited: the cgroup is empty
		for i := 0; i < 50 && os.Remove(dir) != nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		if made {
			_ = os.Remove(parent)
		}
	})
	if !strings.HasPrefix(dir, "/sys/fs/cgroup") {
		t.Fatal(dir)
	}
	return dir
}

// TestKernelFilterNameOfOlderProcess: processes that started before the
// receiver get their names from the table the receiver read from /proc,
// so an older process of another name is filtered too, and an older one
// of the admitted name passes.
func TestKernelFilterNameOfOlderProcess(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	named := filepath.Join(dir, "vigilnamed")
	if err := os.Symlink(os.Args[0], named); err != nil {
		t.Fatal(err)
	}
	other, mine := tempFile(t, dir, "other"), tempFile(t, dir, "mine")
	goFile := filepath.Join(dir, "go")
	start := func(exe, path string) *exec.Cmd {
		cmd := exec.Command(exe, "-test.run", "^$")
		cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=open", "VIGIL_OPEN="+path, "VIGIL_GO="+goFile)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// both start, and exec, before the receiver
	otherCmd, namedCmd := start(os.Args[0], other), start(named, mine)
	sel := captureplan.Paths{Prefixes: []string{"/etc/hostname\x00"}, Names: []string{"vigilnamed"}}
	sink, _ := filterReceiver(t, captureplan.Plan{Syscalls: []string{"openat"}, Filters: map[string]captureplan.Filter{
		"openat": {Outcome: 3, Proto: 7, Access: 15, Path: [4]captureplan.Paths{sel, sel, sel, sel}},
	}})
	// the receiver has started (the probe attached, the names seeded):
	// now the helpers open
	if err := os.WriteFile(goFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := otherCmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := namedCmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, ok := opened(t, sink, namedCmd.Process.Pid, mine, 5*time.Second); !ok {
		t.Fatal("the older named process's open was filtered")
	}
	if _, ok := opened(t, sink, otherCmd.Process.Pid, other, time.Second); ok {
		t.Fatal("the older process of another name passed the name filter")
	}
}

// TestKernelFilterNameAfterEviction: a process the receiver evicted from
// its table (max_processes) is read again from /proc when it next makes a
// record, and named by its comm there, which a prctl changed since its
// exec: the probe forgets the exec name at the eviction, so the open that
// the receiver names by the admitted name reaches it instead of being
// judged by the exec name the receiver no longer uses.
func TestKernelFilterNameAfterEviction(t *testing.T) {
	requireRoot(t)
	sel := captureplan.Paths{Prefixes: []string{"/etc/hostname\x00"}, Names: []string{"vigilnamed"}}
	cfg := testConfig()
	cfg.MaxProcesses = 64
	sink, _ := filterReceiverWith(t, captureplan.Plan{Syscalls: []string{"openat"}, Filters: map[string]captureplan.Filter{
		"openat": {Outcome: 3, Proto: 7, Access: 15, Path: [4]captureplan.Paths{sel, sel, sel, sel}},
	}}, cfg)
	path := tempFile(t, t.TempDir(), "renamed")
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=open", "VIGIL_OPEN="+path, "VIGIL_WAIT_MS=3000", "VIGIL_RENAME=vigilnamed", "VIGIL_LINGER_MS=2000")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// while the helper waits: more live new processes than the table holds
	time.Sleep(500 * time.Millisecond)
	for i := 0; i < 100; i++ {
		c := exec.Command("sleep", "10")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Process.Kill(); _ = c.Wait() })
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	r, ok := opened(t, sink, cmd.Process.Pid, path, 5*time.Second)
	if !ok {
		t.Fatal("the evicted process's open was filtered by its exec name")
	}
	if got := str(r.at("process.executable.name"), "process.executable.name"); got != "vigilnamed" {
		t.Errorf("proc.name of the reloaded process %q, want its comm now, vigilnamed", got)
	}
}
