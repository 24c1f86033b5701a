package syscallreceiver

import (
	"encoding/binary"
	"path"

	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// discarders learns, from the records that cross the ring, the opens no
// rule can match and installs them in the probe's discarders map (issue
// 13; README: Kernel filters). The probe attaches to every successful
// open of a regular file by an absolute path the key and stamp of a
// possible discarder; when the plan's oracle says no rule can match that
// path for that syscall, the key goes into the kernel, and the next opens
// with the same key stay off the ring until the entry goes stale.
//
// Only the open family is discarded, under the conditions of its path
// filter (filters.go): a discarded open leaves no fd-table entry, and a
// later record on that fd names it from /proc.
//
// Everything here runs on the reader's goroutine.
type discarders struct {
	p *probe.Probe
	// gen is the rules' generation the kernel holds entries to; each
	// plan change bumps it
	gen uint32
	// installed: some entry of this generation is in the kernel
	installed bool
	oracle    captureplan.Discards
	// pathArg[nr] is the path argument's index + 1 of a syscall whose
	// opens may be discarded now, 0 otherwise
	pathArg [probe.MaxSyscalls]uint8
	// flagsArg[nr] is where its open flags are (probe.Filter.FlagsArg)
	flagsArg [probe.MaxSyscalls]uint8
	// answers caches the oracle's answer by syscall, access mode and path
	// as passed
	answers [probe.MaxSyscalls][4]map[string]bool
	lru     keyLRU
	// inserted and evicted count per syscall, for the metrics
	inserted, evicted [probe.MaxSyscalls]uint64
}

// maxAnswers bounds each syscall's answer cache; a full cache starts over.
const maxAnswers = 8192

func newDiscarders(p *probe.Probe, max int) *discarders {
	return &discarders{p: p, lru: newKeyLRU(max)}
}

// retire makes every entry stale and stops discarding: called before the
// probe's spec changes, so no entry judged by the old rules outlives them.
func (d *discarders) retire() error {
	d.gen++
	d.installed = false
	d.oracle = nil
	var none [probe.MaxSyscalls]uint8
	d.pathArg, d.flagsArg = none, none
	if err := d.p.SetDiscarding(d.gen, 0, &none, &none); err != nil {
		return err
	}
	clear(d.answers[:])
	// one batch, not a syscall per key; a reload is rare, so the list is
	// not kept
	keys := make([]probe.DiscardKey, 0, d.lru.len())
	d.lru.each(func(k *probe.DiscardKey) { keys = append(keys, *k) })
	d.lru.clear()
	return d.p.DeleteDiscarders(keys)
}

// enable turns discarding on for the open-family syscalls the plan emits,
// after the probe's spec changed. With no oracle (a publisher without
// one, policies loaded, or no publisher) nothing is discarded.
func (d *discarders) enable(plan captureplan.Merged, emit []bool) error {
	if !plan.Published || plan.Discards == nil {
		return nil
	}
	d.oracle = plan.Discards
	for _, s := range syscalls.All() {
		if !s.Open || s.NR >= probe.MaxSyscalls || !emit[s.NR] {
			continue
		}
		if arg, ok := pathArg(s); ok {
			d.pathArg[s.NR] = arg + 1
			d.flagsArg[s.NR], _ = flagsArg(s) // none (creat): mode 0
		}
	}
	return d.p.SetDiscarding(d.gen, 0, &d.pathArg, &d.flagsArg)
}

// enabled lists the syscall numbers discarding is on for.
func (d *discarders) enabled() []int {
	var out []int
	for nr, a := range d.pathArg {
		if a != 0 {
			out = append(out, nr)
		}
	}
	return out
}

// observe looks at one raw record after the encoder handled it, and
// installs its discarder when no rule can match it.
func (d *discarders) observe(raw []byte) {
	if len(raw) < probe.HeaderSize {
		return
	}
	le := binary.LittleEndian
	nr := int(le.Uint16(raw[24:]))
	if nr >= probe.MaxSyscalls || d.pathArg[nr] == 0 || int64(le.Uint64(raw[8:])) < 0 {
		return
	}
	var note, str, how []byte
	arg := d.pathArg[nr] - 1
	for off := probe.HeaderSize + 8*int(raw[30]); off+4 <= len(raw); {
		n := int(le.Uint16(raw[off:]))
		typ, a := raw[off+2], raw[off+3]
		if off+4+n > len(raw) {
			return
		}
		switch {
		case typ == probe.SecDiscard:
			note = raw[off+4 : off+4+n]
		case typ == probe.SecStr && a == arg:
			str = raw[off+4 : off+4+n]
		case typ == event.SecOpenHow:
			how = raw[off+4 : off+4+n]
		}
		off += 4 + n
	}
	if note == nil || str == nil {
		return
	}
	k, s, ok := probe.ParseDiscard(note)
	if !ok || int(k.NR) != nr {
		return
	}
	// openat2's flags are in user memory, read once for the key and once
	// for the record: the rules see the record's, so they must agree
	if nr == linuxabi.SysOpenat2 && (len(how) < 8 || uint32(how[0]&3) != k.Mode) {
		return
	}
	if !d.discards(nr, uint8(k.Mode&3), str) {
		return
	}
	// the probe hashed the path when it looked the key up; the string
	// section is read afterwards, and another thread may have changed the
	// buffer in between: the key is installed only for the string judged
	if fnv64(str) != k.PHash {
		return
	}
	s.Gen = d.gen
	if old, full := d.lru.put(k); full {
		d.p.DeleteDiscarder(&old)
		if int(old.NR) < probe.MaxSyscalls {
			d.evicted[old.NR]++
		}
	}
	if err := d.p.PutDiscarder(&k, &s); err != nil {
		d.lru.remove(k)
		return
	}
	d.inserted[nr]++
	if !d.installed {
		if d.p.SetDiscarding(d.gen, 1, &d.pathArg, &d.flagsArg) == nil {
			d.installed = true
		}
	}
}

// discards is the oracle's answer for an open in access mode of the path
// as passed, made absolute and clean as the rules see it (fd.name),
// cached per syscall and mode.
func (d *discarders) discards(nr int, mode uint8, raw []byte) bool {
	m := d.answers[nr][mode]
	if v, ok := m[string(raw)]; ok {
		return v
	}
	if m == nil || len(m) >= maxAnswers {
		m = make(map[string]bool, 64)
		d.answers[nr][mode] = m
	}
	v := d.oracle(syscalls.ByNumber(nr).Name, path.Clean(string(raw)), mode)
	m[string(raw)] = v
	return v
}

// fnv64 is the probe's path hash (FNV-1a 64; 0 is never a hash).
func fnv64(b []byte) uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, c := range b {
		h ^= uint64(c)
		h *= 0x100000001b3
	}
	if h == 0 {
		return 1
	}
	return h
}
