package loader

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/alert/priority"
)

func TestAppendMacro(t *testing.T) {
	r := load(`
- macro: m
  condition: evt.type=open
- macro: m
  condition: or evt.type=openat
  append: true
` + rule("r", "m"))
	wantOnly(t, r, "1.yaml:6:11: warning: macro 'm': "+warnAppend)
	if got := r.Macro("m").Condition; got != "evt.type=open or evt.type=openat" {
		t.Errorf("macro condition %q", got)
	}
	if got := expanded(t, r, "r"); got != "evt.type = open or evt.type = openat" {
		t.Errorf("expanded %q", got)
	}
}

// Appends are raw concatenation: "a and b" + "or c" is (a and b) or c.
func TestAppendIsUnparenthesised(t *testing.T) {
	r := mustLoad(t, rule("r", "proc.name=a and proc.name=b")+`
- rule: r
  condition: or proc.name=c
  append: true
`)
	if got := ruleCond(t, r, "r"); got != "proc.name=a and proc.name=b or proc.name=c" {
		t.Errorf("condition %q", got)
	}
	if got := expanded(t, r, "r"); got != "proc.name = a and proc.name = b or proc.name = c" {
		t.Errorf("expanded %q", got)
	}
}

func TestOverrideMacro(t *testing.T) {
	r := mustLoad(t, `
- macro: m
  condition: evt.type=open
- macro: m
  condition: and proc.name=x
  override:
    condition: append
- macro: n
  condition: evt.type=open
- macro: n
  condition: evt.type=close
  override:
    condition: replace
`+rule("r", "m and n"))
	noWarnings(t, r)
	if got := r.Macro("m").Condition; got != "evt.type=open and proc.name=x" {
		t.Errorf("m: %q", got)
	}
	if got := r.Macro("n").Condition; got != "evt.type=close" {
		t.Errorf("n: %q", got)
	}
}

func TestListAppendOverride(t *testing.T) {
	r := mustLoad(t, `
- list: a
  items: [x, y]
- list: a
  items: [z]
  append: true
- list: b
  items: [x]
- list: b
  items: [y]
  override:
    items: append
- list: c
  items: [x]
- list: c
  items: [y]
  override:
    items: replace
`+rule("r", "proc.name in (a, b, c)"))
	for name, want := range map[string][]string{"a": {"x", "y", "z"}, "b": {"x", "y"}, "c": {"y"}} {
		if got := r.List(name).Items; !reflect.DeepEqual(got, want) {
			t.Errorf("list %s: %v, want %v", name, got, want)
		}
	}
	if got := expanded(t, r, "r"); got != "proc.name in (x, y, z, x, y, y)" {
		t.Errorf("expanded %q", got)
	}
	if len(r.Warnings()) != 1 {
		t.Errorf("want one deprecation warning:\n%s", diagText(r.Diagnostics))
	}
}

func TestAppendToUndefined(t *testing.T) {
	r := load(`
- list: l
  items: [a]
  append: true
- macro: m
  condition: x
  override:
    condition: append
- rule: r
  condition: x
  append: true
- rule: s
  condition: x
  override:
    condition: replace
`)
	wantDiag(t, r, "1.yaml:2:3: list 'l': cannot append to list 'l': no list with that name is defined before")
	wantDiag(t, r, "1.yaml:5:3: macro 'm': cannot append to macro 'm': no macro with that name is defined before")
	wantDiag(t, r, "1.yaml:9:9: rule 'r': cannot append to rule 'r': no rule with that name is defined before")
	wantDiag(t, r, "1.yaml:12:9: rule 's': cannot override rule 's': no rule with that name is defined before")
}

const baseRule = `
- rule: r
  desc: first
  condition: proc.name=a
  output: out1
  priority: WARNING
  tags: [b, a]
  exceptions:
    - name: e1
      fields: [proc.name]
      values: [[x]]
`

func TestOverrideRuleAppend(t *testing.T) {
	r := mustLoad(t, baseRule+`
- rule: r
  condition: and proc.pname=b
  output: out2
  desc: second
  tags: [c, a]
  exceptions:
    - name: e1
      values: [[y]]
    - name: e2
      fields: proc.pname
      values: [p1, p 2]
  override:
    condition: append
    output: append
    desc: append
    tags: append
    exceptions: append
`)
	noWarnings(t, r)
	rl := r.Rule("r")
	if rl.Condition != `(proc.name=a and proc.pname=b) and not (( proc.name = x) or ( proc.name = y)) and not (proc.pname in (p1, "p 2"))` {
		t.Errorf("condition %q", rl.Condition)
	}
	if rl.Output != "out1 out2" || rl.Desc != "first second" {
		t.Errorf("output %q desc %q", rl.Output, rl.Desc)
	}
	if !reflect.DeepEqual(rl.Tags, []string{"a", "b", "c"}) {
		t.Errorf("tags %v", rl.Tags)
	}
	if rl.AST == nil {
		t.Fatalf("no AST")
	}
}

func TestOverrideRuleReplaceEveryKey(t *testing.T) {
	r := mustLoad(t, baseRule+`
- rule: r
  condition: proc.name=z
  output: "  new out  "
  desc: new desc
  priority: error
  tags: [t]
  exceptions:
    - name: e9
      fields: [proc.name, proc.pname]
      comps: [startswith, in]
      values: [[a, [b, c]]]
  enabled: false
  capture: true
  capture_duration: 5000
  warn_evttypes: false
  skip-if-unknown-filter: true
  override:
    condition: replace
    output: replace
    desc: replace
    priority: replace
    tags: replace
    exceptions: replace
    enabled: replace
    capture: replace
    capture_duration: replace
    warn_evttypes: replace
    skip-if-unknown-filter: replace
`)
	rl := r.Rule("r")
	want := Rule{
		Name: "r", Desc: "new desc", Output: "new out", Priority: priority.Error, Source: "syscall",
		Tags: []string{"t"}, Enabled: false, WarnEvttypes: false, SkipIfUnknownFilter: true,
		Capture: true, CaptureDuration: 5000,
	}
	got := *rl
	got.Exceptions, got.AST, got.Pos, got.ConditionPos, got.OutputPos, got.Condition, got.ParsedText = nil, nil, Position{}, Position{}, Position{}, "", ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rule\n got  %+v\n want %+v", got, want)
	}
	if rl.Condition != "(proc.name=z) and not (( proc.name startswith a and  proc.pname in (b, c)))" {
		t.Errorf("condition %q", rl.Condition)
	}
	if len(rl.Exceptions) != 1 || rl.Exceptions[0].Name != "e9" {
		t.Errorf("exceptions %+v", rl.Exceptions)
	}
	if rl.ConditionPos.Line != 14 || rl.OutputPos.Line != 15 {
		t.Errorf("positions follow the replacing item: condition %+v output %+v", rl.ConditionPos, rl.OutputPos)
	}
}

func TestOverrideMixedAppendAndReplace(t *testing.T) {
	r := mustLoad(t, baseRule+`
- rule: r
  condition: or proc.name=b
  priority: critical
  override:
    condition: append
    priority: replace
`)
	rl := r.Rule("r")
	if rl.Priority != priority.Critical || !strings.HasPrefix(rl.Condition, "(proc.name=a or proc.name=b)") {
		t.Errorf("priority %v condition %q", rl.Priority, rl.Condition)
	}
}

func TestOverrideValidity(t *testing.T) {
	cases := []struct{ item, want string }{
		{`
- rule: r
  condition: x
  override:
    condition: append
    output: append
`, "2.yaml:5:5: rule 'r': 'override' asks to append 'output', but the item has no 'output' key"},
		{`
- rule: r
  condition: and x
  output: o
  override:
    condition: append
`, "2.yaml:4:3: rule 'r': key 'output' is not named under 'override': add 'output: append' or 'output: replace' there"},
		{`
- rule: r
  priority: debug
  override:
    priority: append
`, "2.yaml:5:5: rule 'r': key 'priority' cannot be appended to, use 'replace' instead"},
		{`
- rule: r
  source: k8s_audit
  override:
    source: replace
`, "2.yaml:5:5: rule 'r': key 'source' cannot be overridden"},
		{`
- rule: r
  desc: x
  override:
    desc: prepend
`, "2.yaml:5:11: rule 'r': invalid override operation 'prepend' for key 'desc': use 'append' or 'replace'"},
		{`
- rule: r
  condition: x
  append: true
  override:
    condition: append
`, "2.yaml:6:5: rule 'r': 'override' and 'append: true' cannot be used together"},
		{`
- rule: nope
  condition: x
  override:
    condition: append
`, "2.yaml:2:9: rule 'nope': cannot append to rule 'nope': no rule with that name is defined before"},
		{`
- rule: nope
  enabled: false
  override:
    enabled: replace
`, "2.yaml:2:9: rule 'nope': cannot override rule 'nope': no rule with that name is defined before"},
		{`
- rule: r
  condition: and x
  source: k8s_audit
  override:
    condition: append
`, "2.yaml:4:11: rule 'r': an update cannot change the source of rule 'r' from 'syscall' to 'k8s_audit'"},
		{`
- rule: r
  output: x
  override: [output]
`, "2.yaml:4:13: rule 'r': 'override' must be a mapping of keys to 'append' or 'replace'"},
		{`
- macro: m
  condition: x
  override:
    items: append
`, "2.yaml:5:5: macro 'm': key 'items' cannot be overridden"},
		{`
- list: l
  items: [x]
  override:
    condition: replace
`, "2.yaml:5:5: list 'l': key 'condition' cannot be overridden"},
	}
	for _, c := range cases {
		r := load(baseRule+"\n- macro: m\n  condition: proc.name=q\n- list: l\n  items: [a]\n", c.item)
		if !r.HasErrors() {
			t.Errorf("no error for %s", c.item)
			continue
		}
		wantDiag(t, r, c.want)
	}
}

func TestLegacyAppendOnlyConditionAndExceptions(t *testing.T) {
	r := load(baseRule + `
- rule: r
  condition: and proc.pname=z
  output: ignored
  exceptions:
    - name: e1
      values: [[w]]
  append: true
`)
	wantOnly(t, r,
		"1.yaml:19:11: warning: rule 'r': "+warnAppend,
		"1.yaml:15:3: warning: rule 'r': key 'output' is ignored: 'append: true' only appends 'condition' and 'exceptions' (use 'override' for other keys)")
	rl := r.Rule("r")
	if rl.Output != "out1" {
		t.Errorf("output %q", rl.Output)
	}
	if rl.Condition != "(proc.name=a and proc.pname=z) and not (( proc.name = x) or ( proc.name = w))" {
		t.Errorf("condition %q", rl.Condition)
	}
	r = load(baseRule + "\n- rule: r\n  append: true\n")
	wantDiag(t, r, "1.yaml:13:9: rule 'r': an appended rule must have a 'condition' or 'exceptions' key")
}

func TestExceptionMergeErrors(t *testing.T) {
	r := load(baseRule + `
- rule: r
  exceptions:
    - name: e1
      fields: [proc.pname]
      values: [[y]]
    - name: e1b
      fields: [proc.pname]
    - name: e1c
      values: [[y]]
  override:
    exceptions: append
`)
	wantDiag(t, r, "1.yaml:15:7: rule 'r': cannot change the fields of existing exception 'e1': only values can be appended")
	wantDiag(t, r, "1.yaml:18:7: rule 'r': new exception 'e1b' must have a 'values' key")
	wantDiag(t, r, "1.yaml:20:7: rule 'r': new exception 'e1c' must have a 'fields' key")
}

func TestLegacyEnable(t *testing.T) {
	r := load(rule("r", "proc.name=a") + `
- rule: r
  enabled: false
- rule: nope
  enabled: false
`)
	wantOnly(t, r,
		"1.yaml:8:12: warning: rule 'r': an item with only 'rule' and 'enabled' is deprecated: add 'override: {enabled: replace}'",
		"1.yaml:10:12: warning: rule 'nope': an item with only 'rule' and 'enabled' is deprecated: add 'override: {enabled: replace}'",
		"1.yaml:9:9: rule 'nope': cannot enable or disable rule 'nope': no rule with that name is defined before")
	if r.Rule("r").Enabled {
		t.Errorf("rule still enabled")
	}
	c := r.Counts()
	if c.Loaded != 1 || c.Enabled != 0 {
		t.Errorf("counts %+v", c)
	}
}

// A redefinition replaces the item but keeps its place in the order.
func TestRedefinitionKeepsPosition(t *testing.T) {
	r := mustLoad(t, rule("a", "proc.name=1")+rule("b", "proc.name=2")+`
- list: l1
  items: [x]
- list: l2
  items: [y]
- macro: m1
  condition: proc.name in (l1)
- macro: m2
  condition: proc.name in (l2)
`+rule("c", "m1 and m2"), rule("a", "proc.name=3")+`
- list: l1
  items: [z]
- macro: m1
  condition: proc.name in (l1, l2)
`)
	var names []string
	for _, rl := range r.Rules {
		names = append(names, rl.Name)
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Errorf("order %v", names)
	}
	if got := ruleCond(t, r, "a"); got != "proc.name=3" {
		t.Errorf("a: %q", got)
	}
	if p := r.Rule("a").Pos; p.File != "2.yaml" || p.Line != 1 {
		t.Errorf("a's position follows its latest definition: %+v", p)
	}
	if r.Lists[0].Name != "l1" || r.Macros[0].Name != "m1" {
		t.Errorf("list/macro order changed")
	}
	if got := expanded(t, r, "c"); got != "proc.name in (z, y) and proc.name in (y)" {
		t.Errorf("c: %q", got)
	}
}

func TestRedefineWithOtherSource(t *testing.T) {
	r := load(rule("a", "proc.name=1") + "- rule: a\n  desc: d\n  condition: x\n  output: o\n  priority: info\n  source: k8s_audit\n")
	wantDiag(t, r, "1.yaml:11:11: rule 'a': rule redefined with source 'k8s_audit', but it was defined with source 'syscall'")
}
