// Package event decodes the probe's raw records (bpf/event.h) without
// copying: a Record's sections are sub-slices of the raw sample, valid until
// the sample's buffer is reused.
package event

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Record kinds beyond syscall numbers (VG_KIND_*).
const (
	KindFork   = 1000
	KindExec   = 1001
	KindExit   = 1002
	KindCgroup = 1003
)

// Section types (VG_SEC_*).
const (
	SecStr       = 1
	SecSockaddr  = 2
	SecFD        = 3
	SecArgv      = 4
	SecEnv       = 5
	SecExe       = 6
	SecCwd       = 7
	SecCgroup    = 8
	SecProc      = 9
	SecIntPair   = 10
	SecFilename  = 11
	SecUnixLocal = 12
	SecUnixPeer  = 13
	SecDName     = 14
	SecOpenHow   = 15
	// SecClosed is a u64 bitmap of fds 0-63 the process closed since its
	// previous record (closes the probe defers instead of writing them).
	SecClosed = 17
	// SecExeInfo is the executable's inode at exec (struct vg_exeinfo).
	SecExeInfo = 18
	// SecPlace is the process's place stamp (u64) in a fork, exec or
	// cgroup record: what the receiver gives back with the place it
	// decides from the record (probe.SetPlace).
	SecPlace = 19
)

// PlaceStamp is a record's SecPlace, 0 when it has none (the probe could
// not store the process's entry).
func (r *Record) PlaceStamp() uint64 {
	if s, ok := r.Find(SecPlace, -1); ok && len(s.Data) >= 8 {
		return binary.LittleEndian.Uint64(s.Data)
	}
	return 0
}

// ExeInfo is struct vg_exeinfo.
type ExeInfo struct {
	CtimeNs, MtimeNs int64
	Mode, UID, GID   uint32
	Overlay          bool
}

// ParseExeInfo decodes a SecExeInfo payload.
func ParseExeInfo(b []byte, e *ExeInfo) bool {
	if len(b) < 32 {
		return false
	}
	le := binary.LittleEndian
	e.CtimeNs = int64(le.Uint64(b[0:]))
	e.MtimeNs = int64(le.Uint64(b[8:]))
	e.Mode, e.UID, e.GID = le.Uint32(b[16:]), le.Uint32(b[20:]), le.Uint32(b[24:])
	e.Overlay = le.Uint32(b[28:])&1 != 0
	return true
}

// SecTrunc is set in a section's arg on the wire when the probe cut its
// payload at one of its limits; Decode moves it to Section.Truncated.
const SecTrunc = 0x80

// Header flags (VG_HDR_*).
const (
	// HdrCompat marks an ia32 syscall the probe read as its native twin:
	// its arguments are 32-bit values, zero-extended.
	HdrCompat = 1
)

// Cgroup hierarchies (VG_CG_*), the arg of a SecCgroup section.
const (
	CgroupDefault = 0
	CgroupCPU     = 1
	CgroupPIDs    = 2
	CgroupMemory  = 3
	CgroupMoved   = 4
)

// FDRet is the arg of a SecFD section describing the return value's fd.
const FDRet = 7

const (
	hdrSize = 32 // then Header.NArgs raw arguments of 8 bytes
	maxArgs = 6
	secSize = 4
	// fdFileSize is the part of struct vg_fd every fd has; fdSize the
	// whole struct, sent for sockets.
	fdFileSize = 24
	fdSize     = 72
	procSize   = 128
	// MaxSections bounds the sections decoded from one record.
	MaxSections = 24
)

// Header is the fixed part of every record.
type Header struct {
	TS  uint64 // boot-time ns
	Ret int64
	// Args holds the raw arguments the probe sent (NArgs of them, as many
	// as the receiver's syscall table uses); the rest are zero.
	Args  [maxArgs]uint64
	NArgs uint8
	Flags uint8 // Hdr*
	TGID  uint32
	TID   uint32
	Kind  uint16
	CPU   uint16
	Len   uint32
}

// Section is one typed payload.
type Section struct {
	Type uint8
	Arg  uint8
	// Truncated: the probe cut Data at one of its limits.
	Truncated bool
	Data      []byte
}

// Record is a decoded record; reuse one per reader.
type Record struct {
	Header
	Sections []Section
	secBuf   [MaxSections]Section
}

// ErrShort reports a truncated or inconsistent record.
var ErrShort = errors.New("event: truncated record")

// Decode parses raw into r. Sections point into raw.
func Decode(raw []byte, r *Record) error {
	if len(raw) < hdrSize {
		return fmt.Errorf("%w: %d bytes, header needs %d", ErrShort, len(raw), hdrSize)
	}
	le := binary.LittleEndian
	h := &r.Header
	h.TS = le.Uint64(raw[0:])
	h.Ret = int64(le.Uint64(raw[8:]))
	h.TGID = le.Uint32(raw[16:])
	h.TID = le.Uint32(raw[20:])
	h.Kind = le.Uint16(raw[24:])
	h.CPU = le.Uint16(raw[26:])
	h.Len = uint32(le.Uint16(raw[28:]))
	h.NArgs = raw[30]
	h.Flags = raw[31]
	if h.NArgs > maxArgs {
		return fmt.Errorf("%w: %d arguments, at most %d", ErrShort, h.NArgs, maxArgs)
	}
	start := hdrSize + 8*int(h.NArgs)
	if int(h.Len) > len(raw) || int(h.Len) < start {
		return fmt.Errorf("%w: header says %d bytes with %d arguments, sample has %d", ErrShort, h.Len, h.NArgs, len(raw))
	}
	for i := range h.Args {
		h.Args[i] = 0
		if i < int(h.NArgs) {
			h.Args[i] = le.Uint64(raw[hdrSize+8*i:])
		}
	}
	r.Sections = r.secBuf[:0]
	b := raw[start:h.Len]
	for len(b) > 0 {
		if len(b) < secSize {
			return fmt.Errorf("%w: %d stray bytes after the sections", ErrShort, len(b))
		}
		n := int(le.Uint16(b))
		if secSize+n > len(b) {
			return fmt.Errorf("%w: section type %d of %d bytes overruns the record", ErrShort, b[2], n)
		}
		if len(r.Sections) < MaxSections {
			r.Sections = append(r.Sections, Section{Type: b[2], Arg: b[3] &^ SecTrunc, Truncated: b[3]&SecTrunc != 0, Data: b[secSize : secSize+n]})
		}
		b = b[secSize+n:]
	}
	return nil
}

// Find returns the first section of type t with argument arg (arg < 0: any).
func (r *Record) Find(t uint8, arg int) (Section, bool) {
	for _, s := range r.Sections {
		if s.Type == t && (arg < 0 || int(s.Arg) == arg) {
			return s, true
		}
	}
	return Section{}, false
}

// FD is the kernel's view of one file descriptor (struct vg_fd).
type FD struct {
	FD   int32
	Mode uint32
	Ino  uint64
	Dev  uint32
	// FMode is the open file's f_mode (FModeCreated).
	FMode  uint32
	Family uint16
	SoType uint16
	Proto  uint16
	LPort  uint16
	RPort  uint16
	State  uint16
	LAddr  [16]byte
	RAddr  [16]byte
}

// FModeCreated is FMODE_CREATED in FD.FMode: the open created the file.
const FModeCreated = 0x100000

// ParseFD decodes a SecFD payload: the file part, and the socket part when
// the payload carries it (zero otherwise).
func ParseFD(b []byte, fd *FD) bool {
	if len(b) < fdFileSize {
		return false
	}
	le := binary.LittleEndian
	fd.FD = int32(le.Uint32(b[0:]))
	fd.Mode = le.Uint32(b[4:])
	fd.Ino = le.Uint64(b[8:])
	fd.Dev = le.Uint32(b[16:])
	fd.FMode = le.Uint32(b[20:])
	if len(b) < fdSize {
		fd.Family, fd.SoType, fd.Proto, fd.LPort, fd.RPort, fd.State = 0, 0, 0, 0, 0, 0
		fd.LAddr, fd.RAddr = [16]byte{}, [16]byte{}
		return true
	}
	fd.Family = le.Uint16(b[24:])
	fd.SoType = le.Uint16(b[26:])
	fd.Proto = le.Uint16(b[28:])
	fd.LPort = le.Uint16(b[30:])
	fd.RPort = le.Uint16(b[32:])
	fd.State = le.Uint16(b[34:])
	copy(fd.LAddr[:], b[40:56])
	copy(fd.RAddr[:], b[56:72])
	return true
}

// Proc flags (VG_PROC_*).
const ProcUpper = 1

// Proc is a process's identity as the kernel saw it (struct vg_proc).
type Proc struct {
	PID, TID, PPID, VPID, VTID uint32
	UID, GID, EUID, EGID       uint32
	LoginUID                   uint32
	SID, PGID, VPGID           uint32
	TTYMajor, TTYMinor         uint32
	Flags                      uint32
	StartBootNs                uint64
	ExeIno                     uint64
	CapEff, CapPrm, CapInh     uint64
	CloneFlags                 uint64
	Comm                       []byte
}

// ParseProc decodes a SecProc payload; Comm points into b.
func ParseProc(b []byte, p *Proc) bool {
	if len(b) < procSize {
		return false
	}
	le := binary.LittleEndian
	u := func(i int) uint32 { return le.Uint32(b[4*i:]) }
	p.PID, p.TID, p.PPID, p.VPID, p.VTID = u(0), u(1), u(2), u(3), u(4)
	p.UID, p.GID, p.EUID, p.EGID = u(5), u(6), u(7), u(8)
	p.LoginUID = u(9)
	p.SID, p.PGID, p.VPGID = u(10), u(11), u(12)
	p.TTYMajor, p.TTYMinor = u(13), u(14)
	p.Flags = u(15)
	p.StartBootNs = le.Uint64(b[64:])
	p.ExeIno = le.Uint64(b[72:])
	p.CapEff = le.Uint64(b[80:])
	p.CapPrm = le.Uint64(b[88:])
	p.CapInh = le.Uint64(b[96:])
	p.CloneFlags = le.Uint64(b[104:])
	c := b[112:128]
	for i, ch := range c {
		if ch == 0 {
			c = c[:i]
			break
		}
	}
	p.Comm = c
	return true
}

// AppendPath joins a path section (components leaf first, each
// NUL-terminated) into an absolute path appended to dst.
func AppendPath(dst []byte, comps []byte) []byte {
	if len(comps) == 0 {
		return append(dst, '/')
	}
	end := len(comps)
	if comps[end-1] == 0 {
		end--
	}
	// walk components from the last (the root-most) to the first
	for end > 0 {
		start := end - 1
		for start >= 0 && comps[start] != 0 {
			start--
		}
		name := comps[start+1 : end]
		if len(name) > 0 && !(len(name) == 1 && name[0] == '/') {
			dst = append(dst, '/')
			dst = append(dst, name...)
		}
		end = start
	}
	if len(dst) == 0 {
		dst = append(dst, '/')
	}
	return dst
}

// Components splits a path section into its components, root-most first.
func Components(comps []byte) []string {
	var out []string
	end := len(comps)
	if end > 0 && comps[end-1] == 0 {
		end--
	}
	for end > 0 {
		start := end - 1
		for start >= 0 && comps[start] != 0 {
			start--
		}
		out = append(out, string(comps[start+1:end]))
		end = start
	}
	return out
}

// CString trims b at its first NUL.
func CString(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
