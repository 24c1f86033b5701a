package logbuild

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
	"github.com/vigil-sec/vigil/rules/fields"
)

// record builds the log record of one syscall, under the resource of the
// process's current context: the event, its thread, its parameters and the
// fd it operates on.
func (b *Builder) record(sc *syscalls.Syscall, p *proctable.Process, r *event.Record, observed pcommon.Timestamp) {
	lr := b.resource(p).AppendEmpty()
	b.pending++
	b.Emitted++
	b.evtNum++
	lr.SetTimestamp(pcommon.Timestamp(int64(r.TS) + b.BootToWallNs))
	lr.SetObservedTimestamp(observed)
	lr.SetEventName(EventName)
	a := lr.Attributes()
	// the attribute array is the record's largest allocation: size it by
	// what this syscall's records needed so far
	nr := int(r.Kind) & (len(b.attrCap) - 1)
	if b.attrCap[nr] == 0 {
		b.attrCap[nr] = 32
	}
	a.EnsureCapacity(int(b.attrCap[nr]))

	a.PutStr(fields.KeyEvtType.Name, sc.Name)
	a.PutInt(fields.KeyEvtNum.Name, b.evtNum)
	a.PutInt(fields.KeyEvtCPU.Name, int64(r.CPU))
	a.PutInt(fields.KeyEvtRawRes.Name, r.Ret)
	a.PutInt(fields.KeyThreadTID.Name, int64(r.TID))
	if int64(r.TID) == p.PID {
		a.PutInt(fields.KeyThreadVTID.Name, p.VPID)
	}

	b.putParams(a, sc, p, r)
	b.putFD(a, sc, p, r)
	if (sc.Name == "execve" || sc.Name == "execveat") && r.Ret == 0 {
		// The environment stays on the exec record: rules read proc.env on
		// spawned_process, and on a resource it would travel with every
		// batch and every alert of the process to the backends (secrets
		// live in environments).
		for _, kv := range p.Env {
			k, v, _ := strings.Cut(kv, "=")
			if k != "" {
				a.PutStr(fields.KeyProcEnv.Name+k, v)
			}
		}
	}
	// grow at once; shrink now and then (a record that needed more,
	// exec's environment, should not size every later one)
	if n := a.Len(); n > int(b.attrCap[nr]) || n < int(b.attrCap[nr]) && b.evtNum&1023 == 0 {
		b.attrCap[nr] = uint8(min(n, 255))
	}
}
