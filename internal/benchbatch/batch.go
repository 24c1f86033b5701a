// Package benchbatch builds batches of log records laid out as the syscall
// receiver lays them out (process context on the Resource, the event on the
// record), for the benchmarks and tests of what consumes them.
package benchbatch

import (
	"fmt"
	"math/rand"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// EventTime is the timestamp of the first event of a Batch:
// 2025-07-01T12:34:56.789012345Z.
var EventTime = time.Date(2025, 7, 1, 12, 34, 56, 789012345, time.UTC)

// PutValue stores a Go value (string, int, int64, bool, []byte, []string,
// []int64) as a pdata value.
func PutValue(m pcommon.Map, k string, v any) {
	switch x := v.(type) {
	case string:
		m.PutStr(k, x)
	case int:
		m.PutInt(k, int64(x))
	case int64:
		m.PutInt(k, x)
	case bool:
		m.PutBool(k, x)
	case []byte:
		m.PutEmptyBytes(k).FromRaw(x)
	case []string:
		s := m.PutEmptySlice(k)
		for _, e := range x {
			s.AppendEmpty().SetStr(e)
		}
	case []int64:
		s := m.PutEmptySlice(k)
		for _, e := range x {
			s.AppendEmpty().SetInt(e)
		}
	default:
		panic(fmt.Sprintf("benchbatch: unsupported value %T", v))
	}
}

// kv is one attribute, for building records in a fixed order.
type kv struct {
	k string
	v any
}

// receiverResource writes a process state's resource the way the syscall
// receiver lays it out: host and container identity, then the process, its
// ancestry, user and group (about 40 values, written once per process state
// and batch).
func receiverResource(m pcommon.Map, containerID, proc string) {
	m.EnsureCapacity(48)
	attrs := []kv{{"host.name", "node-1"}}
	if containerID != "" {
		attrs = append(attrs, kv{"container.id", containerID}, kv{"container.runtime.name", "containerd"})
	}
	attrs = append(attrs, []kv{
		{"process.pid", int64(4242)}, {"process.vpid", int64(42)},
		{"process.parent_pid", int64(4000)}, {"process.executable.name", proc}, {"process.command", proc},
		{"process.executable.path", "/usr/bin/" + proc}, {"process.command_line", proc + " --serve"},
		{"process.command_args", []string{proc, "--serve"}}, {"process.working_directory", "/srv"},
		{"vigil.proc.tty", int64(0)}, {"process.interactive", false}, {"process.session_leader.pid", int64(1)},
		{"vigil.proc.sname", "containerd-shim"}, {"process.group_leader.pid", int64(4242)}, {"vigil.proc.vpgid", int64(42)},
		{"vigil.proc.start_ts", int64(1751373000000000000)}, {"vigil.proc.exe_ino", int64(123456)},
		{"vigil.proc.is_exe_upper_layer", false}, {"vigil.proc.is_exe_from_memfd", false},
		{"vigil.thread.cap_permitted", ""}, {"vigil.thread.cap_effective", ""}, {"vigil.thread.cap_inheritable", ""},
		{"vigil.proc.anames", []string{"containerd-shim", "systemd"}}, {"vigil.proc.apids", []int64{4000, 1}},
		{"vigil.proc.aexes", []string{"containerd-shim", "/sbin/init"}},
		{"vigil.proc.aexepaths", []string{"/usr/bin/containerd-shim-runc-v2", "/usr/lib/systemd/systemd"}},
		{"vigil.proc.acmdlines", []string{"containerd-shim -namespace k8s.io", "systemd"}},
		{"process.user.id", int64(101)}, {"process.user.name", "app"}, {"vigil.user.homedir", "/home/app"},
		{"vigil.user.shell", "/sbin/nologin"}, {"vigil.user.loginuid", int64(-1)}, {"vigil.group.gid", int64(101)},
		{"vigil.group.name", "app"},
	}...)
	for _, x := range attrs {
		PutValue(m, x.k, x.v)
	}
}

// receiverRecord writes an event the way the syscall receiver lays it out:
// event identity and thread, the syscall's parameters, then the fd (15 to
// 25 attributes; the process context is on the resource).
func receiverRecord(lr plog.LogRecord, num int64, evtType string, ret int64, params, fd []kv, ts time.Time) {
	lr.SetEventName("vigil.syscall")
	lr.SetTimestamp(pcommon.NewTimestampFromTime(ts))
	lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(ts.Add(time.Millisecond)))
	a := lr.Attributes()
	a.EnsureCapacity(32)
	attrs := []kv{
		{"vigil.evt.type", evtType}, {"vigil.evt.num", num}, {"vigil.evt.cpu", int64(1)}, {"vigil.evt.rawres", ret},
		{"thread.id", int64(4242)}, {"vigil.thread.vtid", int64(42)},
	}
	for _, x := range append(append(attrs, params...), fd...) {
		PutValue(a, x.k, x.v)
	}
}

// Containers is how many container ids a Batch spreads its events over
// (ContainerID(1) to ContainerID(Containers-1)); one share is the host's.
const Containers = 5

// ContainerID is the id of container c (1 to Containers-1) in a Batch.
func ContainerID(c int) string { return strings.Repeat(fmt.Sprintf("%x", c), 64) }

// Batch builds a batch of n receiver-shaped events: one ResourceLogs
// per process state (eight processes in each of four containers and on the
// host), mostly opens of ordinary files, some execs, connects and closes,
// and every matchEvery-th event a read of /etc/shadow by cat (an alert with
// the stable rules; 0 for none).
func Batch(n, matchEvery int) plog.Logs {
	r := rand.New(rand.NewSource(1))
	ld := plog.NewLogs()
	procs := []string{"nginx", "java", "python3", "node", "postgres", "kubelet", "containerd", "sleep", "cat"}
	groups := map[[2]int]plog.LogRecordSlice{}
	group := func(c, p int) plog.LogRecordSlice {
		if g, ok := groups[[2]int{c, p}]; ok {
			return g
		}
		rl := ld.ResourceLogs().AppendEmpty()
		id := ""
		if c > 0 {
			id = ContainerID(c)
		}
		receiverResource(rl.Resource().Attributes(), id, procs[p])
		g := rl.ScopeLogs().AppendEmpty().LogRecords()
		groups[[2]int{c, p}] = g
		return g
	}
	files := []string{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/ld.so.cache", "/proc/self/stat", "/var/lib/app/data.db",
		"/usr/share/zoneinfo/UTC", "/tmp/app.sock", "/etc/hosts", "/etc/resolv.conf", "/dev/null", "/sys/fs/cgroup/cpu.max"}
	open := func(path string, flags int64, flagText string) ([]kv, []kv) {
		return []kv{{"vigil.evt.arg.fd", "3"}, {"vigil.evt.rawarg.fd", int64(3)}, {"vigil.evt.arg.dirfd", "AT_FDCWD"},
				{"vigil.evt.rawarg.dirfd", int64(-100)}, {"vigil.evt.arg.name", path}, {"vigil.evt.arg.flags", flagText},
				{"vigil.evt.rawarg.flags", flags}, {"vigil.evt.arg.mode", "0"}, {"vigil.evt.rawarg.mode", int64(0)}},
			[]kv{{"vigil.fd.num", int64(3)}, {"vigil.fd.type", "file"}, {"file.path", path}, {"vigil.fd.nameraw", path},
				{"vigil.fd.dev", int64(64769)}, {"vigil.fd.ino", int64(77)}}
	}
	for i := 0; i < n; i++ {
		p := r.Intn(len(procs) - 1)
		c := i % Containers
		ts := EventTime.Add(time.Duration(i) * time.Microsecond)
		num := int64(i + 1)
		switch k := r.Intn(10); {
		case matchEvery > 0 && i%matchEvery == 0:
			params, fd := open("/etc/shadow", 0o2000000, "O_RDONLY|O_CLOEXEC")
			receiverRecord(group(c, len(procs)-1).AppendEmpty(), num, "openat", 3, params, fd, ts)
		case k < 7:
			params, fd := open(files[r.Intn(len(files))], int64(r.Intn(3))|0o2000000, "O_RDONLY|O_CLOEXEC")
			receiverRecord(group(c, p).AppendEmpty(), num, "openat", 3, params, fd, ts)
		case k < 8:
			receiverRecord(group(c, p).AppendEmpty(), num, "execve", 0, []kv{{"vigil.evt.arg.res", "0"}, {"vigil.evt.arg.exe", procs[p]},
				{"vigil.evt.arg.args", "--serve"}, {"vigil.evt.arg.filename", "/usr/bin/" + procs[p]}}, nil, ts)
		case k < 9:
			receiverRecord(group(c, p).AppendEmpty(), num, "connect", 0, []kv{{"vigil.evt.arg.res", "0"}, {"vigil.evt.arg.tuple", "10.244.1.7:41000->10.96.0.1:443"},
				{"vigil.evt.arg.fd", "10.244.1.7:41000->10.96.0.1:443"}, {"vigil.evt.rawarg.fd", int64(7)}},
				[]kv{{"vigil.fd.num", int64(7)}, {"vigil.fd.type", "ipv4"}, {"vigil.fd.name", "10.244.1.7:41000->10.96.0.1:443"},
					{"network.transport", "tcp"}, {"client.address", "10.244.1.7"}, {"client.port", int64(41000)},
					{"server.address", "10.96.0.1"}, {"server.port", int64(443)}, {"network.local.address", "10.244.1.7"},
					{"network.local.port", int64(41000)}, {"network.peer.address", "10.96.0.1"}, {"network.peer.port", int64(443)},
					{"vigil.fd.connected", true}, {"vigil.fd.is_server", false}}, ts)
		default:
			receiverRecord(group(c, p).AppendEmpty(), num, "close", 0, []kv{{"vigil.evt.arg.res", "0"}, {"vigil.evt.arg.fd", "/tmp/x"}}, nil, ts)
		}
	}
	return ld
}
