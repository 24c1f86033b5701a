package logencode

import (
	"encoding/binary"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/procstate"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// putParams writes vigil.evt.arg.<name> for every parameter, in the
// syscall's parameter order, and vigil.evt.rawarg.<name> for numeric ones.
func (b *Encoder) putParams(a pcommon.Map, sc *syscalls.Syscall, p *proctable.Process, r *event.Record) {
	for i := range sc.Params {
		pr := &sc.Params[i]
		text, raw, hasRaw := b.render(pr, sc, p, r)
		a.PutStr(pr.ArgKey, text)
		if hasRaw {
			a.PutInt(pr.RawKey, raw)
		}
	}
}

func (b *Encoder) argVal(pr *syscalls.Param, r *event.Record) uint64 {
	if pr.Arg < 0 {
		return uint64(r.Ret)
	}
	return r.Args[pr.Arg]
}

func (b *Encoder) render(pr *syscalls.Param, sc *syscalls.Syscall, p *proctable.Process, r *event.Record) (string, int64, bool) {
	v := b.argVal(pr, r)
	switch pr.R {
	case syscalls.RRes:
		if r.Ret < 0 {
			if n := linuxabi.ErrnoName(-r.Ret); n != "" {
				return n, r.Ret, true
			}
		}
		return b.decimal(pr, r.Ret), r.Ret, true
	case syscalls.RFD:
		fd := int64(int32(v))
		if pr.Arg < 0 {
			fd = r.Ret
			if fd < 0 {
				if n := linuxabi.ErrnoName(-fd); n != "" {
					return n, fd, true
				}
				return b.decimal(pr, fd), fd, true
			}
		}
		return b.fdText(p, int32(fd)), fd, true
	case syscalls.RDirFD:
		fd := int32(v)
		if fd == unix.AT_FDCWD {
			return "AT_FDCWD", int64(fd), true
		}
		return b.fdText(p, fd), int64(fd), true
	case syscalls.RPath:
		raw, _ := procstate.Str(r, int(pr.Arg))
		if pr.Aux == -2 {
			return string(raw), 0, false
		}
		return b.ResolveArg(p, r, int(pr.Arg), raw, pr.Aux), 0, false
	case syscalls.ROpenFlags:
		return b.numText.text(pr, v, func() string { return string(syscalls.AppendOpenFlags(b.buf[:0], v)) }), int64(v), true
	case syscalls.RMode:
		return b.numText.text(pr, v&0o7777, func() string { return string(syscalls.Mode.AppendFlags(b.buf[:0], v&0o7777)) }), int64(v), true
	case syscalls.RDec:
		if r.Flags&event.HdrCompat != 0 {
			// an ia32 int arrives zero-extended
			v = uint64(int64(int32(v)))
		}
		return b.decimal(pr, int64(v)), int64(v), true
	case syscalls.RUDec:
		return b.numText.text(pr, v, func() string { return strconv.FormatUint(v, 10) }), int64(v), true
	case syscalls.RHex:
		return b.numText.text(pr, v, func() string { return "0x" + strconv.FormatUint(v, 16) }), int64(v), true
	case syscalls.RUID:
		id := uint32(v)
		if id != 0xffffffff {
			if u, ok := b.Users.User(id); ok {
				return u.Name, int64(id), true
			}
		}
		return strconv.FormatInt(int64(int32(id)), 10), int64(id), true
	case syscalls.RGID:
		id := uint32(v)
		if id != 0xffffffff {
			if g, ok := b.Users.Group(id); ok {
				return g, int64(id), true
			}
		}
		return strconv.FormatInt(int64(int32(id)), 10), int64(id), true
	case syscalls.RFlags:
		return b.numText.text(pr, v, func() string { return string(pr.Table.AppendFlags(b.buf[:0], v)) }), int64(v), true
	case syscalls.REnum:
		e := uint64(int32(v))
		return b.numText.text(pr, e, func() string { return string(pr.Table.AppendEnum(b.buf[:0], int64(int32(v)))) }), int64(int32(v)), true
	case syscalls.RSockaddr:
		if s, ok := r.Find(event.SecSockaddr, int(pr.Arg)); ok {
			if sa, ok := parseSockaddr(s.Data); ok {
				if sa.path != "" || !sa.addr.IsValid() {
					return sa.path, 0, false
				}
				return b.sockaddrs.text(&b.addrs, b.buf, sa.addr, sa.port), 0, false
			}
		}
		return "", 0, false
	case syscalls.RTuple:
		return b.tuple(sc, p, r).name, 0, false
	case syscalls.RExecExe:
		args := b.execArgs(p, r)
		if len(args) > 0 {
			return args[0], 0, false
		}
		return "", 0, false
	case syscalls.RExecArgs:
		if r.Ret == 0 {
			// the process's argv: shared, never changed in place
			return b.argsText.join(p.Args, 1), 0, false
		}
		args := b.execArgs(p, r)
		if len(args) > 1 {
			return strings.Join(args[1:], " "), 0, false
		}
		return "", 0, false
	case syscalls.RExecFlags:
		var v int64
		b.buf, v = appendExeFlags(b.buf[:0], p)
		return string(b.buf), v, true
	case syscalls.RFilename:
		if r.Ret < 0 {
			raw, _ := procstate.Str(r, 0)
			return string(raw), 0, false
		}
		return p.ExecFilename, 0, false
	case syscalls.RPipeFD0, syscalls.RPipeFD1:
		if s, ok := r.Find(event.SecIntPair, -1); ok && len(s.Data) >= 8 {
			off := 0
			if pr.R == syscalls.RPipeFD1 {
				off = 4
			}
			fd := int32(binary.LittleEndian.Uint32(s.Data[off:]))
			return b.decimal(pr, int64(fd)), int64(fd), true
		}
		return "-1", -1, true
	case syscalls.RHowFlags, syscalls.RHowMode, syscalls.RHowResolve:
		s, ok := r.Find(event.SecOpenHow, int(pr.Arg))
		if !ok || len(s.Data) < 24 {
			return "", 0, false
		}
		switch pr.R {
		case syscalls.RHowFlags:
			f := binary.LittleEndian.Uint64(s.Data)
			return b.numText.text(pr, f, func() string { return string(syscalls.AppendOpenFlags(b.buf[:0], f)) }), int64(f), true
		case syscalls.RHowMode:
			m := binary.LittleEndian.Uint64(s.Data[8:])
			return b.numText.text(pr, m&0o7777, func() string { return string(syscalls.Mode.AppendFlags(b.buf[:0], m&0o7777)) }), int64(m), true
		default:
			res := binary.LittleEndian.Uint64(s.Data[16:])
			return b.numText.text(pr, res, func() string { return strconv.FormatUint(res, 10) }), int64(res), true
		}
	case syscalls.RDev, syscalls.RIno:
		if k, _, ok := b.KernelFD(sc, r); ok && r.Ret >= 0 {
			if pr.R == syscalls.RDev {
				d := uint64(k.Dev)
				return b.numText.text(pr, d, func() string { return "0x" + strconv.FormatUint(d, 16) }), int64(k.Dev), true
			}
			ino := k.Ino
			return b.numText.text(pr, ino, func() string { return strconv.FormatUint(ino, 10) }), int64(ino), true
		}
		return "0", 0, true
	case syscalls.RProcField:
		return b.procField(pr, p, r)
	}
	return "", 0, false
}

// decimal renders a signed value of parameter pr, cached.
func (b *Encoder) decimal(pr *syscalls.Param, v int64) string {
	return b.numText.text(pr, uint64(v), func() string { return strconv.FormatInt(v, 10) })
}

func (b *Encoder) execArgs(p *proctable.Process, r *event.Record) []string {
	if r.Ret == 0 {
		return p.Args
	}
	if s, ok := r.Find(event.SecArgv, -1); ok {
		b.args = procstate.SectionArgs(s, b.args[:0])
		return b.args
	}
	return nil
}

func (b *Encoder) procField(pr *syscalls.Param, p *proctable.Process, r *event.Record) (string, int64, bool) {
	num := func(v int64) (string, int64, bool) { return b.decimal(pr, v), v, true }
	switch pr.Aux {
	case syscalls.PFTID:
		return num(int64(r.TID))
	case syscalls.PFPID:
		return num(p.PID)
	case syscalls.PFPPID:
		return num(p.PPID)
	case syscalls.PFCwd:
		return p.Cwd, 0, false
	case syscalls.PFComm:
		return p.Comm, 0, false
	case syscalls.PFUID:
		return num(int64(p.UID))
	case syscalls.PFGID:
		return num(int64(p.GID))
	case syscalls.PFVPGID:
		return num(p.VPGID)
	case syscalls.PFLoginUID:
		return num(p.LoginUID)
	case syscalls.PFTTY:
		return num(p.TTY)
	case syscalls.PFPGID:
		return num(p.PGID)
	case syscalls.PFExePath:
		return p.ExePath, 0, false
	case syscalls.PFEnv:
		return b.envText.join(p.Env, 0), 0, false
	}
	return "", 0, false
}

// fdText renders an fd as Falco does: "3(<f>/etc/passwd)" when its name is
// known, the number otherwise.
func (b *Encoder) fdText(p *proctable.Process, fd int32) string {
	f := b.FDEntry(p, fd)
	if f == nil {
		return strconv.Itoa(int(fd))
	}
	name := f.Path
	if name == "" {
		name = f.Name
	}
	kind := typeChar(f.Type)
	return b.fdTexts.text(fd, kind, name, func() string {
		return strconv.Itoa(int(fd)) + "(<" + string(kind) + ">" + name + ")"
	})
}
