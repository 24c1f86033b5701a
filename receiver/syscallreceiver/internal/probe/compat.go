//go:build linux && amd64

package probe

import (
	"errors"
	"fmt"
)

// Compat (ia32) calls: a 32-bit task, or a 64-bit one using int 0x80,
// numbers its syscalls from the i386 table and passes arguments in other
// registers. The probe detects them in the kernel (TS_COMPAT) and, per ia32
// number, either reads them as their native twin or counts them without
// reading (bpf/event.h VG_IA32_*).

const (
	ia32Off       = 0
	ia32Translate = 1
	ia32Drop      = 2
)

type ia32Entry struct {
	set       bool
	native    uint16
	translate bool
}

// SetIA32 says what the probe does with ia32 syscall nr: read it as native
// syscall native when translate is set, else count it (CompatDrops). Either
// happens only while native is captured. Each call installs a whole new
// table; use Update for several changes.
func (p *Probe) SetIA32(nr, native int, translate bool) error {
	return p.Update(func(u *SpecUpdate) { u.SetIA32(nr, native, translate) })
}

// SetIA32 sets how ia32 syscall nr is handled (see Probe.SetIA32).
func (u *SpecUpdate) SetIA32(nr, native int, translate bool) {
	if nr < 0 || nr >= MaxSyscalls || native < 0 || native >= MaxSyscalls {
		u.err = errors.Join(u.err, fmt.Errorf("ia32 syscall %d -> %d out of range", nr, native))
		return
	}
	u.ia32[nr] = ia32Entry{set: true, native: uint16(native), translate: translate}
}

// resolveIA32 derives every entry's ia32 fields from the ia32 table and
// the modes in the update, so an ia32 call follows its native twin's mode
// in the same table swap that changes it.
func (u *SpecUpdate) resolveIA32() {
	for nr := range u.ia32 {
		e := u.ia32[nr]
		v := &u.specs[nr]
		v.Ia32, v.Ia32Nr = ia32Off, e.native
		if e.set && u.specs[e.native].On != uint8(Off) {
			v.Ia32 = ia32Drop
			if e.translate {
				v.Ia32 = ia32Translate
			}
		}
	}
}

// CompatDrops adds to out (indexed by ia32 number, MaxSyscalls long) the
// compat calls counted and not read since the probe was loaded.
func (p *Probe) CompatDrops(out []uint64) error {
	var per []uint64
	for nr := range p.ia32 {
		if !p.ia32[nr].set || p.ia32[nr].translate {
			continue
		}
		if err := p.objs.CompatDrops.Lookup(uint32(nr), &per); err != nil {
			return err
		}
		var sum uint64
		for _, c := range per {
			sum += c
		}
		out[nr] = sum
	}
	return nil
}
