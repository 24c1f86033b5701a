package syscallreceiver

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// discardStats holds the discarder counters last published, by syscall.
type discardStats struct {
	hits, stale, inserted, evicted []uint64
	hitsBuf, staleBuf              []uint64
}

// discardStats publishes, by syscall name, the discarder hits and
// invalidations the probe counted and the insertions and evictions the
// receiver made since the last call.
func (r *syscallReceiver) discardStats(st *discardStats) {
	d := r.disc
	if d == nil {
		return
	}
	if st.hits == nil {
		for _, s := range []*[]uint64{&st.hits, &st.stale, &st.inserted, &st.evicted, &st.hitsBuf, &st.staleBuf} {
			*s = make([]uint64, probe.MaxSyscalls)
		}
	}
	ctx := context.Background()
	add := func(nr int, now uint64, prev []uint64, c interface {
		Add(context.Context, int64, ...metric.AddOption)
	}) {
		if now > prev[nr] {
			name := "unknown"
			if s := syscalls.ByNumber(nr); s != nil {
				name = s.Name
			}
			c.Add(ctx, int64(now-prev[nr]), metric.WithAttributes(attribute.String("syscall", name)))
		}
		prev[nr] = now
	}
	for nr := range st.inserted {
		add(nr, d.inserted[nr], st.inserted, r.tb.ReceiverSyscallDiscarderInsertions)
		add(nr, d.evicted[nr], st.evicted, r.tb.ReceiverSyscallDiscarderEvictions)
	}
	nrs := d.enabled()
	if err := r.probe.DiscardStats(nrs, st.hitsBuf, st.staleBuf); err != nil {
		return
	}
	for _, nr := range nrs {
		add(nr, st.hitsBuf[nr], st.hits, r.tb.ReceiverSyscallDiscarderHits)
		add(nr, st.staleBuf[nr], st.stale, r.tb.ReceiverSyscallDiscarderInvalidations)
	}
}
