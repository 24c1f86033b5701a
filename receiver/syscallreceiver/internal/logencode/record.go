package logencode

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// record builds the log record of one syscall, under the resource of the
// process's current context: the event, its thread, its parameters and the
// fd it operates on.
func (b *Encoder) record(sc *syscalls.Syscall, p *proctable.Process, r *event.Record, observed pcommon.Timestamp) {
	lr := b.resource(p).AppendEmpty()
	b.pending++
	b.Emitted++
	b.evtNum++
	lr.SetTimestamp(pcommon.Timestamp(int64(r.TS) + b.BootToWallNs))
	lr.SetObservedTimestamp(observed)
	lr.SetEventName(eventattr.EventNameSyscall)
	a := lr.Attributes()
	want := b.attrCapacity(sc, p, r)
	a.EnsureCapacity(want)
	b.tupDone = false

	a.PutStr(eventattr.EvtType, sc.Name)
	a.PutInt(eventattr.EvtNum, b.evtNum)
	a.PutInt(eventattr.EvtCPU, int64(r.CPU))
	a.PutInt(eventattr.EvtRawRes, r.Ret)
	a.PutInt(eventattr.ThreadTID, int64(r.TID))
	if int64(r.TID) == p.PID {
		a.PutInt(eventattr.ThreadVTID, p.VPID)
	}

	b.putParams(a, sc, p, r)
	b.putFD(a, sc, p, r)
	if (sc.NR == linuxabi.SysExecve || sc.NR == linuxabi.SysExecveat) && r.Ret == 0 {
		// The environment stays on the exec record: rules read proc.env on
		// spawned_process, and on a resource it would travel with every
		// batch and every alert of the process to the backends (secrets
		// live in environments).
		for _, kv := range p.Env {
			k, v, _ := strings.Cut(kv, "=")
			if k != "" {
				a.PutStr(b.envKeys.key(k), v)
			}
		}
	}
	if a.Len() > want {
		b.capShort++
	}
}
