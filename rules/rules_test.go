package rules

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// evtTypeLiterals lists every name an evt.type check of the rules spells.
func evtTypeLiterals(rs *Ruleset) []string {
	seen := map[string]bool{}
	for _, r := range rs.Rules() {
		condition.Walk(r.ast, func(e condition.Expr) bool {
			c, ok := e.(*condition.Check)
			if !ok {
				return true
			}
			if f, ok := c.LHS.(*condition.FieldRef); !ok || f.Name != "evt.type" {
				return true
			}
			switch v := c.RHS.(type) {
			case *condition.Literal:
				seen[v.Text] = true
			case *condition.List:
				for _, it := range v.Items {
					seen[it.Text] = true
				}
			}
			return true
		})
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func TestUpstreamRules(t *testing.T) {
	stable19 := []string{"connect", "dup", "dup2", "dup3", "execve", "execveat", "finit_module", "init_module",
		"link", "linkat", "open", "openat", "openat2", "ptrace", "sendmsg", "sendto", "socket", "symlink", "symlinkat"}
	tests := []struct {
		name     string
		files    []string
		rules    int
		syscalls int
		exact    []string
	}{
		// The union of the per-rule sets is 19 names for the stable file
		// (falco-rules-stats.md); stable+incubating adds 17 more.
		{"stable", []string{"falco_rules.yaml"}, 25, 19, stable19},
		{"stable+incubating", []string{"falco_rules.yaml", "falco-incubating_rules.yaml"}, 56, 36, nil},
	}
	for _, tt := range tests {
		var paths []string
		for _, f := range tt.files {
			paths = append(paths, upstream(t, f))
		}
		rs, err := LoadFiles(Options{}, paths...)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, d := range rs.Diagnostics() {
			t.Errorf("%s: unexpected diagnostic %s", tt.name, d)
		}
		if len(rs.Rules()) != tt.rules {
			t.Errorf("%s: %d rules compiled, want %d", tt.name, len(rs.Rules()), tt.rules)
		}
		for _, r := range rs.Rules() {
			if !r.Enabled || r.filter == nil || r.Output == nil || r.EventTypes == nil {
				t.Errorf("%s: rule %q: enabled %v, compiled %v, output %v, types %v", tt.name, r.Name, r.Enabled, r.filter != nil, r.Output != nil, r.EventTypes)
			}
		}
		sys := rs.Syscalls()
		if len(sys) != tt.syscalls {
			t.Errorf("%s: %d syscalls %v, want %d", tt.name, len(sys), sys, tt.syscalls)
		}
		if tt.exact != nil && !slices.Equal(sys, tt.exact) {
			t.Errorf("%s: syscalls %v, want %v", tt.name, sys, tt.exact)
		}
		for _, lit := range evtTypeLiterals(rs) {
			if !slices.Contains(sys, lit) {
				t.Errorf("%s: syscalls miss %s, which a rule names", tt.name, lit)
			}
		}
	}
}

func TestUpstreamEventTypes(t *testing.T) {
	// Rows of the per-rule table in falco-rules-stats.md.
	rs, err := LoadFiles(Options{}, upstream(t, "falco_rules.yaml"), upstream(t, "falco-incubating_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Read sensitive file untrusted":                            "open,openat,openat2",
		"Run shell untrusted":                                      "execve,execveat",
		"Contact K8S API Server From Container":                    "connect",
		"Create Symlink Over Sensitive Files":                      "symlink,symlinkat",
		"Redirect STDOUT/STDIN to Network Connection in Container": "dup,dup2,dup3",
		"Linux Kernel Module Injection Detected":                   "finit_module,init_module",
		"Disallowed SSH Connection Non Standard Port":              "connect,sendmsg,sendto",
		"Schedule Cron Jobs":                                       "execve,execveat,open,openat,openat2",
		"System procs network activity":                            "accept,accept4,connect,listen",
		"Create files below dev":                                   "creat,open,openat,openat2",
		"Delete or rename shell history":                           "open,openat,openat2,rename,renameat,renameat2,rmdir,unlink,unlinkat",
		"Set Setuid or Setgid bit":                                 "chmod,fchmod,fchmodat",
		"BPF Program Not Profiled":                                 "bpf",
	}
	for name, types := range want {
		r := rs.Rule(name)
		if r == nil {
			t.Errorf("rule %q not loaded", name)
			continue
		}
		if got := strings.Join(r.EventTypes, ","); got != types {
			t.Errorf("%s: event types %s, want %s", name, got, types)
		}
	}
}

const testRules = `
- list: shells
  items: [bash, sh]
- macro: spawned_process
  condition: (evt.type in (execve, execveat))
- rule: Shell spawned
  desc: a shell started
  condition: spawned_process and proc.name in (shells)
  output: shell %proc.name (parent=%proc.pname)
  priority: NOTICE
  tags: [process, shell]
- rule: Bash spawned
  desc: bash started
  condition: spawned_process and proc.name = bash
  output: bash by %user.name
  priority: WARNING
  tags: [process]
- rule: Etc opened
  desc: something under /etc
  condition: evt.type = openat and fd.name startswith /etc/
  output: opened %fd.name
  priority: DEBUG
  tags: [filesystem]
- rule: Disabled one
  desc: off by default
  condition: evt.type = openat and fd.name = /etc/shadow
  output: shadow %fd.name
  priority: CRITICAL
  enabled: false
  tags: [filesystem]
`

func load(t *testing.T, opts Options, content string) *Ruleset {
	t.Helper()
	rs, err := Load(opts, Source{Name: "test.yaml", Data: []byte(content)})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func names(rules []*Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Name)
	}
	return out
}

func bashExec() fields.Event {
	return fieldstest.New().Set(fields.KeyEvtType, "execve").Set(fields.KeyProcName, "bash").
		Set(fields.KeyAncNames, []string{"sshd"}).Set(fields.KeyUserName, "alice")
}

func shadowOpen() fields.Event {
	return fieldstest.New().Set(fields.KeyEvtType, "openat").Set(fields.KeyFilePath, "/etc/shadow")
}

func TestMatchModes(t *testing.T) {
	rs := load(t, Options{}, testRules)
	if got := names(rs.Match(bashExec(), MatchFirst, nil)); !slices.Equal(got, []string{"Shell spawned"}) {
		t.Errorf("first: %v", got)
	}
	if got := names(rs.Match(bashExec(), MatchAll, nil)); !slices.Equal(got, []string{"Shell spawned", "Bash spawned"}) {
		t.Errorf("all: %v", got)
	}
	if got := names(rs.Match(shadowOpen(), MatchAll, nil)); !slices.Equal(got, []string{"Etc opened"}) {
		t.Errorf("disabled rule matched: %v", got)
	}
	r := rs.Rule("Shell spawned")
	if r.Priority != priority.Notice || r.Source != "syscall" || !slices.Equal(r.Tags, []string{"process", "shell"}) ||
		r.Description != "a shell started" || !slices.Equal(r.EventTypes, []string{"execve", "execveat"}) || r.Pos.Line == 0 {
		t.Errorf("rule fields: %+v", r)
	}
	if got := r.Expanded(); got != "evt.type in (execve, execveat) and proc.name in (bash, sh)" {
		t.Errorf("expanded: %s", got)
	}
	if got := string(r.Output.Append(nil, bashExec())); got != "shell bash (parent=sshd)" {
		t.Errorf("output: %q", got)
	}
	if !rs.Rule("Disabled one").Matches(shadowOpen()) {
		t.Error("Matches ignores Enabled, but the disabled rule's condition did not match")
	}
	if !slices.Equal(rs.Syscalls(), []string{"execve", "execveat", "openat"}) {
		t.Errorf("syscalls: %v", rs.Syscalls())
	}
	dst := make([]*Rule, 0, 4)
	if n := testing.AllocsPerRun(100, func() { dst = rs.Match(bashExec(), MatchAll, dst[:0]) }); n > 20 {
		// bashExec itself allocates; Match must not add to it.
		t.Errorf("%.0f allocations", n)
	}
	ev := bashExec()
	if n := testing.AllocsPerRun(100, func() { dst = rs.Match(ev, MatchAll, dst[:0]) }); n != 0 {
		t.Errorf("Match allocates %.1f times", n)
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		enabled []string
	}{
		{"defaults", Options{}, []string{"Shell spawned", "Bash spawned", "Etc opened"}},
		{"min priority", Options{MinPriority: "warning"}, []string{"Bash spawned"}},
		{"min priority info", Options{MinPriority: "info"}, []string{"Shell spawned", "Bash spawned"}},
		{"min priority beats selections", Options{MinPriority: "warning", Selections: []Selection{{Enable: true, Rule: "*"}}},
			[]string{"Bash spawned", "Disabled one"}},
		{"disable by name", Options{Selections: []Selection{{Rule: "Bash spawned"}}}, []string{"Shell spawned", "Etc opened"}},
		{"disable by wildcard", Options{Selections: []Selection{{Rule: "* spawned"}}}, []string{"Etc opened"}},
		{"disable by tag", Options{Selections: []Selection{{Tag: "process"}}}, []string{"Etc opened"}},
		{"enable a disabled rule", Options{Selections: []Selection{{Enable: true, Rule: "Disabled one"}}},
			[]string{"Shell spawned", "Bash spawned", "Etc opened", "Disabled one"}},
		{"only one tag", Options{Selections: []Selection{{Rule: "*"}, {Enable: true, Tag: "shell"}}}, []string{"Shell spawned"}},
		{"later wins", Options{Selections: []Selection{{Tag: "filesystem", Enable: true}, {Rule: "Disabled one"}}},
			[]string{"Shell spawned", "Bash spawned", "Etc opened"}},
	}
	for _, tt := range tests {
		rs := load(t, tt.opts, testRules)
		var got []string
		for _, r := range rs.Rules() {
			if r.Enabled {
				got = append(got, r.Name)
			}
		}
		if !slices.Equal(got, tt.enabled) {
			t.Errorf("%s: enabled %v, want %v", tt.name, got, tt.enabled)
		}
	}
	rs := load(t, Options{Selections: []Selection{{Tag: "process"}}}, testRules)
	if !slices.Equal(rs.Syscalls(), []string{"openat"}) {
		t.Errorf("syscalls of the enabled rules: %v", rs.Syscalls())
	}
	if _, err := Load(Options{MinPriority: "loud"}, Source{Name: "x", Data: []byte(testRules)}); err == nil {
		t.Error("bad minimum priority accepted")
	}
}

func TestExtraOutput(t *testing.T) {
	rs := load(t, Options{ExtraOutput: "container_id=%container.id user=%user.name"}, testRules)
	r := rs.Rule("Bash spawned")
	if got := string(r.Output.Append(nil, bashExec())); got != "bash by alice container_id=host user=alice" {
		t.Errorf("output: %q", got)
	}
	if got := r.Output.Fields(); !slices.Equal(got, []string{"user.name", "container.id"}) {
		t.Errorf("fields: %v", got)
	}
	if _, err := Load(Options{ExtraOutput: "%nosuch.field"}, Source{Name: "x", Data: []byte(testRules)}); err == nil {
		t.Error("bad extra output accepted")
	}
}

func TestParseMatching(t *testing.T) {
	for in, want := range map[string]Matching{"first": MatchFirst, "ALL": MatchAll, "": MatchFirst} {
		if got, err := ParseMatching(in); err != nil || got != want {
			t.Errorf("ParseMatching(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseMatching("some"); err == nil {
		t.Error("bad matching accepted")
	}
}

func loadErr(t *testing.T, content string) []Diagnostic {
	t.Helper()
	_, err := Load(Options{}, Source{Name: "bad.yaml", Data: []byte(content)})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("error %v is not a *LoadError", err)
	}
	return le.Diagnostics
}

func TestCompileErrorsNamePlace(t *testing.T) {
	diags := loadErr(t, `- rule: bad constant
  desc: d
  condition: evt.type = open and proc.pid = abc
  output: x
  priority: INFO
`)
	if len(diags) != 1 || diags[0].Warning || diags[0].File != "bad.yaml" || diags[0].Line != 3 ||
		diags[0].Item != "rule 'bad constant'" || !strings.Contains(diags[0].Message, `"abc" is not a valid integer value (in 'proc.pid = abc')`) {
		t.Errorf("diagnostics: %v", diags)
	}
	diags = loadErr(t, `- rule: bad output
  desc: d
  condition: evt.type = open
  output: file=%fd.name %nosuch.thing
  priority: INFO
`)
	if len(diags) != 1 || diags[0].Line != 4 || !strings.Contains(diags[0].Message, "invalid output") {
		t.Errorf("diagnostics: %v", diags)
	}
	// Loader errors come through as they are.
	diags = loadErr(t, "- rule: x\n  desc: d\n  condition: nosuchmacro\n  output: x\n  priority: INFO\n")
	if len(diags) == 0 || !strings.Contains(diags[0].Message, "Undefined macro") {
		t.Errorf("diagnostics: %v", diags)
	}
}

func TestWarnings(t *testing.T) {
	rs := load(t, Options{}, `- rule: everything
  desc: d
  condition: proc.name = bash
  output: x
  priority: INFO
- rule: everything but quiet
  desc: d
  condition: proc.name = zsh
  output: x
  priority: INFO
  warn_evttypes: false
- rule: never
  desc: d
  condition: evt.num = 0 and proc.name = bash
  output: x
  priority: INFO
- rule: odd type
  desc: d
  condition: evt.type = frobnicate and proc.name = proc.pname
  output: x
  priority: INFO
`)
	var msgs []string
	for _, d := range rs.Diagnostics() {
		if !d.Warning {
			t.Errorf("error in a successful load: %s", d)
		}
		msgs = append(msgs, d.Item+": "+d.Message)
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{
		"rule 'everything': rule matches too many evt.type values",
		"rule 'odd type': unknown event type 'frobnicate'",
		"rule 'odd type': the value \"proc.pname\" is the name of a field",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing warning %q in\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "everything but quiet") {
		t.Errorf("warn_evttypes: false did not silence the warning:\n%s", joined)
	}
	if len(rs.Syscalls()) < 300 {
		t.Errorf("a rule without evt.type check needs every syscall, got %d", len(rs.Syscalls()))
	}
	if got := rs.Rule("odd type").EventTypes; !slices.Equal(got, []string{"frobnicate"}) {
		t.Errorf("unknown names stay in the rule's set: %v", got)
	}
	if got := rs.Rule("never").EventTypes; got == nil || len(got) != 0 {
		t.Errorf("a rule that matches no type has event types %#v", got)
	}
	if got := rs.Rule("everything").EventTypes; got != nil {
		t.Errorf("a rule that matches every type has event types %v", got)
	}
	ev := fieldstest.New().Set(fields.KeyEvtType, "execve").Set(fields.KeyProcName, "bash")
	if got := names(rs.Match(ev, MatchAll, nil)); !slices.Equal(got, []string{"everything"}) {
		t.Errorf("matched %v", got)
	}
}

// BenchmarkLoad measures loading and compiling the stable and incubating
// files (the bound is 100 ms).
func BenchmarkLoad(b *testing.B) {
	paths := []string{upstream(b, "falco_rules.yaml"), upstream(b, "falco-incubating_rules.yaml")}
	for i := 0; i < b.N; i++ {
		if _, err := LoadFiles(Options{}, paths...); err != nil {
			b.Fatal(err)
		}
	}
}

func TestConcurrentMatch(t *testing.T) {
	rs, err := LoadFiles(Options{}, upstream(t, "falco_rules.yaml"), upstream(t, "falco-incubating_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	evs := eventMix(512, 3)
	want := make([][]*Rule, len(evs))
	for i, ev := range evs {
		want[i] = rs.Match(ev, MatchAll, nil)
	}
	done := make(chan string, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			dst := make([]*Rule, 0, 8)
			for round := 0; round < 3; round++ {
				for i := range evs {
					j := (i*7 + g) % len(evs)
					dst = rs.Match(evs[j], MatchAll, dst[:0])
					if !slices.Equal(dst, want[j]) {
						done <- "concurrent result differs"
						return
					}
					rs.Rules()[0].Output.Append(nil, evs[j])
				}
			}
			done <- ""
		}(g)
	}
	for g := 0; g < 4; g++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// TestUpstreamDetections feeds events shaped like real attacks to the
// stable rules and checks which rule fires first and what it prints.
func TestUpstreamDetections(t *testing.T) {
	rs, err := LoadFiles(Options{}, upstream(t, "falco_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctr := "3ad7b26ded6d4f5e9c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e"
	proc := func(name, cmdline string, anames ...string) *fieldstest.Event {
		return fieldstest.New().SetTime(1_751_373_296_789_012_345).
			Set(fields.KeyEvtNum, 1000).Set(fields.KeyProcName, name).Set(fields.KeyProcExe, name).
			Set(fields.KeyProcExePath, "/usr/bin/"+name).Set(fields.KeyProcCmdline, cmdline).
			Set(fields.KeyProcArgs, strings.Fields(cmdline)).Set(fields.KeyAncNames, anames).
			Set(fields.KeyUserUID, 0).Set(fields.KeyUserName, "root").Set(fields.KeyUserLoginUID, -1).
			Set(fields.KeyProcTTY, 0).Set(fields.KeyProcStartTime, 1_751_373_000_000_000_000)
	}
	tests := []struct {
		name   string
		ev     *fieldstest.Event
		rule   string
		output string
	}{
		{
			"cat /etc/shadow",
			proc("cat", "cat /etc/shadow", "bash", "sshd", "systemd").
				Set(fields.KeyEvtType, "openat").Set(fields.KeyOpenFlags, 0).Set(fields.KeyEvtRawRes, 3).
				Set(fields.KeyFDNum, 3).Set(fields.KeyFDType, "file").Set(fields.KeyFilePath, "/etc/shadow"),
			"Read sensitive file untrusted",
			"Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=sshd ggparent=systemd gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=-1 process=cat proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=0",
		},
		{
			"kubectl exec shell",
			proc("bash", "bash", "containerd-shim", "systemd").Set(fields.KeyProcTTY, 34816).
				Set(fields.KeyEvtType, "execve").Set(fields.KeyEvtRawRes, 0).Set(fields.KeyContainerID, ctr),
			"Terminal shell in container",
			"",
		},
		{
			"truncate syslog",
			proc("sh", "sh -c :>/var/log/syslog", "bash").
				Set(fields.KeyEvtType, "openat").Set(fields.KeyOpenFlags, 0o1|0o1000).Set(fields.KeyEvtRawRes, 3).
				Set(fields.KeyFDNum, 3).Set(fields.KeyFDType, "file").Set(fields.KeyFilePath, "/var/log/syslog").
				SetName("vigil.evt.arg.flags", false, "O_WRONLY|O_TRUNC"),
			"Clear Log Activities",
			"",
		},
		{
			"packet socket",
			proc("tcpdump", "tcpdump -i eth0", "bash").Set(fields.KeyContainerID, ctr).
				Set(fields.KeyEvtType, "socket").Set(fields.KeyEvtRawRes, 3).SetName("vigil.evt.arg.domain", false, "AF_PACKET"),
			"Packet socket created in container",
			"",
		},
		{
			"ptrace attach",
			proc("gdb", "gdb -p 1", "bash").Set(fields.KeyEvtType, "ptrace").Set(fields.KeyEvtRawRes, 0).
				SetName("vigil.evt.arg.request", false, "PTRACE_ATTACH"),
			"PTRACE attached to process",
			"",
		},
		{
			"ordinary read",
			proc("cat", "cat /etc/hosts", "bash").
				Set(fields.KeyEvtType, "openat").Set(fields.KeyOpenFlags, 0).Set(fields.KeyEvtRawRes, 3).
				Set(fields.KeyFDNum, 3).Set(fields.KeyFDType, "file").Set(fields.KeyFilePath, "/etc/hosts"),
			"",
			"",
		},
	}
	for _, tt := range tests {
		got := rs.Match(tt.ev, MatchFirst, nil)
		switch {
		case tt.rule == "" && len(got) != 0:
			t.Errorf("%s: matched %q", tt.name, got[0].Name)
		case tt.rule == "":
		case len(got) != 1 || got[0].Name != tt.rule:
			t.Errorf("%s: matched %v, want %q", tt.name, names(got), tt.rule)
		case tt.output != "":
			if out := string(got[0].Output.Append(nil, tt.ev)); out != tt.output {
				t.Errorf("%s: output\n%s\nwant\n%s", tt.name, out, tt.output)
			}
		}
	}
}
