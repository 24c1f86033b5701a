package rulesprocessor

import (
	"context"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
)

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
		putValue(m, x.k, x.v)
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
		putValue(a, x.k, x.v)
	}
}

// benchBatch builds a batch of n receiver-shaped events: one ResourceLogs
// per process state (eight processes in each of four containers and on the
// host), mostly opens of ordinary files, some execs, connects and closes,
// and every matchEvery-th event a read of /etc/shadow by cat (an alert with
// the stable rules; 0 for none).
func benchBatch(n, matchEvery int) plog.Logs {
	r := rand.New(rand.NewSource(1))
	ld := plog.NewLogs()
	procs := []string{"nginx", "java", "python3", "node", "postgres", "kubelet", "containerd", "sleep", "cat"}
	const containers = 5
	groups := map[[2]int]plog.LogRecordSlice{}
	group := func(c, p int) plog.LogRecordSlice {
		if g, ok := groups[[2]int{c, p}]; ok {
			return g
		}
		rl := ld.ResourceLogs().AppendEmpty()
		id := ""
		if c > 0 {
			id = strings.Repeat(fmt.Sprintf("%x", c), 64)
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
		c := i % containers
		ts := eventTime.Add(time.Duration(i) * time.Microsecond)
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

// BenchmarkProcessLogs sends a batch of 1,000 events through the processor
// loaded with the upstream stable rules. Reported: ns/event, events/s (on
// the one goroutine the benchmark runs, i.e. per core) and allocs/event.
func BenchmarkProcessLogs(b *testing.B) {
	cases := []struct {
		name       string
		engine     string
		matchEvery int
	}{
		{"native/1pct-alerts", EngineNative, 100},
		{"native/no-alerts", EngineNative, 0},
		{"rego/1pct-alerts", EngineRego, 100},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			cfg := createDefaultConfig()
			cfg.Files = []string{upstreamRules(b, "falco_rules.yaml")}
			cfg.Engine = c.engine
			cfg.ReloadInterval = 0
			p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(component.MustNewType("rules")), cfg, consumertest.NewNop())
			require.NoError(b, err)
			require.NoError(b, p.Start(context.Background(), componenttest.NewNopHost()))
			defer func() { require.NoError(b, p.Shutdown(context.Background())) }()
			const events = 1000
			ld := benchBatch(events, c.matchEvery)
			ld.MarkReadOnly()
			ctx := context.Background()
			require.NoError(b, p.ConsumeLogs(ctx, ld))
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.ConsumeLogs(ctx, ld); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&ms1)
			total := float64(b.N * events)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/event")
			b.ReportMetric(total/b.Elapsed().Seconds(), "events/s")
			// CPU time (user+system, GC included) per event: on a shared
			// machine wall time also counts other processes' turns.
			b.ReportMetric(float64(cpu.Nanoseconds())/total, "cpu-ns/event")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/event")
		})
	}
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
