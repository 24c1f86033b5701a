package probe

import "encoding/binary"

// DiscardKey is a learned discarder's key (bpf/event.h struct
// vg_disc_key): the syscall, the caller's mount namespace, the opened
// file's device and inode, the hash of the path as passed and the open's
// access mode.
type DiscardKey struct {
	NR    uint32
	MntNS uint32
	Ino   uint64
	PHash uint64
	Dev   uint32
	Mode  uint32
}

// DiscardStamp is what makes a discarder stale (struct vg_disc_val): the
// inode's ctime and generation when the record was made, and the
// generation of the rules it was judged by.
type DiscardStamp struct {
	CtimeSec  int64
	CtimeNsec uint32
	IGen      uint32
	Gen       uint32
}

// DiscardNoteSize is the size of a VG_SEC_DISC payload (struct vg_disc).
const DiscardNoteSize = 56

// SecDiscard is the section type of a discarder note (VG_SEC_DISC).
const SecDiscard = 30

// MaxDiscarders is the size of the kernel's discarders map.
const MaxDiscarders = 65536

// ParseDiscard decodes a VG_SEC_DISC payload.
func ParseDiscard(b []byte) (DiscardKey, DiscardStamp, bool) {
	if len(b) < DiscardNoteSize {
		return DiscardKey{}, DiscardStamp{}, false
	}
	le := binary.LittleEndian
	k := DiscardKey{NR: le.Uint32(b), MntNS: le.Uint32(b[4:]), Ino: le.Uint64(b[8:]), PHash: le.Uint64(b[16:]), Dev: le.Uint32(b[24:]), Mode: le.Uint32(b[28:])}
	s := DiscardStamp{CtimeSec: int64(le.Uint64(b[32:])), CtimeNsec: le.Uint32(b[40:]), IGen: le.Uint32(b[44:]), Gen: le.Uint32(b[48:])}
	return k, s, true
}

// HeaderSize is the fixed part of every record (VG_HDR_SIZE); the raw
// arguments, then the sections follow.
const HeaderSize = 32

// SecStr is the section type of a user string argument (VG_SEC_STR).
const SecStr = 1
