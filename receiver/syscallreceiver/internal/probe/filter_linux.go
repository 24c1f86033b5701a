//go:build linux && amd64

package probe

import (
	"errors"
	"fmt"
	"slices"
)

const (
	filtOutcome = 1
	filtProto   = 2
	filtPath    = 4
	filtPrefix  = 8
	filtSuffix  = 16
	filtAccess  = 32
)

// pathKey is bpf/vigil.bpf.c's struct path_key.
type pathKey struct {
	PrefixLen uint32
	Gen       uint8
	Kind      uint8
	NR        uint16
	Path      [MaxPathKey + 1]byte
}

// SetFilter sets syscall nr's kernel filter; nil removes it.
func (u *SpecUpdate) SetFilter(nr int, f *Filter) {
	if !u.check(nr) {
		return
	}
	if f != nil {
		for _, m := range f.Paths {
			for _, p := range append(append([]string(nil), m.Prefixes...), m.Suffixes...) {
				if p == "" || len(p) > MaxPathKey {
					u.err = errors.Join(u.err, fmt.Errorf("syscall %d: path pattern %q: empty or longer than %d bytes", nr, p, MaxPathKey))
					return
				}
			}
		}
		c := *f
		f = &c
	}
	if old := u.filters[nr]; (old == nil) != (f == nil) || (f != nil && !sameFilter(old, f)) {
		u.filters[nr] = f
	}
}

func sameFilter(a, b *Filter) bool {
	if a.OutcomeOn != b.OutcomeOn || a.Outcome != b.Outcome || a.ProtoOn != b.ProtoOn || a.Proto != b.Proto ||
		a.FlagsArg != b.FlagsArg || a.AccessOn != b.AccessOn || a.Access != b.Access || a.PathArg != b.PathArg {
		return false
	}
	for m := range a.Paths {
		x, y := a.Paths[m], b.Paths[m]
		if x.On != y.On || !slices.Equal(x.Prefixes, y.Prefixes) || !slices.Equal(x.Suffixes, y.Suffixes) {
			return false
		}
	}
	return true
}

// writePaths sets the filter fields of specs from filters and writes their
// path patterns under generation gen; it returns the keys written.
func (p *Probe) writePaths(specs *[MaxSyscalls]specEntry, filters *[MaxSyscalls]*Filter, gen uint8) ([]pathKey, error) {
	var keys []pathKey
	one := uint8(1)
	for nr := range specs {
		e := &specs[nr]
		e.Filt, e.Outcome, e.Proto, e.PathArg, e.Gen, e.Access, e.PathModes, e.FlagsArg = 0, 0, 0, 0, 0, 0, 0, 0
		f := filters[nr]
		if f == nil {
			continue
		}
		if f.OutcomeOn {
			e.Filt |= filtOutcome
			e.Outcome = f.Outcome
		}
		if f.ProtoOn {
			e.Filt |= filtProto
			e.Proto = f.Proto
		}
		e.FlagsArg = f.FlagsArg
		if f.AccessOn {
			e.Filt |= filtAccess
			e.Access = f.Access
		}
		if !f.PathOn() {
			continue
		}
		e.Filt |= filtPath
		e.PathArg, e.Gen = f.PathArg, gen
		put := func(kind uint8, pat string) error {
			k := pathKey{Gen: gen, Kind: kind, NR: uint16(nr), PrefixLen: uint32(32 + 8*len(pat))}
			copy(k.Path[:], pat)
			if err := p.objs.PathFilter.Put(&k, &one); err != nil {
				return fmt.Errorf("path filter of syscall %d: %w", nr, err)
			}
			keys = append(keys, k)
			return nil
		}
		for mode, mp := range f.Paths {
			if !mp.On {
				continue
			}
			e.PathModes |= 1 << mode
			for _, pre := range mp.Prefixes {
				e.Filt |= filtPrefix
				if err := put(uint8(mode)<<1, pre); err != nil {
					p.deletePaths(keys)
					return nil, err
				}
			}
			for _, suf := range mp.Suffixes {
				e.Filt |= filtSuffix
				r := []byte(suf)
				for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
					r[i], r[j] = r[j], r[i]
				}
				if err := put(1|uint8(mode)<<1, string(r)); err != nil {
					p.deletePaths(keys)
					return nil, err
				}
			}
		}
	}
	return keys, nil
}

func (p *Probe) deletePaths(keys []pathKey) {
	for i := range keys {
		_ = p.objs.PathFilter.Delete(&keys[i])
	}
}

// Filtered fills out (MaxSyscalls long) with the calls the kernel
// filters kept off the ring, by syscall number, summed over CPUs; entries of
// syscalls without a filter now are left as they are.
func (p *Probe) Filtered(out []uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var per []uint64
	for nr, f := range p.filters {
		if f == nil || nr >= len(out) {
			continue
		}
		if err := p.objs.Filtered.Lookup(uint32(nr), &per); err != nil {
			return err
		}
		var sum uint64
		for _, v := range per {
			sum += v
		}
		out[nr] = sum
	}
	return nil
}
