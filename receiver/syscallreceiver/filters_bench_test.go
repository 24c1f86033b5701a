package syscallreceiver

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/processor/rulesprocessor"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"
)

// BenchmarkKernelFilters runs real workloads under the receiver and a
// rules processor with the upstream stable rules (syscalls: auto), with
// kernel_filters on and off, and reports per operation of the workload:
// the records that crossed the ring (ring/op), the calls the kernel
// filters kept off it (filtered/op) and the collector's CPU time (receiver
// and processor, this process; cpu-ns/op). Each iteration is one run of
// the workload; use -benchtime 1x.
//
//	sudo go test ./receiver/syscallreceiver -run '^$' -bench KernelFilters -benchtime 1x
func BenchmarkKernelFilters(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	storm := filepath.Join(b.TempDir(), "storm")
	if out, err := exec.Command("go", "build", "-o", storm, "../../bench/storm").CombinedOutput(); err != nil {
		b.Fatalf("building bench/storm: %v\n%s", err, out)
	}
	workloads := []struct {
		name string
		ops  int
		run  func(b *testing.B)
	}{
		{"open-1M", 1_000_000, func(b *testing.B) { runCmd(b, storm, "-mode", "open", "-ops", "1000000") }},
		{"connect-40k", 40_000, func(b *testing.B) { runCmd(b, storm, "-mode", "connect", "-ops", "40000") }},
		{"redis-200k", 200_000, redisBench},
	}
	for _, w := range workloads {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/filters=%v", w.name, on), func(b *testing.B) {
				for range b.N {
					ring, filtered, cpu := underCollector(b, on, func() { w.run(b) })
					b.ReportMetric(float64(ring)/float64(w.ops), "ring/op")
					b.ReportMetric(float64(filtered)/float64(w.ops), "filtered/op")
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(w.ops), "cpu-ns/op")
				}
			})
		}
	}
}

func runCmd(b *testing.B, name string, args ...string) {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// redisBench: Debian's redis-server driven by redis-benchmark, 200,000
// requests of SET and GET over 20 connections (the workload of Falco's
// published overhead figures), 200,000 requests in all.
func redisBench(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	srv := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			break
		}
		if i == 100 {
			b.Fatal("redis-server did not listen")
		}
		time.Sleep(50 * time.Millisecond)
	}
	runCmd(b, "redis-benchmark", "-p", port, "-n", "100000", "-c", "20", "-t", "set,get", "-q")
}

// underCollector runs work under a rules processor (upstream stable rules)
// and a receiver, and returns the records read from the ring, the calls
// the kernel filtered and this process's CPU time meanwhile.
func underCollector(b *testing.B, filters bool, work func()) (ring, filtered uint64, cpu time.Duration) {
	ctx := context.Background()
	pf := rulesprocessor.NewFactory()
	pcfg := pf.CreateDefaultConfig().(*rulesprocessor.Config)
	pcfg.Files = []string{"../../../shared/falco-rules/falco_rules.yaml"}
	pcfg.ReloadInterval = 0
	proc, err := pf.CreateLogs(ctx, processortest.NewNopSettings(component.MustNewType("rules")), pcfg, new(consumertest.LogsSink))
	if err != nil {
		b.Fatal(err)
	}
	if err := proc.Start(ctx, componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	defer proc.Shutdown(ctx)
	cfg := createDefaultConfig()
	cfg.KernelFilters = filters
	rl, err := NewFactory().CreateLogs(ctx, receivertest.NewNopSettings(metadata.Type), cfg, proc)
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Uint64
	tap = func([]byte) { n.Add(1) }
	defer func() { tap = nil }()
	if err := rl.Start(ctx, nil); err != nil {
		b.Fatal(err)
	}
	r := rl.(*syscallReceiver)
	before, _ := r.probe.Filtered()
	time.Sleep(time.Second) // let the start-up's /proc reads settle
	n.Store(0)
	t0 := cpuTime()
	work()
	time.Sleep(500 * time.Millisecond) // the reader's last polls
	cpu = cpuTime() - t0
	ring = n.Load()
	after, _ := r.probe.Filtered()
	for nr, c := range after {
		filtered += c - before[nr]
	}
	if err := rl.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	return ring, filtered, cpu
}

func cpuTime() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
