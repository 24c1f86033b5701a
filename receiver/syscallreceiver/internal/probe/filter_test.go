//go:build linux && amd64

package probe

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"
)

// filterChild, run as a child of the test binary, makes the calls
// TestKernelFilters judges: opens of the paths in $VIGIL_PATHS (relative
// ones from /; one prefixed "w" is opened write-only, "rw" read-write) and a
// sendto on a TCP and on a UDP socket. With $VIGIL_OPENAT2 set the opens
// are openat2 calls. With $VIGIL_RENAME set, the thread making them first
// renames itself (prctl PR_SET_NAME); with $VIGIL_WAIT set, the child
// waits for a byte on stdin first.
func filterChild() {
	_ = os.Chdir("/")
	if n := os.Getenv("VIGIL_RENAME"); n != "" {
		runtime.LockOSThread()
		name := append([]byte(n), 0)
		if err := unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&name[0])), 0, 0, 0); err != nil {
			os.Exit(4)
		}
	}
	if os.Getenv("VIGIL_WAIT") != "" {
		var b [1]byte
		_, _ = os.Stdin.Read(b[:])
	}
	for _, p := range filepath.SplitList(os.Getenv("VIGIL_PATHS")) {
		flags := unix.O_RDONLY
		if q, ok := strings.CutPrefix(p, "w"); ok {
			p, flags = q, unix.O_WRONLY
		} else if q, ok := strings.CutPrefix(p, "rw"); ok {
			p, flags = q, unix.O_RDWR
		}
		open := func() (int, error) { return unix.Openat(unix.AT_FDCWD, p, flags|unix.O_CLOEXEC, 0) }
		if os.Getenv("VIGIL_OPENAT2") != "" {
			open = func() (int, error) {
				return unix.Openat2(unix.AT_FDCWD, p, &unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC)})
			}
		}
		if fd, err := open(); err == nil {
			unix.Close(fd)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(3)
	}
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		os.Exit(3)
	}
	raw, _ := c.(*net.TCPConn).SyscallConn()
	_ = raw.Control(func(fd uintptr) { _ = unix.Sendto(int(fd), []byte("tcp"), 0, nil) })
	u, err := net.Dial("udp", "127.0.0.1:9")
	if err != nil {
		os.Exit(3)
	}
	raw, _ = u.(*net.UDPConn).SyscallConn()
	_ = raw.Control(func(fd uintptr) { _ = unix.Sendto(int(fd), []byte("udp"), 0, nil) })
	os.Exit(0)
}

func init() {
	if os.Getenv("VIGIL_TEST_HELPER") == "filters" {
		filterChild()
	}
}

// seen is what a child's records showed: the paths of its openat records
// (prefixed "w" or "rw" as filterChild's list names them) and the number
// of its sendto records.
type seen struct {
	opens  []string
	sendto int
}

// runChild runs filterChild and collects its openat and sendto records.
func runChild(t *testing.T, p *Probe, paths []string, env ...string) seen {
	t.Helper()
	return runChildAs(t, p, os.Args[0], paths, env...)
}

// runChildAs runs filterChild from the executable exe (the test binary,
// or a link to it whose name becomes the child's comm).
func runChildAs(t *testing.T, p *Probe, exe string, paths []string, env ...string) seen {
	t.Helper()
	cmd := exec.Command(exe, "-test.run", "^$")
	cmd.Env = append(append(os.Environ(), "VIGIL_TEST_HELPER=filters", "VIGIL_PATHS="+join(paths)), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v %s", err, out)
	}
	return records(t, p, uint32(cmd.Process.Pid))
}

// records collects the openat and sendto records of process pid.
func records(t *testing.T, p *Probe, pid uint32) seen {
	t.Helper()
	var s seen
	var rec ringbuf.Record
	for _, rd := range p.Readers {
		rd.SetDeadline(time.Now().Add(50 * time.Millisecond))
		for {
			if err := rd.ReadInto(&rec); err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					if rd.AvailableBytes() == 0 {
						break
					}
					// a loaded machine ran the reader past its deadline
					// with records still in the ring
					rd.SetDeadline(time.Now().Add(50 * time.Millisecond))
					continue
				}
				t.Fatal(err)
			}
			b := rec.RawSample
			if len(b) < 32 || binary.LittleEndian.Uint32(b[16:]) != pid {
				continue
			}
			switch binary.LittleEndian.Uint16(b[24:]) {
			case 44:
				s.sendto++
			case 437:
				// openat2's flags are in the struct its argument 2 points to
				s.opens = append(s.opens, strSection(b, 1))
			case 257:
				mode := [4]string{"", "w", "rw", "?"}[binary.LittleEndian.Uint64(b[32+16:])&3]
				s.opens = append(s.opens, mode+strSection(b, 1))
			}
		}
	}
	slices.Sort(s.opens)
	return s
}

func join(paths []string) string {
	out := ""
	for i, p := range paths {
		if i > 0 {
			out += string(filepath.ListSeparator)
		}
		out += p
	}
	return out
}

// strSection returns the string section of argument arg (bpf/event.h
// VG_SEC_STR) of a raw record.
func strSection(b []byte, arg uint8) string {
	off := 32 + 8*int(b[30])
	for off+4 <= len(b) {
		n := int(binary.LittleEndian.Uint16(b[off:]))
		typ, a := b[off+2], b[off+3]&0x7f
		data := b[off+4 : min(off+4+n, len(b))]
		if typ == 1 && a == arg {
			if i := slices.Index(data, 0); i >= 0 {
				data = data[:i]
			}
			return string(data)
		}
		off += 4 + n
	}
	return ""
}

// TestKernelFilters: the probe writes an openat only when its path passes
// the path filter (or is one the probe does not judge) and it succeeded,
// and a sendto only when its socket's protocol passes; the calls it keeps
// off the ring are counted. Replacing the filters takes effect at once.
func TestKernelFilters(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	for _, f := range []string{"shadowy", "shadowyx"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 64, RingBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	openat := Spec{Kind: [6]uint8{0, 1}, FDSrc: 7, NArgs: 4}
	sendto := Spec{FDSrc: 1, NArgs: 6}
	set := func(open, send *Filter) {
		t.Helper()
		if err := p.Update(func(u *SpecUpdate) {
			u.SetSpec(257, openat)
			u.SetMode(257, Capture)
			u.SetSpec(44, sendto)
			u.SetMode(44, Capture)
			u.SetFilter(257, open)
			u.SetFilter(44, send)
		}); err != nil {
			t.Fatal(err)
		}
	}
	set(&Filter{OutcomeOn: true, Outcome: 1, PathArg: 1, Paths: everyMode([]string{"/etc/host"}, []string{"/shadowy"})},
		&Filter{ProtoOn: true, Proto: 2})
	if err := p.Attach(); err != nil {
		t.Fatal(err)
	}
	paths := []string{
		"/etc/hostname",         // prefix: written
		"/etc/passwd",           // no pattern: filtered
		"/etc/../etc/passwd",    // not judged: written
		"etc/passwd",            // relative, not judged: written
		"/etc/hostname-missing", // the prefix matches, but it failed: filtered
		filepath.Join(dir, "shadowy"),
		filepath.Join(dir, "shadowyx"), // filtered
	}
	got := runChild(t, p, paths)
	want := []string{"/etc/../etc/passwd", "/etc/hostname", filepath.Join(dir, "shadowy"), "etc/passwd"}
	slices.Sort(want)
	// the Go runtime of the child opens files of its own (under /sys and
	// /proc): only the paths of the list count
	opens := slices.DeleteFunc(got.opens, func(s string) bool { return !slices.Contains(paths, s) })
	if !slices.Equal(opens, want) {
		t.Errorf("openat records: %q, want %q", opens, want)
	}
	if got.sendto != 1 {
		t.Errorf("sendto records: %d, want 1 (the UDP one)", got.sendto)
	}
	filtered := make([]uint64, MaxSyscalls)
	if err := p.Filtered(filtered); err != nil {
		t.Fatal(err)
	}
	if filtered[257] < 3 || filtered[44] < 1 {
		t.Errorf("filtered counts: openat %d, sendto %d", filtered[257], filtered[44])
	}

	// a reload: exact /etc/passwd only, every outcome; sendto unfiltered
	set(&Filter{OutcomeOn: true, Outcome: 3, PathArg: 1, Paths: everyMode([]string{"/etc/passwd\x00"}, nil)}, nil)
	got = runChild(t, p, paths)
	opens = slices.DeleteFunc(got.opens, func(s string) bool { return !slices.Contains(paths, s) })
	want = []string{"/etc/../etc/passwd", "/etc/passwd", "etc/passwd"}
	slices.Sort(want)
	if !slices.Equal(opens, want) || got.sendto != 2 {
		t.Errorf("after the reload: openat %q (want %q), sendto %d (want 2)", opens, want, got.sendto)
	}
	// the first generation's paths are gone from the trie
	var k, next pathKey
	n := 0
	for err := p.objs.PathFilter.NextKey(nil, &next); err == nil; err = p.objs.PathFilter.NextKey(&k, &next) {
		k = next
		n++
	}
	if n != 4 {
		t.Errorf("path_filter holds %d keys, want 4 (one per access mode)", n)
	}

	// access modes: read-only opens of shadowy, read-write ones of
	// shadowyx, no write-only open
	shadowy, shadowyx := filepath.Join(dir, "shadowy"), filepath.Join(dir, "shadowyx")
	byMode := &Filter{FlagsArg: 3, AccessOn: true, Access: 1<<0 | 1<<2, PathArg: 1}
	byMode.Paths[0] = ModePaths{On: true, Prefixes: []string{shadowy + "\x00"}}
	byMode.Paths[2] = ModePaths{On: true, Prefixes: []string{shadowyx + "\x00"}}
	set(byMode, nil)
	paths = []string{shadowy, shadowyx, "w" + shadowy, "w" + shadowyx, "rw" + shadowy, "rw" + shadowyx}
	got = runChild(t, p, paths)
	opens = slices.DeleteFunc(got.opens, func(s string) bool { return !slices.Contains(paths, s) })
	if want := []string{shadowy, "rw" + shadowyx}; !slices.Equal(opens, want) {
		t.Errorf("by access mode: openat %q, want %q", opens, want)
	}
	// openat2: the mode comes from how.flags
	if err := p.Update(func(u *SpecUpdate) {
		u.SetSpec(437, Spec{Kind: [6]uint8{0, 1, 6}, FDSrc: 7, NArgs: 4})
		u.SetMode(437, Capture)
		f := *byMode
		f.FlagsArg = 3 | FlagsHow
		u.SetFilter(437, &f)
	}); err != nil {
		t.Fatal(err)
	}
	plain := []string{shadowy, shadowyx}
	got = runChild(t, p, paths, "VIGIL_OPENAT2=1")
	opens = slices.DeleteFunc(got.opens, func(s string) bool { return !slices.Contains(plain, s) })
	if !slices.Equal(opens, plain) {
		t.Errorf("by access mode: openat2 %q, want %q (read-only %s, read-write %s)", opens, plain, shadowy, shadowyx)
	}
}

// everyMode is a path filter that is the same in every access mode.
func everyMode(prefixes, suffixes []string) (out [Modes]ModePaths) {
	for m := range out {
		out[m] = ModePaths{On: true, Prefixes: prefixes, Suffixes: suffixes}
	}
	return out
}
