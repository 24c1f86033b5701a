package approver

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/eventgen"
	"github.com/vigil-sec/vigil/rules"
	defaultrules "github.com/vigil-sec/vigil/rules/default"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

func load(t testing.TB, yaml string) *rules.Ruleset {
	t.Helper()
	rs, err := rules.Load(rules.Options{}, rules.Source{Name: "t.yaml", Data: []byte(yaml)})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestDeriveShapes(t *testing.T) {
	rs := load(t, `
- list: keys
  items: [/etc/shadow, /etc/sudoers]
- macro: open_read
  condition: evt.type in (open, openat) and evt.rawres >= 0
- rule: keys
  desc: d
  condition: open_read and (fd.name in (keys) or fd.directory = /root/.ssh)
  output: o
  priority: WARNING
- rule: udp out
  desc: d
  condition: evt.type = sendto and fd.l4proto != tcp and not proc.name = x
  output: o
  priority: WARNING
- rule: failed connect
  desc: d
  condition: evt.type = connect and evt.res != SUCCESS and not fd.name contains x
  output: o
  priority: WARNING
`)
	got := Derive(rs).Filters
	open := got["openat"]
	if open.Outcome != Success || open.AnyPath() {
		t.Fatalf("openat: %+v", open)
	}
	for p, want := range map[string]bool{"/etc/shadow": true, "/etc/shadowx": false, "/root/.ssh/id": true, "/tmp/a": false} {
		if openAdmits(open, 3, OtherProto, 0, p) != want {
			t.Errorf("openat %s: admitted %v", p, !want)
		}
	}
	if openAdmits(open, -2, OtherProto, 0, "/etc/shadow") {
		t.Error("a failed open was admitted")
	}
	if !openAdmits(open, 3, OtherProto, 0, "") || !openAdmits(open, 3, OtherProto, 0, "/etc/../tmp/a") || !openAdmits(open, 3, OtherProto, 0, "tmp/a") {
		t.Error("a path the probe cannot judge must pass")
	}
	send := got["sendto"]
	if send.Admits(View{Ret: 10, Proto: TCP}) || !send.Admits(View{Ret: 10, Proto: UDP}) || !send.Admits(View{Ret: 10, Proto: OtherProto}) || !send.AnyPath() {
		t.Errorf("sendto: %+v", send)
	}
	conn := got["connect"]
	if conn.Outcome != Failure || conn.Proto != AnyProto {
		t.Errorf("connect: %+v", conn)
	}
}

// TestSocketNameState: a rule that can read fd.name_changed (which
// compares a socket's name with the previous record's) sets SocketNames;
// one whose fd.name_changed test can never be true does not.
func TestSocketNameStateKeepsSocketRecords(t *testing.T) {
	const base = `
- rule: secret
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: o
  priority: WARNING
- rule: conn
  desc: d
  condition: (evt.type = connect and evt.rawres >= 0) or (evt.type = sendto and %s and fd.name_changed = true)
  output: o
  priority: WARNING
`
	if d := Derive(load(t, fmt.Sprintf(base, "fd.l4proto = udp"))); !d.SocketNames {
		t.Error("a rule reads fd.name_changed for sendto, SocketNames is false")
	}
	d := Derive(load(t, fmt.Sprintf(base, "evt.num = 0")))
	if d.SocketNames {
		t.Error("the fd.name_changed test can never be true, SocketNames is true")
	}
	if f := d.Filters["connect"]; f.Outcome != Success {
		t.Errorf("connect = %+v", f)
	}
}

// TestDeriveNegationAndOr: negated path tests leave the path free, and a
// rule that can match any path for a syscall disables the path filter of
// that syscall for every rule.
func TestDeriveNegationAndOr(t *testing.T) {
	rs := load(t, `
- rule: a
  desc: d
  condition: evt.type = openat and fd.name startswith /etc
  output: o
  priority: WARNING
- rule: b
  desc: d
  condition: evt.type = openat and not fd.name startswith /tmp
  output: o
  priority: WARNING
- rule: c
  desc: d
  condition: evt.type = open and (fd.name = /a or fd.filename = id_rsa or fd.name pmatch (/usr/bin, /sbin)) and not (evt.rawres < 0)
  output: o
  priority: WARNING
`)
	got := Derive(rs).Filters
	if !got["openat"].AnyPath() {
		t.Errorf("openat: %+v", got["openat"])
	}
	o := got["open"]
	if o.Outcome != Success || !openAdmits(o, 0, OtherProto, 0, "/a") || !openAdmits(o, 0, OtherProto, 0, "/x/id_rsa") || openAdmits(o, 0, OtherProto, 0, "/ab") || !openAdmits(o, 0, OtherProto, 0, "/sbin/x") || openAdmits(o, 0, OtherProto, 0, "/usr/lib/x") {
		t.Errorf("open: %+v", o)
	}
}

// upstream is an upstream rules file in ../shared (as the rules package's
// tests find it).
func upstream(t testing.TB, name string) string {
	t.Helper()
	root, _ := filepath.Abs(".")
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		root = filepath.Dir(root)
		if root == "/" {
			t.Fatal("go.mod not found")
		}
	}
	p := filepath.Join(root, "..", "shared", "falco-rules", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("upstream rules file: %v", err)
	}
	return p
}

// TestDerivedFiltersAdmitEveryMatch is the soundness property: over the
// upstream stable and incubating rules (and, separately, the default
// rules), no event that an enabled rule matches is refused by the filter
// derived for its syscall. Events vary the kernel-visible fields over the
// values the rules themselves name (every path-like list item and
// derived pattern), with the other fields set as common processes have
// them.
func TestDerivedFiltersAdmitEveryMatch(t *testing.T) {
	var sets = map[string]*rules.Ruleset{}
	up, err := rules.LoadFiles(rules.Options{}, upstream(t, "falco_rules.yaml"), upstream(t, "falco-incubating_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sets["upstream"] = up
	var srcs []rules.Source
	for _, f := range defaultrules.Files() {
		srcs = append(srcs, rules.Source{Name: f.Name, Data: f.Content})
	}
	def, err := rules.Load(rules.Options{}, srcs...)
	if err != nil {
		t.Fatal(err)
	}
	sets["default"] = def
	// loaded together, as the differential test runs them
	all, err := rules.Load(rules.Options{}, append([]rules.Source{fileSource(t, upstream(t, "falco_rules.yaml")), fileSource(t, upstream(t, "falco-incubating_rules.yaml"))}, srcs...)...)
	if err != nil {
		t.Fatal(err)
	}
	sets["upstream+default"] = all
	for name, rs := range sets {
		t.Run(name, func(t *testing.T) { checkSound(t, rs) })
	}
}

func fileSource(t testing.TB, p string) rules.Source {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return rules.Source{Name: p, Data: data}
}

func checkSound(t *testing.T, rs *rules.Ruleset) {
	filters := Derive(rs).Filters
	corpus := pathCorpus(rs, filters)
	var active []*rules.Rule
	for _, r := range rs.Rules() {
		if r.Enabled && r.Source == "syscall" {
			active = append(active, r)
		}
	}
	matched := map[string]bool{}
	filtered := 0
	// events generated to satisfy each rule (and near misses), as the
	// engine differential tests use them
	gen := eventgen.New(13)
	for _, r := range active {
		for a := 0; a < 40; a++ {
			ev, touched := gen.Synthesize(r.Tree(), true)
			for _, e := range []*eventgen.Event{ev, gen.Perturb(ev, touched)} {
				sc, v, ok := kernelView(e)
				if !ok {
					continue
				}
				f, known := filters[sc]
				admitted := !known || f.Admits(v) // no entry: not filtered
				fe := e.Fields()
				for _, r2 := range active {
					if r2.Matches(fe) {
						matched[r2.Name] = true
						if !admitted {
							t.Fatalf("rule %q matches %s, which its filter %+v refuses", r2.Name, e, f)
						}
					}
				}
			}
		}
	}
	comms := nameCorpus(filters)
	for sc, f := range filters {
		paths := []string{"/tmp/x"}
		if isOpen(sc) {
			paths = corpus
		}
		// every name and place, over fewer of the other values
		for _, comm := range comms {
			for _, inContainer := range []bool{false, true} {
				for _, ret := range []int64{0, -2} {
					for _, flags := range []int64{0, 1, 2} {
						for i, p := range paths {
							if i%7 != 0 && !strings.HasPrefix(p, "/etc/") {
								continue
							}
							ev := event(sc, comm, ret, "", flags, p)
							if inContainer {
								ev.(*fieldstest.Event).Set(fields.KeyContainerID, "0123456789abcdef")
							}
							admitted := f.Admits(View{Ret: ret, Proto: OtherProto, Flags: flags, Path: p, HasPath: isOpen(sc), Comm: comm, InContainer: inContainer})
							if !admitted {
								filtered++
							}
							for _, r := range active {
								if r.Matches(ev) {
									matched[r.Name] = true
									if !admitted {
										t.Fatalf("rule %q matches %s ret=%d path=%q comm=%s container=%v, which its filter %+v refuses", r.Name, sc, ret, p, comm, inContainer, f)
									}
								}
							}
						}
					}
				}
			}
		}
		for _, comm := range []string{"bash", "sshd", "python3", "node"} {
			for _, ret := range []int64{0, 5, -2, -13, -115} {
				for _, proto := range []string{"tcp", "udp", "icmp", ""} {
					// every access mode, with O_CREAT, O_PATH and O_TMPFILE
					for _, flags := range []int64{0, 1, 2, 3, 0o101, 0o102, 0o10000000, 0o20200002} {
						for _, p := range paths {
							ev := event(sc, comm, ret, proto, flags, p)
							admitted := f.Admits(View{Ret: ret, Proto: class(proto), Flags: flags, Path: p, HasPath: isOpen(sc), Comm: comm})
							if !admitted {
								filtered++
							}
							for _, r := range active {
								if !r.Matches(ev) {
									continue
								}
								matched[r.Name] = true
								if !admitted {
									t.Fatalf("rule %q matches %s ret=%d proto=%q path=%q comm=%s, which its filter %+v refuses", r.Name, sc, ret, proto, p, comm, f)
								}
							}
						}
					}
				}
			}
		}
	}
	// the property is only worth something if events do match rules and
	// filters do refuse events
	if len(matched) < len(active)/3 || filtered == 0 {
		t.Fatalf("too weak: %d rules matched, %d events filtered", len(matched), filtered)
	}
	t.Logf("%d syscalls, %d rules matched some event, %d events refused", len(filters), len(matched), filtered)
}

// kernelView is what a probe sees of a generated event: its syscall,
// return value, socket class and (for an open-family call) its open flags
// and path.
func kernelView(e *eventgen.Event) (sc string, view View, ok bool) {
	v, ok := e.Get(fields.KeyEvtType.Name)
	if sc, _ = v.(string); !ok || sc == "" {
		return "", View{}, false
	}
	view.HasPath = isOpen(sc)
	if v, ok := e.Get(fields.KeyOpenFlags.Name); ok && isOpen(sc) {
		view.Flags, _ = v.(int64)
	}
	if v, ok := e.Get(fields.KeyEvtRawRes.Name); ok {
		view.Ret, _ = v.(int64)
	}
	view.Proto = OtherProto
	if v, ok := e.Get(fields.KeyL4Proto.Name); ok {
		s, _ := v.(string)
		view.Proto = class(s)
	}
	if v, ok := e.Get(fields.KeyFilePath.Name); ok && isOpen(sc) {
		view.Path, _ = v.(string)
	}
	// what the rules read as proc.name and container.id: an absent name
	// is the empty one, an absent or empty id the host
	if v, ok := e.Get(fields.KeyProcName.Name); ok {
		view.Comm, _ = v.(string)
	}
	if v, ok := e.Get(fields.KeyContainerID.Name); ok {
		id, _ := v.(string)
		view.InContainer = id != ""
	}
	return sc, view, true
}

// openAdmits: an open-family event of a process named bash on the host.
func openAdmits(f Filter, ret int64, proto Proto, flags int64, path string) bool {
	return f.Admits(View{Ret: ret, Proto: proto, Flags: flags, Path: path, HasPath: true, Comm: "bash"})
}

func class(proto string) Proto {
	switch proto {
	case "tcp":
		return TCP
	case "udp":
		return UDP
	}
	return OtherProto
}

func event(sc, comm string, ret int64, proto string, flags int64, path string) fields.Event {
	ev := fieldstest.New()
	ev.Set(fields.KeyEvtType, sc)
	ev.Set(fields.KeyEvtRawRes, ret)
	ev.Set(fields.KeyProcName, comm)
	ev.Set(fields.KeyOpenFlags, flags)
	if proto != "" {
		ev.Set(fields.KeyL4Proto, proto)
		ev.Set(fields.KeyFDType, "ipv4")
		ev.Set(fields.KeyFDName, "10.0.0.1:3333->8.8.8.8:53")
	} else {
		ev.Set(fields.KeyFDType, "file")
		ev.Set(fields.KeyFilePath, path)
	}
	return ev
}

// pathCorpus: every absolute path the rules' lists name, paths built from
// the derived patterns (inside and just outside each), and a few common
// ones.
func pathCorpus(rs *rules.Ruleset, filters map[string]Filter) []string {
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
	for _, f := range filters {
		var pres, sufs []string
		for _, ps := range f.Path {
			pres, sufs = append(pres, ps.Prefixes...), append(sufs, ps.Suffixes...)
		}
		for _, p := range pres {
			if e, ok := strings.CutSuffix(p, "\x00"); ok {
				add(e)
				add(e + "x")
			} else {
				add(p + "x")
				add(p + "a/b")
			}
		}
		for _, s := range sufs {
			add("/home/u" + s)
			add("/home/u" + s + "x")
		}
	}
	for _, p := range []string{"/etc/shadow", "/etc/passwd", "/root/.ssh/id_rsa", "/tmp/x", "/dev/shm/x", "/proc/self/mem", "/usr/bin/bash", "/var/log/syslog", "/etc/ld.so.preload", "/boot/vmlinuz"} {
		add(p)
	}
	return slices.Sorted(maps.Keys(seen))
}

// nameCorpus: every process name the derived filters hold, each with a
// near miss, and a few common ones.
func nameCorpus(filters map[string]Filter) []string {
	seen := map[string]bool{"bash": true, "sshd": true, "tar": true, "node": true}
	for _, f := range filters {
		for _, ps := range f.Path {
			for _, n := range ps.Names {
				seen[n] = true
				seen[n+"x"] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// TestDeriveAccessModes: a rule that only matches write opens (the
// open_write idiom) and tests fd.name in a way no path set expresses
// leaves the path free for write and read-write opens only; read-only
// opens keep the sensitive-file rule's paths. evt.is_open_* are false for
// creat, so a rule on write opens does not reach it.
func TestDeriveAccessModes(t *testing.T) {
	rs := load(t, `
- macro: open_write
  condition: evt.type in (open,openat,openat2,creat) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0
- macro: open_read
  condition: evt.type in (open,openat,openat2,creat) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0
- rule: history
  desc: d
  condition: open_write and fd.name contains history
  output: o
  priority: WARNING
- rule: shadow
  desc: d
  condition: open_read and fd.name = /etc/shadow
  output: o
  priority: WARNING
- rule: not read
  desc: d
  condition: evt.type = open and evt.is_open_read = false and fd.name startswith /srv
  output: o
  priority: WARNING
`)
	got := Derive(rs).Filters
	at := got["openat"]
	const rdonly, wronly, rdwr, path = 0, 1, 2, 0o10000000
	for _, c := range []struct {
		flags int64
		path  string
		want  bool
	}{
		{rdonly, "/etc/shadow", true},
		{rdonly, "/home/u/bash_history", false},
		{rdonly | path, "/etc/passwd", false},
		{3, "/etc/shadow", true}, // mode 3 reads, as the rules library says
		{wronly, "/home/u/bash_history", true},
		{wronly, "/etc/passwd", true}, // contains: any path
		{rdwr, "/etc/passwd", true},
	} {
		if openAdmits(at, 0, OtherProto, c.flags, c.path) != c.want {
			t.Errorf("openat flags %#o %s: admitted %v", c.flags, c.path, !c.want)
		}
	}
	if at.Access != AnyAccess || at.AnyPath() || !at.Path[wronly].Any || !at.Path[rdwr].Any {
		t.Errorf("openat: %+v", at)
	}
	// open: the third rule wants write-only opens below /srv as well
	o := got["open"]
	if !openAdmits(o, 0, OtherProto, wronly, "/srv/x") || !openAdmits(o, 0, OtherProto, wronly, "/etc/x") || openAdmits(o, 0, OtherProto, rdonly, "/srv/x") {
		t.Errorf("open: %+v", o)
	}
	// creat: is_open_read and is_open_write are false, no rule matches
	if c := got["creat"]; !c.IsNone() {
		t.Errorf("creat: %+v", c)
	}
}
