package approver

import (
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/rules"
	defaultrules "github.com/vigil-sec/vigil/rules/default"
)

// TestUpstreamOpensFiltered: with the upstream stable and incubating rules
// and the defaults together, the three rules without a path condition
// (tar's exfiltration, sshd's backdoored library, shell history) name
// their processes, so read opens (access modes 0 and 3) are filtered by
// path or process name; before the name dimension no open was. The rules
// that alone leave a mode unfiltered are logged.
func TestUpstreamOpensFiltered(t *testing.T) {
	srcs := []rules.Source{fileSource(t, upstream(t, "falco_rules.yaml")), fileSource(t, upstream(t, "falco-incubating_rules.yaml"))}
	for _, f := range defaultrules.Files() {
		srcs = append(srcs, rules.Source{Name: f.Name, Data: f.Content})
	}
	rs, err := rules.Load(rules.Options{}, srcs...)
	if err != nil {
		t.Fatal(err)
	}
	d := Derive(rs)
	for _, sc := range []string{"open", "openat", "openat2"} {
		f := d.Filters[sc]
		for _, m := range []int{0, 3} {
			ps := f.Path[m]
			if ps.Any || !slices.Contains(ps.Names, "tar") || !slices.Contains(ps.Names, "sshd") || len(ps.Prefixes) == 0 {
				t.Errorf("%s mode %d: %+v", sc, m, ps)
			}
			if !f.Admits(View{Flags: int64(m), Path: "/srv/zz/x", HasPath: true, Comm: "tar"}) || f.Admits(View{Flags: int64(m), Path: "/srv/zz/x", HasPath: true, Comm: "cat"}) {
				t.Errorf("%s mode %d: tar must pass, cat must not: %+v", sc, m, f)
			}
		}
	}
	for _, sc := range rs.Syscalls() {
		f := d.Filters[sc]
		if f.Where != AnyWhere || len(f.Path[0].Names) > 0 {
			t.Logf("%s: place %d, names of mode 0 %q", sc, f.Where, f.Path[0].Names)
		}
	}
	for m := range Modes {
		var free []string
		for _, r := range rs.Rules() {
			if r.Enabled && r.Source == "syscall" {
				if f := ForRule(r.Tree(), "openat"); f.Access&(1<<m) != 0 && f.Path[m].Any {
					free = append(free, r.Name)
				}
			}
		}
		t.Logf("openat mode %d: %d rules leave it unfiltered %q", m, len(free), free)
	}
}
