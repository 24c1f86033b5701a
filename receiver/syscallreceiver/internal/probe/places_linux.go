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
	Moves uint32
	Place uint8
	_     [3]uint8
}

// SetPlace tells the probe where process tgid runs, as the receiver
// decided it after reading the process's records up to one that showed
// its start time startBootNs (the record's, boot-based) and moves cgroup
// moves. The probe trusts it only while the process it sees has that
// start time and that many moves, so a late call never mislabels a
// process that moved since or a new process with the same pid: those pass
// every place filter until the receiver catches up. The entry goes when
// the process exits.
func (p *Probe) SetPlace(tgid uint32, startBootNs uint64, moves uint32, inContainer bool) error {
	v := procPlace{Start: startBootNs, Moves: moves, Place: PlaceHost}
	if inContainer {
		v.Place = PlaceContainer
	}
	if err := p.objs.ProcPlaces.Put(tgid, &v); err != nil {
		return fmt.Errorf("place of process %d: %w", tgid, err)
	}
	return nil
}
