// Command harness measures the syscall receiver under load from
// bench/storm and under workloads users run. It runs the receiver
// (syscalls: auto) feeding the rules processor with the rules of -rules
// (the upstream stable rules) in this process, with a consumer that counts
// the alerts; the exporter is left out, so the CPU it reports is the
// receiver's and the rules'.
//
//	harness -storm ./storm sweep -rates 50000,100000,150000 -duration 10s
//	harness -storm ./storm slowdown -ops 2000000
//	harness -storm ./storm workloads -only tree,exec,connect,redis,build
//
// What is captured is what the rules processor publishes, as in the
// collector.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/receiver"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/processor/rulesprocessor"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver"
	"github.com/vigil-sec/vigil/rules"
)

type counter struct{ n atomic.Int64 }

func (c *counter) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (c *counter) ConsumeLogs(_ context.Context, l plog.Logs) error {
	c.n.Add(int64(l.LogRecordCount()))
	return nil
}

// rulesFile is the rules the pipeline's rules processor loads.
var rulesFile = flag.String("rules", "../shared/falco-rules/falco_rules.yaml", "rules files, comma-separated, the pipeline's rules processor loads (and whose syscall set is captured)")

type running struct {
	rcv    receiver.Logs
	proc   processor.Logs
	tap    *tap
	reader *sdkmetric.ManualReader
	count  *counter
}

// batchSize and ringBytes override the receiver's max_batch_size and
// ring_buffer_size when positive.
var (
	batchSize = flag.Int("batch", 0, "receiver max_batch_size (0: its default)")
	ringBytes = flag.Int("ring", 0, "receiver ring_buffer_size in bytes (0: its default)")
)

// errNoFilterKey says that this build's receiver has no kernel_filters key
// (the kernel approvers and discarders are not in it), so "filters off" is
// the only mode it has.
var errNoFilterKey = errors.New("this receiver has no kernel_filters setting (no kernel filters in this build): filters-off cannot be measured separately")

// startReceiver runs the pipeline users run, minus the exporter: the
// syscall receiver with its default configuration (syscalls: auto) feeding
// the rules processor with the upstream stable rules, whose plan decides
// what the receiver captures, and a consumer that counts the alerts.
// filtersOff sets the receiver's kernel_filters key to false by name, so
// that this compiles whether or not the receiver has it.
func startReceiver(rulesFile string, filtersOff bool) (*running, error) {
	f := syscallreceiver.NewFactory()
	cfg := f.CreateDefaultConfig()
	if filtersOff {
		if err := confmap.NewFromStringMap(map[string]any{"kernel_filters": false}).Unmarshal(cfg); err != nil {
			if strings.Contains(err.Error(), "kernel_filters") {
				return nil, errNoFilterKey
			}
			return nil, fmt.Errorf("setting kernel_filters: %w", err)
		}
	}
	if *batchSize > 0 {
		cfg.(*syscallreceiver.Config).MaxBatchSize = *batchSize
	}
	if *ringBytes > 0 {
		cfg.(*syscallreceiver.Config).RingBufferSize = *ringBytes
	}
	reader := sdkmetric.NewManualReader()
	tel := component.TelemetrySettings{
		Logger:        zap.NewNop(),
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		// receiverhelper's obsreport starts spans: it needs a tracer provider
		TracerProvider: tracenoop.NewTracerProvider(),
	}
	c := &counter{}
	pf := rulesprocessor.NewFactory()
	pcfg := pf.CreateDefaultConfig().(*rulesprocessor.Config)
	pcfg.Files = strings.Split(rulesFile, ",")
	proc, err := pf.CreateLogs(context.Background(), processor.Settings{ID: component.NewID(pf.Type()), TelemetrySettings: tel}, pcfg, c)
	if err != nil {
		return nil, err
	}
	// the processor publishes the rules' capture plan when it starts, as
	// in the collector, where processors start before receivers
	if err := proc.Start(context.Background(), nil); err != nil {
		return nil, err
	}
	settings := receiver.Settings{ID: component.NewID(f.Type()), TelemetrySettings: tel}
	tp := &tap{next: proc}
	r, err := f.CreateLogs(context.Background(), settings, cfg, tp)
	if err != nil {
		proc.Shutdown(context.Background())
		return nil, err
	}
	if err := r.Start(context.Background(), nil); err != nil {
		proc.Shutdown(context.Background())
		return nil, err
	}
	currentMu.Lock()
	current = tp
	currentMu.Unlock()
	return &running{rcv: r, proc: proc, tap: tp, reader: reader, count: c}, nil
}

// stop shuts the receiver, then the processor down.
func (r *running) stop() {
	currentMu.Lock()
	current = nil
	currentMu.Unlock()
	r.rcv.Shutdown(context.Background())
	r.proc.Shutdown(context.Background())
}

// sums reads the receiver's counters: events read and kernel drops.
func (r *running) sums() (read, drops int64) {
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		return 0, 0
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			s, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			var v int64
			for _, dp := range s.DataPoints {
				v += dp.Value
			}
			switch m.Name {
			case "otelcol_receiver_syscall_events_read":
				read = v
			case "otelcol_receiver_syscall_kernel_drops":
				drops = v
			}
		}
	}
	return read, drops
}

func cpuSeconds() float64 {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

type stormResult struct {
	Ops        int64   `json:"ops"`
	Seconds    float64 `json:"seconds"`
	OpsPerSec  float64 `json:"ops_per_sec"`
	CPUSeconds float64 `json:"cpu_seconds"`
}

// stormCPUs, when set, pins the storm to these CPUs (a taskset list).
var stormCPUs = flag.String("storm-cpus", "", "run the storm pinned to these CPUs (taskset list); pin the harness itself with taskset")

func runStorm(bin string, args ...string) (stormResult, error) {
	var res stormResult
	if *stormCPUs != "" {
		args = append([]string{"-c", *stormCPUs, bin}, args...)
		bin = "taskset"
	}
	cmd := exec.Command(bin, args...)
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("storm %v: %w", args, err)
	}
	watchWorkload(cmd.Process.Pid)
	if err := cmd.Wait(); err != nil {
		return res, fmt.Errorf("storm %v: %w", args, err)
	}
	return res, json.Unmarshal([]byte(out.String()), &res)
}

// recs is the number of records the receiver has emitted.
func recs(r *running) int64 {
	_, all := r.tap.counts()
	return all
}

func stableSyscalls(path string) ([]string, error) {
	rs, err := rules.LoadFiles(rules.Options{}, strings.Split(path, ",")...)
	if err != nil {
		return nil, err
	}
	return rs.Syscalls(), nil
}

func main() {
	stormBin := flag.String("storm", "./storm", "path to the built bench/storm command")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the harness (the receiver) here")
	traceFile := flag.String("trace", "", "write an execution trace of the harness here")
	flag.Parse()
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			fail(err)
		}
		if err := trace.Start(f); err != nil {
			fail(err)
		}
		defer trace.Stop()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: harness [flags] sweep|slowdown|workloads [flags]")
		os.Exit(2)
	}
	set, err := stableSyscalls(*rulesFile)
	if err != nil {
		fail(err)
	}
	fmt.Printf("# syscalls (from %s): %s\n", *rulesFile, strings.Join(set, ","))
	fmt.Printf("# GOMAXPROCS %d, load before: %s\n", runtime.GOMAXPROCS(0), loadavg())
	switch flag.Arg(0) {
	case "sweep":
		sweep(*stormBin, set, flag.Args()[1:])
	case "slowdown":
		slowdown(*stormBin, set, flag.Args()[1:])
	case "workloads":
		workloads(*stormBin, flag.Args()[1:])
	default:
		fail(fmt.Errorf("unknown command %q", flag.Arg(0)))
	}
}

// sweep runs the storm at each rate with the receiver on and reports the
// events read per second, drops and the receiver's CPU per million events.
func sweep(storm string, set []string, args []string) {
	fs := flag.NewFlagSet("sweep", flag.ExitOnError)
	rates := fs.String("rates", "50000,100000,150000,200000", "storm operations per second to try")
	mode := fs.String("mode", "open", "storm mode")
	dur := fs.Duration("duration", 10*time.Second, "per rate")
	workers := fs.Int("workers", 1, "storm workers")
	fs.Parse(args)
	r, err := startReceiver(*rulesFile, false)
	if err != nil {
		fail(err)
	}
	defer r.stop()
	time.Sleep(time.Second)
	// syscalls the storm makes per op that the probe captures (open:
	// openat + close; connect: socket, connect, close, and the listener's
	// accept and close); with deferred closes fewer of them are ring
	// records ("events read")
	perOp := map[string]float64{"open": 2, "connect": 5}[*mode]
	fmt.Println("| storm mode | target ops/s | achieved ops/s | captured syscalls/s | events read/s | records/s | kernel drops | receiver CPU s per 1M syscalls | receiver CPU s per 1M events | receiver CPU % |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, s := range strings.Split(*rates, ",") {
		rate, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			fail(err)
		}
		read0, drops0 := r.sums()
		_, rec0 := r.tap.counts()
		cpu0 := cpuSeconds()
		t0 := time.Now()
		res, err := runStorm(storm, "-mode", *mode, "-rate", s, "-duration", dur.String(), "-workers", strconv.Itoa(*workers))
		if err != nil {
			fail(err)
		}
		time.Sleep(1500 * time.Millisecond) // let the reader drain and publish its counters (once a second)
		read1, drops1 := r.sums()
		el := time.Since(t0).Seconds()
		cpu := cpuSeconds() - cpu0
		events := float64(read1 - read0)
		syscalls := "-"
		perSyscall := "-"
		if perOp > 0 {
			n := float64(res.Ops) * perOp
			syscalls = fmt.Sprintf("%.0f", n/res.Seconds)
			perSyscall = fmt.Sprintf("%.2f", cpu/n*1e6)
		}
		fmt.Printf("| %s | %.0f | %.0f | %s | %.0f | %.0f | %d | %s | %.2f | %.0f |\n", *mode, rate, res.OpsPerSec, syscalls,
			events/res.Seconds, float64(recs(r)-rec0)/res.Seconds, drops1-drops0, perSyscall, cpu/events*1e6, cpu/el*100)
	}
}

// slowdown times the same open/close loop with the receiver off and on.
func slowdown(storm string, set []string, args []string) {
	fs := flag.NewFlagSet("slowdown", flag.ExitOnError)
	ops := fs.Int64("ops", 1000000, "open/close pairs per run")
	runs := fs.Int("runs", 3, "alternating off/on runs (best of each is reported)")
	fs.Parse(args)
	cpuOff, cpuOn := 1e18, 1e18
	best := func(on bool) float64 {
		var r *running
		var err error
		if on {
			if r, err = startReceiver(*rulesFile, false); err != nil {
				fail(err)
			}
			time.Sleep(500 * time.Millisecond)
		}
		res, err := runStorm(storm, "-mode", "open", "-ops", strconv.FormatInt(*ops, 10))
		if err != nil {
			fail(err)
		}
		if r != nil {
			_, drops := r.sums()
			r.stop()
			fmt.Printf("#   on: %.0f ops/s, %.3f s CPU, %d drops\n", res.OpsPerSec, res.CPUSeconds, drops)
			cpuOn = min(cpuOn, res.CPUSeconds)
		} else {
			fmt.Printf("#   off: %.0f ops/s, %.3f s CPU\n", res.OpsPerSec, res.CPUSeconds)
			cpuOff = min(cpuOff, res.CPUSeconds)
		}
		return res.Seconds
	}
	off, on := 1e18, 1e18
	for i := 0; i < *runs; i++ {
		off = min(off, best(false))
		on = min(on, best(true))
	}
	// the storm's own CPU time (its syscalls and the probe's in-kernel
	// work) rises by the probe's cost; wall time also by waiting for a CPU
	fmt.Printf("| open/close pairs | receiver off (s) | receiver on (s) | slowdown | storm CPU off (s) | storm CPU on (s) | CPU slowdown |\n|---|---|---|---|---|---|---|\n")
	fmt.Printf("| %d | %.3f | %.3f | %.1f%% | %.3f | %.3f | %.1f%% |\n", *ops, off, on, (on/off-1)*100, cpuOff, cpuOn, (cpuOn/cpuOff-1)*100)
	fmt.Printf("# load after: %s\n", loadavg())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "harness:", err)
	os.Exit(1)
}
