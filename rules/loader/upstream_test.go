package loader

import (
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
)

// The upstream rules load without a single diagnostic, with the counts of
// spec/falco-rules-stats.md (stable alone: 25 rules, 87 macros, 49 lists).
// Stable followed by incubating: 56 rules, 157 macros and 83 lists, since
// incubating silently redefines 12 macros and 20 lists of stable (counted
// independently from the distinct names in both files).
func TestUpstreamRules(t *testing.T) {
	cases := []struct {
		files                []string
		rules, macros, lists int
	}{
		{[]string{"falco_rules.yaml"}, 25, 87, 49},
		{[]string{"falco_rules.yaml", "falco-incubating_rules.yaml"}, 56, 157, 83},
	}
	for _, c := range cases {
		r := LoadFiles(upstream(t, c.files...)...)
		if len(r.Diagnostics) > 0 {
			t.Errorf("%v: diagnostics:\n%s", c.files, diagText(r.Diagnostics))
		}
		want := Counts{Loaded: c.rules, Enabled: c.rules, Macros: c.macros, Lists: c.lists}
		if got := r.Counts(); got != want {
			t.Errorf("%v: counts %+v, want %+v", c.files, got, want)
		}
		if r.RequiredEngineVersion != "0.57.0" {
			t.Errorf("required engine version %q", r.RequiredEngineVersion)
		}
		for _, rl := range r.Rules {
			if rl.AST == nil || rl.Skipped {
				t.Errorf("rule %q not loaded", rl.Name)
				continue
			}
			condition.Walk(rl.AST, func(e condition.Expr) bool {
				if m, ok := e.(*condition.MacroRef); ok {
					t.Errorf("rule %q: macro %q left in the expanded tree", rl.Name, m.Name)
				}
				return true
			})
			// The expanded tree prints to a condition that parses back.
			s := condition.String(rl.AST)
			e, err := condition.Parse(s)
			if err != nil || !condition.Equal(e, rl.AST) {
				t.Errorf("rule %q: printed expansion does not round-trip: %v", rl.Name, err)
			}
			if rl.Source != "syscall" || rl.Output == "" || rl.Desc == "" {
				t.Errorf("rule %q: %+v", rl.Name, rl)
			}
		}
		for _, m := range r.Macros {
			if !m.Used || m.AST == nil {
				t.Errorf("macro %q used=%v", m.Name, m.Used)
			}
		}
		for _, l := range r.Lists {
			if !l.Used {
				t.Errorf("list %q unused", l.Name)
			}
		}
	}
}

// A known rule, checked by hand against the upstream text: the macros
// are substituted and the lists pasted.
func TestUpstreamExplain(t *testing.T) {
	r := LoadFiles(upstream(t, "falco_rules.yaml")...)
	rl := r.Rule("Read sensitive file untrusted")
	if rl == nil || rl.AST == nil {
		t.Fatal("rule missing")
	}
	s := condition.String(rl.AST)
	for _, want := range []string{
		"evt.type in (open, openat, openat2) and evt.is_open_read = true",
		"fd.name in (/etc/shadow, /etc/sudoers, /etc/pam.conf, /etc/security/pwquality.conf)",
		`not proc.name in ("<NA>", "N/A")`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("expansion lacks %q:\n%s", want, s)
		}
	}
}

// BenchmarkLoad loads stable + incubating from memory (YAML parsing,
// collection, list pasting, parsing, macro substitution, field checks).
func BenchmarkLoad(b *testing.B) {
	srcs, diags := ReadFiles(upstream(b, "falco_rules.yaml", "falco-incubating_rules.yaml")...)
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := Load(srcs...); r.HasErrors() {
			b.Fatal(r.Err())
		}
	}
}
