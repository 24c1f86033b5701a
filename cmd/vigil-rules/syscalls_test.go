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
