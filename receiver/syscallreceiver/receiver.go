package syscallreceiver

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/internal/dnsnames"
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/internal/sensorcaps"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/logencode"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/procstate"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/syscallcaps"
)

// registry is where rules processors publish their capture plans; a
// variable so tests can use a private one.
var registry = captureplan.Default

// tap, when set (by tests that record raw samples), sees every raw record
// before it is handled.
var tap func(raw []byte)

// probeReads, set by tests, loads the probe as on kernels without direct
// kernel loads (bpf_probe_read_kernel for every field).
var probeReads bool

type syscallReceiver struct {
	cfg  *Config
	set  receiver.Settings
	next consumer.Logs

	// obs records the collector's standard receiver metrics (accepted and
	// refused log records) around each batch handed on.
	obs *receiverhelper.ObsReport

	mu      sync.Mutex
	started bool
	tb      *metadata.TelemetryBuilder
	probe   *probe.Probe
	cancel  context.CancelFunc
	done    chan struct{}
	unsub   func()
	// updates hands a changed capture plan from the registry to the reader
	// (at most one pending: a newer plan replaces it).
	updates chan captureplan.Merged
	// dropAlerts turns kernel drops into alert records (dropalert.go)
	dropAlerts *dropAlerter
	// hosts names addresses after the host names the rules mention
	hosts     *hostResolver
	unsubHost func()
	// disc learns discarders (discard.go); nil when they are off. Used
	// by the reader only, once started.
	disc *discarders
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Logs) (*syscallReceiver, error) {
	obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              "ebpf",
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	// say what this receiver delivers before any component starts, so
	// that rules processors can report rules that can never fire here
	sensorcaps.Publish(set.ID.String(), sensorcaps.Caps{Source: syscallcaps.Source, Keys: syscallcaps.Keys(), Syscalls: syscallcaps.Syscalls()})
	return &syscallReceiver{cfg: cfg, set: set, next: next, obs: obs}, nil
}

// selection computes which syscalls become records (emit) and which the
// kernel captures (emit plus the state set).
func (r *syscallReceiver) selection(plan captureplan.Merged) (emit []bool, capture []bool) {
	emit = make([]bool, probe.MaxSyscalls)
	capture = make([]bool, probe.MaxSyscalls)
	mark := func(dst []bool, name string) {
		if s, ok := syscalls.Lookup(name); ok && s.NR < probe.MaxSyscalls {
			dst[s.NR] = true
		}
	}
	switch {
	case !r.cfg.Syscalls.Auto:
		for _, n := range r.cfg.Syscalls.Names {
			mark(emit, n)
		}
	case plan.Published:
		for _, n := range plan.Syscalls {
			mark(emit, n)
		}
	default:
		for _, s := range syscalls.All() {
			if !s.IO {
				mark(emit, s.Name)
			}
		}
	}
	copy(capture, emit)
	for _, n := range syscalls.StateSet() {
		mark(capture, n)
	}
	return emit, capture
}

// mode is how the probe captures syscall nr. A close that no rule asks
// for only keeps the fd table: the probe defers it (bpf/event.h
// VG_ON_DEFER), which spares a ring write per close.
func mode(nr int, emit, capture []bool) probe.Mode {
	switch {
	case !capture[nr]:
		return probe.Off
	case !emit[nr] && nr == linuxabi.SysClose:
		return probe.Defer
	}
	return probe.Capture
}

func names(sel []bool) []string {
	var out []string
	for nr, on := range sel {
		if on {
			if s := syscalls.ByNumber(nr); s != nil {
				out = append(out, s.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (r *syscallReceiver) Start(ctx context.Context, _ component.Host) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errors.New("syscall receiver: already started")
	}
	log := r.set.Logger
	if !probe.Supported {
		_, err := probe.Load(probe.Options{})
		return fmt.Errorf("syscall receiver: %w", err)
	}
	// Checked before anything is loaded: without it the first refusal is
	// the kernel's bare EPERM, reported as a warning about the host tgid,
	// and the start error comes later from another program.
	if missing := probe.MissingCapabilities(); len(missing) > 0 {
		return fmt.Errorf("syscall receiver: this process lacks %s: loading the eBPF probe needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); in Kubernetes add them to the container's securityContext.capabilities (see examples/helm/values.yaml)", strings.Join(missing, " and "))
	}
	if err := rlimit.RemoveMemlock(); err != nil {
		// kernels from 5.11 charge BPF memory to the memory cgroup and
		// ignore RLIMIT_MEMLOCK; without CAP_SYS_RESOURCE this fails
		log.Info("could not raise RLIMIT_MEMLOCK; relying on memory-cgroup accounting (Linux 5.11+)", zap.Error(err))
	}
	tb, err := metadata.NewTelemetryBuilder(r.set.TelemetrySettings)
	if err != nil {
		return fmt.Errorf("syscall receiver: telemetry: %w", err)
	}
	// the probe's filter compares host tgids: in a pid namespace (a pod
	// without hostPID) getpid() is another number
	self, err := probe.HostTGID()
	if err != nil {
		log.Warn("could not learn the collector's host tgid from the kernel; using getpid(), which is wrong inside a pid namespace", zap.Error(err))
		self = uint32(os.Getpid())
	}
	p, err := probe.Load(probe.Options{
		SelfTGID:    self,
		CPUsPerRing: r.cfg.CPUsPerRing,
		RingBytes:   r.cfg.RingBufferSize,
		CaptureEnv:  r.cfg.CaptureEnv,
		ProbeReads:  probeReads,
	})
	if err != nil {
		tb.Shutdown()
		return fmt.Errorf("syscall receiver: %w", err)
	}
	fail := func(err error) error {
		if r.unsub != nil {
			r.unsub()
			r.unsub = nil
		}
		p.Close()
		tb.Shutdown()
		return fmt.Errorf("syscall receiver: %w", err)
	}
	if p.DirectReadsErr != nil {
		log.Warn("the kernel refused the probe's direct kernel loads; reading fields with bpf_probe_read_kernel instead", zap.Error(p.DirectReadsErr))
	}
	log.Info("probe loaded", zap.Bool("direct_kernel_loads", p.DirectReads))
	// Subscribe before the first selection: a plan published from here on
	// is queued for the reader, which applies it after this one.
	r.updates = make(chan captureplan.Merged, 1)
	var plan captureplan.Merged
	if r.cfg.Syscalls.Auto {
		plan, r.unsub = registry.Subscribe(r.replan)
	}
	emit, capture := r.selection(plan)
	filters := r.kernelFilters(plan, emit)
	// the specs, the modes and the filters go into the kernel as one table
	if err := p.Update(func(u *probe.SpecUpdate) {
		for _, s := range syscalls.All() {
			u.SetSpec(s.NR, probe.Spec{Kind: s.Kinds, FDSrc: s.FDSrc, NArgs: s.NArgs, Proc: syscalls.RefreshesProc(s.NR)})
		}
		for _, e := range syscalls.IA32Table() {
			u.SetIA32(e.NR, e.Native.NR, e.Translate)
		}
		for nr := range capture {
			u.SetMode(nr, mode(nr, emit, capture))
		}
		for nr, f := range filters {
			u.SetFilter(nr, f)
		}
	}); err != nil {
		return fail(fmt.Errorf("installing the syscall specs: %w", err))
	}
	if r.cfg.KernelFilters && r.cfg.Syscalls.Auto && r.cfg.Discarders.Enabled {
		r.disc = newDiscarders(p, r.cfg.Discarders.MaxEntries)
		if err := r.disc.enable(plan, emit); err != nil {
			return fail(err)
		}
	}
	log.Info("kernel filters", zap.Strings("syscalls", filteredNames(filters)))
	switch {
	case !r.cfg.Syscalls.Auto:
		log.Info("capturing the configured syscalls", zap.Strings("syscalls", names(emit)))
	case plan.Published:
		log.Info("capturing the syscalls the rules need", zap.Strings("syscalls", names(emit)))
	default:
		log.Info("no rules processor has published a syscall set; capturing every supported syscall except read/write/send/recv",
			zap.Int("count", len(names(emit))))
	}

	bootWall := bootToWall()
	procfs := &proctable.ProcFS{Root: r.cfg.ProcRoot, BootWallNs: bootWall, TicksPerSec: 100}
	table := proctable.New(r.cfg.MaxProcesses)
	table.Loader = procfs.Load
	host, _ := os.Hostname()
	b := logencode.New(procstate.New(table, proctable.NewUsers(r.cfg.PasswdFile, r.cfg.GroupFile), procfs), host)
	b.BootToWallNs = bootWall
	b.Emit = emit
	followPlaces(p, b, filters)
	hosts := newHostResolver()
	if names, ok := dnsnames.Default.Current(); ok {
		hosts.set(names)
	}
	b.HostName = hosts.Name

	// attach before reading /proc so that no process slips between the two
	if err := p.Attach(); err != nil {
		return fail(err)
	}
	if err := procfs.Scan(table); err != nil {
		return fail(fmt.Errorf("reading %s: %w", r.cfg.ProcRoot, err))
	}
	seedNames(p, table, r.cfg.ProcRoot, self)
	forgetUnfollowed(p, table)

	runCtx, cancel := context.WithCancel(context.Background())
	r.tb, r.probe, r.cancel, r.done = tb, p, cancel, make(chan struct{})
	r.dropAlerts = newDropAlerter(r.cfg.DropAlerts, host)
	r.hosts = hosts
	r.unsubHost = dnsnames.Default.Subscribe(hosts.set)
	r.started = true
	go r.run(runCtx, b)
	return nil
}

// replan queues a changed capture plan for the reader. It runs on the
// publisher's goroutine (captureplan's contract: do not block), so it only
// hands the plan over; the reader applies it at its next turn (applyPlan),
// after the plan Start applied, so the kernel never goes back to an older
// plan.
func (r *syscallReceiver) replan(plan captureplan.Merged) {
	select {
	case <-r.updates:
	default:
	}
	r.updates <- plan
}

// applyPlan applies a changed capture plan: the kernel's capture modes and
// the builder's emit set. Without any publisher left (the last rules
// processor shut down) the receiver goes back to its default selection.
func (r *syscallReceiver) applyPlan(p *probe.Probe, b *logencode.Encoder, plan captureplan.Merged) {
	emit, capture := r.selection(plan)
	filters := r.kernelFilters(plan, emit)
	if r.disc != nil {
		// no entry judged by the old rules may outlive them
		if err := r.disc.retire(); err != nil {
			r.set.Logger.Error("retiring the discarders failed", zap.Error(err))
		}
	}
	if err := p.Update(func(u *probe.SpecUpdate) {
		for nr := range capture {
			if syscalls.ByNumber(nr) != nil {
				u.SetMode(nr, mode(nr, emit, capture))
			}
		}
		for nr, f := range filters {
			u.SetFilter(nr, f)
		}
	}); err != nil {
		// the kernel keeps the plan in force; the emit set follows it
		r.set.Logger.Error("applying the rules' capture plan failed; the previous one stays", zap.Error(err))
		return
	}
	b.Emit = emit
	if r.disc != nil {
		if err := r.disc.enable(plan, emit); err != nil {
			r.set.Logger.Error("turning the discarders on failed; nothing is discarded", zap.Error(err))
		}
	}
	followPlaces(p, b, filters)
	r.set.Logger.Info("the rules' capture plan changed", zap.Bool("published", plan.Published), zap.Strings("syscalls", names(emit)),
		zap.Strings("kernel_filters", filteredNames(filters)))
}

func bootToWall() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0
	}
	return time.Now().UnixNano() - ts.Nano()
}

type slot struct {
	rec  ringbuf.Record
	full bool
	ts   uint64
	// drained is the boot time at which the ring was last seen empty; 0
	// while it may still hold records.
	drained uint64
}

// run reads the rings, merging them by timestamp so that one process's
// events are applied in order even when it moves between CPUs, and hands
// batches to the sender.
//
// The probe writes without waking the reader (a wakeup per event would cost
// the traced process far more than the write), so the reader polls: it
// drains every ring, then sleeps poll_interval. A ring seen empty at boot
// time T is not read again before the next sleep, and records of the other
// rings newer than T wait too, so the merge stays ordered. Reading in bursts
// also keeps the reader's own syscalls (one epoll check per drained ring) off
// the per-record path.
func (r *syscallReceiver) run(ctx context.Context, b *logencode.Encoder) {
	defer close(r.done)
	out := make(chan plog.Logs, 4)
	sent := make(chan struct{})
	go r.send(out, sent)
	resolved := make(chan struct{})
	go func() {
		r.hosts.run(ctx)
		close(resolved)
	}()
	defer func() { <-resolved }()

	readers := r.probe.Readers
	past := time.Unix(0, 1)
	for _, rd := range readers {
		rd.SetDeadline(past) // never block: the probe does not wake us
	}
	slots := make([]slot, len(readers))
	lastFlush := time.Now()
	lastStats := lastFlush
	var st statsState
	timer := time.NewTimer(r.cfg.PollInterval)
	defer timer.Stop()
	n := 0
	// what the current poll cycle read, for the next sleep (pollbackoff.go)
	cycleBytes, cycleStart := 0, time.Now()
	flush := func() {
		if b.Pending() > 0 {
			out <- b.Take()
		}
		lastFlush = time.Now()
	}
	housekeeping := func(now time.Time) {
		if now.Sub(lastFlush) >= r.cfg.FlushInterval {
			flush()
		}
		if now.Sub(lastStats) >= time.Second {
			lastStats = now
			if alert, ok := r.stats(b, &st, now); ok {
				flush()
				out <- alert
			}
			b.BootToWallNs = bootToWall()
		}
		select {
		case plan := <-r.updates:
			r.applyPlan(r.probe, b, plan)
		default:
		}
	}
	for ctx.Err() == nil {
		// fill each ring's slot; note rings that have run dry
		var horizon uint64 // oldest drain time among dry rings; 0: none
		for i, rd := range readers {
			s := &slots[i]
			if !s.full && s.drained == 0 {
				if rd.AvailableBytes() == 0 {
					s.drained = uint64(time.Now().UnixNano() - b.BootToWallNs)
				} else if err := rd.ReadInto(&s.rec); err == nil && len(s.rec.RawSample) >= 8 {
					s.full = true
					s.ts = binary.LittleEndian.Uint64(s.rec.RawSample)
				} else if errors.Is(err, os.ErrDeadlineExceeded) {
					// the reader reached the end of what it last saw
					s.drained = uint64(time.Now().UnixNano() - b.BootToWallNs)
				}
			}
			if s.drained != 0 && (horizon == 0 || s.drained < horizon) {
				horizon = s.drained
			}
		}
		min := -1
		for i := range slots {
			if slots[i].full && (min < 0 || slots[i].ts < slots[min].ts) {
				min = i
			}
		}
		if min < 0 || (horizon != 0 && slots[min].ts > horizon) {
			// everything up to the horizon is handled: sleep, then look again
			now := time.Now()
			housekeeping(now)
			sleep := nextPoll(cycleBytes, now.Sub(cycleStart), r.cfg.PollInterval, r.cfg.MaxPollInterval, r.cfg.RingBufferSize)
			cycleBytes, cycleStart = 0, now
			timer.Reset(sleep)
			select {
			case <-ctx.Done():
			case <-timer.C:
			}
			for i := range slots {
				slots[i].drained = 0
			}
			continue
		}
		s := &slots[min]
		s.full = false
		cycleBytes += len(s.rec.RawSample)
		if tap != nil {
			tap(s.rec.RawSample)
		}
		if err := b.Handle(s.rec.RawSample, pcommon.NewTimestampFromTime(time.Now())); err != nil && b.Malformed < 10 {
			r.set.Logger.Warn("skipping a malformed kernel record", zap.Error(err))
		}
		if r.disc != nil {
			r.disc.observe(s.rec.RawSample)
		}
		if b.Pending() >= r.cfg.MaxBatchSize {
			flush()
		}
		if n++; n&1023 == 0 {
			housekeeping(time.Now())
		}
	}
	flush()
	r.stats(b, &st, time.Now())
	close(out)
	<-sent
}

func (r *syscallReceiver) send(in <-chan plog.Logs, done chan<- struct{}) {
	defer close(done)
	ctx := context.Background()
	for logs := range in {
		n := logs.LogRecordCount()
		octx := r.obs.StartLogsOp(ctx)
		err := r.next.ConsumeLogs(octx, logs)
		r.obs.EndLogsOp(octx, "syscall", n, err)
		if err != nil {
			// The events cannot be read again: say so (the collector's
			// logger samples repeated messages).
			r.set.Logger.Warn("the next consumer refused a batch; its records are lost", zap.Error(err), zap.Int("records", n))
			continue
		}
		r.tb.ReceiverSyscallRecordsEmitted.Add(ctx, int64(n))
	}
}

type statsState struct {
	read, malformed, evictions uint64
	exitedEvictions            uint64
	drops                      []uint64
	dropBuf                    []uint64
	cpuAttrs                   []metric.AddOption
	// read and dropped at the previous drop-alert check
	alertRead, alertDrops uint64
	compat, compatBuf     []uint64
	filtered, filteredBuf []uint64
	truncExe, truncCwd    uint64
	truncArgs             uint64
	disc                  discardStats
}

// stats publishes counters as deltas since the last call, and returns a
// drop alert when the kernel's drops since the last call call for one.
func (r *syscallReceiver) stats(b *logencode.Encoder, st *statsState, now time.Time) (plog.Logs, bool) {
	ctx := context.Background()
	tb := r.tb
	tb.ReceiverSyscallEventsRead.Add(ctx, int64(b.Read-st.read))
	tb.ReceiverSyscallMalformed.Add(ctx, int64(b.Malformed-st.malformed))
	tb.ReceiverSyscallProcessTableEvictions.Add(ctx, int64(b.Table.Evictions-st.evictions))
	tb.ReceiverSyscallProcessTableSize.Record(ctx, int64(b.Table.Len()))
	tb.ReceiverSyscallExitedProcessEvictions.Add(ctx, int64(b.Table.ExitedEvictions-st.exitedEvictions))
	st.read, st.malformed, st.evictions = b.Read, b.Malformed, b.Table.Evictions
	r.truncationStats(b, st)
	r.compatStats(st)
	r.filterStats(st)
	r.discardStats(&st.disc)
	st.exitedEvictions = b.Table.ExitedEvictions
	if b.Users.Refresh() {
		b.Table.Invalidate()
	}
	var err error
	st.dropBuf, err = r.probe.Drops(st.dropBuf)
	if err != nil {
		return plog.Logs{}, false
	}
	if st.drops == nil {
		st.drops = make([]uint64, len(st.dropBuf))
		for i := range st.dropBuf {
			st.cpuAttrs = append(st.cpuAttrs, metric.WithAttributes(attribute.String("cpu", strconv.Itoa(i))))
		}
	}
	var total uint64
	for i, d := range st.dropBuf {
		total += d
		if i < len(st.drops) && d != st.drops[i] {
			tb.ReceiverSyscallKernelDrops.Add(ctx, int64(d-st.drops[i]), st.cpuAttrs[i])
			st.drops[i] = d
		}
	}
	read, dropped := b.Read-st.alertRead, total-st.alertDrops
	st.alertRead, st.alertDrops = b.Read, total
	return r.dropAlerts.check(now, read, dropped)
}

func (r *syscallReceiver) Shutdown(ctx context.Context) error {
	sensorcaps.Withdraw(r.set.ID.String())
	r.mu.Lock()
	if !r.started {
		r.mu.Unlock()
		return nil
	}
	r.started = false
	unsub, cancel, done := r.unsub, r.cancel, r.done
	r.unsub = nil
	unsubHost := r.unsubHost
	r.unsubHost = nil
	r.mu.Unlock()
	if unsub != nil {
		unsub()
	}
	if unsubHost != nil {
		unsubHost()
	}
	cancel()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	r.mu.Lock()
	err := r.probe.Close()
	r.probe = nil
	r.tb.Shutdown()
	r.mu.Unlock()
	return err
}
