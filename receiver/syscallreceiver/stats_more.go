package syscallreceiver

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/logencode"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

var (
	truncExe  = metric.WithAttributes(attribute.String("kind", "exe"))
	truncCwd  = metric.WithAttributes(attribute.String("kind", "cwd"))
	truncArgs = metric.WithAttributes(attribute.String("kind", "exec_args"))
)

// truncationStats publishes the values the probe cut since the last call.
func (r *syscallReceiver) truncationStats(b *logencode.Encoder, st *statsState) {
	ctx := context.Background()
	for _, c := range []struct {
		now  uint64
		prev *uint64
		attr metric.AddOption
	}{{b.TruncatedExe, &st.truncExe, truncExe}, {b.TruncatedCwd, &st.truncCwd, truncCwd}, {b.TruncatedArgs, &st.truncArgs, truncArgs}} {
		if c.now != *c.prev {
			r.tb.ReceiverSyscallTruncated.Add(ctx, int64(c.now-*c.prev), c.attr)
			*c.prev = c.now
		}
	}
}

// compatStats publishes the compat calls the probe counted without
// reading since the last call, by i386 name.
func (r *syscallReceiver) compatStats(st *statsState) {
	if st.compat == nil {
		st.compat = make([]uint64, probe.MaxSyscalls)
		st.compatBuf = make([]uint64, probe.MaxSyscalls)
	}
	if err := r.probe.CompatDrops(st.compatBuf); err != nil {
		return
	}
	ctx := context.Background()
	for nr, n := range st.compatBuf {
		if n != st.compat[nr] {
			r.tb.ReceiverSyscallCompatDropped.Add(ctx, int64(n-st.compat[nr]),
				metric.WithAttributes(attribute.String("syscall", syscalls.IA32Name(nr))))
			st.compat[nr] = n
		}
	}
}

// filterStats publishes the calls the kernel filters kept off the ring
// since the last call, by syscall name.
func (r *syscallReceiver) filterStats(st *statsState) {
	if st.filtered == nil {
		st.filtered = make([]uint64, probe.MaxSyscalls)
		st.filteredBuf = make([]uint64, probe.MaxSyscalls)
	}
	if err := r.probe.Filtered(st.filteredBuf); err != nil {
		return
	}
	ctx := context.Background()
	for nr, n := range st.filteredBuf {
		if n > st.filtered[nr] {
			name := "unknown"
			if s := syscalls.ByNumber(nr); s != nil {
				name = s.Name
			}
			r.tb.ReceiverSyscallKernelFiltered.Add(ctx, int64(n-st.filtered[nr]), metric.WithAttributes(attribute.String("syscall", name)))
		}
		st.filtered[nr] = n
	}
}
