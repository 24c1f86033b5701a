package loader

import "testing"

// TestMessages pins the loader messages the feature tests do not reach.
func TestMessages(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"- ? [a]\n  : b\n", "1.yaml:1:5: item keys must be scalars, not a sequence"},
		{"- list: {a: b}\n  items: []\n", "1.yaml:1:9: list: 'list' must be a scalar, not a mapping"},
		{"- list: l\n  items: [a, [b]]\n", "1.yaml:2:14: list 'l': item 2 of 'items' must be a scalar"},
		{"- list: l\n  items: [a, ~]\n", "1.yaml:2:14: list 'l': item 2 of 'items' must be a scalar"},
		{"- list: l\n  items: [a]\n- list: l\n  items: [b]\n  append: true\n  override:\n    items: append\n", "1.yaml:7:5: list 'l': 'override' and 'append: true' cannot be used together"},
		{"- macro: m\n  condition: a\n- macro: m\n  condition: b\n  append: true\n  override:\n    condition: append\n", "1.yaml:7:5: macro 'm': 'override' and 'append: true' cannot be used together"},
		{"- macro: m\n  condition: [a]\n", "1.yaml:2:14: macro 'm': 'condition' must be a scalar, not a sequence"},
		{rule("r", "proc.name=a") + "- rule: r\n  desc: x\n  override:\n    ? [desc]\n    : append\n", "1.yaml:9:7: rule 'r': keys under 'override' must be scalars"},
		{rule("r", "proc.name=a") + "- rule: r\n  tags: [x]\n", "1.yaml:6:9: rule 'r': a new rule needs 'condition', 'output', 'desc' and 'priority'; to change an existing rule use 'override'"},
		{exRule("    - ? [x]\n      : y\n      name: e\n      fields: [proc.name]\n"), "1.yaml:8:9: rule 'r': exception keys must be scalars"},
		{exRule("    - name: ~\n      fields: [proc.name]\n"), "1.yaml:8:13: rule 'r': exception 'name' is empty"},
		{exRule("    - name: e\n      fields: {a: b}\n"), "1.yaml:9:15: rule 'r': exception 'e' 'fields' must be a scalar or a sequence, not a mapping"},
		{exRule("    - name: e\n      fields: [[proc.name]]\n      values: [[a]]\n"), "1.yaml:9:16: rule 'r': exception 'e' 'fields' is nested too deeply: expected a scalar"},
		{exRule("    - name: e\n      fields: ['proc.name = x']\n      values: [[a]]\n"), "1.yaml:8:7: rule 'r': exception 'e': 'proc.name = x' is not a field name"},
		{exRule("    - name: e\n      fields: ['proc.aname[x]']\n      values: [[a]]\n"), "1.yaml:8:7: rule 'r': exception 'e': field 'proc.aname' takes a numeric index, not 'x'"},
		{exRule("    - name: e\n      fields: [proc.name]\n      values: [[a]]\n") + "- rule: r\n  exceptions:\n    - name: e\n      comps: [in]\n      values: [[b]]\n  override:\n    exceptions: append\n",
			"1.yaml:13:7: rule 'r': cannot change the comps of existing exception 'e': only values can be appended"},
		{"- required_plugin_versions: [container]\n", "1.yaml:1:30: required_plugin_versions: each required plugin must be a mapping with 'name' and 'version'"},
		{"- required_plugin_versions:\n    - name: x\n      version: 1.0.0\n      alternatives: y\n", "1.yaml:4:21: required_plugin_versions: 'alternatives' of plugin 'x' must be a sequence"},
		{"- required_plugin_versions:\n    - name: x\n      version: 1.0.0\n      alternatives: [y]\n", "1.yaml:4:22: required_plugin_versions: each alternative of plugin 'x' must be a mapping with 'name' and 'version'"},
		{"- required_plugin_versions:\n    - name: x\n      version: 1.0.0\n      alternatives: [{name: x, version: 2.0.0}]\n", "1.yaml:2:7: required_plugin_versions: plugin 'x' is listed more than once among alternatives"},
	}
	for _, c := range cases {
		r := load(c.yaml)
		if !r.HasErrors() {
			t.Errorf("no error for\n%s\nhave:\n%s", c.yaml, diagText(r.Diagnostics))
			continue
		}
		wantDiag(t, r, c.want)
	}
	r := load(exRule("    - name: e\n      fields: [proc.name]\n      values: [[a]]\n") + "- rule: r\n  exceptions:\n    - name: e\n  override:\n    exceptions: append\n")
	wantOnly(t, r, "1.yaml:13:7: warning: rule 'r': exception 'e' is appended or overridden without 'values'")
}
