package logbuild

import (
	"net/netip"
	"strings"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"golang.org/x/sys/unix"
)

// fdType names a kernel fd view as Falco's fd.type does; dname is the
// dentry name of an anonymous inode ("[eventfd]").
func fdType(k *event.FD, dname string) string {
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

func typeChar(t string) byte {
	switch t {
	case "file":
		return 'f'
	case "directory":
		return 'd'
	case "ipv4":
		return '4'
	case "ipv6":
		return '6'
	case "unix":
		return 'u'
	case "pipe":
		return 'p'
	case "event":
		return 'e'
	case "signalfd":
		return 's'
	case "eventpoll":
		return 'l'
	case "inotify":
		return 'i'
	case "bpf":
		return 'b'
	case "io_uring":
		return 'r'
	case "memfd":
		return 'm'
	case "netlink":
		return 'n'
	}
	return 'o'
}

func isFileType(t string) bool { return t == "file" || t == "directory" || t == "memfd" }

func l4proto(k *event.FD) string {
	switch k.Proto {
	case unix.IPPROTO_TCP:
		return "tcp"
	case unix.IPPROTO_UDP:
		return "udp"
	case unix.IPPROTO_ICMP, unix.IPPROTO_ICMPV6:
		return "icmp"
	}
	if k.SoType == unix.SOCK_RAW {
		return "raw"
	}
	switch k.SoType {
	case unix.SOCK_STREAM:
		return "tcp"
	case unix.SOCK_DGRAM:
		return "udp"
	}
	return ""
}

func addrOf(family uint16, b *[16]byte) netip.Addr {
	if family == unix.AF_INET {
		return netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
	}
	return netip.AddrFrom16(*b)
}

// sockaddr decodes a raw struct sockaddr: an IP address and port, or a
// unix path ('@' for the abstract namespace).
type sockaddr struct {
	family uint16
	addr   netip.Addr
	port   uint16
	path   string
}

func parseSockaddr(b []byte) (sockaddr, bool) {
	if len(b) < 2 {
		return sockaddr{}, false
	}
	sa := sockaddr{family: uint16(b[0]) | uint16(b[1])<<8}
	switch sa.family {
	case unix.AF_INET:
		if len(b) < 8 {
			return sa, false
		}
		sa.port = uint16(b[2])<<8 | uint16(b[3])
		sa.addr = netip.AddrFrom4([4]byte{b[4], b[5], b[6], b[7]})
	case unix.AF_INET6:
		if len(b) < 24 {
			return sa, false
		}
		sa.port = uint16(b[2])<<8 | uint16(b[3])
		var a [16]byte
		copy(a[:], b[8:24])
		sa.addr = netip.AddrFrom16(a)
	case unix.AF_UNIX:
		sa.path = unixPath(b[2:])
	default:
		return sa, false
	}
	return sa, true
}

func unixPath(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if b[0] == 0 {
		return "@" + string(event.CString(b[1:]))
	}
	return string(event.CString(b))
}
