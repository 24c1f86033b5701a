package discarder

import (
	"fmt"
	"testing"
)

// A rule that reads a file's path on a record of a non-open syscall would
// see a discarded open's fd named from /proc, or not at all: such a rule
// switches discarding off.
func TestFDTableReaderDisablesDiscarding(t *testing.T) {
	const open = `
- rule: open etc
  desc: d
  condition: evt.type = openat and fd.name startswith /etc/
  output: o
  priority: WARNING
`
	if New(load(t, open)) == nil {
		t.Fatal("an open-only rule gives no oracle")
	}
	for _, tc := range []struct{ cond, field string }{
		{"evt.type = fchmod and fd.name startswith /srv/secret", "fd.name"},
		{"evt.type = ftruncate and fd.directory = /srv", "fd.directory"},
		{"evt.type in (sendfile, openat) and fd.filename = key.pem", "fd.filename"},
		// no event-type restriction: it can match every captured syscall
		{"fd.name = /srv/secret and proc.name = cat", "fd.name"},
	} {
		rs := load(t, open+fmt.Sprintf(`
- rule: fd rule
  desc: d
  condition: %s
  output: o
  priority: WARNING
`, tc.cond))
		if New(rs) != nil {
			t.Errorf("%q: discarding stays on", tc.cond)
		}
		if r, f, ok := FDTableReader(rs); !ok || r != "fd rule" || f != tc.field {
			t.Errorf("%q: FDTableReader = %q, %q, %v", tc.cond, r, f, ok)
		}
	}
	// the same field under a check the event type makes false does not
	// count, nor does a field the kernel gives the record itself
	for _, cond := range []string{
		"evt.type = fchmod and evt.type = openat and fd.name startswith /srv/secret",
		"evt.type = fchmod and fd.typechar = f and fd.ino = 12",
		// a syscall that takes paths only
		"evt.type in (unlinkat, renameat2) and fd.name startswith /srv/secret",
	} {
		rs := load(t, open+fmt.Sprintf(`
- rule: fd rule
  desc: d
  condition: %s
  output: o
  priority: WARNING
`, cond))
		if New(rs) == nil {
			r, f, _ := FDTableReader(rs)
			t.Errorf("%q: no oracle (%s reads %s)", cond, r, f)
		}
	}
}

// The upstream stable and incubating rules and the default rules read a
// file's path only on opens: discarding stays on.
func TestUpstreamRulesKeepOracle(t *testing.T) {
	for name, rs := range rulesets(t) {
		if r, f, ok := FDTableReader(rs); ok {
			t.Errorf("%s: rule %q reads %s on a non-open syscall", name, r, f)
		}
	}
}
