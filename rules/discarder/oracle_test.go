package discarder

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/eventgen"
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/approver"
	"github.com/vigil-sec/vigil/rules/condition"
	defaultrules "github.com/vigil-sec/vigil/rules/default"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
	"github.com/vigil-sec/vigil/rules/native"
)

func load(t testing.TB, yaml string) *rules.Ruleset {
	t.Helper()
	rs, err := rules.Load(rules.Options{}, rules.Source{Name: "t.yaml", Data: []byte(yaml)})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// upstream is an upstream rules file in ../shared, next to the
// repository (this package is three levels below its root).
func upstream(t testing.TB, name string) rules.Source {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "falco-rules", name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("upstream rules file: %v", err)
	}
	return rules.Source{Name: p, Data: data}
}

// active are rs's enabled syscall rules, the ones the oracle answers for.
func active(rs *rules.Ruleset) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range rs.Rules() {
		if r.Enabled && r.Source == "syscall" {
			out = append(out, r)
		}
	}
	return out
}

func rulesets(t *testing.T) map[string]*rules.Ruleset {
	var def []rules.Source
	for _, f := range defaultrules.Files() {
		def = append(def, rules.Source{Name: f.Name, Data: f.Content})
	}
	up := []rules.Source{upstream(t, "falco_rules.yaml"), upstream(t, "falco-incubating_rules.yaml")}
	out := map[string]*rules.Ruleset{}
	for name, srcs := range map[string][]rules.Source{"upstream": up, "default": def, "upstream+default": append(append([]rules.Source{}, up...), def...)} {
		rs, err := rules.Load(rules.Options{}, srcs...)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rs
	}
	return out
}

func TestThreeValuedShapes(t *testing.T) {
	rs := load(t, `
- list: keys
  items: [/etc/shadow, /etc/sudoers]
- macro: open_read
  condition: evt.type in (open, openat) and evt.is_open_read=true and fd.typechar='f'
- rule: keys
  desc: d
  condition: open_read and (fd.name in (keys) or fd.directory = /root/.ssh) and not proc.name = sshd
  output: o
  priority: WARNING
- rule: glob
  desc: d
  condition: evt.type = openat and fd.name glob '/var/*/secret*' and user.name != root
  output: o
  priority: WARNING
- rule: not a file
  desc: d
  condition: evt.type = openat and fd.type = directory
  output: o
  priority: WARNING
- rule: exec
  desc: d
  condition: evt.type = execve and proc.name = x
  output: o
  priority: WARNING
`)
	o := New(rs)
	for _, c := range []struct {
		sc, path string
		want     bool
	}{
		{"openat", "/etc/shadow", false},
		{"openat", "/root/.ssh/id_rsa", false},
		{"openat", "/var/lib/secret.key", false},
		{"openat", "/var/lib/public", true},
		{"openat", "/usr/lib/libc.so.6", true},
		{"open", "/usr/lib/libc.so.6", true},
		{"open", "/etc/sudoers", false},
		{"openat2", "/etc/shadow", false}, // no rule names openat2: not captured, never asked
		{"execve", "/usr/bin/x", false},   // not an open
	} {
		if got := o.Discards(c.sc, c.path, 0); got != c.want {
			t.Errorf("Discards(%s, %s) = %v, want %v", c.sc, c.path, got, c.want)
		}
	}
}

// A rule whose condition on an open leaves the path free (only unbound
// fields) makes every path of that syscall undiscardable.
func TestUnboundRuleDisablesSyscall(t *testing.T) {
	o := New(load(t, `
- rule: any open by x
  desc: d
  condition: evt.type = openat and proc.name = x
  output: o
  priority: WARNING
- rule: raw
  desc: d
  condition: evt.type = open and fd.nameraw contains "../"
  output: o
  priority: WARNING
- rule: ok
  desc: d
  condition: evt.type = creat and tolower(fd.name) = /tmp/a
  output: o
  priority: WARNING
`))
	if o.Discards("openat", "/usr/lib/libc.so.6", 0) || o.Discards("open", "/usr/lib/libc.so.6", 0) || o.Discards("creat", "/tmp/b", 0) {
		t.Fatal("discarded an event a rule with unbound conditions may match")
	}
	if len(o.Syscalls()) != 0 {
		t.Fatalf("syscalls = %v", o.Syscalls())
	}
}

// TestUpstreamRules: the real rules. /etc/shadow is read by "Read
// sensitive file untrusted"; a shared library read matches no rule's path
// test, so every rule that can match an openat is false for it.
func TestUpstreamRules(t *testing.T) {
	for name, rs := range rulesets(t) {
		t.Run(name, func(t *testing.T) {
			o := New(rs)
			if o.Discards("openat", "/etc/shadow", 0) || o.Discards("openat", "/etc/sudoers", 0) || o.Discards("openat", "/etc/shadow", 2) {
				t.Error("a sensitive file is discardable")
			}
			if !o.Discards("openat", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0) {
				t.Errorf("libc is not discardable for openat; undecided rules: %v", undecided(rs, "openat", "/usr/lib/x86_64-linux-gnu/libc.so.6"))
			}
		})
	}
}

// undecided names the rules that are not false for (sc, path): what keeps
// the path from being discardable.
func undecided(rs *rules.Ruleset, sc, path string) []string {
	var out []string
	b := builder{sc: sc, compiled: map[*condition.Check]*native.Filter{}}
	for _, r := range active(rs) {
		if b.visit(r.Tree()).eval(pathEvent{sc: sc, path: path}) != False {
			out = append(out, r.Name)
		}
	}
	return out
}

// TestNothingDiscardedMatches is the soundness property: over events that
// the engine's event generator builds to satisfy each rule (and near
// misses), no open-family event on a regular file that the oracle
// discards is matched by any enabled rule.
func TestNothingDiscardedMatches(t *testing.T) {
	for name, rs := range rulesets(t) {
		t.Run(name, func(t *testing.T) {
			o := New(rs)
			active := active(rs)
			gen := eventgen.New(13)
			discarded, checked := 0, 0
			for _, r := range active {
				for a := 0; a < 40; a++ {
					ev, touched := gen.Synthesize(r.Tree(), true)
					for _, e := range []*eventgen.Event{ev, gen.Perturb(ev, touched)} {
						sc, _ := e.Get(fields.KeyEvtType.Name)
						p, _ := e.Get(fields.KeyFilePath.Name)
						typ, _ := e.Get(fields.KeyFDType.Name)
						fl, _ := e.Get(fields.KeyOpenFlags.Name)
						flags, _ := fl.(int64)
						s, _ := sc.(string)
						ps, _ := p.(string)
						if !isOpen(s) || typ != "file" || ps == "" {
							continue
						}
						checked++
						if !o.Discards(s, ps, uint8(flags&3)) {
							continue
						}
						discarded++
						fe := e.Fields()
						for _, r2 := range active {
							if r2.Matches(fe) {
								t.Fatalf("rule %q matches %s, which the oracle discards (%s %s)", r2.Name, e, s, ps)
							}
						}
					}
				}
			}
			if discarded == 0 {
				t.Fatalf("too weak: none of %d open events discarded", checked)
			}
			t.Logf("%d open events on files, %d discarded", checked, discarded)
		})
	}
}

func isOpen(sc string) bool { return slices.Contains(approver.OpenFamily, sc) }

// TestCorpusNothingDiscardedMatches: the same property over every path
// the rules' lists name and paths built around the approvers' patterns,
// with the fields the oracle leaves unbound (process name, user, open
// flags, return value) varied: a discarded (syscall, path) matches no
// rule whatever they are.
func TestCorpusNothingDiscardedMatches(t *testing.T) {
	for name, rs := range rulesets(t) {
		t.Run(name, func(t *testing.T) {
			o := New(rs)
			active := active(rs)
			discarded := 0
			corpus := corpus(rs)
			for _, sc := range approver.OpenFamily {
				for _, p := range corpus {
					for _, flags := range []int64{0, 1, 2, 3, 0o101, 0o1102, 0o10000000, 0o20200002, 0o4002, 0o100000} {
						if !o.Discards(sc, p, uint8(flags&3)) {
							continue
						}
						discarded++
						for _, comm := range []string{"bash", "sshd", "python3", "runc", "containerd"} {
							for _, ret := range []int64{0, 3, 100} {
								ev := fieldstest.New().Set(fields.KeyEvtType, sc).Set(fields.KeyEvtRawRes, ret).Set(fields.KeyFDNum, ret).
									Set(fields.KeyProcName, comm).Set(fields.KeyOpenFlags, flags).Set(fields.KeyFDType, "file").
									Set(fields.KeyFilePath, p).Set(fields.KeyFDNameRaw, p).Set(fields.KeyUserName, "root")
								for _, r := range active {
									if r.Matches(ev) {
										t.Fatalf("rule %q matches %s %s (comm %s, flags %#o), which the oracle discards", r.Name, sc, p, comm, flags)
									}
								}
							}
						}
					}
				}
			}
			total := len(corpus) * len(approver.OpenFamily) * 10
			if discarded == 0 || discarded == total {
				t.Fatalf("too weak: %d of %d discarded", discarded, total)
			}
			t.Logf("%d (syscall, path, flags) of %d discarded", discarded, total)
		})
	}
}

// corpus: every absolute path the rules' lists name (also moved below
// /tmp), paths in and just outside each approver prefix and suffix, and
// common ones.
func corpus(rs *rules.Ruleset) []string {
	seen := map[string]bool{}
	add := func(p string) {
		if strings.HasPrefix(p, "/") && !strings.ContainsAny(p, "*?[") {
			seen[p] = true
		}
	}
	for _, l := range rs.Lists() {
		for _, it := range l.Items {
			add(it)
			add("/tmp/" + strings.TrimPrefix(it, "/"))
		}
	}
	for _, f := range approver.Derive(rs).Filters {
		for _, ps := range f.Path {
			for _, p := range ps.Prefixes {
				e, exact := strings.CutSuffix(p, "\x00")
				add(e)
				if !exact {
					add(e + "a/b")
				}
				add(e + "x")
			}
			for _, s := range ps.Suffixes {
				add("/home/u" + s)
				add("/home/u" + s + "x")
			}
		}
	}
	for _, p := range []string{"/etc/shadow", "/etc/passwd", "/root/.ssh/id_rsa", "/tmp/x", "/dev/shm/x", "/proc/self/mem",
		"/usr/bin/bash", "/var/log/syslog", "/etc/ld.so.preload", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/home/u/.bashrc"} {
		add(p)
	}
	return slices.Sorted(maps.Keys(seen))
}

// TestAccessModeBound: the open's access mode is bound, so a rule on write
// opens below /tmp leaves read-only opens there (and mode 3, which the
// engine counts as no write) discardable; creat's
// is_open_* are false whatever its flags.
func TestAccessModeBound(t *testing.T) {
	o := New(load(t, `
- macro: open_write
  condition: evt.type in (open, openat, openat2, creat) and evt.is_open_write=true and fd.typechar='f'
- rule: write below tmp
  desc: d
  condition: open_write and fd.name startswith /tmp/ and not proc.name = make
  output: o
  priority: WARNING
`))
	for _, c := range []struct {
		sc   string
		mode uint8
		want bool
	}{{"openat", 0, true}, {"openat", 1, false}, {"openat", 2, false}, {"openat", 3, true}, {"creat", 0, true}, {"open", 0, true}} {
		if got := o.Discards(c.sc, "/tmp/x", c.mode); got != c.want {
			t.Errorf("Discards(%s, /tmp/x, mode %d) = %v, want %v", c.sc, c.mode, got, c.want)
		}
	}
}
