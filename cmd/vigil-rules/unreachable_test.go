//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -sensor syscall lists the enabled rules the syscall receiver can never
// feed in full, with file and line, and counts them; without the flag the
// output is unchanged.
func TestValidateSensorSyscall(t *testing.T) {
	f := filepath.Join(t.TempDir(), "r.yaml")
	if err := os.WriteFile(f, []byte(`- rule: dns named
  desc: d
  condition: evt.type = connect and evt.buffer contains example.com
  output: o
  priority: WARNING
- rule: fine
  desc: d
  condition: evt.type = openat and proc.name = cat
  output: o
  priority: WARNING
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd("validate", "-sensor", "syscall", f)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, f+`:1: rule "dns named" reads evt.buffer`) {
		t.Errorf("the dead field is not reported with file and line:\n%s", out)
	}
	if strings.Contains(out, `"fine"`) {
		t.Errorf("a rule the receiver feeds is reported:\n%s", out)
	}
	if !strings.Contains(out, "1 enabled rules can never fire in full") {
		t.Errorf("count missing:\n%s", out)
	}
	if _, plain, _ := runCmd("validate", f); strings.Contains(plain, "never fire") {
		t.Errorf("without -sensor the report appears:\n%s", plain)
	}
}
