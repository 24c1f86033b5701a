//go:build linux && amd64

package probe

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
)

// SeedName gives the probe the name (proc.name) of process tgid, which
// started before the probe and so has no entry of the probe's own: the
// name the receiver read for it from /proc, which is what the rules will
// see for it. An entry the probe made itself (the process exec'd or a new
// process took the pid since) is left alone.
func (p *Probe) SeedName(tgid uint32, comm string) error {
	if len(comm) > MaxName {
		return fmt.Errorf("process %d: name %q longer than %d bytes", tgid, comm, MaxName)
	}
	var v procName
	copy(v.Comm[:], comm)
	err := p.objs.ProcNames.Update(tgid, &v, ebpf.UpdateNoExist)
	if err != nil && !errors.Is(err, ebpf.ErrKeyExist) {
		return fmt.Errorf("name of process %d: %w", tgid, err)
	}
	return nil
}

// procName is bpf/vigil.bpf.c's struct proc_name. Start is 0 for a
// seeded entry: no place the receiver writes matches it.
type procName struct {
	Comm  [MaxName + 1]byte
	Start uint64
	Stamp uint64
}
