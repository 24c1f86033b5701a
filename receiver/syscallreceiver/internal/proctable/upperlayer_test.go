package proctable

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("mounting overlayfs needs root; CI must run this test as root")
		}
		t.Skip("needs root")
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// Processes seeded from /proc get the layer flags the probe gives exec'd
// ones: on a real overlay mount, a program that only the lower layer holds
// is EXE_LOWER_LAYER, one written to the upper layer and one copied up
// from the lower layer (by a chmod through the mount) are
// proc.is_exe_upper_layer.
func TestSeededProcessExeLayer(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	lower, upper, work, merged := filepath.Join(dir, "lower"), filepath.Join(dir, "upper"), filepath.Join(dir, "work"), filepath.Join(dir, "merged")
	for _, d := range []string{lower, upper, work, merged} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// busybox picks its applet from its name, so each copy keeps the name.
	copyFile(t, "/bin/busybox", filepath.Join(lower, "l", "busybox"))
	copyFile(t, "/bin/busybox", filepath.Join(lower, "c", "busybox"))
	copyFile(t, "/bin/busybox", filepath.Join(upper, "u", "busybox"))
	if err := unix.Mount("overlay", merged, "overlay", 0, "lowerdir="+lower+",upperdir="+upper+",workdir="+work); err != nil {
		t.Fatalf("mount overlay: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(merged, 0); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	if err := os.Chmod(filepath.Join(merged, "c", "busybox"), 0o750); err != nil { // copies it up
		t.Fatal(err)
	}

	fs := &ProcFS{Root: "/proc", TicksPerSec: 100}
	for _, c := range []struct {
		sub          string
		upper, lower bool
	}{{"l", false, true}, {"u", true, false}, {"c", true, false}} {
		cmd := exec.Command(filepath.Join(merged, c.sub, "busybox"), "sleep", "60")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		// The exec is done once /proc names the new program.
		for i := 0; ; i++ {
			if exe, _ := os.Readlink(filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "exe")); exe == filepath.Join(merged, c.sub, "busybox") {
				break
			}
			if i == 1000 {
				t.Fatalf("%s: the child did not exec", c.sub)
			}
			unix.Nanosleep(&unix.Timespec{Nsec: 1e6}, nil)
		}
		p, ok := fs.Load(int64(cmd.Process.Pid))
		if !ok {
			t.Fatalf("%s: could not read the child from /proc", c.sub)
		}
		if p.ExeUpper != c.upper || p.ExeLower != c.lower {
			t.Errorf("%s (%s): upper %v lower %v, want %v %v", c.sub, p.ExePath, p.ExeUpper, p.ExeLower, c.upper, c.lower)
		}
	}
}
