package procstate

import (
	"hash/maphash"
	"path"
)

// Resolved paths repeat: a process opens the same files over and over.
// Resolving each once and handing out the same strings keeps path.Join and
// allocation off the per-event path. The cache is direct-mapped (a slot per
// hash, a collision simply resolves again), so it is bounded and never
// needs eviction.
const pathSlots = 4096

var seed = maphash.MakeSeed()

// pathText is a path argument as passed (raw) and made absolute against
// base (the cwd or a dirfd's path; unused for absolute paths).
type pathText struct {
	base, raw, abs string
}

type pathTexts [pathSlots]pathText

// resolve returns raw as a string and raw made absolute against base
// (cleaned), both shared with earlier events that passed the same path.
func (c *pathTexts) resolve(base string, raw []byte) (rawStr, abs string) {
	absolute := len(raw) > 0 && raw[0] == '/'
	var h maphash.Hash
	h.SetSeed(seed)
	if !absolute {
		h.WriteString(base)
		h.WriteByte(0)
	}
	h.Write(raw)
	e := &c[h.Sum64()%pathSlots]
	if string(raw) == e.raw && e.abs != "" && (absolute || e.base == base) {
		return e.raw, e.abs
	}
	rawStr = string(raw)
	switch {
	case absolute:
		abs = path.Clean(rawStr)
	case base == "":
		abs = path.Join("/", rawStr)
	default:
		abs = path.Join(base, rawStr)
	}
	*e = pathText{base: base, raw: rawStr, abs: abs}
	if absolute {
		e.base = ""
	}
	return rawStr, abs
}
