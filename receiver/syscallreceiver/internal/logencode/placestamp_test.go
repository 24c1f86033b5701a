package logencode

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// The place the receiver tells the probe of goes with the probe's own
// place stamp from the record it was decided from (fork, exec, cgroup
// move), not with a count of the receiver's: the probe numbers every move
// of every process, also those the receiver read before it knew the
// process, so only its number names the same state on both sides.
func TestPlacedCarriesTheRecordsStamp(t *testing.T) {
	b := contextBuilder(t)
	var got []uint64
	b.Placed = func(p *proctable.Process) {
		if p.PID == 30 {
			got = append(got, p.PlaceStamp)
		}
	}
	le := binary.LittleEndian
	stamp := func(v uint64) []byte { return le.AppendUint64(nil, v) }
	proc := make([]byte, 128)
	le.PutUint32(proc[0:], 30)
	le.PutUint32(proc[4:], 30)
	le.PutUint32(proc[8:], 20)
	le.PutUint64(proc[64:], 5e9) // start_boot_ns
	fork := (&rawRecord{kind: event.KindFork, tgid: 20, tid: 20}).section(event.SecProc, 0, proc).section(event.SecPlace, 0, stamp(0x1_0003)).bytes()
	exec := (&rawRecord{kind: event.KindExec, tgid: 30, tid: 30}).section(event.SecProc, 0, proc).section(event.SecPlace, 0, stamp(0x1_0003)).bytes()
	move := func(v uint64) []byte {
		return (&rawRecord{kind: event.KindCgroup, tgid: 30, tid: 30}).section(event.SecPlace, 0, stamp(v)).bytes()
	}
	// a move the probe could not give an entry (no stamp) tells nothing
	// the probe could match
	handle(t, b, fork, exec, move(0x7_0001), move(0x2_0000), (&rawRecord{kind: event.KindCgroup, tgid: 30, tid: 30}).bytes())
	if want := []uint64{0x1_0003, 0x1_0003, 0x7_0001, 0x2_0000, 0}; !slices.Equal(got, want) {
		t.Fatalf("stamps told %#x, want %#x", got, want)
	}
}
