//go:build linux && amd64

package probe

import (
	"os"
	"path/filepath"
	"testing"
)

// A successful rename bumps the probe's path epoch, whatever process makes
// it (the collector's own included, and whether or not rename is
// captured).
func TestDiscardEpochFollowsRenames(t *testing.T) {
	p := attached(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e0, err := p.DiscardEpoch()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	e1, err := p.DiscardEpoch()
	if err != nil {
		t.Fatal(err)
	}
	if e1 == e0 {
		t.Fatalf("epoch %d unchanged after a rename", e0)
	}
}
