package e2e

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/loopback"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// BenchmarkKernelFilters runs real workloads under bin/vigil with the
// upstream stable rules (syscalls: auto), kernel_filters off and on, and
// reports per operation of the workload the records read from the ring
// (ring/op), the calls the kernel filters kept off it (filtered/op), the
// events the kernel dropped on a full ring (drops/op) and the collector's
// CPU time (cpu-ns/op, from /proc, in clock ticks). Every process on the
// machine feeds the collector, so the counts include their calls too. Each
// iteration is one run of the workload:
//
//	make build && sudo go test ./e2e -run '^$' -bench KernelFilters -benchtime 1x
func BenchmarkKernelFilters(b *testing.B) {
	requireRoot(b)
	root := collector.RepoRoot(b)
	storm := filepath.Join(b.TempDir(), "storm")
	if out, err := exec.Command("go", "build", "-o", storm, filepath.Join(root, "bench", "storm")).CombinedOutput(); err != nil {
		b.Fatalf("building bench/storm: %v\n%s", err, out)
	}
	files := []string{filepath.Join(root, "..", "shared", "falco-rules", "falco_rules.yaml")}
	workloads := []struct {
		name string
		ops  int
		run  func(b *testing.B)
	}{
		{"open-1M", 1_000_000, func(b *testing.B) { runOrFail(b, storm, "-mode", "open", "-ops", "1000000") }},
		{"connect-40k", 40_000, func(b *testing.B) { runOrFail(b, storm, "-mode", "connect", "-ops", "40000") }},
		{"redis-200k", 200_000, redisBenchmark},
	}
	for _, w := range workloads {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/filters=%v", w.name, on), func(b *testing.B) {
				sink := otlpsink.Start(b)
				port := loopback.FreePort(b)
				col := collector.Start(b, kernelFiltersConfig(files, on, sink.Endpoint, port))
				defer col.Stop(b)
				url := "http://127.0.0.1:" + strconv.Itoa(port) + "/metrics"
				time.Sleep(2 * time.Second) // start-up's /proc reads
				for range b.N {
					perOp(b, url, col.Pid(), w.ops, func() { w.run(b) }, "otelcol_receiver_syscall_kernel_filtered", "filtered/op")
				}
			})
		}
	}
}

// perOp runs the workload once and reports, per operation of it, the
// records read from the ring (ring/op), the events the kernel dropped
// (drops/op), the collector's CPU time (cpu-ns/op) and the change of one
// more counter (metric, reported as unit).
func perOp(b *testing.B, url string, pid, ops int, run func(), metric, unit string) {
	names := []string{"otelcol_receiver_syscall_events_read", "otelcol_receiver_syscall_kernel_drops", metric}
	units := []string{"ring/op", "drops/op", unit}
	before := make([]float64, len(names))
	for i, n := range names {
		before[i] = scrapeMetric(b, url, n)
	}
	cpu0 := procCPU(b, pid)
	run()
	time.Sleep(2 * time.Second) // the reader's last polls and a metrics period
	cpu := procCPU(b, pid)
	for i, n := range names {
		b.ReportMetric((scrapeMetric(b, url, n)-before[i])/float64(ops), units[i])
	}
	b.ReportMetric(float64((cpu-cpu0).Nanoseconds())/float64(ops), "cpu-ns/op")
}

func runOrFail(b *testing.B, name string, args ...string) {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// redisBenchmark: Debian's redis-server driven by redis-benchmark with
// -n 100000 -c 20 -t set,get (200,000 requests), the shape of the workload
// behind Falco's published overhead figures.
func redisBenchmark(b *testing.B) {
	port := strconv.Itoa(loopback.FreePort(b))
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
	runOrFail(b, "redis-benchmark", "-p", port, "-n", "100000", "-c", "20", "-t", "set,get", "-q")
}
