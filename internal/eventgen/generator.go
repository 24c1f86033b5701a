package eventgen

import (
	"math/rand"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/native"
)

// Generator synthesises events. It is not safe for concurrent use.
type Generator struct {
	rng    *rand.Rand
	checks map[*condition.Check]*native.Filter
}

// New returns a generator with a fixed seed, so corpora are reproducible.
func New(seed int64) *Generator {
	return &Generator{rng: rand.New(rand.NewSource(seed)), checks: map[*condition.Check]*native.Filter{}}
}

// constraint is a check and the truth value the event must give it.
type constraint struct {
	check *condition.Check
	want  bool
}

// Synthesize returns an event built to make e evaluate to want, and the
// attribute names it wrote for the condition's checks (the places worth
// perturbing). The event is only an attempt: conflicting or unsatisfiable
// checks make it miss, so callers evaluate it.
func (g *Generator) Synthesize(e condition.Expr, want bool) (*Event, []string) {
	var cs []constraint
	g.walk(e, want, &cs)
	ev := g.Base()
	var touched []string
	var done []constraint
	for _, c := range cs {
		if g.holds(c, ev) {
			done = append(done, c)
			continue
		}
		for _, cand := range g.candidates(c, ev) {
			next := ev.Clone()
			names := writeValue(next, c.check, cand, g.rng)
			if names == nil {
				continue
			}
			if !g.holds(c, next) || !g.allHold(done, next) {
				continue
			}
			ev = next
			touched = append(touched, names...)
			break
		}
		done = append(done, c)
	}
	return ev, dedupe(touched)
}

// walk collects the checks that must hold (or fail) for e to be want. For
// an or that must hold and an and that must fail it picks one child at
// random; the other children are left to chance.
func (g *Generator) walk(e condition.Expr, want bool, out *[]constraint) {
	switch e := e.(type) {
	case *condition.Not:
		g.walk(e.Child, !want, out)
	case *condition.And:
		if want {
			for _, c := range e.Children {
				g.walk(c, true, out)
			}
			return
		}
		g.walk(e.Children[g.rng.Intn(len(e.Children))], false, out)
	case *condition.Or:
		if !want {
			for _, c := range e.Children {
				g.walk(c, false, out)
			}
			return
		}
		g.walk(e.Children[g.rng.Intn(len(e.Children))], true, out)
	case *condition.Check:
		*out = append(*out, constraint{check: e, want: want})
	}
}

func (g *Generator) filter(c *condition.Check) *native.Filter {
	f, ok := g.checks[c]
	if !ok {
		f, _, _ = native.Compile(c)
		g.checks[c] = f
	}
	return f
}

func (g *Generator) holds(c constraint, ev *Event) bool {
	f := g.filter(c.check)
	if f == nil {
		return false
	}
	return f.Match(ev.Fields()) == c.want
}

func (g *Generator) allHold(cs []constraint, ev *Event) bool {
	if len(cs) == 0 {
		return true
	}
	fe := ev.Fields()
	for _, c := range cs {
		f := g.filter(c.check)
		if f != nil && f.Match(fe) != c.want {
			return false
		}
	}
	return true
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// vocabulary the base events and the perturbations draw from: common names
// that rules' lists also contain, so random events sometimes hit them.
var (
	procNames = []string{"bash", "sh", "cat", "python3", "node", "java", "nginx", "sshd", "systemd", "runc",
		"containerd-shim", "curl", "wget", "nc", "apt", "dpkg", "sudo", "su", "vi", "ls", "ps", "kubelet", "dockerd", "sleep"}
	paths = []string{"/etc/shadow", "/etc/passwd", "/etc/hosts", "/usr/bin/cat", "/bin/sh", "/tmp/x", "/var/log/syslog",
		"/root/.ssh/id_rsa", "/home/user/.bash_history", "/proc/self/environ", "/dev/shm/a", "/etc/sudoers", "/usr/lib/x.so"}
	evtTypes = []string{"open", "openat", "openat2", "execve", "execveat", "connect", "accept", "accept4", "sendto",
		"setns", "unshare", "ptrace", "mount", "unlink", "unlinkat", "rename", "renameat", "symlink", "symlinkat",
		"link", "linkat", "socket", "dup2", "memfd_create", "init_module", "finit_module", "bpf", "chmod", "fchmod",
		"mkdir", "mkdirat", "setuid", "clone", "read", "write"}
	users = []string{"root", "nobody", "www-data", "user", "postgres"}
)

func (g *Generator) pick(s []string) string { return s[g.rng.Intn(len(s))] }

// Base returns a random plausible event: a process with ancestors, a user,
// an fd, often a container. Rules' checks then overwrite what they need.
func (g *Generator) Base() *Event {
	r := g.rng
	ev := &Event{Time: 1_750_000_000_000_000_000 + r.Int63n(1_000_000_000_000)}
	ev.SetKey(fields.KeyEvtType, g.pick(evtTypes))
	ev.SetKey(fields.KeyEvtNum, int64(1+r.Intn(1_000_000)))
	name := g.pick(procNames)
	ev.SetKey(fields.KeyProcName, name)
	args := []string{name}
	if r.Intn(2) == 0 {
		args = append(args, g.pick([]string{"-c", "-l", "--help", "/tmp/x", "ls", "-e"}))
	}
	ev.SetKey(fields.KeyProcArgs, args)
	ev.SetKey(fields.KeyProcCmdline, strings.Join(args, " "))
	ev.SetKey(fields.KeyProcExe, name)
	ev.SetKey(fields.KeyProcExePath, "/usr/bin/"+name)
	ev.SetKey(fields.KeyProcPID, int64(100+r.Intn(30000)))
	ev.SetKey(fields.KeyProcVPID, int64(1+r.Intn(300)))
	n := r.Intn(4)
	anames := make([]string, n)
	apids := make([]int64, n)
	acmd := make([]string, n)
	aexe := make([]string, n)
	for i := range anames {
		anames[i] = g.pick(procNames)
		apids[i] = int64(1 + r.Intn(30000))
		acmd[i] = anames[i]
		aexe[i] = "/usr/bin/" + anames[i]
	}
	ev.SetKey(fields.KeyAncNames, anames)
	ev.SetKey(fields.KeyAncPIDs, apids)
	ev.SetKey(fields.KeyAncCmdlines, acmd)
	ev.SetKey(fields.KeyAncExePaths, aexe)
	ev.SetKey(fields.KeyAncExes, anames)
	ev.SetKey(fields.KeyProcCwd, g.pick([]string{"/", "/root", "/tmp", "/home/user"}))
	ev.SetKey(fields.KeyProcTTY, int64(g.pick2(0, 34816)))
	ev.SetKey(fields.KeyUserUID, int64(g.pick2(0, 1000)))
	ev.SetKey(fields.KeyUserName, g.pick(users))
	ev.SetKey(fields.KeyUserLoginUID, int64(g.pick2(-1, 1000)))
	ev.SetKey(fields.KeyEvtRawRes, int64(g.pick2(0, 3)))
	ev.SetKey(fields.KeyFDNum, int64(3+r.Intn(10)))
	switch r.Intn(3) {
	case 0:
		ev.SetKey(fields.KeyFDType, "file")
		ev.SetKey(fields.KeyFilePath, g.pick(paths))
		ev.SetKey(fields.KeyOpenFlags, int64(r.Intn(3)))
	case 1:
		ev.SetKey(fields.KeyFDType, "ipv4")
		ev.SetKey(fields.KeyL4Proto, "tcp")
		ev.SetKey(fields.KeyClientAddr, "10.0.0.5")
		ev.SetKey(fields.KeyClientPort, int64(40000+r.Intn(1000)))
		ev.SetKey(fields.KeyServerAddr, g.pick([]string{"10.0.0.9", "93.184.216.34", "127.0.0.1"}))
		ev.SetKey(fields.KeyServerPort, int64(g.pick2(443, 6443)))
	}
	if r.Intn(2) == 0 {
		ev.SetKey(fields.KeyContainerID, randomHex(r, 64))
		ev.SetKey(fields.KeyContainerName, "app")
		ev.SetKey(fields.KeyImageName, g.pick([]string{"docker.io/library/nginx", "registry.k8s.io/pause", "app"}))
		ev.SetKey(fields.KeyImageTag, "1.0")
		ev.SetKey(fields.KeyNamespaceName, g.pick([]string{"default", "kube-system"}))
		ev.SetKey(fields.KeyPodName, "app-0")
	}
	ev.SetKey(fields.KeyHostName, "node-1")
	return ev
}

func (g *Generator) pick2(a, b int) int {
	if g.rng.Intn(2) == 0 {
		return a
	}
	return b
}

func randomHex(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.Intn(16)]
	}
	return string(b)
}
