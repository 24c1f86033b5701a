package loader

import (
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
)

// MacroRoots names the macros each substituted subtree came from, innermost
// first when one macro is just another.
func TestMacroRoots(t *testing.T) {
	res := mustLoad(t, `
- macro: is_open
  condition: evt.type = openat
- macro: opens
  condition: is_open
- macro: etc
  condition: fd.name startswith /etc and not proc.name = sshd
- rule: r
  desc: d
  condition: opens and etc and proc.name = cat
  output: o
  priority: INFO
`)
	r := res.Rule("r")
	got := map[string][]string{}
	for e, names := range r.MacroRoots {
		got[condition.String(e)] = names
	}
	want := map[string][]string{
		"evt.type = openat": {"is_open", "opens"},
		"fd.name startswith /etc and not proc.name = sshd": {"etc"},
	}
	if len(got) != len(want) {
		t.Fatalf("MacroRoots = %v, want %v", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
	// The roots are nodes of the rule's own tree, not copies.
	and := r.AST.(*condition.And)
	if names := r.MacroRoots[and.Children[0]]; !slices.Equal(names, []string{"is_open", "opens"}) {
		t.Errorf("first operand's macros: %v", names)
	}
}
