package e2e

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/loopback"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// TestKernelFiltersChangeNoAlert is the differential test of the syscall
// receiver's kernel filters: the same real workload
// (testdata/kernelfilters: opens over a tree of files, sensitive reads
// directly, relatively and through a traversal, a write below
// /usr/local/bin, a shell history truncated, exec from /dev/shm,
// unshare, ptrace, an exec from a memfd, TCP and UDP traffic, outbound
// connects, tar and a program named sshd reading files) run under
// bin/vigil with the upstream stable and incubating rules and the default
// rules gives the same alerts with kernel_filters on as off, while the
// filters keep calls off the ring: read opens there pass by path or by
// process name (tar, sshd), as the rules without a path condition name
// their processes. With the stable rules alone and with the embedded
// default rules alone the same holds.
func TestKernelFiltersChangeNoAlert(t *testing.T) {
	requireRoot(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatalf("the workload needs python3: %v", err)
	}
	root := collector.RepoRoot(t)
	stable := filepath.Join(root, "..", "shared", "falco-rules", "falco_rules.yaml")
	incubating := filepath.Join(root, "..", "shared", "falco-rules", "falco-incubating_rules.yaml")
	defaults, err := filepath.Glob(filepath.Join(root, "rules", "default", "*.yaml"))
	if err != nil || len(defaults) == 0 {
		t.Fatalf("default rules: %v", err)
	}
	t.Run("stable+incubating+default", func(t *testing.T) {
		compareKernelFilters(t, append([]string{stable, incubating}, defaults...), true, "Read sensitive file untrusted", "Execution from /dev/shm",
			"Fileless execution via memfd_create", "PTRACE attached to process", "Write below binary directory", "Delete or rename shell history",
			"Backdoored library loaded into SSHD (CVE-2024-3094)")
	})
	t.Run("stable", func(t *testing.T) {
		compareKernelFilters(t, []string{stable}, true, "Read sensitive file untrusted")
	})
	// no files: the embedded default rules, whose open filter holds
	// suffixes too
	t.Run("default", func(t *testing.T) {
		compareKernelFilters(t, nil, true, shadowRule, "Write below binary directory")
	})
}

// compareKernelFilters runs the workload with kernel filters off and on
// and compares the alerts; wantRules must be among them, and with
// mustFilter the filters must have kept calls off the ring.
func compareKernelFilters(t *testing.T, files []string, mustFilter bool, wantRules ...string) {
	dir := t.TempDir()
	off, _ := alertsUnderVigil(t, files, dir, false)
	on, filtered := alertsUnderVigil(t, files, dir, true)
	if mustFilter && filtered == 0 {
		t.Error("with kernel_filters on, otelcol_receiver_syscall_kernel_filtered did not move")
	}
	keys := slices.Sorted(maps.Keys(off))
	for k := range on {
		if _, ok := off[k]; !ok {
			keys = append(keys, k)
		}
	}
	rulesSeen := map[string]bool{}
	for _, k := range keys {
		rulesSeen[strings.SplitN(k, " | ", 2)[0]] = true
		if off[k] != on[k] {
			t.Errorf("alert %q: %d with kernel filters off, %d with them on", k, off[k], on[k])
		}
	}
	t.Logf("%d distinct alerts of %d rules; %v calls kept off the ring:\n%s", len(keys), len(rulesSeen), filtered, strings.Join(keys, "\n"))
	for _, want := range wantRules {
		if !rulesSeen[want] {
			t.Errorf("the workload raised no %q alert; rules seen: %v", want, slices.Sorted(maps.Keys(rulesSeen)))
		}
	}
}

// kernelFiltersConfig is bin/vigil's configuration for these tests.
func kernelFiltersConfig(files []string, filters bool, sink string, metricsPort int) string {
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = yamlQuote(f)
	}
	return fmt.Sprintf(`
receivers:
  syscall:
    syscalls: auto
    kernel_filters: %v
    ring_buffer_size: 134217728
processors:
  rules:
    files: [%s]
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
    # no queue: batches leave in the order they were made
    sending_queue:
      enabled: false
service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
  pipelines:
    logs:
      receivers: [syscall]
      processors: [rules]
      exporters: [otlp_grpc]
`, filters, strings.Join(quoted, ", "), sink, metricsPort)
}

// alertsUnderVigil runs the workload in its own session under bin/vigil
// with kernel_filters set to filters, and returns the session's alerts
// (rule, process name, command line and file, counted) and the calls the
// kernel filtered. A run in which the kernel dropped events (a full ring:
// other processes on a busy machine feed it too) proves nothing about the
// filters and is made again, up to three times.
func alertsUnderVigil(t *testing.T, files []string, dir string, filters bool) (map[string]int, float64) {
	t.Helper()
	for try := 1; ; try++ {
		alerts, filtered, drops := runUnderVigil(t, files, dir, filters)
		if drops == 0 {
			return alerts, filtered
		}
		if try == 3 {
			t.Fatalf("kernel_filters=%v: the kernel dropped events in %d runs out of %d; the alerts cannot be compared", filters, try, try)
		}
		t.Logf("kernel_filters=%v: the kernel dropped %v events; running the workload again", filters, drops)
	}
}

func runUnderVigil(t *testing.T, files []string, dir string, filters bool) (map[string]int, float64, float64) {
	t.Helper()
	sink := otlpsink.Start(t)
	port := loopback.FreePort(t)
	col := collector.Start(t, kernelFiltersConfig(files, filters, sink.Endpoint, port))
	defer col.Stop(t)

	end := fmt.Sprintf("vigil-kernel-filters-end-%v", filters)
	cmd := exec.Command("/bin/sh", "testdata/kernelfilters/workload.sh", dir, end)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("workload: %v\n%s", err, out)
	}
	sid := int64(cmd.Process.Pid)
	ours := func(r otlpsink.Record) bool {
		if r.Log.EventName() != alert.EventName {
			return false
		}
		v, ok := r.Resource.Attributes().Get("process.session_leader.pid")
		return ok && v.Int() == sid
	}
	cmdline := func(r otlpsink.Record) string {
		v, _ := r.Resource.Attributes().Get("process.command_line")
		return v.AsString()
	}
	// the collector hands records on in order, so once the last action's
	// alert is in, every earlier one is
	if got := sink.WaitFor(time.Minute, 1, func(r otlpsink.Record) bool {
		return ours(r) && cmdline(r) == "cat /etc/shadow "+end
	}); len(got) == 0 {
		t.Fatalf("kernel_filters=%v: the workload's last alert did not arrive\n%s", filters, col.Tail(30))
	}
	out := map[string]int{}
	for _, r := range sink.Records(ours) {
		attr := func(k string) string {
			if v, ok := r.Log.Attributes().Get(k); ok {
				return v.AsString()
			}
			if v, ok := r.Resource.Attributes().Get(k); ok {
				return v.AsString()
			}
			return ""
		}
		key := []string{attr(alert.RuleName), attr("process.executable.name"), strings.ReplaceAll(cmdline(r), end, "END"), attr("file.path")}
		out[strings.Join(key, " | ")]++
	}
	// the receiver publishes its counters once a second
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/metrics"
	filtered := 0.0
	for deadline := time.Now().Add(10 * time.Second); filtered == 0 && filters && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		filtered = scrapeMetric(t, url, "otelcol_receiver_syscall_kernel_filtered")
	}
	if filters {
		// discarders are on with the filters: how much they kept off the ring
		t.Logf("kernel_filters=%v: %v opens kept off the ring by learned discarders", filters, scrapeMetric(t, url, "otelcol_receiver_syscall_discarder_hits"))
	}
	return out, filtered, scrapeMetric(t, url, "otelcol_receiver_syscall_kernel_drops")
}

// procCPU is the CPU time (user and system) of process pid so far.
func procCPU(t testing.TB, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// the fields after the command (which may hold spaces) start at ")"
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100)
}
