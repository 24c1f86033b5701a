package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/loopback"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// stormCPUSeconds runs bench/storm and returns the CPU time it reports.
func stormCPUSeconds(b *testing.B, storm string, args ...string) float64 {
	out, err := exec.Command(storm, args...).Output()
	if err != nil {
		b.Fatalf("storm: %v", err)
	}
	var res struct {
		CPU float64 `json:"cpu_seconds"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("storm output %q: %v", out, err)
	}
	return res.CPU
}

// BenchmarkDiscarders: open workloads under bin/vigil with the upstream
// stable and incubating rules and the default rules (whose `fd.name
// contains` tests leave the approvers no open path to filter), kernel
// filters on, learned discarders on and off. One incubating rule,
// Exfiltrating Artifacts via Kubernetes Control Plane, is switched off: it
// constrains every read open by proc.name and container only, which
// discarders do not bind, so with it no read open is discardable (nor
// filterable by the approvers). Reported per operation: the
// records that crossed the ring, the discarder hits, and the collector's
// CPU time. tree cycles through 10,000 distinct files (each open teaches
// a discarder once, then hits it), open reopens one file; both at 50,000
// operations per second, a rate the receiver takes without drops when
// every open crosses the ring. The rules capture close too, and a close
// is never filtered, so one record per operation is the floor.
//
//	sudo go test ./e2e -run '^$' -bench Discarders -benchtime 1x
func BenchmarkDiscarders(b *testing.B) {
	requireRoot(b)
	root := collector.RepoRoot(b)
	storm := filepath.Join(b.TempDir(), "storm")
	if out, err := exec.Command("go", "build", "-o", storm, filepath.Join(root, "bench", "storm")).CombinedOutput(); err != nil {
		b.Fatalf("building bench/storm: %v\n%s", err, out)
	}
	tree := b.TempDir()
	runOrFail(b, storm, "-mode", "tree", "-dir", tree, "-files", "10000", "-mktree")
	defaults, err := filepath.Glob(filepath.Join(root, "rules", "default", "*.yaml"))
	if err != nil || len(defaults) == 0 {
		b.Fatalf("default rules: %v", err)
	}
	off := filepath.Join(b.TempDir(), "off.yaml")
	if err := os.WriteFile(off, []byte("- rule: Exfiltrating Artifacts via Kubernetes Control Plane\n  enabled: false\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	files := append([]string{filepath.Join(root, "..", "shared", "falco-rules", "falco_rules.yaml"),
		filepath.Join(root, "..", "shared", "falco-rules", "falco-incubating_rules.yaml")}, defaults...)
	files = append(files, off)
	workloads := []struct {
		name string
		ops  int
		args []string
	}{
		{"tree-500k", 500_000, []string{"-mode", "tree", "-dir", tree, "-files", "10000", "-ops", "500000", "-rate", "50000"}},
		{"open-500k", 500_000, []string{"-mode", "open", "-file", filepath.Join(tree, "d000", "f00000"), "-ops", "500000", "-rate", "50000"}},
	}
	for _, w := range workloads {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/discarders=%v", w.name, on), func(b *testing.B) {
				sink := otlpsink.Start(b)
				port := loopback.FreePort(b)
				cfg := strings.Replace(kernelFiltersConfig(files, true, sink.Endpoint, port), "kernel_filters: true",
					"kernel_filters: true\n    discarders:\n      enabled: "+strconv.FormatBool(on), 1)
				col := collector.Start(b, cfg)
				defer col.Stop(b)
				url := "http://127.0.0.1:" + strconv.Itoa(port) + "/metrics"
				time.Sleep(3 * time.Second) // start-up's /proc reads
				for range b.N {
					var stormCPU float64
					perOp(b, url, col.Pid(), w.ops, func() { stormCPU = stormCPUSeconds(b, storm, w.args...) }, "otelcol_receiver_syscall_discarder_hits", "discarded/op")
					// the workload's own CPU, the probe's in-kernel work included
					b.ReportMetric(stormCPU*1e9/float64(w.ops), "storm-cpu-ns/op")
				}
			})
		}
	}
}
