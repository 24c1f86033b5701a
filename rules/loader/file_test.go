package loader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/alert/priority"
)

func TestEngineVersion(t *testing.T) {
	r := mustLoad(t, "- required_engine_version: 0.57.0\n- required_engine_version: 10\n- required_engine_version: '0.63.0'\n- required_engine_version: 0.2.1\n")
	noWarnings(t, r)
	if r.RequiredEngineVersion != EngineVersion {
		t.Errorf("required %q, want the highest, %s", r.RequiredEngineVersion, EngineVersion)
	}
	cases := map[string]string{
		"0.64.0": "1.yaml:1:28: required_engine_version: the rules require engine version 0.64.0, but Vigil implements engine version 0.63.0",
		"1.0.0":  "1.yaml:1:28: required_engine_version: the rules require engine version 1.0.0, but Vigil implements engine version 0.63.0",
		"64":     "1.yaml:1:28: required_engine_version: the rules require engine version 0.64.0, but Vigil implements engine version 0.63.0",
		"0.57":   "1.yaml:1:28: required_engine_version: cannot read engine version '0.57': expected x.y.z (or a legacy integer)",
		"abc":    "1.yaml:1:28: required_engine_version: cannot read engine version 'abc': expected x.y.z (or a legacy integer)",
		"-1":     "1.yaml:1:28: required_engine_version: cannot read engine version '-1': expected x.y.z (or a legacy integer)",
		"":       "1.yaml:1:27: required_engine_version: 'required_engine_version' is empty",
	}
	for v, want := range cases {
		wantOnly(t, load("- required_engine_version: "+v+"\n"), want)
	}
}

func TestPluginVersions(t *testing.T) {
	r := mustLoad(t, `
- required_plugin_versions:
    - name: container
      version: 0.4.0
    - name: k8smeta
      version: 0.1.0
      alternatives:
        - name: container
          version: 9.9.9
`)
	noWarnings(t, r)
	r = load(`
- required_plugin_versions:
    - name: cloudtrail
      version: 0.7.0
      alternatives:
        - name: cloudtrail-x
          version: 0.4.0
    - name: json
      version: 0.7
    - name: container
`)
	wantOnly(t, r,
		"1.yaml:3:7: required_plugin_versions: the rules require plugin 'cloudtrail' 0.7.0 or 'cloudtrail-x' 0.4.0, which Vigil does not provide (built in: container, k8saudit, json)",
		"1.yaml:8:7: required_plugin_versions: invalid version '0.7' required for plugin 'json': expected x.y.z",
		"1.yaml:10:7: required_plugin_versions: missing required key 'version'")
	wantOnly(t, load("- required_plugin_versions: container\n"),
		"1.yaml:1:29: required_plugin_versions: 'required_plugin_versions' must be a sequence")
}

func TestPriorities(t *testing.T) {
	for in, want := range map[string]priority.Priority{
		"EMERGENCY": priority.Emergency, "Alert": priority.Alert, "critical": priority.Critical,
		"ERROR": priority.Error, "warning": priority.Warning, "Notice": priority.Notice,
		"informational": priority.Informational, "info": priority.Informational, "INFO": priority.Informational,
		"debug": priority.Debug,
	} {
		r := mustLoad(t, strings.Replace(rule("r", "proc.name=a"), "WARNING", in, 1))
		if got := r.Rule("r").Priority; got != want {
			t.Errorf("priority %q = %v, want %v", in, got, want)
		}
	}
	r := load(strings.Replace(rule("r", "proc.name=a"), "WARNING", "urgent", 1))
	wantOnly(t, r, `1.yaml:5:13: rule 'r': invalid priority "urgent": want one of emergency, alert, critical, error, warning, notice, informational (or info), debug`)
}

func TestRuleDefaultsAndKeys(t *testing.T) {
	r := mustLoad(t, `
- rule: r
  desc: d
  condition: proc.name=a
  output: "  text %proc.name \n"
  priority: notice
  tags: [z, a, z]
`)
	rl := r.Rule("r")
	if rl.Output != "text %proc.name" || rl.Source != "syscall" || !rl.Enabled || !rl.WarnEvttypes ||
		rl.SkipIfUnknownFilter || rl.Capture || rl.CaptureDuration != 0 || strings.Join(rl.Tags, ",") != "a,z" {
		t.Errorf("rule %+v", rl)
	}
	if rl.Pos != (Position{"1.yaml", 2, 3}) || rl.ConditionPos != (Position{"1.yaml", 4, 14}) || rl.OutputPos != (Position{"1.yaml", 5, 11}) {
		t.Errorf("positions %+v %+v %+v", rl.Pos, rl.ConditionPos, rl.OutputPos)
	}
	r = load(`
- rule: r
  desc: d
  condition: proc.name=a
  output: o
  priority: notice
  enabled: maybe
  capture_duration: -5
  tags: oops
  colour: blue
- rule: s
  desc: d
  output: ""
  priority: debug
- weird: 1
- [a, b]
`)
	wantOnly(t, r,
		"1.yaml:10:3: warning: rule 'r': unknown key 'colour' is ignored",
		"1.yaml:7:12: rule 'r': 'enabled' must be a boolean (true or false), not 'maybe'",
		"1.yaml:8:21: rule 'r': 'capture_duration' must be a non-negative integer, not '-5'",
		"1.yaml:9:9: rule 'r': 'tags' must be a sequence",
		"1.yaml:11:3: rule 's': missing required key 'condition'",
		"1.yaml:13:11: rule 's': 'output' must not be an empty string",
		"1.yaml:15:3: unknown item: expected one of the keys 'rule', 'macro', 'list', 'required_engine_version' or 'required_plugin_versions'",
		"1.yaml:16:3: each item of a rules file must be a mapping, not a sequence")
}

func TestYAMLStructure(t *testing.T) {
	wantOnly(t, load("- rule: [unclosed\n"), "1.yaml:1:1: invalid YAML: did not find expected ',' or ']'")
	wantOnly(t, load("rule: x\n"), "1.yaml:1:1: rules content must be a sequence of items, not a mapping")
	// Empty files, empty documents and null items are fine; several
	// documents are read in order.
	r := mustLoad(t, "", "---\n...\n", "- ~\n- list: a\n  items: [x]\n---\n"+rule("r", "proc.name in (a)"))
	if len(r.Rules) != 1 || len(r.Lists) != 1 {
		t.Errorf("rules %d lists %d", len(r.Rules), len(r.Lists))
	}
	// Anchors and aliases resolve.
	r = mustLoad(t, "- list: a\n  items: &it [x, y]\n- list: b\n  items: *it\n"+rule("r", "proc.name in (a, b)"))
	if got := expanded(t, r, "r"); got != "proc.name in (x, y, x, y)" {
		t.Errorf("expanded %q", got)
	}
	r = load("- list: a\n  items: [x]\n  items: [y]\n" + rule("r", "proc.name in (a)"))
	wantOnly(t, r, "1.yaml:3:3: warning: duplicate key 'items': the first value is used")
}

// Errors inside conditions point at the right line and column of the
// rules file, also inside folded and literal block scalars, after
// appends, and through list pasting.
func TestConditionPositions(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{`
- rule: r
  desc: d
  condition: >
    evt.type = open and
    proc.name = bash and
    proc.nope = x
  output: o
  priority: info
`, "1.yaml:7:5: rule 'r': unknown field 'proc.nope'"},
		{`
- rule: r
  desc: d
  condition: |
    evt.type = open
      and proc.name = (bash)
  output: o
  priority: info
`, "1.yaml:6:23: rule 'r': invalid condition: expected a value after '=': a bare or quoted string or a transformer, found '('"},
		{`
- rule: r
  desc: d
  condition: "proc.name = \"a\" and \"oops\""
  output: o
  priority: info
`, "1.yaml:4:37: rule 'r': invalid condition: expected a field check, a macro name, 'not' or '(', found '\"oops\"'"},
		{`
- macro: m
  condition: (evt.type = open and
    proc.name in (a,))
`, "1.yaml:4:21: macro 'm': invalid condition: expected a list item (a bare or quoted string) after ',', found ')'"},
		{rule("r", "proc.name = a") + `
- rule: r
  condition: >-
    and
    evt.type = open and = x
  override:
    condition: append
`, "1.yaml:10:25: rule 'r': invalid condition: expected a field check, a macro name, 'not' or '(', found '='"},
		{`
- list: l
  items: [a, b]
- rule: r
  desc: d
  condition: >
    evt.type = open and
    proc.name in (l) and proc.aname[x] = y
  output: o
  priority: info
`, "1.yaml:8:26: rule 'r': field 'proc.aname' takes a numeric index, not 'x'"},
		{`
- rule: r
  desc: d
  condition: proc.name = a
  output: o
  priority: info
  exceptions:
    - name: e
      fields: [proc.name]
      comps: [in]
      values: [["(a"]]
`, "1.yaml:8:7: rule 'r': invalid condition: expected 'and', 'or' or ')', found end of condition"},
	}
	for _, c := range cases {
		r := load(c.yaml)
		if !r.HasErrors() {
			t.Errorf("no error for %s", c.yaml)
			continue
		}
		if got := r.Errors()[0].String(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(a, []byte("- list: l\n  items: [x]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "b.yaml")
	if err := os.WriteFile(b, []byte(rule("r", "proc.name in (l) and nope")), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	r := LoadFiles(a, missing, b)
	wantOnly(t, r,
		missing+":1:1: cannot read rules file: no such file or directory",
		b+":3:35: rule 'r': Undefined macro 'nope' used in filter")
	// In-memory sources mix with files through ReadFiles.
	srcs, diags := ReadFiles(a)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	r = Load(append(srcs, Source{Name: "embedded", Data: []byte(rule("r", "proc.name in (l)"))})...)
	if r.HasErrors() || r.Rule("r").Pos.File != "embedded" {
		t.Errorf("%s", diagText(r.Diagnostics))
	}
}
