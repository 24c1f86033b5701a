package syscallreceiver

import (
	"os"
	"path/filepath"
	"strconv"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// seedNames gives the probe the names of the processes the receiver read
// from /proc at start: the probe learns a process's name at its fork or
// exec, so without this every process older than the receiver would pass
// every process-name filter. The name is the one the table holds, the
// proc.name the rules see for that process. Done once, per process; a
// failed write leaves that process passing.
//
// Only when procRoot numbers processes as the kernel does (its "self" is
// the receiver's own host tgid, self): a procfs of another pid namespace
// (a pod without hostPID mounting its own) would name other processes.
func seedNames(p *probe.Probe, t *proctable.Table, procRoot string, self uint32) {
	link, err := os.Readlink(filepath.Join(procRoot, "self"))
	if err != nil || link != strconv.FormatUint(uint64(self), 10) {
		return
	}
	t.Each(func(proc *proctable.Process) {
		_ = p.SeedName(uint32(proc.PID), proc.Comm)
	})
}
