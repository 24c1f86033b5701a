package logbuild

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/rules/fields"
)

// putExeInode writes what the executable's inode says about the process.
func putExeInode(a pcommon.Map, p *proctable.Process) {
	if p.ExeCtime != 0 {
		a.PutInt(fields.KeyProcExeCtime.Name, p.ExeCtime)
		a.PutInt(fields.KeyProcExeMtime.Name, p.ExeMtime)
		a.PutBool(fields.KeyProcExeWritable.Name, p.ExeWritable)
	}
	a.PutBool(fields.KeyProcExeLower.Name, p.ExeLower)
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
