package captureplan_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/rulesprocessor"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver"
)

// The learned discarders of issue 13, end to end in one process: the real
// syscall receiver follows the plan of a real rules processor through the
// process-wide registry, as in a collector.

// discardRig is a receiver following the plan of a real rules processor,
// with its telemetry, and a directory the rules talk about.
type discardRig struct {
	t     *testing.T
	dir   string
	rules string
	sink  *consumertest.LogsSink
	tt    *componenttest.Telemetry
}

// writeRules: opens of paths that contain "/secret" match, and so do the
// extra paths. No approver expresses "contains": every open crosses the
// ring until a discarder keeps it off.
func (g *discardRig) writeRules(extra ...string) {
	g.t.Helper()
	cond := "fd.name contains /secret"
	for _, e := range extra {
		cond += " or fd.name = " + e
	}
	text := "- rule: Secret opened\n  desc: d\n  condition: evt.type in (open, openat, openat2) and (" + cond +
		")\n  output: secret %fd.name\n  priority: WARNING\n" +
		"- rule: Exec\n  desc: d\n  condition: evt.type = execve and proc.name = nosuchprocess\n  output: x\n  priority: WARNING\n"
	tmp := g.rules + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		g.t.Fatal(err)
	}
	if err := os.Rename(tmp, g.rules); err != nil {
		g.t.Fatal(err)
	}
}

func newDiscardRig(t *testing.T) *discardRig {
	requireRoot(t)
	ctx := context.Background()
	g := &discardRig{t: t, dir: t.TempDir(), sink: new(consumertest.LogsSink), tt: componenttest.NewTelemetry()}
	g.rules = filepath.Join(t.TempDir(), "rules.yaml")
	g.writeRules()
	pf := rulesprocessor.NewFactory()
	pcfg := pf.CreateDefaultConfig().(*rulesprocessor.Config)
	pcfg.Files = []string{g.rules}
	pcfg.SuggestedOutput = false
	pcfg.ReloadInterval = 20 * time.Millisecond
	pl, err := pf.CreateLogs(ctx, processortest.NewNopSettings(pf.Type()), pcfg, new(consumertest.LogsSink))
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	rf := syscallreceiver.NewFactory()
	cfg := rf.CreateDefaultConfig().(*syscallreceiver.Config)
	cfg.FlushInterval = 20 * time.Millisecond
	cfg.PollInterval = 2 * time.Millisecond
	set := receivertest.NewNopSettings(rf.Type())
	set.TelemetrySettings = g.tt.NewTelemetrySettings()
	r, err := rf.CreateLogs(ctx, set, cfg, g.sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := pl.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		g.tt.Shutdown(ctx)
	})
	return g
}

// opens runs cat on path n times (each a new process) and returns how
// many open records of path arrived; the reader has then handled every
// record of the cats (their exit came after the opens).
func (g *discardRig) opens(path string, n int, in ...string) int {
	g.t.Helper()
	return g.opensWith("cat", path, n, in...)
}

// opensWith is opens with another opener: a command that opens its
// argument.
func (g *discardRig) opensWith(opener, path string, n int, in ...string) int {
	g.t.Helper()
	g.sink.Reset()
	marker := filepath.Join(g.dir, "secret-marker")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		g.t.Fatal(err)
	}
	args := append(in, "sh", "-c", strings.Repeat(opener+" "+path+" >/dev/null; ", n)+"exec cat "+marker+" >/dev/null")
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		g.t.Fatalf("%v: %v\n%s", args, err, out)
	}
	// the final cat opens a path the rule matches: once its record is in,
	// so are the ones before it
	if !eventually(5*time.Second, func() bool { return g.count(marker) > 0 }) {
		g.t.Fatal("the marker open never arrived")
	}
	return g.count(path)
}

// count is the number of open records of path the sink holds.
func (g *discardRig) count(path string) int {
	str := func(m pcommon.Map, k string) string {
		if v, ok := m.Get(k); ok {
			return v.AsString()
		}
		return ""
	}
	got := 0
	for _, ld := range g.sink.AllLogs() {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			sls := ld.ResourceLogs().At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					a := lrs.At(k).Attributes()
					if str(a, eventattr.FilePath) == path && strings.HasPrefix(str(a, eventattr.EvtType), "open") {
						got++
					}
				}
			}
		}
	}
	return got
}

// learned makes sure path's discarder is in place: an open teaches the
// receiver (unless it is already in place), and then n opens in a row do
// not arrive.
func (g *discardRig) learned(path string, n int) {
	g.t.Helper()
	g.opens(path, 1)
	if got := g.opens(path, n); got != 0 {
		g.t.Fatalf("%s: %d of %d opens arrived after the first; want them discarded", path, got, n)
	}
}

// metric is the receiver's discarder counter name, summed over syscalls.
func (g *discardRig) metric(name string) int64 {
	time.Sleep(1200 * time.Millisecond) // published once a second
	m, err := g.tt.GetMetric("otelcol_receiver_syscall_discarder_" + name)
	if err != nil {
		return 0
	}
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		g.t.Fatalf("%s is %T", name, m.Data)
	}
	var v int64
	for _, dp := range s.DataPoints {
		v += dp.Value
	}
	return v
}

func (g *discardRig) file(name string) string {
	g.t.Helper()
	p := filepath.Join(g.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
		g.t.Fatal(err)
	}
	return p
}

// TestDiscardersLearnAndHit: with real rules, repeated opens of a file no
// rule can match stop crossing the ring after the first, the kernel
// counts the hits, and opens of a file a rule matches all arrive.
func TestDiscardersLearnAndHit(t *testing.T) {
	g := newDiscardRig(t)
	plain, secret := g.file("plain.txt"), g.file("secret.txt")
	if n := g.opens(plain, 1); n != 1 {
		t.Fatalf("first open of %s: %d records, want 1", plain, n)
	}
	g.learned(plain, 20)
	if n := g.opens(secret, 5); n != 5 {
		t.Fatalf("%d of 5 opens of a file a rule matches arrived", n)
	}
	if hits := g.metric("hits"); hits < 20 {
		t.Errorf("discarder hits %d, want at least 20", hits)
	}
	if ins := g.metric("insertions"); ins < 1 {
		t.Errorf("discarder insertions %d", ins)
	}
}

// TestDiscardersInvalidated: what changes the file or what a path leads
// to makes the next open arrive: a chmod, another file renamed onto the
// path, the file renamed to a path a rule matches, its directory renamed
// (the new name is another key) or replaced, and a rules reload that now
// matches the path. A rename that leaves the path on the same file does
// not.
func TestDiscardersInvalidated(t *testing.T) {
	g := newDiscardRig(t)
	plain := g.file("plain.txt")

	g.learned(plain, 5)
	if err := os.Chmod(plain, 0o600); err != nil {
		t.Fatal(err)
	}
	if n := g.opens(plain, 1); n != 1 {
		t.Fatalf("after chmod: %d records, want 1", n)
	}
	if inv := g.metric("invalidations"); inv < 1 {
		t.Errorf("invalidations %d after a chmod", inv)
	}

	g.learned(plain, 5)
	other := g.file("other.txt")
	if err := os.Rename(other, plain); err != nil {
		t.Fatal(err)
	}
	if n := g.opens(plain, 1); n != 1 {
		t.Fatalf("after renaming another file onto the path: %d records, want 1", n)
	}

	g.learned(plain, 5)
	moved := filepath.Join(g.dir, "secret-moved.txt")
	if err := os.Rename(plain, moved); err != nil {
		t.Fatal(err)
	}
	if n := g.opens(moved, 1); n != 1 {
		t.Fatalf("the discarded file renamed to a path a rule matches: %d records, want 1", n)
	}

	inner := g.file("sub/inner.txt")
	g.learned(inner, 5)
	sub := filepath.Join(g.dir, "sub")
	rename := func(from, to string) {
		t.Helper()
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
	}
	// away and back: the path leads to the same file again, whose answer
	// cannot have changed, and the entry holds
	rename(sub, filepath.Join(g.dir, "sub3"))
	rename(filepath.Join(g.dir, "sub3"), sub)
	if n := g.opens(inner, 3); n != 0 {
		t.Fatalf("after its directory was renamed away and back: %d records, want 0", n)
	}
	// the directory renamed: the file under its new name hashes to
	// another key and is judged afresh, then discarded under that name
	sub2 := filepath.Join(g.dir, "sub2")
	rename(sub, sub2)
	moved = filepath.Join(sub2, "inner.txt")
	if n := g.opens(moved, 1); n != 1 {
		t.Fatalf("its directory renamed: the first open under the new name gave %d records, want 1", n)
	}
	g.learned(moved, 5)
	// another directory renamed onto the old name: the same path, another
	// inode
	g.file("other/inner.txt")
	rename(filepath.Join(g.dir, "other"), sub)
	if n := g.opens(inner, 1); n != 1 {
		t.Fatalf("another directory renamed onto its directory's name: %d records, want 1", n)
	}
	// the directory renamed to a name a rule matches
	secretDir := filepath.Join(g.dir, "secret-dir")
	rename(sub2, secretDir)
	if n := g.opens(filepath.Join(secretDir, "inner.txt"), 3); n != 3 {
		t.Fatalf("its directory renamed to a name a rule matches: %d of 3 opens arrived", n)
	}

	g.learned(inner, 5)
	g.writeRules(inner)
	deadline := time.Now().Add(10 * time.Second)
	for g.opens(inner, 1) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("after a reload whose rules match the path: its opens still discarded")
		}
	}
	if n := g.opens(inner, 3); n != 3 {
		t.Fatalf("the rules match the path now: %d of 3 opens arrived", n)
	}
}

// openat2Opener is a command that opens its argument with openat2: this
// test binary, told so by the environment (see init).
func openat2Opener() string { return "VIGIL_TEST_OPENAT2=1 " + os.Args[0] }

func init() {
	if os.Getenv("VIGIL_TEST_OPENAT2") == "1" && len(os.Args) == 2 {
		fd, err := unix.Openat2(unix.AT_FDCWD, os.Args[1], &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC})
		if err != nil {
			os.Exit(2)
		}
		unix.Close(fd)
		os.Exit(0)
	}
}

// TestDiscardersOpenat2: openat2, whose flags the probe reads from user
// memory, learns and hits discarders too.
func TestDiscardersOpenat2(t *testing.T) {
	g := newDiscardRig(t)
	plain := g.file("plain.txt")
	if n := g.opensWith(openat2Opener(), plain, 1); n != 1 {
		t.Fatalf("first openat2 of %s: %d records, want 1", plain, n)
	}
	if n := g.opensWith(openat2Opener(), plain, 5); n != 0 {
		t.Fatalf("%d of 5 openat2 opens arrived after the first", n)
	}
}

// TestDiscardersPerMountNamespace: the host's discarder does not cover
// the same inode opened from another mount namespace.
func TestDiscardersPerMountNamespace(t *testing.T) {
	g := newDiscardRig(t)
	plain := g.file("plain.txt")
	g.learned(plain, 5)
	if n := g.opens(plain, 1, "unshare", "-m"); n != 1 {
		t.Fatalf("an open from another mount namespace: %d records, want 1", n)
	}
	g.learned(plain, 3)
}

// TestDiscardersPathLimit: a path of 254 bytes is discarded, one of 255
// is not (the probe reads 256 bytes with the NUL and leaves a read that
// fills them), as the receiver README says.
func TestDiscardersPathLimit(t *testing.T) {
	g := newDiscardRig(t)
	at := func(n int) string {
		// directories of up to 100 bytes, then a file name to make n
		p := g.dir
		for n-len(p) > 101 {
			p = filepath.Join(p, strings.Repeat("d", 100))
		}
		p = filepath.Join(p, strings.Repeat("f", n-len(p)-1))
		if len(p) != n {
			t.Fatalf("built a path of %d bytes, want %d", len(p), n)
		}
		rel, err := filepath.Rel(g.dir, p)
		if err != nil {
			t.Fatal(err)
		}
		return g.file(rel)
	}
	short, long := at(254), at(255)
	g.learned(short, 3)
	for i := 0; i < 3; i++ {
		if n := g.opens(long, 1); n != 1 {
			t.Fatalf("open %d of a 255-byte path: %d records, want 1", i+1, n)
		}
	}
}
