//go:build linux && amd64

package probe

import (
	"os"
	"testing"
)

// requireRoot skips a test that loads the probe when not root, except
// under CI, where it must run.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("loading the probe needs root; CI must run this test as root")
		}
		t.Skip("needs root")
	}
}

// attached loads and attaches the probe for a test (skipped as
// requireRoot says), closed when the test ends.
func attached(t *testing.T) *Probe {
	t.Helper()
	requireRoot(t)
	p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 1, RingBytes: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.Attach(); err != nil {
		t.Fatal(err)
	}
	return p
}
