package rules

import (
	"os"
	"path/filepath"
	"testing"
)

// upstream returns the path of an upstream rules file in ../shared next to
// the repository root. CI's checkout has it too, so a missing file fails.
func upstream(t testing.TB, name string) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatal("repository root (go.mod) not found")
		}
		root = parent
	}
	p := filepath.Join(root, "..", "shared", "falco-rules", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("upstream rules file: %v", err)
	}
	return p
}
