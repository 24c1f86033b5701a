package proctable

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A process seeded from /proc keeps no more of its command line than the
// probe copies of an exec's argv.
func TestLoadBoundsTheCommandLine(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "42")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 60000)
	files := map[string]string{
		"stat":    "42 (bash) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0",
		"cmdline": "bash\x00-c\x00" + long + "\x00",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, ok := (&ProcFS{Root: root}).Load(42)
	if !ok {
		t.Fatal("Load: not found")
	}
	if len(p.Args) != 3 || p.Args[0] != "bash" || p.Args[1] != "-c" {
		t.Fatalf("Args = %.40q", p.Args)
	}
	if n := len("bash\x00-c\x00") + len(p.Args[2]); n != MaxCmdline {
		t.Errorf("kept %d bytes of the command line, want %d", n, MaxCmdline)
	}
	if !strings.HasPrefix(p.Cmdline, "bash -c xxx") || len(p.Cmdline) > MaxCmdline {
		t.Errorf("Cmdline is %d bytes: %.20q", len(p.Cmdline), p.Cmdline)
	}
}
