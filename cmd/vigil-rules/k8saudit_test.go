package main

import (
	"bytes"
	"strings"
	"testing"
)

// Falco's own k8s audit rules load as the k8s_audit source: every one of
// the 48 rules, with the k8saudit and json plugin requirements satisfied.
func TestValidateK8sAuditRules(t *testing.T) {
	code, out, errOut := runCmd("validate", sharedRules(t, "k8s_audit_rules.yaml"))
	want := "rules: 48 loaded, 48 enabled, 0 skipped; macros: 45; lists: 18\n"
	if code != 0 || out != want || errOut != "" {
		t.Errorf("exit %d\nstdout %q\nstderr %q\nwant %q", code, out, errOut, want)
	}
}

// Both sources load side by side, and the syscall set comes from the
// syscall rules alone: the audit rules (which never test evt.type) must not
// turn it into "every syscall".
func TestSyscallsIgnoresK8sAuditRules(t *testing.T) {
	code, out, errOut := runCmd("validate", sharedRules(t, "falco_rules.yaml"), sharedRules(t, "k8s_audit_rules.yaml"))
	if code != 0 || !strings.HasSuffix(out, "rules: 73 loaded, 73 enabled, 0 skipped; macros: 132; lists: 67\n") || errOut != "" {
		t.Errorf("validate both: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}

	var alone, both, stderr bytes.Buffer
	if c := run([]string{"syscalls", sharedRules(t, "falco_rules.yaml")}, &alone, &stderr); c != 0 {
		t.Fatalf("syscalls: exit %d: %s", c, stderr.String())
	}
	if c := run([]string{"syscalls", sharedRules(t, "falco_rules.yaml"), sharedRules(t, "k8s_audit_rules.yaml")}, &both, &stderr); c != 0 {
		t.Fatalf("syscalls both: exit %d: %s", c, stderr.String())
	}
	if alone.String() != both.String() {
		t.Errorf("the audit rules changed the syscalls:\n%s\nwant\n%s", both.String(), alone.String())
	}
	var audit bytes.Buffer
	if c := run([]string{"syscalls", sharedRules(t, "k8s_audit_rules.yaml")}, &audit, &stderr); c != 0 || audit.Len() != 0 {
		t.Errorf("syscalls of the audit rules alone: exit %d, %q", c, audit.String())
	}
}

// A rule reading a field of the other source is an error naming the field.
func TestValidateForeignSourceField(t *testing.T) {
	f := write(t, "mixed.yaml", `- rule: syscall reads ka
  desc: d
  condition: evt.type = open and ka.verb = create
  output: o
  priority: info
- rule: audit reads proc
  desc: d
  condition: ka.verb = create and proc.name = kubectl
  output: o
  priority: info
  source: k8s_audit
`)
	code, out, _ := runCmd("validate", f)
	for _, want := range []string{
		f + ":3:14: rule 'syscall reads ka': field 'ka.verb' belongs to source 'k8s_audit', but the rule's source is 'syscall'",
		f + ":8:14: rule 'audit reads proc': field 'proc.name' belongs to source 'syscall', but the rule's source is 'k8s_audit'",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if code != 1 {
		t.Errorf("exit %d", code)
	}
}

// rego translates the syscall rules and says that the audit rules stay with
// the native engine.
func TestRegoWithBothSources(t *testing.T) {
	code, out, errOut := runCmd("rego", sharedRules(t, "falco_rules.yaml"), sharedRules(t, "k8s_audit_rules.yaml"))
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"from 25 rules", "# 48 enabled rules of other sources (k8s_audit) are not translated"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%.400s", want, out)
		}
	}
}
