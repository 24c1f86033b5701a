package syscallreceiver

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/rulesprocessor"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"
)

// TestKernelFiltersChangeNoAlert is the differential test of the kernel
// filters: the same real workload (testdata/differential: opens over a
// tree, sensitive reads, a traversal, a write below /usr/local/bin, exec
// from /dev/shm, unshare, ptrace, a memfd exec, connects and datagrams),
// run under the real receiver and rules processor with the upstream stable
// and incubating rules and the default rules, gives the same alerts with
// kernel_filters on as off, while the filters do keep calls off the ring.
func TestKernelFiltersChangeNoAlert(t *testing.T) {
	requireRoot(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatalf("the workload needs python3: %v", err)
	}
	files := []string{"../../../shared/falco-rules/falco_rules.yaml", "../../../shared/falco-rules/falco-incubating_rules.yaml"}
	defaults, err := filepath.Glob("../../rules/default/*.yaml")
	if err != nil || len(defaults) == 0 {
		t.Fatalf("default rules: %v", err)
	}
	files = append(files, defaults...)
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	off, _ := alertsOfWorkload(t, files, dir, false)
	on, filtered := alertsOfWorkload(t, files, dir, true)
	if filtered == 0 {
		t.Error("with kernel_filters on the kernel filtered no call")
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
			t.Errorf("alert %q: %d with filters off, %d with filters on", k, off[k], on[k])
		}
	}
	t.Logf("%d distinct alerts of %d rules; %d calls kept off the ring:\n%s", len(keys), len(rulesSeen), filtered, strings.Join(keys, "\n"))
	for _, want := range []string{"Read sensitive file untrusted", "Execution from /dev/shm", "Fileless execution via memfd_create", "PTRACE attached to process", "Write below binary directory"} {
		if !rulesSeen[want] {
			t.Errorf("the workload raised no %q alert; rules seen: %v", want, slices.Sorted(maps.Keys(rulesSeen)))
		}
	}
}

// alertsOfWorkload runs the workload under a rules processor and a
// receiver with kernel_filters set to filters, and returns its alerts
// (rule, process, command line and file, counted) and the calls the
// kernel filtered.
func alertsOfWorkload(t *testing.T, files []string, dir string, filters bool) (map[string]int, uint64) {
	t.Helper()
	ctx := context.Background()
	sink := new(consumertest.LogsSink)
	pf := rulesprocessor.NewFactory()
	pcfg := pf.CreateDefaultConfig().(*rulesprocessor.Config)
	pcfg.Files = files
	pcfg.ReloadInterval = 0
	proc, err := pf.CreateLogs(ctx, processortest.NewNopSettings(component.MustNewType("rules")), pcfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	// a collector starts processors before receivers: the receiver then
	// finds the rules' plan published
	if err := proc.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer proc.Shutdown(ctx)
	cfg := testConfig()
	cfg.KernelFilters = filters
	rl, err := NewFactory().CreateLogs(ctx, receivertest.NewNopSettings(metadata.Type), cfg, proc)
	if err != nil {
		t.Fatal(err)
	}
	if err := rl.Start(ctx, nil); err != nil {
		t.Fatal(err)
	}
	defer rl.Shutdown(ctx)

	end := fmt.Sprintf("vigil-differential-end-%v", filters)
	cmd := exec.Command("/bin/sh", "testdata/differential/workload.sh", dir, end)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("workload: %v\n%s", err, out)
	}
	sid := int64(cmd.Process.Pid)
	ours := func(r record) bool {
		s, _ := intv(r.res, eventattr.ProcSID)
		return s == sid && str(r.attr, alert.RuleName) != ""
	}
	// records reach the processor in order, so once the last action's
	// alert is in, every earlier one is
	if _, ok := waitFor(t, sink, time.Minute, func(r record) bool {
		return ours(r) && str(r.res, eventattr.ProcCmdline) == "cat /etc/shadow "+end
	}); !ok {
		t.Fatalf("kernel_filters=%v: the workload's last alert did not arrive", filters)
	}
	got := map[string]int{}
	for _, ld := range sink.AllLogs() {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rls := ld.ResourceLogs().At(i)
			for j := 0; j < rls.ScopeLogs().Len(); j++ {
				lrs := rls.ScopeLogs().At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					r := record{res: rls.Resource().Attributes(), attr: lrs.At(k).Attributes(), lr: lrs.At(k)}
					if !ours(r) {
						continue
					}
					cmdline := strings.ReplaceAll(str(r.res, eventattr.ProcCmdline), end, "END")
					got[strings.Join([]string{str(r.attr, alert.RuleName), str(r.res, eventattr.ProcName), cmdline, str(r.attr, eventattr.FilePath)}, " | ")]++
				}
			}
		}
	}
	var n uint64
	counts, err := rl.(*syscallReceiver).probe.Filtered()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		n += c
	}
	return got, n
}
