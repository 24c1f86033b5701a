//go:build amd64

package syscalls

import (
	"sort"
	"strings"
	"sync"
)

// IA32 says how the probe handles one ia32 (compat: a 32-bit task, or int
// 0x80 from a 64-bit one) syscall. Its number and argument registers are
// the i386 ones; the probe detects it in the kernel and either reads it as
// its native twin (Translate: the same call with the same arguments, read
// from the ia32 registers, pointers 4 bytes wide) or only counts it, under
// its i386 name, when no native call has the same arguments. It is never
// decoded with the native spec of the same number.
type IA32 struct {
	NR   int    // i386 number
	Name string // i386 name
	// Native is the syscall it is read as (Translate) or counted with:
	// either happens only while Native is captured.
	Native    *Syscall
	Translate bool
}

// ia32Differ are i386 calls whose arguments differ from their native
// namesake's (16-bit ids, 64-bit values split over two registers, a
// struct instead of arguments, another argument order): counted, not read.
var ia32Differ = map[string]string{
	"mmap": "mmap", "mmap2": "mmap", "select": "select", "_newselect": "select",
	"socketcall": "socket", "clone": "clone",
	"setuid": "setuid", "setgid": "setgid", "setreuid": "setreuid", "setregid": "setregid",
	"setresuid": "setresuid", "setresgid": "setresgid", "setfsuid": "setfsuid", "setfsgid": "setfsgid",
	"chown": "chown", "lchown": "lchown", "fchown": "fchown", "setgroups": "setgroups",
	"pread64": "pread64", "pwrite64": "pwrite64", "preadv": "preadv", "pwritev": "pwritev",
	"preadv2": "preadv2", "pwritev2": "pwritev2", "truncate64": "truncate", "ftruncate64": "ftruncate",
	"fallocate": "fallocate", "fadvise64": "fadvise64", "fadvise64_64": "fadvise64",
	"sync_file_range": "sync_file_range", "readahead": "readahead", "_llseek": "lseek",
	"statfs64": "statfs", "fstatfs64": "fstatfs", "fanotify_mark": "fanotify_mark",
}

// ia32Renamed are i386 calls that are their native twin under another name.
var ia32Renamed = map[string]string{
	"setuid32": "setuid", "setgid32": "setgid", "setreuid32": "setreuid", "setregid32": "setregid",
	"setresuid32": "setresuid", "setresgid32": "setresgid", "setfsuid32": "setfsuid", "setfsgid32": "setfsgid",
	"chown32": "chown", "lchown32": "lchown", "fchown32": "fchown", "setgroups32": "setgroups",
	"stat64": "stat", "lstat64": "lstat", "fstat64": "fstat", "fstatat64": "newfstatat",
	"fcntl64": "fcntl", "sendfile64": "sendfile", "ugetrlimit": "getrlimit",
}

// buildIA32 runs after the native table's init: package variables are
// initialised before init functions, so it cannot be one.
func buildIA32() []IA32 {
	var out []IA32
	for nr, name := range ia32Names {
		if nr >= maxNR {
			continue
		}
		e := IA32{NR: nr, Name: name}
		native, differ := ia32Differ[name]
		if !differ {
			native = name
			if n, ok := ia32Renamed[name]; ok {
				native = n
			} else if strings.HasSuffix(name, "_time64") {
				// 64-bit time variants take the native structures
				native = strings.TrimSuffix(name, "_time64")
			}
		}
		s, ok := Lookup(native)
		if !ok {
			continue
		}
		e.Native, e.Translate = s, !differ
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].NR < out[j].NR })
	return out
}

var ia32Table = sync.OnceValue(buildIA32)

// maxNR bounds syscall numbers the probe's arrays hold (bpf/event.h
// VG_MAX_SYSCALLS).
const maxNR = 512

// IA32Table lists the ia32 syscalls whose native twin the receiver
// supports, by i386 number.
func IA32Table() []IA32 { return ia32Table() }

// IA32Name is the i386 name of ia32 syscall nr.
func IA32Name(nr int) string { return ia32Names[nr] }
