package containerd

import (
	"os"
	"strings"
	"testing"
)

// TestBusyboxContainer: the locally built image imports into a real
// containerd, a container of it runs, and exec reaches its rootfs.
func TestBusyboxContainer(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("containerd needs root (CI=true: not skipping)")
		}
		t.Skip("containerd needs root")
	}
	d := Start(t, "")
	d.ImportBusybox(t)
	id := strings.Repeat("ab", 32)
	d.Run(t, id, nil, "sleep", "300")
	if out := d.Exec(t, id, "x", "cat", "/etc/shadow"); !strings.HasPrefix(out, "root:*:") {
		t.Errorf("cat /etc/shadow in the container = %q", out)
	}
}
