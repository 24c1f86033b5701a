//go:build linux && amd64

package probe

import "fmt"

// Places of a process, for Filter.Where (bpf/event.h VG_WHERE_*).
const (
	PlaceHost      = 1
	PlaceContainer = 2
)

// procPlace is bpf/vigil.bpf.c's struct proc_place.
type procPlace struct {
	Start uint64
	Stamp uint64
	Place uint8
	_     [7]uint8
}

// SetPlace tells the probe where process tgid runs, as the receiver
// decided it from a fork, exec or cgroup record of the process that
// showed its start time startBootNs (the record's, boot-based) and the
// place stamp stamp (event.SecPlace: the probe's, issued once, renewed at
// every cgroup move). The probe trusts it only while the process it sees
// has that start time and that stamp, so a late call never mislabels a
// process that moved since or a new process with the same pid: those pass
// every place filter until the receiver catches up. The entry goes when
// the process exits.
func (p *Probe) SetPlace(tgid uint32, startBootNs, stamp uint64, inContainer bool) error {
	v := procPlace{Start: startBootNs, Stamp: stamp, Place: PlaceHost}
	if inContainer {
		v.Place = PlaceContainer
	}
	if err := p.objs.ProcPlaces.Put(tgid, &v); err != nil {
		return fmt.Errorf("place of process %d: %w", tgid, err)
	}
	return nil
}
