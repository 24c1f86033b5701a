package logencode

import (
	"net/netip"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/procstate"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// sockTuple is a socket's two ends with roles assigned.
type sockTuple struct {
	ok                       bool
	name                     string
	proto                    string
	client, server           netip.Addr
	cport, sport             uint16
	local, peer              netip.Addr
	lport, pport             uint16
	unix                     bool
	connected, server_, isIP bool
}

// clientSide reports whether the calling process is the client end of the
// event's socket.
func clientSide(sc *syscalls.Syscall, f *proctable.FD) bool {
	switch sc.NR {
	case linuxabi.SysConnect, linuxabi.SysSendto, linuxabi.SysSendmsg:
		return true
	case linuxabi.SysAccept, linuxabi.SysAccept4, linuxabi.SysListen, linuxabi.SysBind, linuxabi.SysRecvfrom, linuxabi.SysRecvmsg:
		return false
	}
	return f == nil || !f.Server
}

// tuple returns the socket tuple of the record being encoded, working it
// out on the first call: the parameters (RTuple) and the fd keys both
// need it, and it is the costliest part of a socket record.
func (b *Encoder) tuple(sc *syscalls.Syscall, p *proctable.Process, r *event.Record) *sockTuple {
	if !b.tupDone {
		b.tup = b.sockTuple(sc, p, r)
		b.tupDone = true
	}
	return &b.tup
}

func (b *Encoder) sockTuple(sc *syscalls.Syscall, p *proctable.Process, r *event.Record) sockTuple {
	var t sockTuple
	k, _, ok := b.KernelFD(sc, r)
	if !ok || k.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return t
	}
	t.ok = true
	var f *proctable.FD
	if sc.FDSrc >= 1 && sc.FDSrc <= 6 {
		f = p.FDs[int32(r.Args[sc.FDSrc-1])]
	}
	// the address argument of connect/sendto/sendmsg/recvfrom names the peer
	var sa sockaddr
	var haveSA bool
	if s, ok := r.Find(event.SecSockaddr, -1); ok {
		sa, haveSA = parseSockaddr(s.Data)
	}
	switch k.Family {
	case unix.AF_INET, unix.AF_INET6:
		t.isIP = true
		t.proto = l4proto(k)
		t.local, t.lport = addrOf(k.Family, &k.LAddr), k.LPort
		t.peer, t.pport = addrOf(k.Family, &k.RAddr), k.RPort
		if haveSA && sa.addr.IsValid() && (sc.NR != linuxabi.SysBind) {
			t.peer, t.pport = sa.addr, sa.port
		}
		if k.Family == unix.AF_INET6 {
			t.local, t.peer = t.local.Unmap(), t.peer.Unmap()
		}
		t.connected = k.RPort != 0
		if clientSide(sc, f) {
			t.client, t.cport, t.server, t.sport = t.local, t.lport, t.peer, t.pport
		} else {
			t.server_ = true
			t.client, t.cport, t.server, t.sport = t.peer, t.pport, t.local, t.lport
		}
		t.name = b.endpoints.text(&b.addrs, b.buf, t.client, t.cport, t.server, t.sport)
	case unix.AF_UNIX:
		t.unix = true
		local, _ := r.Find(event.SecUnixLocal, -1)
		peer, _ := r.Find(event.SecUnixPeer, -1)
		switch {
		case haveSA && sa.path != "":
			t.name = sa.path
		case len(peer.Data) > 0 && clientSide(sc, f):
			t.name = unixPath(peer.Data)
		case len(local.Data) > 0:
			t.name = unixPath(local.Data)
		case len(peer.Data) > 0:
			t.name = unixPath(peer.Data)
		}
		t.connected = len(peer.Data) > 0
	}
	return t
}

// putFD writes the fd keys of the fd the event operates on.
func (b *Encoder) putFD(a pcommon.Map, sc *syscalls.Syscall, p *proctable.Process, r *event.Record) {
	if sc.Open {
		b.putOpenFD(a, sc, p, r)
		return
	}
	if sc.FDSrc == 0 {
		return
	}
	var fd int64
	if sc.FDSrc == syscalls.FDRet {
		fd = r.Ret
	} else {
		fd = int64(int32(r.Args[sc.FDSrc-1]))
	}
	if fd < 0 {
		a.PutInt(eventattr.FDNum, -1)
		return
	}
	a.PutInt(eventattr.FDNum, fd)
	k, dname, haveK := b.KernelFD(sc, r)
	f := b.FDEntry(p, int32(fd))
	typ := ""
	switch {
	case haveK:
		typ = procstate.FDType(k, dname)
	case f != nil:
		typ = f.Type
	}
	if typ == "" || typ == "socket" && f != nil && f.Type != "" && f.Type != "socket" {
		if f != nil {
			typ = f.Type
		}
	}
	if typ != "" {
		a.PutStr(eventattr.FDType, typ)
	}
	if haveK {
		a.PutInt(eventattr.FDDev, int64(k.Dev))
		a.PutInt(eventattr.FDIno, int64(k.Ino))
	}
	switch {
	case isFileType(typ):
		if f != nil && f.Path != "" {
			a.PutStr(eventattr.FilePath, f.Path)
		}
	case haveK && k.Mode&unix.S_IFMT == unix.S_IFSOCK:
		t := b.tuple(sc, p, r)
		if t.name != "" {
			a.PutStr(eventattr.FDName, t.name)
		}
		a.PutBool(eventattr.FDConnected, t.connected)
		a.PutBool(eventattr.FDNameChanged, procstate.NoteSocketName(p, int32(fd), f, t.name))
		a.PutBool(eventattr.FDIsServer, t.server_)
		if t.isIP {
			if t.proto != "" {
				a.PutStr(eventattr.L4Proto, t.proto)
			}
			a.PutStr(eventattr.ClientAddr, b.addrs.text(t.client))
			a.PutInt(eventattr.ClientPort, int64(t.cport))
			a.PutStr(eventattr.ServerAddr, b.addrs.text(t.server))
			a.PutInt(eventattr.ServerPort, int64(t.sport))
			b.putHostNames(a, t)
			a.PutStr(eventattr.LocalAddr, b.addrs.text(t.local))
			a.PutInt(eventattr.LocalPort, int64(t.lport))
			a.PutStr(eventattr.PeerAddr, b.addrs.text(t.peer))
			a.PutInt(eventattr.PeerPort, int64(t.pport))
		}
	case typ == "pipe" && haveK:
		a.PutStr(eventattr.FDName, "pipe:["+strconv.FormatUint(k.Ino, 10)+"]")
	case f != nil && f.Name != "":
		a.PutStr(eventattr.FDName, f.Name)
	case dname != "":
		a.PutStr(eventattr.FDName, "anon_inode:"+dname)
	}
}

// putOpenFD writes the fd keys of an open-family event: the opened path,
// made absolute, even when the open failed, and the raw flags and mode.
func (b *Encoder) putOpenFD(a pcommon.Map, sc *syscalls.Syscall, p *proctable.Process, r *event.Record) {
	if r.Ret >= 0 {
		a.PutInt(eventattr.FDNum, r.Ret)
	} else {
		a.PutInt(eventattr.FDNum, -1)
	}
	var flags, mode uint64
	pathArg, dirfd := 0, int8(-1)
	switch sc.NR {
	case linuxabi.SysOpen:
		flags, mode = r.Args[1], r.Args[2]
	case linuxabi.SysOpenat:
		flags, mode = r.Args[2], r.Args[3]
		pathArg, dirfd = 1, 0
	case linuxabi.SysOpenat2:
		pathArg, dirfd = 1, 0
		if s, ok := r.Find(event.SecOpenHow, 2); ok && len(s.Data) >= 16 {
			flags = leU64(s.Data)
			mode = leU64(s.Data[8:])
		}
	case linuxabi.SysCreat:
		flags, mode = unix.O_CREAT|unix.O_WRONLY|unix.O_TRUNC, r.Args[1]
	case linuxabi.SysOpenByHandleAt:
		flags = r.Args[2]
	}
	// the flags and mode parameters already wrote these keys where the
	// syscall has them
	if !sc.RawFlags {
		a.PutInt(eventattr.OpenFlags, int64(flags))
	}
	if !sc.RawMode {
		a.PutInt(eventattr.OpenMode, int64(mode))
	}
	typ := "file"
	if flags&unix.O_DIRECTORY != 0 {
		typ = "directory"
	}
	created := false
	if k, dname, ok := b.KernelFD(sc, r); ok && r.Ret >= 0 {
		typ = procstate.FDType(k, dname)
		a.PutInt(eventattr.FDDev, int64(k.Dev))
		a.PutInt(eventattr.FDIno, int64(k.Ino))
		created = k.FMode&event.FModeCreated != 0
	}
	a.PutBool(eventattr.OpenCreated, created)
	a.PutStr(eventattr.FDType, typ)
	if sc.NR == linuxabi.SysOpenByHandleAt {
		if f := b.FDEntry(p, int32(r.Ret)); f != nil && f.Path != "" {
			a.PutStr(eventattr.FilePath, f.Path)
		}
		return
	}
	raw, _ := procstate.Str(r, pathArg)
	a.PutStr(eventattr.FilePath, b.ResolveArg(p, r, pathArg, raw, dirfd))
	a.PutStr(eventattr.FDNameRaw, b.RawArg(pathArg, raw))
}

func leU64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}
