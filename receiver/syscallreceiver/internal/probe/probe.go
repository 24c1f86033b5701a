//go:build linux && amd64

package probe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"
)

// MaxSyscalls bounds syscall numbers the probe accepts (bpf/event.h).
const MaxSyscalls = 512

// Supported reports whether this build carries a probe for the running
// architecture.
const Supported = true

// Spec says what the probe reads for one syscall; see bpf/event.h VG_ARG_*.
type Spec struct {
	Kind  [6]uint8
	FDSrc uint8
	// NArgs raw arguments are sent with each record (the receiver's table
	// says how many it reads).
	NArgs uint8
	// Proc appends the caller's identity and credentials (a proc section)
	// to a successful call: for the calls that change them.
	Proc bool
}

// Mode is how a syscall is captured (bpf/event.h VG_ON_*).
type Mode uint8

const (
	Off     Mode = 0
	Capture Mode = 1
	// Defer applies to close captured only for the fd table: successful
	// closes of fds below 64 are not written but travel as a bitmap with
	// the process's next record.
	Defer Mode = 2
)

// Options are fixed when the probe is loaded.
type Options struct {
	// SelfTGID is dropped in the kernel (the collector's own syscalls): a
	// tgid as the kernel numbers it, in the initial pid namespace (see
	// HostTGID).
	SelfTGID uint32
	// CPUsPerRing CPUs share one ring buffer.
	CPUsPerRing int
	// RingBytes is the size of each ring buffer (a power of two, at least a page).
	RingBytes int
	// CaptureEnv reads the environment at exec.
	CaptureEnv bool
	// ProbeReads makes the probe read every kernel field with
	// bpf_probe_read_kernel, as on kernels older than 6.2, even where it
	// could load them directly (tests use it to cover that path).
	ProbeReads bool
}

// Probe is the loaded and attached eBPF program set.
type Probe struct {
	objs    vigilObjects
	links   []link.Link
	rings   []*ebpf.Map
	Readers []*ringbuf.Reader
	ncpu    int
	// DirectReads reports that the probe loads kernel fields directly
	// (Linux 6.2+) rather than with bpf_probe_read_kernel; DirectReadsErr
	// is why the kernel refused the direct variant, when it did.
	DirectReads    bool
	DirectReadsErr error

	// mu guards specs, what the table in force holds, ia32, how compat
	// calls are handled (see SetIA32), and table, the table itself (see
	// install).
	mu        sync.Mutex
	specs     [MaxSyscalls]specEntry
	ia32      [MaxSyscalls]ia32Entry
	filters   [MaxSyscalls]*Filter
	gen       uint8
	pathKeys  filterKeys
	table     *ebpf.Map
	tableSpec *ebpf.MapSpec
}

// specEntry is bpf/vigil.bpf.c's struct spec: one syscall's entry in the
// spec table.
type specEntry struct {
	Kind  [6]uint8
	FdSrc uint8
	Nargs uint8
	On    uint8
	Proc  uint8
	// Ia32 (VG_IA32_*) and Ia32Nr say how the ia32 syscall of this number
	// is read; derived from the ia32 table and the native twin's mode
	Ia32 uint8
	// Filt (VG_FILT_*) and the operands of the kernel filters; Gen is
	// the generation of path_filter entries this table goes with
	Filt    uint8
	Ia32Nr  uint16
	Outcome uint8
	Proto   uint8
	PathArg uint8
	Gen     uint8
	// Access, PathModes and FlagsArg: the access-mode filter's modes, the
	// modes whose paths are filtered, where the open flags are
	Access    uint8
	PathModes uint8
	FlagsArg  uint8
	// Where and NameModes: the places VG_FILT_WHERE admits, the modes
	// whose process names are filtered
	Where     uint8
	NameModes uint8
	_         [1]uint8
}

// Load checks the kernel's features, loads the probe, creates the ring
// buffers and attaches the programs. Errors name what is missing.
func Load(opts Options) (*Probe, error) {
	if err := checkKernel(); err != nil {
		return nil, err
	}
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, fmt.Errorf("counting possible CPUs: %w", err)
	}
	if opts.CPUsPerRing < 1 {
		opts.CPUsPerRing = 1
	}
	nrings := (ncpu + opts.CPUsPerRing - 1) / opts.CPUsPerRing

	spec, err := loadVigil()
	if err != nil {
		return nil, err
	}
	spec.Maps[vigilMapScratch].MaxEntries = uint32(ncpu)
	spec.Maps[vigilMapRings].MaxEntries = uint32(nrings)
	spec.Maps[vigilMapRings].InnerMap.MaxEntries = uint32(opts.RingBytes)
	env := uint32(0)
	if opts.CaptureEnv {
		env = 1
	}
	direct := !opts.ProbeReads && haveDirectReads()
	for name, v := range map[string]uint32{
		vigilVarSelfTgid: opts.SelfTGID, vigilVarCpusPerRing: uint32(opts.CPUsPerRing), vigilVarCaptureEnv: env,
		vigilVarDirectReads: b2u(direct),
	} {
		if err := spec.Variables[name].Set(v); err != nil {
			return nil, fmt.Errorf("setting %s: %w", name, err)
		}
	}

	p := &Probe{ncpu: ncpu, DirectReads: direct}
	err = spec.LoadAndAssign(&p.objs, nil)
	if err != nil && direct && !errors.Is(err, unix.EPERM) {
		// a kernel that has the kfunc but refuses it here: the probe
		// still works with bpf_probe_read_kernel
		p.DirectReads = false
		p.DirectReadsErr = err
		if serr := spec.Variables[vigilVarDirectReads].Set(uint32(0)); serr != nil {
			return nil, serr
		}
		err = spec.LoadAndAssign(&p.objs, nil)
	}
	if err != nil {
		return nil, explainLoadError(err)
	}
	for i := 0; i < nrings; i++ {
		m, err := ebpf.NewMap(spec.Maps[vigilMapRings].InnerMap)
		if err != nil {
			p.Close()
			return nil, explainLoadError(fmt.Errorf("creating ring buffer %d of %d bytes: %w", i, opts.RingBytes, err))
		}
		p.rings = append(p.rings, m)
		if err := p.objs.Rings.Put(uint32(i), m); err != nil {
			p.Close()
			return nil, fmt.Errorf("installing ring buffer %d: %w", i, err)
		}
		r, err := ringbuf.NewReader(m)
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("opening ring buffer %d: %w", i, err)
		}
		p.Readers = append(p.Readers, r)
	}
	p.tableSpec = spec.Maps[vigilMapSyscallSpec].InnerMap.Copy()
	if size := binary.Size(specEntry{}); int(p.tableSpec.ValueSize) != size {
		p.Close()
		return nil, fmt.Errorf("the probe's spec entries are %d bytes, the loader's %d: rebuild both", p.tableSpec.ValueSize, size)
	}
	if err := p.install(&p.specs); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Attach starts capturing. Call it after the syscall maps are filled.
func (p *Probe) Attach() error {
	for _, prog := range []*ebpf.Program{
		p.objs.SchedProcessFork, p.objs.SchedProcessExec, p.objs.SchedProcessExit,
		p.objs.CgroupAttachTask, p.objs.SysExit,
	} {
		l, err := link.AttachTracing(link.TracingOptions{Program: prog})
		if err != nil {
			return explainLoadError(fmt.Errorf("attaching %s: %w", prog, err))
		}
		p.links = append(p.links, l)
	}
	return nil
}

// SetSpec installs what the probe reads for syscall nr (its mode is kept).
// Each call installs a whole new table; use Update for several changes.
func (p *Probe) SetSpec(nr int, s Spec) error {
	return p.Update(func(u *SpecUpdate) { u.SetSpec(nr, s) })
}

// SetMode sets how syscall nr is captured; safe while attached.
func (p *Probe) SetMode(nr int, m Mode) error {
	return p.Update(func(u *SpecUpdate) { u.SetMode(nr, m) })
}

// SpecUpdate collects the changes of one Update.
type SpecUpdate struct {
	specs   [MaxSyscalls]specEntry
	ia32    [MaxSyscalls]ia32Entry
	filters [MaxSyscalls]*Filter
	err     error
}

// SetSpec sets what the probe reads for syscall nr (its mode is kept).
func (u *SpecUpdate) SetSpec(nr int, s Spec) {
	if u.check(nr) {
		v := &u.specs[nr]
		v.Kind, v.FdSrc, v.Nargs, v.Proc = s.Kind, s.FDSrc, s.NArgs, b2u8(s.Proc)
	}
}

// SetMode sets how syscall nr is captured.
func (u *SpecUpdate) SetMode(nr int, m Mode) {
	if u.check(nr) {
		u.specs[nr].On = uint8(m)
	}
}

func (u *SpecUpdate) check(nr int) bool {
	if nr < 0 || nr >= MaxSyscalls {
		u.err = errors.Join(u.err, fmt.Errorf("syscall number %d out of range", nr))
		return false
	}
	return true
}

// Update applies the changes change makes to the spec table, all at once
// and safe while attached: the probe sees the table before them or after
// them, never part of them and never half of an entry (see install). On an
// error nothing changes.
func (p *Probe) Update(change func(u *SpecUpdate)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := &SpecUpdate{specs: p.specs, ia32: p.ia32, filters: p.filters}
	change(u)
	if u.err != nil {
		return u.err
	}
	u.resolveIA32()
	var keys filterKeys
	gen := p.gen
	if u.filters != p.filters {
		// the new filters' paths go in under a new generation first, so
		// the table in force keeps seeing its own
		gen++
		var err error
		if keys, err = p.writePaths(&u.specs, &u.filters, gen); err != nil {
			return err
		}
	}
	if u.specs == p.specs {
		p.ia32 = u.ia32
		return nil
	}
	if err := p.install(&u.specs); err != nil {
		p.deletePaths(keys)
		return err
	}
	if gen != p.gen {
		p.deletePaths(p.pathKeys)
		p.pathKeys, p.gen = keys, gen
	}
	p.specs, p.ia32, p.filters = u.specs, u.ia32, u.filters
	return nil
}

// install fills a new spec table and swaps it into the probe's slot. The
// probe never reads a table while it is written: the kernel replaces the
// slot's map atomically and frees the old one only once no program can
// still be using it (RCU), whereas writing an entry of the table in force
// could be seen half done by a syscall on another CPU.
func (p *Probe) install(specs *[MaxSyscalls]specEntry) error {
	t, err := ebpf.NewMap(p.tableSpec)
	if err != nil {
		return fmt.Errorf("creating a spec table: %w", err)
	}
	for nr := range specs {
		if specs[nr] != (specEntry{}) { // a new array map is all zeroes
			if err := t.Put(uint32(nr), &specs[nr]); err != nil {
				t.Close()
				return fmt.Errorf("filling the spec table: syscall %d: %w", nr, err)
			}
		}
	}
	if err := p.objs.SyscallSpec.Put(uint32(0), t); err != nil {
		t.Close()
		return fmt.Errorf("installing the spec table: %w", err)
	}
	if p.table != nil {
		p.table.Close()
	}
	p.table = t
	return nil
}

// Drops returns the failed ring-buffer writes of each CPU.
func (p *Probe) Drops(out []uint64) ([]uint64, error) {
	var per []uint64
	if err := p.objs.Drops.Lookup(uint32(0), &per); err != nil {
		return out, err
	}
	return append(out[:0], per...), nil
}

// NumCPU is the number of possible CPUs.
func (p *Probe) NumCPU() int { return p.ncpu }

// Close detaches and frees everything; safe to call more than once.
func (p *Probe) Close() error {
	var errs []error
	for _, l := range p.links {
		errs = append(errs, l.Close())
	}
	p.links = nil
	for _, r := range p.Readers {
		errs = append(errs, r.Close())
	}
	p.Readers = nil
	for _, m := range p.rings {
		errs = append(errs, m.Close())
	}
	p.rings = nil
	if p.table != nil {
		errs = append(errs, p.table.Close())
		p.table = nil
	}
	errs = append(errs, p.objs.Close())
	p.objs = vigilObjects{}
	return errors.Join(errs...)
}

func b2u8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// haveDirectReads reports whether the kernel has what the probe's direct
// loads need: bpf_get_current_task_btf (5.11) and the bpf_rdonly_cast
// kfunc (6.2). Without them the probe uses bpf_probe_read_kernel.
func haveDirectReads() bool {
	// Tracing programs cannot be feature-probed; the helper came to kprobes
	// and tracing programs in the same release (5.11)
	if features.HaveProgramHelper(ebpf.Kprobe, asm.FnGetCurrentTaskBtf) != nil {
		return false
	}
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		return false
	}
	var fn *btf.Func
	return spec.TypeByName("bpf_rdonly_cast", &fn) == nil
}

func checkKernel() error {
	if _, err := btf.LoadKernelSpec(); err != nil {
		return fmt.Errorf("kernel BTF is not available (need a kernel built with CONFIG_DEBUG_INFO_BTF, /sys/kernel/btf/vmlinux): %w", err)
	}
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		if errors.Is(err, ebpf.ErrNotSupported) {
			return fmt.Errorf("kernel lacks BPF ring buffers (need Linux 5.8 or newer): %w", err)
		}
		return explainLoadError(fmt.Errorf("probing for BPF ring buffer support: %w", err))
	}
	return nil
}

// explainLoadError turns a permission failure into one naming the
// capabilities the receiver needs.
func explainLoadError(err error) error {
	if errors.Is(err, unix.EPERM) || errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%w: loading eBPF needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)%s", err, missingCaps())
	}
	return err
}

// missingCaps names the needed capabilities the process does not have.
func missingCaps() string {
	missing := MissingCapabilities()
	if len(missing) == 0 {
		return ""
	}
	return "; this process lacks " + strings.Join(missing, " and ")
}

// MissingCapabilities names the capabilities loading the probe needs that
// the process's effective set lacks: CAP_BPF and CAP_PERFMON, unless it has
// CAP_SYS_ADMIN, which covers both. Nil when capget fails (the kernel's
// answer to the load then speaks for itself).
func MissingCapabilities() []string {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return nil
	}
	eff := uint64(data[0].Effective) | uint64(data[1].Effective)<<32
	if eff&(1<<unix.CAP_SYS_ADMIN) != 0 {
		return nil
	}
	var missing []string
	for _, c := range []struct {
		bit  uint
		name string
	}{{unix.CAP_BPF, "CAP_BPF"}, {unix.CAP_PERFMON, "CAP_PERFMON"}} {
		if eff&(1<<c.bit) == 0 {
			missing = append(missing, c.name)
		}
	}
	return missing
}
