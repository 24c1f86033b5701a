package logencode

import (
	"net/netip"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"golang.org/x/sys/unix"
)

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
