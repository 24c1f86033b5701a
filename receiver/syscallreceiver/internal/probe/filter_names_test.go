//go:build linux && amd64

package probe

import (
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cilium/ebpf/ringbuf"
)

// TestKernelNameFilters: an openat passes when its path is in the path set
// or its process's exec name is in the name set; a sendto (no path) only
// by its name. A thread that renames itself with prctl is still judged by
// the name it exec'd with, as the receiver's proc.name is.
func TestKernelNameFilters(t *testing.T) {
	requireRoot(t)
	p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 64, RingBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	named := filepath.Join(t.TempDir(), "vigilnamed")
	if err := os.Symlink(os.Args[0], named); err != nil {
		t.Fatal(err)
	}
	open := &Filter{PathArg: 1}
	send := &Filter{NoPath: true}
	for m := range open.Paths {
		open.Paths[m] = ModePaths{On: true, Prefixes: []string{"/etc/hostname\x00"}, Names: []string{"vigilnamed"}}
		send.Paths[m] = ModePaths{On: true, Names: []string{"vigilnamed"}}
	}
	if err := p.Update(func(u *SpecUpdate) {
		u.SetSpec(257, Spec{Kind: [6]uint8{0, 1}, FDSrc: 7, NArgs: 4})
		u.SetMode(257, Capture)
		u.SetSpec(44, Spec{FDSrc: 1, NArgs: 6})
		u.SetMode(44, Capture)
		u.SetFilter(257, open)
		u.SetFilter(44, send)
	}); err != nil {
		t.Fatal(err)
	}
	if err := p.Attach(); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/etc/hostname", "/etc/passwd"}
	count := func() (uint64, uint64) {
		out := make([]uint64, MaxSyscalls)
		if err := p.Filtered(out); err != nil {
			t.Fatal(err)
		}
		return out[257], out[44]
	}
	for _, c := range []struct {
		name, exe, rename string
		opens             []string
		sendto            int
	}{
		{"other name", os.Args[0], "", []string{"/etc/hostname"}, 0},
		{"named", named, "", paths, 2},
		{"other name renamed to the named one", os.Args[0], "vigilnamed", []string{"/etc/hostname"}, 0},
		{"named renamed to another", named, "somethingelse", paths, 2},
	} {
		o0, s0 := count()
		var env []string
		if c.rename != "" {
			env = append(env, "VIGIL_RENAME="+c.rename)
		}
		got := runChildAs(t, p, c.exe, paths, env...)
		opens := slices.DeleteFunc(got.opens, func(s string) bool { return !slices.Contains(paths, s) })
		if !slices.Equal(opens, c.opens) || got.sendto != c.sendto {
			t.Errorf("%s: openat %q sendto %d, want %q and %d", c.name, opens, got.sendto, c.opens, c.sendto)
		}
		o1, s1 := count()
		if len(c.opens) < len(paths) && o1 == o0 || c.sendto == 0 && s1 < s0+2 {
			t.Errorf("%s: filtered counts did not grow: openat %d->%d sendto %d->%d", c.name, o0, o1, s0, s1)
		}
	}
	// a reload without names leaves none of the old generation's behind
	keys := func() int {
		var k, next nameKey
		n := 0
		for err := p.objs.NameFilter.NextKey(nil, &next); err == nil; err = p.objs.NameFilter.NextKey(&k, &next) {
			k = next
			n++
		}
		return n
	}
	if n := keys(); n != 8 {
		t.Errorf("name_filter holds %d keys, want 8 (four modes of openat and of sendto)", n)
	}
	if err := p.Update(func(u *SpecUpdate) {
		u.SetFilter(257, &Filter{OutcomeOn: true, Outcome: 1})
		u.SetFilter(44, nil)
	}); err != nil {
		t.Fatal(err)
	}
	if n := keys(); n != 0 {
		t.Errorf("name_filter holds %d keys after a reload without names", n)
	}
}

// TestKernelPlaceFilters: a sendto filtered to container processes is
// dropped for a process the receiver said runs on the host, kept for one
// it said runs in a container, and kept whenever the probe cannot trust
// what it was told: nothing told, a cgroup move since, another start time.
func TestKernelPlaceFilters(t *testing.T) {
	requireRoot(t)
	p := containerOnlyProbe(t)
	cg := moveTarget(t)
	for _, c := range []struct {
		name   string
		set    func(pid uint32, pn procName) error
		move   bool
		sendto int
	}{
		{"not told", func(uint32, procName) error { return nil }, false, 2},
		{"host", func(pid uint32, pn procName) error { return p.SetPlace(pid, pn.Start, pn.Stamp, false) }, false, 0},
		{"container", func(pid uint32, pn procName) error { return p.SetPlace(pid, pn.Start, pn.Stamp, true) }, false, 2},
		{"host, moved since", func(pid uint32, pn procName) error { return p.SetPlace(pid, pn.Start, pn.Stamp, false) }, true, 2},
		{"host, another process", func(pid uint32, pn procName) error { return p.SetPlace(pid, pn.Start+1, pn.Stamp, false) }, false, 2},
	} {
		cmd := exec.Command(os.Args[0], "-test.run", "^$")
		cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=filters", "VIGIL_WAIT=1")
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pid := uint32(cmd.Process.Pid)
		var pn procName
		// Start returns after the exec: the probe has the process's entry
		if err := p.objs.ProcNames.Lookup(pid, &pn); err != nil {
			t.Fatalf("%s: proc_names has no entry for the child: %v", c.name, err)
		}
		if err := c.set(pid, pn); err != nil {
			t.Fatal(err)
		}
		if c.move {
			if err := os.WriteFile(filepath.Join(cg, "cgroup.procs"), []byte(strconv.Itoa(int(pid))), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = io.WriteString(in, "x")
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%s: child: %v", c.name, err)
		}
		if got := records(t, p, pid); got.sendto != c.sendto {
			t.Errorf("%s: %d sendto records, want %d", c.name, got.sendto, c.sendto)
		}
	}
}

// TestKernelPlaceInherited: a new process gets its parent's place at
// fork when the probe trusts the parent's, before anyone tells it of the
// child.
func TestKernelPlaceInherited(t *testing.T) {
	requireRoot(t)
	p := containerOnlyProbe(t)
	// the test process is older than the probe: a seeded entry (start 0)
	self := uint32(os.Getpid())
	if err := p.SeedName(self, "probe.test"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		inContainer bool
		sendto      int
	}{{false, 0}, {true, 2}} {
		if err := p.SetPlace(self, 0, 0, c.inContainer); err != nil {
			t.Fatal(err)
		}
		if got := runChild(t, p, nil); got.sendto != c.sendto {
			t.Errorf("parent in a container %v: the child's %d sendto records, want %d", c.inContainer, got.sendto, c.sendto)
		}
	}
	// a parent whose place is stale (another start time) passes nothing on
	if err := p.SetPlace(self, 1, 0, false); err != nil {
		t.Fatal(err)
	}
	if got := runChild(t, p, nil); got.sendto != 2 {
		t.Errorf("stale parent: the child's %d sendto records, want 2", got.sendto)
	}
}

// moveTarget makes a cgroup a process can be moved into: in the unified
// hierarchy when it is mounted at /sys/fs/cgroup, else in the v1 memory
// hierarchy.
func moveTarget(t *testing.T) string {
	t.Helper()
	root := "/sys/fs/cgroup"
	if _, err := os.Stat(filepath.Join(root, "cgroup.procs")); err != nil {
		root = filepath.Join(root, "memory")
	}
	dir := filepath.Join(root, "vigil-probe-test-"+strconv.Itoa(os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Remove(dir) })
	return dir
}

// TestKernelPlaceStampOfOlderProcess: a process older than the probe,
// which the probe has no entry for, gets one at its first cgroup move,
// and the move's record carries that entry's place stamp; a place the
// receiver writes with the record's stamp is then trusted (a host-only
// process is dropped by a container-only filter). The stamps of kernel
// and receiver so start from the same record: before, the probe counted
// the moves only of processes it knew while the receiver counted every
// move record, and the two counts could meet on a stale place.
func TestKernelPlaceStampOfOlderProcess(t *testing.T) {
	requireRoot(t)
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=filters", "VIGIL_WAIT=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	pid := uint32(cmd.Process.Pid)

	p := containerOnlyProbe(t)
	var pn procName
	if err := p.objs.ProcNames.Lookup(pid, &pn); err == nil {
		t.Fatal("the probe has an entry for a process older than itself")
	}
	cg := moveTarget(t)
	if err := os.WriteFile(filepath.Join(cg, "cgroup.procs"), []byte(strconv.Itoa(int(pid))), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.objs.ProcNames.Lookup(pid, &pn); err != nil {
		t.Fatalf("no entry after the move: %v", err)
	}
	if pn.Stamp == 0 || pn.Start == 0 || pn.Comm[0] != 0 {
		t.Fatalf("entry after the move: %+v, want a stamp, a start time and no name", pn)
	}
	stamp := moveStamp(t, p, pid)
	if stamp != pn.Stamp {
		t.Fatalf("the move's record has stamp %#x, the probe's entry %#x", stamp, pn.Stamp)
	}
	if err := p.SetPlace(pid, pn.Start, stamp, false); err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(in, "x")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if got := records(t, p, pid); got.sendto != 0 {
		t.Errorf("%d sendto records of a host process under a container-only filter, want 0", got.sendto)
	}
}

// containerOnlyProbe loads and attaches a probe that captures sendto
// only of processes it trusts to run in a container.
func containerOnlyProbe(t *testing.T) *Probe {
	t.Helper()
	p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 64, RingBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.Update(func(u *SpecUpdate) {
		u.SetSpec(44, Spec{FDSrc: 1, NArgs: 6})
		u.SetMode(44, Capture)
		u.SetFilter(44, &Filter{WhereOn: true, Where: PlaceContainer})
	}); err != nil {
		t.Fatal(err)
	}
	if err := p.Attach(); err != nil {
		t.Fatal(err)
	}
	return p
}

// moveStamp reads the rings up to process pid's cgroup record and
// returns its place stamp (VG_SEC_PLACE).
func moveStamp(t *testing.T, p *Probe, pid uint32) uint64 {
	t.Helper()
	var rec ringbuf.Record
	for _, rd := range p.Readers {
		rd.SetDeadline(time.Now().Add(200 * time.Millisecond))
		for rd.ReadInto(&rec) == nil {
			b := rec.RawSample
			le := binary.LittleEndian
			if len(b) < 32 || le.Uint32(b[16:]) != pid || le.Uint16(b[24:]) != 1003 {
				continue
			}
			for off := 32 + 8*int(b[30]); off+4 <= len(b); {
				n, typ := int(le.Uint16(b[off:])), b[off+2]
				if typ == 19 && n == 8 && off+12 <= len(b) {
					return le.Uint64(b[off+4:])
				}
				off += 4 + n
			}
			t.Fatal("the cgroup record has no place stamp")
		}
	}
	t.Fatal("no cgroup record of the moved process")
	return 0
}
