//go:build linux && amd64

package probe

import (
	"os"
	"testing"

	"github.com/cilium/ebpf"
)

// The table in force is never written: every Update fills a new table and
// swaps it into the probe's slot, so the probe reads the old entry or the
// new one, never half of each. The test follows the slot's map ids: a
// change installs a new map holding the whole new state, the map that was
// in force before keeps what it had, and a failed update changes nothing.
func TestSpecUpdatesSwapWholeTables(t *testing.T) {
	p := attached(t)
	var lastID uint32
	inForce := func() *ebpf.Map {
		t.Helper()
		var id uint32
		if err := p.objs.SyscallSpec.Lookup(uint32(0), &id); err != nil {
			t.Fatalf("reading the spec slot: %v", err)
		}
		m, err := ebpf.NewMapFromID(ebpf.MapID(id))
		if err != nil {
			t.Fatalf("opening spec table %d: %v", id, err)
		}
		t.Cleanup(func() { m.Close() })
		lastID = id
		return m
	}
	entry := func(m *ebpf.Map, nr uint32) specEntry {
		t.Helper()
		var e specEntry
		if err := m.Lookup(nr, &e); err != nil {
			t.Fatalf("entry %d: %v", nr, err)
		}
		return e
	}
	openat := Spec{Kind: [6]uint8{0, 1}, FDSrc: 7, NArgs: 4}

	first := inForce()
	firstID := lastID
	if e := entry(first, 257); e != (specEntry{}) {
		t.Fatalf("a fresh probe's entry for openat = %+v", e)
	}
	if err := p.Update(func(u *SpecUpdate) {
		u.SetSpec(257, openat)
		u.SetMode(257, Capture)
		u.SetMode(3, Defer)
	}); err != nil {
		t.Fatal(err)
	}
	second := inForce()
	if lastID == firstID {
		t.Fatal("the update wrote the table in force instead of swapping in a new one")
	}
	want := specEntry{Kind: openat.Kind, FdSrc: openat.FDSrc, Nargs: openat.NArgs, On: uint8(Capture)}
	if e := entry(second, 257); e != want {
		t.Errorf("openat after the update = %+v, want %+v", e, want)
	}
	if e := entry(second, 3); e.On != uint8(Defer) {
		t.Errorf("close after the update = %+v", e)
	}
	if e := entry(first, 257); e != (specEntry{}) {
		t.Errorf("the replaced table changed: openat = %+v", e)
	}

	// a mode change keeps the spec: the new table holds the whole state
	if err := p.SetMode(257, Off); err != nil {
		t.Fatal(err)
	}
	third := inForce()
	want.On = uint8(Off)
	if e := entry(third, 257); e != want {
		t.Errorf("openat after switching it off = %+v, want %+v", e, want)
	}
	if e := entry(third, 3); e.On != uint8(Defer) {
		t.Errorf("close lost its mode: %+v", e)
	}

	// an update with a bad change installs nothing
	before := entry(inForce(), 257)
	if err := p.Update(func(u *SpecUpdate) {
		u.SetMode(257, Capture)
		u.SetMode(MaxSyscalls, Capture)
	}); err == nil {
		t.Fatal("an out-of-range syscall number was accepted")
	}
	if e := entry(inForce(), 257); e != before {
		t.Errorf("a failed update changed openat to %+v", e)
	}
}

// An ia32 entry follows its native twin's mode in the same table swap that
// changes the mode: counted or translated while the twin is captured, off
// once it is switched off (the probe then never reads the compat call with
// a spec that no longer applies).
func TestIA32EntriesFollowTheirNativeTwin(t *testing.T) {
	requireRoot(t)
	p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 1, RingBytes: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	entry := func(nr uint32) specEntry {
		t.Helper()
		var id uint32
		if err := p.objs.SyscallSpec.Lookup(uint32(0), &id); err != nil {
			t.Fatalf("reading the spec slot: %v", err)
		}
		m, err := ebpf.NewMapFromID(ebpf.MapID(id))
		if err != nil {
			t.Fatalf("opening spec table %d: %v", id, err)
		}
		defer m.Close()
		var e specEntry
		if err := m.Lookup(nr, &e); err != nil {
			t.Fatalf("entry %d: %v", nr, err)
		}
		return e
	}
	// i386 open (5) reads as native open (2); i386 mmap2 (192) is only
	// counted against native mmap (9)
	if err := p.Update(func(u *SpecUpdate) {
		u.SetIA32(5, 2, true)
		u.SetIA32(192, 9, false)
	}); err != nil {
		t.Fatal(err)
	}
	if e := entry(5); e.Ia32 != ia32Off || e.Ia32Nr != 2 {
		t.Errorf("ia32 open with native open off = %+v, want off", e)
	}
	if err := p.Update(func(u *SpecUpdate) {
		u.SetMode(2, Capture)
		u.SetMode(9, Capture)
	}); err != nil {
		t.Fatal(err)
	}
	if e := entry(5); e.Ia32 != ia32Translate || e.Ia32Nr != 2 {
		t.Errorf("ia32 open with native open captured = %+v, want translate to 2", e)
	}
	if e := entry(192); e.Ia32 != ia32Drop || e.Ia32Nr != 9 {
		t.Errorf("ia32 mmap2 with native mmap captured = %+v, want counted against 9", e)
	}
	if e := entry(2); e.On != uint8(Capture) {
		t.Errorf("native open lost its mode: %+v", e)
	}
	if err := p.SetMode(2, Off); err != nil {
		t.Fatal(err)
	}
	if e := entry(5); e.Ia32 != ia32Off {
		t.Errorf("ia32 open after native open was switched off = %+v, want off", e)
	}
	if e := entry(192); e.Ia32 != ia32Drop {
		t.Errorf("ia32 mmap2 changed with an unrelated mode: %+v", e)
	}
	if err := p.Update(func(u *SpecUpdate) { u.SetIA32(MaxSyscalls, 2, true) }); err == nil {
		t.Error("an out-of-range ia32 number was accepted")
	}
}
