//go:build linux && amd64

package probe

import "fmt"

// SetDiscarding tells the probe which syscalls may be discarded (pathArg
// by syscall number: the index + 1 of the path argument, 0 for none;
// flagsArg: where their open flags are, as Filter.FlagsArg), the
// generation of the rules entries must carry to be live, and how many
// entries are installed (0: the probe skips the lookup). Entries of
// another generation are stale from here on.
func (p *Probe) SetDiscarding(gen, entries uint32, pathArg, flagsArg *[MaxSyscalls]uint8) error {
	ctl := vigilVgDiscCtl{Gen: gen, Entries: entries, PathArg: *pathArg, FlagsArg: *flagsArg}
	if err := p.objs.DiscCtl.Put(uint32(0), &ctl); err != nil {
		return fmt.Errorf("writing the discarders' control: %w", err)
	}
	return nil
}

// PutDiscarder installs (or refreshes) a discarder.
func (p *Probe) PutDiscarder(k *DiscardKey, s *DiscardStamp) error {
	key := vigilVgDiscKey{Nr: k.NR, Mntns: k.MntNS, Ino: k.Ino, Phash: k.PHash, Dev: k.Dev, Mode: k.Mode}
	val := vigilVgDiscVal{CtimeSec: s.CtimeSec, CtimeNsec: s.CtimeNsec, Igen: s.IGen, Gen: s.Gen}
	return p.objs.Discarders.Put(&key, &val)
}

// DeleteDiscarder removes a discarder; one the probe already deleted as
// stale is no error.
func (p *Probe) DeleteDiscarder(k *DiscardKey) {
	key := vigilVgDiscKey{Nr: k.NR, Mntns: k.MntNS, Ino: k.Ino, Phash: k.PHash, Dev: k.Dev, Mode: k.Mode}
	_ = p.objs.Discarders.Delete(&key)
}

// DiscardStats fills hits and stale (MaxSyscalls long each) with the
// calls discarded and the stale entries the probe deleted, by syscall
// number, summed over CPUs, for the syscalls marked in nrs.
func (p *Probe) DiscardStats(nrs []int, hits, stale []uint64) error {
	var per []uint64
	for _, nr := range nrs {
		if nr < 0 || nr >= len(hits) || nr >= len(stale) {
			continue
		}
		for _, c := range []struct {
			out []uint64
			m   interface {
				Lookup(key, val any) error
			}
		}{{hits, p.objs.DiscHits}, {stale, p.objs.DiscStale}} {
			if err := c.m.Lookup(uint32(nr), &per); err != nil {
				return err
			}
			var sum uint64
			for _, v := range per {
				sum += v
			}
			c.out[nr] = sum
		}
	}
	return nil
}
