package e2e

import (
	"fmt"
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

// BenchmarkDiscarders: open workloads under bin/vigil with the upstream
// stable and incubating rules and the default rules (whose `fd.name
// contains` tests leave the approvers no open path to filter), kernel
// filters on, learned discarders on and off. Reported per operation: the
// records that crossed the ring, the discarder hits, and the collector's
// CPU time. tree cycles through 10,000 distinct files (each open teaches
// a discarder once, then hits it), open reopens one file.
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
	files := append([]string{filepath.Join(root, "..", "shared", "falco-rules", "falco_rules.yaml"),
		filepath.Join(root, "..", "shared", "falco-rules", "falco-incubating_rules.yaml")}, defaults...)
	workloads := []struct {
		name string
		ops  int
		args []string
	}{
		{"tree-500k", 500_000, []string{"-mode", "tree", "-dir", tree, "-files", "10000", "-ops", "500000"}},
		{"open-500k", 500_000, []string{"-mode", "open", "-ops", "500000"}},
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
					perOp(b, url, col.Pid(), w.ops, func() { runOrFail(b, storm, w.args...) }, "otelcol_receiver_syscall_discarder_hits", "discarded/op")
				}
			})
		}
	}
}
