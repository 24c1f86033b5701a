//go:build linux && amd64

package probe

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
)

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

// kernel is k in the probe's layout.
func (k *DiscardKey) kernel() vigilVgDiscKey {
	return vigilVgDiscKey{Nr: k.NR, Mntns: k.MntNS, Ino: k.Ino, Phash: k.PHash, Dev: k.Dev, Mode: k.Mode}
}

// PutDiscarder installs (or refreshes) a discarder.
func (p *Probe) PutDiscarder(k *DiscardKey, s *DiscardStamp) error {
	key := k.kernel()
	val := vigilVgDiscVal{CtimeSec: s.CtimeSec, CtimeNsec: s.CtimeNsec, Igen: s.IGen, Gen: s.Gen}
	return p.objs.Discarders.Put(&key, &val)
}

// DeleteDiscarder removes a discarder; one the probe already deleted as
// stale is no error.
func (p *Probe) DeleteDiscarder(k *DiscardKey) {
	key := k.kernel()
	_ = p.objs.Discarders.Delete(&key)
}

// DeleteDiscarders removes the discarders of keys in as few syscalls as
// the kernel allows (one batch, where it has the batch API, instead of one
// call per key: a reload retires up to MaxDiscarders entries on the
// reader's goroutine). Ones the probe already deleted as stale are no
// error.
func (p *Probe) DeleteDiscarders(keys []DiscardKey) error {
	if len(keys) == 0 {
		return nil
	}
	buf := make([]vigilVgDiscKey, len(keys))
	for i, k := range keys {
		buf[i] = k.kernel()
	}
	for len(buf) > 0 {
		n, err := p.objs.Discarders.BatchDelete(buf, nil)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, ebpf.ErrNotSupported):
			// no batch API (before Linux 5.6): one call per key
			for i := range buf {
				_ = p.objs.Discarders.Delete(&buf[i])
			}
			return nil
		case errors.Is(err, ebpf.ErrKeyNotExist) && n < len(buf):
			// the kernel stops at a missing key, after deleting the n
			// before it: go on past it
			buf = buf[n+1:]
		default:
			return fmt.Errorf("deleting %d discarders: %w", len(buf), err)
		}
	}
	return nil
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
