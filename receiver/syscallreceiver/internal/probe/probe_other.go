//go:build !linux || !amd64

package probe

import (
	"errors"
	"runtime"

	"github.com/cilium/ebpf/ringbuf"
)

// MaxSyscalls bounds syscall numbers the probe accepts (bpf/event.h).
const MaxSyscalls = 512

// Supported reports whether this build carries a probe for the running
// architecture: the probe reads x86-64 syscall registers and the syscall
// table is x86-64's, so other architectures are not supported yet.
const Supported = false

type Spec struct {
	Kind  [6]uint8
	FDSrc uint8
	NArgs uint8
	Proc  bool
}

type Mode uint8

const (
	Off     Mode = 0
	Capture Mode = 1
	Defer   Mode = 2
)

type Options struct {
	SelfTGID    uint32
	CPUsPerRing int
	RingBytes   int
	CaptureEnv  bool
	ProbeReads  bool
}

// SpecUpdate collects the changes of one Update.
type SpecUpdate struct{}

func (u *SpecUpdate) SetSpec(int, Spec)      {}
func (u *SpecUpdate) SetMode(int, Mode)      {}
func (u *SpecUpdate) SetIA32(int, int, bool) {}

type Probe struct {
	Readers        []*ringbuf.Reader
	DirectReads    bool
	DirectReadsErr error
}

func Load(Options) (*Probe, error) {
	return nil, errors.New("the syscall probe supports only amd64, not " + runtime.GOARCH)
}

func (p *Probe) Attach() error                        { return errors.ErrUnsupported }
func (p *Probe) SetSpec(int, Spec) error              { return errors.ErrUnsupported }
func (p *Probe) SetMode(int, Mode) error              { return errors.ErrUnsupported }
func (p *Probe) Update(func(*SpecUpdate)) error       { return errors.ErrUnsupported }
func (p *Probe) Drops(out []uint64) ([]uint64, error) { return out, errors.ErrUnsupported }
func (p *Probe) NumCPU() int                          { return 0 }
func (p *Probe) SetIA32(int, int, bool) error         { return errors.ErrUnsupported }
func (p *Probe) CompatDrops([]uint64) error           { return errors.ErrUnsupported }

// MissingCapabilities: nothing can load the probe here (Load says why).
func MissingCapabilities() []string { return nil }

// HostTGID needs the probe.
func HostTGID() (uint32, error) { return 0, errors.ErrUnsupported }
func (p *Probe) Close() error   { return nil }

func (u *SpecUpdate) SetFilter(int, *Filter) {}
func (p *Probe) Filtered([]uint64) error     { return errors.ErrUnsupported }

func (p *Probe) SetDiscarding(uint32, uint32, *[MaxSyscalls]uint8, *[MaxSyscalls]uint8) error {
	return errors.ErrUnsupported
}
func (p *Probe) PutDiscarder(*DiscardKey, *DiscardStamp) error { return errors.ErrUnsupported }
func (p *Probe) DeleteDiscarder(*DiscardKey)                   {}
func (p *Probe) DeleteDiscarders([]DiscardKey) error           { return errors.ErrUnsupported }
func (p *Probe) DiscardStats([]int, []uint64, []uint64) error  { return errors.ErrUnsupported }
func (p *Probe) SetPlace(uint32, uint64, uint64, bool) error   { return errors.ErrUnsupported }
func (p *Probe) SeedName(uint32, string) error                 { return errors.ErrUnsupported }
func (p *Probe) Forget(uint32)                                 {}
