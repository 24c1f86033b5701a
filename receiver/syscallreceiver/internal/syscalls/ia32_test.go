//go:build amd64

package syscalls

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// An ia32 call is read as the native call of the same meaning, never as
// the native call of the same number: i386 read (3) is native close (3),
// i386 open (5) native fstat (5), i386 pipe (42) native connect (42).
func TestIA32Mapping(t *testing.T) {
	byNR := map[int]IA32{}
	for _, e := range IA32Table() {
		byNR[e.NR] = e
	}
	for _, c := range []struct {
		nr        int
		native    string
		translate bool
	}{
		{3, "read", true}, {5, "open", true}, {6, "close", true}, {11, "execve", true},
		{42, "pipe", true}, {295, "openat", true}, {359, "socket", true}, {362, "connect", true},
		{213, "setuid", true}, {195, "stat", true}, {300, "newfstatat", true}, {221, "fcntl", true},
		{23, "setuid", false},    // 16-bit uid
		{102, "socket", false},   // socketcall: arguments in a user array
		{120, "clone", false},    // tls and child_tid swapped
		{192, "mmap", false},     // mmap2: offset in pages
		{193, "truncate", false}, // truncate64: length in two registers
		{180, "pread64", false},  // offset in two registers
	} {
		e, ok := byNR[c.nr]
		if !ok {
			if _, have := Lookup(c.native); have {
				t.Errorf("ia32 %d (%s): no entry, native %s is supported", c.nr, IA32Name(c.nr), c.native)
			}
			continue
		}
		if e.Native.Name != c.native || e.Translate != c.translate {
			t.Errorf("ia32 %d (%s) -> %s translate=%v, want %s translate=%v", c.nr, e.Name, e.Native.Name, e.Translate, c.native, c.translate)
		}
	}
	for _, e := range IA32Table() {
		if e.Translate && e.Native.Name != e.Name && ia32Renamed[e.Name] != e.Native.Name && e.Native.Name+"_time64" != e.Name {
			t.Errorf("ia32 %s read as %s", e.Name, e.Native.Name)
		}
	}
}

// The committed i386 names are the kernel's (the UAPI header, when
// installed: linux-libc-dev).
func TestIA32NamesMatchHeader(t *testing.T) {
	f, err := os.Open("/usr/include/x86_64-linux-gnu/asm/unistd_32.h")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.Fields(sc.Text())
		if len(w) != 3 || w[0] != "#define" || !strings.HasPrefix(w[1], "__NR_") {
			continue
		}
		nr, err := strconv.Atoi(w[2])
		if err != nil {
			continue
		}
		n++
		if got := IA32Name(nr); got != strings.TrimPrefix(w[1], "__NR_") {
			t.Errorf("i386 %d: table says %q, header %s", nr, got, w[1])
		}
	}
	if n != len(ia32Names) {
		t.Errorf("header has %d syscalls, table %d", n, len(ia32Names))
	}
}
