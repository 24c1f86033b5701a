package approver

import (
	"slices"
	"testing"
)

// TestDeriveNamesAndPlaces: a rule with a path condition and a rule with
// only a process-name condition together filter an open by "path in the
// set OR name in the set"; a rule with both keeps its path (the cross
// term); a name longer than the kernel keeps is cut; negated names and
// pattern operators leave the name free; container.id splits host from
// containers.
func TestDeriveNamesAndPlaces(t *testing.T) {
	rs := load(t, `
- list: archivers
  items: [tar, averyveryverylongname]
- macro: container
  condition: (container.id != host)
- rule: shadow
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: o
  priority: WARNING
- rule: tar
  desc: d
  condition: evt.type = openat and proc.name in (archivers)
  output: o
  priority: WARNING
- rule: both
  desc: d
  condition: evt.type = openat and proc.name = cp and fd.directory = /srv
  output: o
  priority: WARNING
- rule: connect in container
  desc: d
  condition: evt.type = connect and container and proc.name = curl
  output: o
  priority: WARNING
- rule: host exec
  desc: d
  condition: evt.type = execve and container.id = host and not proc.name = bash
  output: o
  priority: WARNING
- rule: glob name
  desc: d
  condition: evt.type = socket and proc.name glob "py*"
  output: o
  priority: WARNING
`)
	got := Derive(rs).Filters
	at := got["openat"]
	if !slices.Equal(at.Path[0].Names, []string{"averyveryverylo", "tar"}) {
		t.Errorf("openat names: %v", at.Path[0].Names)
	}
	for _, c := range []struct {
		comm, path string
		want       bool
	}{
		{"tar", "/tmp/x", true},
		{"averyveryverylo", "/tmp/x", true},
		{"cat", "/etc/shadow", true},
		{"cat", "/tmp/x", false},
		{"cat", "/srv/a", true}, // the cross term keeps the path
		{"cp", "/tmp/x", false},
		{"cat", "tmp/x", true}, // not judged
	} {
		v := View{Path: c.path, HasPath: true, Comm: c.comm}
		if at.Admits(v) != c.want {
			t.Errorf("openat %s by %s: admitted %v", c.path, c.comm, !c.want)
		}
	}
	conn := got["connect"]
	if conn.Where != Container || conn.Admits(View{Comm: "curl"}) || !conn.Admits(View{Comm: "curl", InContainer: true}) || conn.Admits(View{Comm: "wget", InContainer: true}) {
		t.Errorf("connect: %+v", conn)
	}
	ex := got["execve"]
	if ex.Where != Host || !ex.AnyPath() || ex.Admits(View{Comm: "x", InContainer: true}) || !ex.Admits(View{Comm: "bash"}) {
		t.Errorf("execve: %+v", ex)
	}
	if s := got["socket"]; !s.IsAll() {
		t.Errorf("socket: %+v", s)
	}
}
