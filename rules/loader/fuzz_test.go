package loader

import (
	"bytes"
	"os"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
)

// FuzzLoad: no input makes the loader panic or hang, and every rule it
// accepts prints to a condition that parses back to the same tree.
func FuzzLoad(f *testing.F) {
	for _, p := range upstream(f, "falco_rules.yaml", "falco-incubating_rules.yaml") {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Small groups of upstream items make quick seeds; whole files
		// would make every execution and minimisation slow.
		items := bytes.Split(data, []byte("\n- "))
		for i := 1; i < len(items); i += 5 {
			end := min(i+5, len(items))
			f.Add(append([]byte("- "), bytes.Join(items[i:end], []byte("\n- "))...))
		}
	}
	for _, s := range []string{
		baseRule,
		exRule("    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=, pmatch]\n      values: [[a, [/tmp, b c]]]\n"),
		"- list: l\n  items: [a, 'b c']\n- macro: m\n  condition: proc.name in (l)\n" + rule("r", "m and not m"),
		"- required_engine_version: 0.57.0\n- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n",
		"- macro: a\n  condition: b\n- macro: b\n  condition: a\n- macro: a\n  condition: b\n  override:\n    condition: replace\n",
		"- list: a\n  items: &x [b, b]\n- list: b\n  items: *x\n" + rule("r", "proc.name in (a)"),
		baseRule + "- rule: r\n  enabled: false\n- rule: r\n  condition: or x\n  append: true\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := Load(Source{Name: "fuzz.yaml", Data: data})
		_ = r.Counts()
		for _, d := range r.Diagnostics {
			_ = d.String()
		}
		for _, rl := range r.Rules {
			if rl.AST == nil {
				continue
			}
			s := condition.String(rl.AST)
			e, err := condition.Parse(s)
			if err != nil || !condition.Equal(e, rl.AST) {
				t.Fatalf("rule %q: expansion %q does not round-trip: %v", rl.Name, s, err)
			}
		}
	})
}
