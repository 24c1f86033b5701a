package logencode

import (
	"encoding/binary"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/container"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// rawRecord encodes a probe record (bpf/event.h): header, then sections of
// (type, arg, payload).
type rawRecord struct {
	kind      uint16
	tgid, tid uint32
	ret       int64
	args      [6]uint64
	sections  [][]byte
	cpu       uint16
	bootNs    uint64
}

func (r *rawRecord) section(typ, arg uint8, data []byte) *rawRecord {
	s := make([]byte, 4+len(data))
	binary.LittleEndian.PutUint16(s, uint16(len(data)))
	s[2], s[3] = typ, arg
	copy(s[4:], data)
	r.sections = append(r.sections, s)
	return r
}

func (r *rawRecord) bytes() []byte {
	b := make([]byte, 32)
	le := binary.LittleEndian
	le.PutUint64(b[0:], r.bootNs)
	le.PutUint64(b[8:], uint64(r.ret))
	le.PutUint32(b[16:], r.tgid)
	le.PutUint32(b[20:], r.tid)
	le.PutUint16(b[24:], r.kind)
	le.PutUint16(b[26:], r.cpu)
	b[30] = 6
	for _, a := range r.args {
		b = le.AppendUint64(b, a)
	}
	for _, s := range r.sections {
		b = append(b, s...)
	}
	le.PutUint16(b[28:], uint16(len(b)))
	return b
}

// openat of path by tgid returning fd, with the kernel's fd view (a
// regular file).
func openat(tgid uint32, path string, fd int64) []byte {
	r := &rawRecord{kind: 257, tgid: tgid, tid: tgid, ret: fd, args: [6]uint64{uint64(0xffffffffffffff9c), 0, 0}}
	r.section(event.SecStr, 1, append([]byte(path), 0)[:len(path)])
	k := make([]byte, 24)
	binary.LittleEndian.PutUint32(k[0:], uint32(fd))
	binary.LittleEndian.PutUint32(k[4:], 0o100644)
	binary.LittleEndian.PutUint64(k[8:], 1234)
	r.section(event.SecFD, event.FDRet, k)
	return r.bytes()
}

func chdir(tgid uint32, path string) []byte {
	r := &rawRecord{kind: 80, tgid: tgid, tid: tgid}
	r.section(event.SecStr, 0, []byte(path))
	return r.bytes()
}

func exitOf(tgid uint32) []byte {
	return (&rawRecord{kind: event.KindExit, tgid: tgid, tid: tgid}).bytes()
}

// resources lists, per ResourceLogs of l, the pid and cwd of its context
// and the file.path of each of its records.
type resGroup struct {
	pid      int64
	cwd      string
	anames   string
	paths    []string
	resource plog.ResourceLogs
}

func groups(l plog.Logs) []resGroup {
	var out []resGroup
	for i := 0; i < l.ResourceLogs().Len(); i++ {
		rl := l.ResourceLogs().At(i)
		ra := rl.Resource().Attributes()
		pid, _ := ra.Get("process.pid")
		g := resGroup{pid: pid.Int(), cwd: get(ra, "process.working_directory"), anames: get(ra, "vigil.proc.anames"), resource: rl}
		lrs := rl.ScopeLogs().At(0).LogRecords()
		for k := 0; k < lrs.Len(); k++ {
			g.paths = append(g.paths, get(lrs.At(k).Attributes(), "file.path"))
		}
		out = append(out, g)
	}
	return out
}

func contextBuilder(t *testing.T) *Encoder {
	b := newBuilder("openat") // chdir only changes the state
	tb := b.Table
	tb.Put(&proctable.Process{PID: 1, Comm: "init", Loaded: true})
	tb.Put(&proctable.Process{PID: 10, PPID: 1, Comm: "bash", Cwd: "/root", Loaded: true})
	tb.Put(&proctable.Process{PID: 20, PPID: 10, Comm: "app", Cwd: "/srv", Loaded: true})
	tb.Put(&proctable.Process{PID: 21, PPID: 10, Comm: "other", Cwd: "/srv", Loaded: true})
	return b
}

func handle(t *testing.T, b *Encoder, raws ...[]byte) {
	t.Helper()
	for _, raw := range raws {
		if err := b.Handle(raw, 1); err != nil {
			t.Fatal(err)
		}
	}
}

// One ResourceLogs per process state: records of one state share it, a
// change of the process's own context starts a new one, and every record
// sits under the context it had when it happened.
func TestOneResourcePerProcessState(t *testing.T) {
	b := contextBuilder(t)
	handle(t, b,
		openat(20, "a", 3), openat(20, "b", 4), openat(21, "c", 3), openat(20, "d", 5),
		chdir(20, "/tmp"),
		openat(20, "e", 6), openat(21, "f", 4))
	gs := groups(b.Take())
	if len(gs) != 3 {
		t.Fatalf("%d resources, want 3 (app before and after chdir, other): %+v", len(gs), gs)
	}
	want := []struct {
		pid   int64
		cwd   string
		paths string
	}{{20, "/srv/", "/srv/a /srv/b /srv/d"}, {21, "/srv/", "/srv/c /srv/f"}, {20, "/tmp/", "/tmp/e"}}
	for i, w := range want {
		g := gs[i]
		paths := ""
		for j, p := range g.paths {
			if j > 0 {
				paths += " "
			}
			paths += p
		}
		if g.pid != w.pid || g.cwd != w.cwd || paths != w.paths {
			t.Errorf("resource %d: pid %d cwd %s records %s; want pid %d cwd %s records %s", i, g.pid, g.cwd, paths, w.pid, w.cwd, w.paths)
		}
		if get(g.resource.Resource().Attributes(), "host.name") != "test-host" {
			t.Errorf("resource %d has no host.name", i)
		}
	}
	// a new batch builds its resources again
	handle(t, b, openat(20, "g", 7))
	if gs := groups(b.Take()); len(gs) != 1 || gs[0].cwd != "/tmp/" || gs[0].paths[0] != "/tmp/g" {
		t.Errorf("next batch: %+v", gs)
	}
}

// A change in a process the context names (an ancestor's exit or exec, the
// session leader) is a new process state too.
func TestAncestorChangeIsANewState(t *testing.T) {
	b := contextBuilder(t)
	// the parent's exit leaves the ancestry as it was (the table keeps
	// exited processes for their children); a new process taking its pid
	// changes it
	handle(t, b, openat(20, "/a", 3), exitOf(10), openat(20, "/b", 4))
	b.Table.Put(&proctable.Process{PID: 10, PPID: 1, Comm: "other"})
	handle(t, b, openat(20, "/c", 5))
	gs := groups(b.Take())
	if len(gs) != 2 || gs[0].anames != `["bash","init"]` || len(gs[0].paths) != 2 || gs[1].anames != `["other","init"]` {
		t.Fatalf("want two states, with the exited parent and with the pid's new process: %+v", gs)
	}
	// nothing changed: the same version, however often asked
	p := b.Table.Peek(20)
	v := b.Table.ContextVersion(p)
	b.Table.Put(&proctable.Process{PID: 99, Comm: "unrelated"})
	if b.Table.ContextVersion(p) != v {
		t.Error("an unrelated process changed app's context version")
	}
	b.Table.Changed(b.Table.Peek(99)) // a process outside app's ancestry execs
	if b.Table.ContextVersion(p) != v {
		t.Error("a process outside app's ancestry changed its version")
	}
	b.Table.Changed(b.Table.Peek(1)) // init, an ancestor, execs
	if b.Table.ContextVersion(p) == v {
		t.Error("an ancestor's exec kept app's version")
	}
	v = b.Table.ContextVersion(p)
	b.Table.Invalidate()
	if b.Table.ContextVersion(p) == v {
		t.Error("Invalidate kept the version")
	}
}

// BenchmarkContextVersion is the per-event cost of finding a record's
// resource when nothing changed (the common case) and right after a change
// elsewhere in the table (a walk of the ancestry).
func BenchmarkContextVersion(b *testing.B) {
	bl := contextBuilder(nil)
	p := bl.Table.Peek(20)
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			bl.Table.ContextVersion(p)
		}
	})
	b.Run("after-change", func(b *testing.B) {
		other := bl.Table.Peek(21)
		for i := 0; i < b.N; i++ {
			bl.Table.Changed(other)
			bl.Table.ContextVersion(p)
		}
	})
}

// A batch's resources are grouped by container, each carrying the
// container's identity.
func TestResourcesGroupedByContainer(t *testing.T) {
	b := contextBuilder(t)
	c1 := strings.Repeat("b", 64)
	c2 := strings.Repeat("a", 64)
	b.Table.Put(&proctable.Process{PID: 30, PPID: 1, Comm: "web", Loaded: true, Container: container.Info{ID: c1, Runtime: "containerd", PodUID: "pod-1"}})
	b.Table.Put(&proctable.Process{PID: 31, PPID: 1, Comm: "db", Loaded: true, Container: container.Info{ID: c2, Runtime: "cri-o"}})
	b.Table.Put(&proctable.Process{PID: 32, PPID: 1, Comm: "web2", Loaded: true, Container: container.Info{ID: c1, Runtime: "containerd", PodUID: "pod-1"}})
	handle(t, b, openat(30, "/a", 3), openat(20, "/b", 3), openat(31, "/c", 3), openat(32, "/d", 3), openat(21, "/e", 3))
	l := b.Take()
	var order []string
	for i := 0; i < l.ResourceLogs().Len(); i++ {
		ra := l.ResourceLogs().At(i).Resource().Attributes()
		order = append(order, get(ra, "process.executable.name")+"@"+get(ra, "container.id")[:1])
		if get(ra, "host.name") != "test-host" {
			t.Errorf("resource %d has no host.name", i)
		}
		if cid := get(ra, "container.id"); cid == c1 && (get(ra, "k8s.pod.uid") != "pod-1" || get(ra, "container.runtime.name") != "containerd") {
			t.Errorf("resource %d: container attributes %v", i, ra.AsRaw())
		}
	}
	if got := strings.Join(order, " "); got != "app@< other@< db@a web@b web2@b" {
		t.Errorf("resource order %s", got)
	}
}
