package logencode

import (
	"hash/maphash"
	"unsafe"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// Rendered strings repeat: a process opens the same files with the same
// flags and gets the same fd numbers over and over. Rendering them once and
// handing out the same string keeps formatting and allocation off the
// per-event path. The caches are direct-mapped (a slot per hash, a
// collision simply renders again), so they are bounded and never need
// eviction.
const internSlots = 4096

var seed = maphash.MakeSeed()

// numText is a rendered numeric parameter: which parameter, and its value.
type numText struct {
	p *syscalls.Param
	v uint64
	s string
}

type numTexts [internSlots]numText

// text returns the cached rendering of parameter p's value v, calling
// render on a miss. Only renderings that depend on nothing but the value
// may be cached (not user or group names: the user database changes).
func (c *numTexts) text(p *syscalls.Param, v uint64, render func() string) string {
	h := v*0x9e3779b97f4a7c15 ^ uint64(uintptr(unsafe.Pointer(p)))
	e := &c[(h^h>>29)%internSlots]
	if e.p == p && e.v == v {
		return e.s
	}
	s := render()
	*e = numText{p: p, v: v, s: s}
	return s
}

// fdText is an fd rendered as "3(<f>/etc/passwd)".
type fdText struct {
	fd   int32
	kind byte
	name string
	s    string
}

type fdTexts [internSlots]fdText

func (c *fdTexts) text(fd int32, kind byte, name string, render func() string) string {
	h := maphash.String(seed, name) ^ uint64(uint32(fd))*0x9e3779b97f4a7c15 ^ uint64(kind)
	e := &c[h%internSlots]
	if e.s != "" && e.fd == fd && e.kind == kind && e.name == name {
		return e.s
	}
	s := render()
	*e = fdText{fd: fd, kind: kind, name: name, s: s}
	return s
}
