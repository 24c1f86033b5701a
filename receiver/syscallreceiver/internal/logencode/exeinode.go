package logencode

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// putExeInode writes what the executable's inode says about the process.
func putExeInode(a pcommon.Map, p *proctable.Process) {
	if p.ExeCtime != 0 {
		a.PutInt(eventattr.ProcExeCtime, p.ExeCtime)
		a.PutInt(eventattr.ProcExeMtime, p.ExeMtime)
		a.PutBool(eventattr.ProcExeWritable, p.ExeWritable)
	}
	a.PutBool(eventattr.ProcExeLower, p.ExeLower)
}

// Falco's execve flags, in its order.
const (
	exeWritable   = "EXE_WRITABLE"
	exeUpper      = "EXE_UPPER_LAYER"
	exeFromMemfd  = "EXE_FROM_MEMFD"
	exeLowerLayer = "EXE_LOWER_LAYER"
)

// appendExeFlags renders execve's flags parameter as Falco does
// (EXE_WRITABLE|EXE_LOWER_LAYER), "0" when none applies.
func appendExeFlags(dst []byte, p *proctable.Process) ([]byte, int64) {
	start := len(dst)
	var v int64
	for i, f := range []struct {
		on   bool
		name string
	}{{p.ExeWritable, exeWritable}, {p.ExeUpper, exeUpper}, {p.ExeMemfd, exeFromMemfd}, {p.ExeLower, exeLowerLayer}} {
		if !f.on {
			continue
		}
		v |= 1 << i
		if len(dst) > start {
			dst = append(dst, '|')
		}
		dst = append(dst, f.name...)
	}
	if len(dst) == start {
		dst = append(dst, '0')
	}
	return dst, v
}
