package rules

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"

	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// eventMix builds n synthetic events shaped like a busy Linux node's
// syscall stream after kernel-side filtering: mostly open/openat of
// libraries, config and data files, some execve, connect and other
// captured syscalls, with realistic process, container and fd attributes.
// Almost none of them should trigger a stable rule.
func eventMix(n int, seed uint64) []*fieldstest.Event {
	r := rand.New(rand.NewPCG(seed, 7))
	type proc struct {
		comm, exe, exepath, args string
		anames                   []string
		uid                      int64
		user                     string
		container                string
		tty                      int64
	}
	procs := []proc{
		{"nginx", "nginx", "/usr/sbin/nginx", "-g daemon off;", []string{"containerd-shim", "systemd"}, 101, "nginx", "3ad7b26ded6d4f5e9c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e", 0},
		{"python3", "python3", "/usr/bin/python3.12", "app.py --port 8080", []string{"gunicorn", "containerd-shim", "systemd"}, 1000, "app", "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0", 0},
		{"java", "/usr/bin/java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-Xmx2g -jar service.jar", []string{"containerd-shim", "systemd"}, 1001, "svc", "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b", 0},
		{"postgres", "postgres", "/usr/lib/postgresql/16/bin/postgres", "-D /var/lib/postgresql/data", []string{"postgres", "containerd-shim", "systemd"}, 999, "postgres", "aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00ee11ff22aa33bb44cc55dd66", 0},
		{"node", "node", "/usr/local/bin/node", "server.js", []string{"npm", "sh", "containerd-shim", "systemd"}, 1000, "node", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 0},
		{"bash", "-bash", "/usr/bin/bash", "", []string{"sshd", "sshd", "systemd"}, 1000, "alice", "", 34816},
		{"vim", "vim", "/usr/bin/vim.basic", "notes.txt", []string{"bash", "sshd", "sshd", "systemd"}, 1000, "alice", "", 34816},
		{"systemd-journal", "/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald", "", []string{"systemd"}, 0, "root", "", 0},
		{"kubelet", "/usr/bin/kubelet", "/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml", []string{"systemd"}, 0, "root", "", 0},
		{"containerd", "/usr/bin/containerd", "/usr/bin/containerd", "", []string{"systemd"}, 0, "root", "", 0},
		{"make", "make", "/usr/bin/make", "-j8", []string{"bash", "sshd", "sshd", "systemd"}, 1000, "alice", "", 34817},
		{"cc1", "/usr/lib/gcc/x86_64-linux-gnu/13/cc1", "/usr/lib/gcc/x86_64-linux-gnu/13/cc1", "-quiet main.c", []string{"gcc", "make", "bash", "sshd", "systemd"}, 1000, "alice", "", 34817},
	}
	openPaths := []string{
		"/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/ld.so.cache", "/proc/self/stat", "/proc/meminfo",
		"/sys/fs/cgroup/cpu.max", "/var/log/nginx/access.log", "/usr/share/zoneinfo/UTC",
		"/etc/nsswitch.conf", "/etc/hosts", "/etc/resolv.conf", "/tmp/tmp.k2j3h4/data.json",
		"/home/alice/src/project/main.c", "/usr/include/stdio.h", "/var/lib/postgresql/data/base/16384/2619",
		"/app/node_modules/express/lib/router/index.js", "/usr/lib/jvm/java-17-openjdk-amd64/lib/modules",
		"/dev/null", "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/config.json",
		"/var/lib/kubelet/pods/1234/volumes/kubernetes.io~secret/token",
	}
	execs := []struct{ comm, exepath, args string }{
		{"ls", "/usr/bin/ls", "-la"}, {"grep", "/usr/bin/grep", "-r TODO src"}, {"git", "/usr/bin/git", "status"},
		{"cat", "/usr/bin/cat", "README.md"}, {"sed", "/usr/bin/sed", "-n 1,20p file"}, {"gcc", "/usr/bin/gcc", "-O2 main.c"},
		{"date", "/usr/bin/date", "+%s"}, {"uname", "/usr/bin/uname", "-r"},
	}
	others := []string{"close", "socket", "dup2", "setuid", "unlink", "rename", "mkdir", "chmod", "accept4", "sendto"}
	out := make([]*fieldstest.Event, n)
	for i := range out {
		p := procs[r.IntN(len(procs))]
		ev := fieldstest.New().SetTime(1_751_373_296_000_000_000 + int64(i)*1000)
		ev.Set(fields.KeyEvtNum, int64(i+1))
		ev.Set(fields.KeyProcPID, int64(1000+r.IntN(30000)))
		ev.Set(fields.KeyProcName, p.comm).Set(fields.KeyProcExe, p.exe).Set(fields.KeyProcExePath, p.exepath)
		cmd := p.comm
		argv := []string{p.exe}
		if p.args != "" {
			cmd += " " + p.args
			argv = append(argv, p.args)
		}
		ev.Set(fields.KeyProcCmdline, cmd).Set(fields.KeyProcArgs, argv)
		ev.Set(fields.KeyAncNames, p.anames)
		ev.Set(fields.KeyAncExePaths, []string{"/usr/bin/" + p.anames[0]})
		ev.Set(fields.KeyAncCmdlines, []string{p.anames[0]})
		ev.Set(fields.KeyProcCwd, "/")
		ev.Set(fields.KeyProcTTY, p.tty)
		ev.Set(fields.KeyUserUID, p.uid).Set(fields.KeyUserName, p.user).Set(fields.KeyUserLoginUID, int64(-1))
		ev.Set(fields.KeyProcStartTime, int64(1_751_373_000_000_000_000))
		if p.container != "" {
			ev.Set(fields.KeyContainerID, p.container)
			ev.Set(fields.KeyImageName, "registry.example.com/team/"+p.comm)
			ev.Set(fields.KeyContainerPriv, false)
		}
		switch x := r.IntN(100); {
		case x < 62: // open family
			t := "openat"
			if x < 8 {
				t = "open"
			}
			path := openPaths[r.IntN(len(openPaths))]
			flags := int64(0o2000000) // O_RDONLY|O_CLOEXEC
			if r.IntN(5) == 0 {
				flags = 0o2000000 | 0o1 | 0o100 | 0o1000 // O_WRONLY|O_CREAT|O_TRUNC
			}
			ev.Set(fields.KeyEvtType, t)
			ev.Set(fields.KeyOpenFlags, flags).Set(fields.KeyOpenMode, int64(0o644))
			ev.Set(fields.KeyEvtRawRes, int64(3+r.IntN(60))).Set(fields.KeyFDNum, int64(3+r.IntN(60)))
			ev.Set(fields.KeyFDType, "file").Set(fields.KeyFilePath, path).Set(fields.KeyFDNameRaw, path)
			ev.SetName("vigil.evt.arg.flags", false, "O_RDONLY|O_CLOEXEC")
		case x < 77: // execve
			e := execs[r.IntN(len(execs))]
			ev.Set(fields.KeyEvtType, "execve").Set(fields.KeyEvtRawRes, int64(0))
			ev.Set(fields.KeyProcName, e.comm).Set(fields.KeyProcExe, e.comm).Set(fields.KeyProcExePath, e.exepath)
			ev.Set(fields.KeyProcCmdline, e.comm+" "+e.args).Set(fields.KeyProcArgs, []string{e.comm, e.args})
			ev.Set(fields.KeyAncNames, append([]string{p.comm}, p.anames...))
			ev.Set(fields.KeyProcExeUpper, false).Set(fields.KeyProcExeMemfd, false)
		case x < 87: // connect
			ev.Set(fields.KeyEvtType, "connect").Set(fields.KeyEvtRawRes, int64(0)).Set(fields.KeyFDNum, int64(5))
			ev.Set(fields.KeyFDType, "ipv4").Set(fields.KeyL4Proto, "tcp")
			ev.Set(fields.KeyClientAddr, "10.0.3.17").Set(fields.KeyClientPort, int64(40000+r.IntN(20000)))
			ev.Set(fields.KeyServerAddr, fmt.Sprintf("10.0.%d.%d", r.IntN(4), 2+r.IntN(200))).Set(fields.KeyServerPort, int64([]int{443, 5432, 6379, 8080}[r.IntN(4)]))
			ev.Set(fields.KeyFDName, "10.0.3.17:41234->10.0.1.20:5432")
		default:
			ev.Set(fields.KeyEvtType, others[r.IntN(len(others))]).Set(fields.KeyEvtRawRes, int64(0))
			ev.Set(fields.KeyFDNum, int64(4)).Set(fields.KeyFDType, "file").Set(fields.KeyFilePath, "/tmp/tmp.k2j3h4/x")
			ev.SetName("vigil.evt.arg.domain", false, "AF_INET")
			ev.SetName("vigil.evt.arg.uid", false, "app")
			ev.SetName("vigil.evt.arg.request", false, "PTRACE_PEEKDATA")
		}
		out[i] = ev
	}
	return out
}

// BenchmarkEvaluate measures Ruleset.Match with the upstream stable rules
// over the synthetic mix, per event, on the calling goroutine. Run with
// -benchmem: allocs/op is allocations per event. The 1024 events (about
// 1.5 MB) do not stay in the core's caches, as a stream would not.
func BenchmarkEvaluate(b *testing.B) { benchEvaluate(b, 1024) }

// BenchmarkEvaluateWarm runs the same mix over 64 events that stay in
// cache: the rules engine's own cost, without the event reads' misses.
func BenchmarkEvaluateWarm(b *testing.B) { benchEvaluate(b, 64) }

func benchEvaluate(b *testing.B, n int) {
	rs, err := LoadFiles(Options{}, upstream(b, "falco_rules.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	evs := eventMix(n, 1)
	dst := make([]*Rule, 0, 8)
	matched := 0
	for _, ev := range evs {
		if len(rs.Match(ev, MatchFirst, dst[:0])) > 0 {
			matched++
		}
	}
	// The machine is shared: besides wall time per event, report the CPU
	// time this thread spent per event, which other processes competing for
	// the cores do not inflate.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := threadCPU()
	for i := 0; i < b.N; i++ {
		dst = rs.Match(evs[i%len(evs)], MatchFirst, dst[:0])
	}
	cpu := threadCPU() - cpu0
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/event")
	b.ReportMetric(float64(matched)/float64(len(evs))*100, "%matched")
}

// threadCPU is the CPU time (user + system) of the calling OS thread.
func threadCPU() int64 {
	const rusageThread = 1 // RUSAGE_THREAD (Linux)
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
