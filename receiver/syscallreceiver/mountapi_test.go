package syscallreceiver

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// mountAPIHelper, run as a child of the test binary in a private mount
// namespace, mounts a tmpfs on $VIGIL_TEST_DIR with the new mount API.
func mountAPIHelper() {
	runtime.LockOSThread()
	dir := os.Getenv("VIGIL_TEST_DIR")
	must := func(err error, code int) {
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(code)
		}
	}
	must(unix.Unshare(unix.CLONE_NEWNS), 2)
	must(unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""), 3)
	fsfd, err := unix.Fsopen("tmpfs", unix.FSOPEN_CLOEXEC)
	must(err, 4)
	must(unix.FsconfigSetString(fsfd, "size", "1m"), 5)
	must(unix.FsconfigCreate(fsfd), 6)
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOEXEC|unix.MOUNT_ATTR_NOSUID)
	must(err, 7)
	must(unix.MoveMount(mfd, "", unix.AT_FDCWD, dir, unix.MOVE_MOUNT_F_EMPTY_PATH), 8)
	os.Exit(0)
}

func init() {
	if os.Getenv("VIGIL_TEST_HELPER") == "mountapi" {
		mountAPIHelper()
	}
}

// The default rules ask for fsmount and move_mount: they are captured, with
// their parameters, like mount.
func TestMountAPIIsCaptured(t *testing.T) {
	requireRoot(t)
	sink := startReceiver(t, testConfig())
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=mountapi", "VIGIL_TEST_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	want := map[string]map[string]string{
		"fsopen":     {"vigil.evt.arg.fs_name": "tmpfs", "vigil.evt.arg.flags": "FSOPEN_CLOEXEC"},
		"fsconfig":   {"vigil.evt.arg.cmd": "FSCONFIG_SET_STRING", "vigil.evt.arg.key": "size", "vigil.evt.arg.value": "1m"},
		"fsmount":    {"vigil.evt.arg.flags": "FSMOUNT_CLOEXEC", "vigil.evt.arg.attr_flags": "MOUNT_ATTR_NOSUID|MOUNT_ATTR_NOEXEC", "vigil.evt.rawres": ""},
		"move_mount": {"vigil.evt.arg.to_path": dir, "vigil.evt.arg.flags": "MOVE_MOUNT_F_EMPTY_PATH", "vigil.evt.rawres": "0"},
	}
	seen := map[string]record{}
	waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		typ := str(r.attr, "vigil.evt.type")
		if _, ok := want[typ]; ok && p == pid {
			if _, dup := seen[typ]; !dup {
				seen[typ] = r
			}
		}
		return len(seen) == len(want)
	})
	for typ, attrs := range want {
		r, ok := seen[typ]
		if !ok {
			t.Errorf("no %s record", typ)
			continue
		}
		for k, v := range attrs {
			if v == "" {
				continue
			}
			if got := str(r.attr, k); got != v {
				t.Errorf("%s %s = %q, want %q", typ, k, got, v)
			}
		}
	}
	if r, ok := seen["fsmount"]; ok {
		if res, _ := intv(r.attr, "vigil.evt.rawres"); res < 0 {
			t.Errorf("fsmount failed: %d", res)
		}
	}
}
