//go:build linux && amd64

package probe

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed object must be what the committed C source compiles to, so
// that nobody ships a probe built from a source that is not in the tree.
func TestObjectMatchesSource(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("clang is needed to check the committed BPF object (CI installs it)")
		}
		t.Skip("clang not installed")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "tool", "bpf2go", "-tags", "linux", "-cc", "clang", "-cflags", "-O2 -g -Wall -Werror",
		"-target", "amd64", "-go-package", "probe", "-output-dir", dir,
		"vigil", "../../../../bpf/vigil.bpf.c", "--", "-I../../../../bpf")
	cmd.Env = append(os.Environ(), "GOPACKAGE=probe")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bpf2go: %v\n%s", err, out)
	}
	for _, name := range []string{"vigil_x86_bpfel.o", "vigil_x86_bpfel.go"} {
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what bpf/vigil.bpf.c compiles to: run make generate and commit", name)
		}
	}
}
