package procstate

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// FDType names a kernel fd view as Falco's fd.type does; dname is the
// dentry name of an anonymous inode ("[eventfd]").
func FDType(k *event.FD, dname string) string {
	switch k.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFREG, unix.S_IFCHR, unix.S_IFBLK, unix.S_IFLNK:
		return "file"
	case unix.S_IFIFO:
		return "pipe"
	case unix.S_IFSOCK:
		switch k.Family {
		case unix.AF_INET:
			return "ipv4"
		case unix.AF_INET6:
			return "ipv6"
		case unix.AF_UNIX:
			return "unix"
		case unix.AF_NETLINK:
			return "netlink"
		}
		// Falco has no type for other families (AF_PACKET, AF_VSOCK ...):
		// fd.type is <NA> there, and so it is here
		return ""
	case 0:
		return anonType(dname)
	}
	return "file"
}

func anonType(dname string) string {
	switch {
	case strings.Contains(dname, "eventfd"):
		return "event"
	case strings.Contains(dname, "signalfd"):
		return "signalfd"
	case strings.Contains(dname, "eventpoll"):
		return "eventpoll"
	case strings.Contains(dname, "inotify"):
		return "inotify"
	case strings.Contains(dname, "timerfd"):
		return "timerfd"
	case strings.HasPrefix(dname, "bpf"):
		return "bpf"
	case strings.Contains(dname, "userfaultfd"):
		return "userfaultfd"
	case strings.Contains(dname, "io_uring"):
		return "io_uring"
	case strings.HasPrefix(dname, "memfd:"):
		return "memfd"
	}
	return "unknown"
}

// typeFromProcLink classifies a /proc/PID/fd link target.
func typeFromProcLink(s string) string {
	switch {
	case strings.HasPrefix(s, "/"):
		if strings.HasPrefix(s, "/memfd:") {
			return "memfd"
		}
		return "file"
	case strings.HasPrefix(s, "pipe:"):
		return "pipe"
	case strings.HasPrefix(s, "socket:"):
		return "socket"
	case strings.HasPrefix(s, "anon_inode:"):
		return anonType(s[len("anon_inode:"):])
	}
	return "unknown"
}
