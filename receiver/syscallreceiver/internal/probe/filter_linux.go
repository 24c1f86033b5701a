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
	filtName    = 64
	filtWhere   = 128
)

// nameKey is bpf/vigil.bpf.c's struct name_key.
type nameKey struct {
	Gen  uint8
	Mode uint8
	NR   uint16
	Comm [MaxName + 1]byte
}

// filterKeys are the entries one generation of filters wrote.
type filterKeys struct {
	paths []pathKey
	names []nameKey
}

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
			for _, n := range m.Names {
				if len(n) > MaxName {
					u.err = errors.Join(u.err, fmt.Errorf("syscall %d: process name %q: longer than %d bytes", nr, n, MaxName))
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
		a.FlagsArg != b.FlagsArg || a.AccessOn != b.AccessOn || a.Access != b.Access || a.PathArg != b.PathArg ||
		a.NoPath != b.NoPath || a.WhereOn != b.WhereOn || a.Where != b.Where {
		return false
	}
	for m := range a.Paths {
		x, y := a.Paths[m], b.Paths[m]
		if x.On != y.On || !slices.Equal(x.Prefixes, y.Prefixes) || !slices.Equal(x.Suffixes, y.Suffixes) || !slices.Equal(x.Names, y.Names) {
			return false
		}
	}
	return true
}

// writePaths sets the filter fields of specs from filters and writes their
// path patterns and process names under generation gen; it returns the
// keys written.
func (p *Probe) writePaths(specs *[MaxSyscalls]specEntry, filters *[MaxSyscalls]*Filter, gen uint8) (filterKeys, error) {
	var keys filterKeys
	one := uint8(1)
	for nr := range specs {
		e := &specs[nr]
		e.Filt, e.Outcome, e.Proto, e.PathArg, e.Gen, e.Access, e.PathModes, e.FlagsArg = 0, 0, 0, 0, 0, 0, 0, 0
		e.Where, e.NameModes = 0, 0
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
		if f.WhereOn {
			e.Filt |= filtWhere
			e.Where = f.Where
		}
		if !f.PathOn() {
			continue
		}
		e.Gen = gen
		if !f.NoPath {
			e.Filt |= filtPath
			e.PathArg = f.PathArg
		}
		put := func(kind uint8, pat string) error {
			k := pathKey{Gen: gen, Kind: kind, NR: uint16(nr), PrefixLen: uint32(32 + 8*len(pat))}
			copy(k.Path[:], pat)
			if err := p.objs.PathFilter.Put(&k, &one); err != nil {
				return fmt.Errorf("path filter of syscall %d: %w", nr, err)
			}
			keys.paths = append(keys.paths, k)
			return nil
		}
		for mode, mp := range f.Paths {
			if !mp.On {
				continue
			}
			if f.NoPath || len(mp.Names) > 0 {
				// a mode without a path selects by name alone, even an
				// empty set of names
				e.Filt |= filtName
				e.NameModes |= 1 << mode
			}
			for _, n := range mp.Names {
				k := nameKey{Gen: gen, Mode: uint8(mode), NR: uint16(nr)}
				copy(k.Comm[:], n)
				if err := p.objs.NameFilter.Put(&k, &one); err != nil {
					p.deletePaths(keys)
					return filterKeys{}, fmt.Errorf("name filter of syscall %d: %w", nr, err)
				}
				keys.names = append(keys.names, k)
			}
			if f.NoPath {
				continue
			}
			e.PathModes |= 1 << mode
			for _, pre := range mp.Prefixes {
				e.Filt |= filtPrefix
				if err := put(uint8(mode)<<1, pre); err != nil {
					p.deletePaths(keys)
					return filterKeys{}, err
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
					return filterKeys{}, err
				}
			}
		}
	}
	return keys, nil
}

func (p *Probe) deletePaths(keys filterKeys) {
	for i := range keys.paths {
		_ = p.objs.PathFilter.Delete(&keys.paths[i])
	}
	for i := range keys.names {
		_ = p.objs.NameFilter.Delete(&keys.names[i])
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
