package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func upstreamFile(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "falco-rules", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("upstream rules: %v", err)
	}
	return p
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidateUpstream(t *testing.T) {
	stable, incubating := upstreamFile(t, "falco_rules.yaml"), upstreamFile(t, "falco-incubating_rules.yaml")
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{stable}, "rules: 25 loaded, 25 enabled, 0 skipped; macros: 87; lists: 49\n"},
		{[]string{stable, incubating}, "rules: 56 loaded, 56 enabled, 0 skipped; macros: 157; lists: 83\n"},
	} {
		code, out, errOut := runCmd(append([]string{"validate"}, c.files...)...)
		if code != 0 || out != c.want || errOut != "" {
			t.Errorf("validate %v: exit %d\nstdout %q\nstderr %q\nwant %q", c.files, code, out, errOut, c.want)
		}
	}
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateReportsErrorsAndWarnings(t *testing.T) {
	f := write(t, "bad.yaml", `- macro: unused
  condition: proc.name = a
- rule: good
  desc: d
  condition: proc.name = b and evt.type = open
  output: "%proc.name"
  priority: info
- rule: bad
  desc: d
  condition: proc.nope = x and evt.type = open
  output: o
  priority: info
- rule: audit
  desc: d
  condition: ct.name = CreateUser
  output: o
  priority: info
  source: aws_cloudtrail
`)
	code, out, _ := runCmd("validate", f)
	want := f + ":18:11: warning: rule 'audit': source 'aws_cloudtrail' is not loaded (only syscall, k8s_audit): the rule is skipped\n" +
		f + ":10:14: rule 'bad': unknown field 'proc.nope'\n" +
		"rules: 1 loaded, 1 enabled, 1 skipped; macros: 1; lists: 0\n"
	if code != 1 || out != want {
		t.Errorf("exit %d\n%s\nwant\n%s", code, out, want)
	}

	// Warnings alone do not fail validation.
	g := write(t, "warn.yaml", "- macro: unused\n  condition: proc.name = a\n- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: info\n")
	code, out, _ = runCmd("validate", g)
	want = g + ":1:3: warning: macro 'unused': macro is not used by any rule or macro\n" +
		"rules: 1 loaded, 1 enabled, 0 skipped; macros: 1; lists: 0\n"
	if code != 0 || out != want {
		t.Errorf("exit %d\n%s\nwant\n%s", code, out, want)
	}

	// Errors the native compiler or the output formatter find count too.
	h := write(t, "compile.yaml", "- rule: r\n  desc: d\n  condition: evt.type = open and fd.num = abc\n  output: o\n  priority: info\n- rule: s\n  desc: d\n  condition: evt.type = open\n  output: \"%nope.field\"\n  priority: info\n")
	code, out, _ = runCmd("validate", h)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) < 3 || lines[len(lines)-1] != "rules: 0 loaded, 0 enabled, 0 skipped; macros: 0; lists: 0" {
		t.Errorf("exit %d\n%s", code, out)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, h+":") {
			t.Errorf("diagnostic without position: %q", l)
		}
	}

	missing := filepath.Join(t.TempDir(), "missing.yaml")
	code, out, _ = runCmd("validate", missing)
	if code != 1 || out != missing+":1:1: cannot read rules file: no such file or directory\nrules: 0 loaded, 0 enabled, 0 skipped; macros: 0; lists: 0\n" {
		t.Errorf("missing file: exit %d\n%s", code, out)
	}
}

func TestExplain(t *testing.T) {
	stable := upstreamFile(t, "falco_rules.yaml")
	for _, args := range [][]string{
		{"explain", stable, "--rule", "Clear Log Activities"},
		{"explain", "--rule=Clear Log Activities", stable},
		{"explain", "-rule", "Clear Log Activities", stable},
	} {
		code, out, errOut := runCmd(args...)
		if code != 0 || errOut != "" || !strings.HasPrefix(out, "(evt.type in (open, openat, openat2) and evt.is_open_write = true") || strings.Count(out, "\n") != 1 {
			t.Errorf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
	}
	f := write(t, "r.yaml", "- list: l\n  items: [a, b c]\n- macro: m\n  condition: proc.name in (l)\n- rule: r\n  desc: d\n  condition: m and not proc.pname = x\n  output: o\n  priority: info\n")
	code, out, _ := runCmd("explain", f, "--rule", "r")
	if code != 0 || out != "proc.name in (a, \"b c\") and not proc.pname = x\n" {
		t.Errorf("exit %d: %q", code, out)
	}
	code, _, errOut := runCmd("explain", f, "--rule", "nope")
	if code != 1 || !strings.Contains(errOut, `no rule named "nope"`) {
		t.Errorf("unknown rule: exit %d %q", code, errOut)
	}
	if code, _, _ := runCmd("explain", f); code != 2 {
		t.Errorf("explain without --rule: exit %d", code)
	}
	if code, _, _ := runCmd("explain", f, "--rule"); code != 2 {
		t.Errorf("explain with a dangling --rule: exit %d", code)
	}
}

func TestUsage(t *testing.T) {
	if code, _, errOut := runCmd(); code != 2 || !strings.Contains(errOut, "usage: vigil-rules") {
		t.Errorf("no args: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCmd("frobnicate"); code != 2 || !strings.Contains(errOut, `unknown subcommand "frobnicate"`) {
		t.Errorf("unknown: exit %d %q", code, errOut)
	}
	code, out, _ := runCmd("help")
	if code != 0 || !strings.Contains(out, "validate [-sensor syscall] FILE...") || !strings.Contains(out, "explain FILE... --rule NAME") {
		t.Errorf("help: exit %d %q", code, out)
	}
	if code, _, _ := runCmd("validate"); code != 2 {
		t.Errorf("validate without files: exit %d", code)
	}
}
