package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sharedRules(t *testing.T, name string) string {
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

func TestSyscallsCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"syscalls", sharedRules(t, "falco_rules.yaml")}, &out, &errOut)
	if code != 0 || errOut.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	want := "connect dup dup2 dup3 execve execveat finit_module init_module link linkat open openat openat2 ptrace sendmsg sendto socket symlink symlinkat"
	if got := strings.Join(strings.Fields(out.String()), " "); got != want {
		t.Errorf("syscalls:\n%s\nwant\n%s", got, want)
	}

	out.Reset()
	code = run([]string{"syscalls", sharedRules(t, "falco_rules.yaml"), sharedRules(t, "falco-incubating_rules.yaml")}, &out, &errOut)
	if code != 0 || len(strings.Fields(out.String())) != 36 {
		t.Errorf("stable+incubating: exit %d, %d syscalls", code, len(strings.Fields(out.String())))
	}
}

func TestSyscallsCommandErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"syscalls"}, &out, &errOut); code != 2 {
		t.Errorf("no files: exit %d", code)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("- rule: r\n  desc: d\n  condition: proc.pid = abc\n  output: o\n  priority: INFO\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := run([]string{"syscalls", bad}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), bad+":3:") || out.Len() != 0 {
		t.Errorf("bad rules: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

// --yaml prints one YAML flow list, which examples/capture.yaml takes
// through VIGIL_CAPTURE_SYSCALLS.
func TestSyscallsYAML(t *testing.T) {
	code, out, errOut := runCmd("syscalls", "--yaml", sharedRules(t, "falco_rules.yaml"))
	want := "[connect, dup, dup2, dup3, execve, execveat, finit_module, init_module, link, linkat, open, openat, openat2, ptrace, sendmsg, sendto, socket, symlink, symlinkat]\n"
	if code != 0 || out != want || errOut != "" {
		t.Errorf("exit %d\nstdout %q\nwant   %q\nstderr %q", code, out, want, errOut)
	}
	if code, _, _ := runCmd("syscalls", "--json", sharedRules(t, "falco_rules.yaml")); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}

func TestLintAndTestErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("- macro: m\n  condition: proc.name =\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCmd("lint", bad); code != 1 || !strings.Contains(errOut, bad+":2:") {
		t.Errorf("lint of a broken file: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCmd("test", sharedRules(t, "falco_rules.yaml"), "--events", bad); code != 1 || !strings.Contains(errOut, bad) {
		t.Errorf("test with broken events: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runCmd("test", sharedRules(t, "falco_rules.yaml")); code != 2 {
		t.Errorf("test without events: exit %d, want 2", code)
	}
	tests := filepath.Join(t.TempDir(), "t.yaml")
	os.WriteFile(tests, []byte("- event: {proc.name: cat}\n  not_fires: [No such rule]\n"), 0o644)
	if code, _, errOut := runCmd("test", sharedRules(t, "falco_rules.yaml"), "--expect", tests); code != 1 || !strings.Contains(errOut, tests+`:1: no rule named "No such rule"`) {
		t.Errorf("misspelt rule: exit %d, stderr %q", code, errOut)
	}
}
