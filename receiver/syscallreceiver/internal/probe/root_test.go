//go:build linux && amd64

package probe

import (
	"os"
	"testing"
)

// requireRoot skips a test that loads the probe when not root, except
// under CI, where it must run.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("loading the probe needs root; CI must run this test as root")
		}
		t.Skip("needs root")
	}
}
