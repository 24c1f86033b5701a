package logencode

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// BenchmarkOpenRecord measures turning one recorded openat into a log
// record (the per-event cost of the receiver's userspace side).
func BenchmarkOpenRecord(b *testing.B) {
	raws := samples(&testing.T{}, "cat_shadow.bin")
	bl := newBuilder("openat")
	var open []byte
	var r event.Record
	for _, raw := range raws {
		if event.Decode(raw, &r) != nil || r.Kind == event.KindExit {
			continue // keep cat in the table
		}
		_ = bl.Handle(raw, 1)
		if r.Kind == 257 && r.Ret >= 0 {
			open = raw
		}
	}
	bl.Take()
	// a realistic ancestry: the recorded parent, then six more levels
	event.Decode(open, &r)
	parent := bl.Table.Peek(int64(r.TGID))
	for cur, pid := bl.Table.Peek(parent.PPID), int64(900000); cur != nil && pid < 900006; pid++ {
		anc := &proctable.Process{PID: pid, Comm: "bash", Exe: "bash", ExePath: "/usr/bin/bash", Cmdline: "bash -c something", Args: []string{"bash", "-c", "something"}}
		cur.PPID = pid
		bl.Table.Put(anc)
		cur = anc
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNs()
	for i := 0; i < b.N; i++ {
		_ = bl.Handle(open, 1)
		if bl.Pending() >= 1024 {
			bl.Take()
		}
	}
	// CPU time of the whole process (GC workers included) per record: on a
	// shared machine wall-clock ns/op also counts time spent waiting for a CPU
	b.ReportMetric(float64(cpuNs()-cpu0)/float64(b.N), "cpu-ns/op")
}

func cpuNs() int64 {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkStateOnly measures a captured syscall that only updates the
// tables (a close outside the rules' set).
func BenchmarkStateOnly(b *testing.B) {
	raws := samples(&testing.T{}, "cat_shadow.bin")
	bl := newBuilder()
	var cl []byte
	var r event.Record
	for _, raw := range raws {
		_ = bl.Handle(raw, 1)
		if event.Decode(raw, &r) == nil && r.Kind == 3 {
			cl = raw
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = bl.Handle(cl, 1)
	}
}

// BenchmarkConnectRecord measures turning one recorded connect into a log
// record: the socket tuple, its address strings and the host-name lookups
// are what it adds over an open.
func BenchmarkConnectRecord(b *testing.B) {
	raws := samples(&testing.T{}, "connect.bin")
	bl := newBuilder("connect")
	var conn []byte
	var r event.Record
	for _, raw := range raws {
		if event.Decode(raw, &r) != nil || r.Kind == event.KindExit {
			continue
		}
		_ = bl.Handle(raw, 1)
		if r.Kind == 42 {
			conn = raw
		}
	}
	if conn == nil {
		b.Fatal("no connect in connect.bin")
	}
	bl.Take()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNs()
	for i := 0; i < b.N; i++ {
		_ = bl.Handle(conn, 1)
		if bl.Pending() >= 1024 {
			bl.Take()
		}
	}
	b.ReportMetric(float64(cpuNs()-cpu0)/float64(b.N), "cpu-ns/op")
}

// stableSyscalls are the syscalls the upstream stable rules capture.
var stableSyscalls = []string{"execve", "execveat", "openat", "open", "openat2", "dup", "dup2", "dup3", "connect", "socket", "sendto", "sendmsg", "ptrace", "link", "linkat", "symlink", "symlinkat", "init_module", "finit_module"}

// BenchmarkProcessLifecycle measures one short-lived process from fork to
// exit, as a shell or a build spawns them: the recorded `cat /etc/shadow`
// (fork, clone, chdir, dup2, exec, its opens and closes, exit) replayed
// under a new pid each time, with the upstream stable rules' syscalls
// emitted. Its cost is the exec path's: the new process's state, its
// resource, and the records.
func BenchmarkProcessLifecycle(b *testing.B) {
	benchLifecycle(b, func(*event.Record) bool { return true })
}

// BenchmarkForkExec measures what a fork+exec costs the receiver once the
// kernel filters have dropped the records no stable rule can match: the
// fork, exec and exit records that keep the process table exact and the
// execve record the spawned_process rules read (the bench's exec storm
// sends about these four per fork+exec of /bin/true).
func BenchmarkForkExec(b *testing.B) {
	benchLifecycle(b, func(r *event.Record) bool {
		switch r.Kind {
		case event.KindFork, event.KindExec, event.KindExit, 59:
			return true
		}
		return false
	})
}

// benchLifecycle replays the child's records of cat_shadow.bin that keep
// selects under a new pid per iteration.
func benchLifecycle(b *testing.B, keep func(*event.Record) bool) {
	raws := samples(&testing.T{}, "cat_shadow.bin")
	bl := newBuilder(stableSyscalls...)
	var r event.Record
	var child uint32
	for _, raw := range raws {
		if event.Decode(raw, &r) == nil && r.Kind == event.KindFork {
			s, _ := r.Find(event.SecProc, -1)
			var p event.Proc
			event.ParseProc(s.Data, &p)
			child = p.PID
			break
		}
	}
	// the child's records, copied, with the offsets of its pid fields
	type life struct {
		raw  []byte
		pids []int
	}
	var lives []life
	for _, raw := range raws {
		if event.Decode(raw, &r) != nil || !keep(&r) {
			continue
		}
		l := life{raw: append([]byte(nil), raw...)}
		if r.TGID == child {
			l.pids = append(l.pids, 16, 20)
		}
		if s, ok := r.Find(event.SecProc, -1); ok {
			off := cap(raw) - cap(s.Data)
			for i := 0; i < 2; i++ {
				if binary.LittleEndian.Uint32(raw[off+4*i:]) == child {
					l.pids = append(l.pids, off+4*i)
				}
			}
		}
		if len(l.pids) > 0 {
			lives = append(lives, l)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNs()
	pid := uint32(2000000)
	for i := 0; i < b.N; i++ {
		pid++
		for _, l := range lives {
			for _, off := range l.pids {
				binary.LittleEndian.PutUint32(l.raw[off:], pid)
			}
			_ = bl.Handle(l.raw, 1)
		}
		if bl.Pending() >= 1024 {
			bl.Take()
		}
	}
	b.ReportMetric(float64(cpuNs()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(bl.Emitted)/float64(b.N), "records/op")
}
