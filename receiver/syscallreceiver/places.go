package syscallreceiver

import (
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/logencode"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// followPlaces tells the probe where each process runs (host or
// container, as the state machine decides it from the process's cgroups)
// while some installed filter depends on it, once per fork, exec and
// cgroup move: never per event. A process the probe is not told of, or
// not yet, passes every place filter; so does one that moved or was
// replaced since (probe.SetPlace), so the probe never drops what the
// receiver would call the other place.
func followPlaces(p *probe.Probe, b *logencode.Encoder, filters [probe.MaxSyscalls]*probe.Filter) {
	on := false
	for _, f := range filters {
		on = on || (f != nil && f.WhereOn)
	}
	if !on {
		b.Placed = nil
		return
	}
	b.Placed = func(proc *proctable.Process) {
		if proc.StartBootNs == 0 || proc.PlaceStamp == 0 {
			// read from /proc, or the probe has no entry: nothing to match
			return
		}
		// a failed write leaves the process unknown to the probe, which
		// then passes its calls
		_ = p.SetPlace(uint32(proc.PID), proc.StartBootNs, proc.PlaceStamp, proc.Container.ID != "")
	}
}
