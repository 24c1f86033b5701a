package procstate

import (
	"hash/maphash"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/container"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// Every fork and exec record carries the process's cgroup paths, and a
// machine has few cgroups: working out the container of each path once,
// rather than joining the path and parsing it on every fork and exec, makes
// the container lookup per cgroup instead of per process. Two-way
// set-associative (a miss replaces the set's older entry; a record's
// several hierarchies do not evict each other), so bounded.
const cgroupSlots = 256

type cgroupInfo struct {
	raw  string // the section's bytes
	info container.Info
	ok   bool
}

type cgroupInfos [cgroupSlots / 2][2]cgroupInfo

// lookup returns the container a cgroup section's path names.
func (c *cgroupInfos) lookup(data []byte) (container.Info, bool) {
	set := &c[maphash.Bytes(seed, data)%(cgroupSlots/2)]
	for i := range set {
		if e := &set[i]; e.raw != "" && e.raw == string(data) {
			return e.info, e.ok
		}
	}
	var buf [512]byte
	p := event.AppendPath(buf[:0], data)
	info, ok := container.FromCgroup(string(p))
	if len(data) > 0 {
		set[1] = set[0]
		set[0] = cgroupInfo{raw: string(data), info: info, ok: ok}
	}
	return info, ok
}
