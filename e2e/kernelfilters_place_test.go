package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/containerd"
	"github.com/vigil-sec/vigil/e2e/loopback"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// TestKernelPlaceFilterContainerd: with a rule that only containers can
// match, bin/vigil installs a container-only kernel filter on openat. A
// busybox container run by a real containerd and runc, and a process
// exec'd into it, still raise the rule's alerts: the probe never judges a
// container process as the host's, though runc creates it on the host and
// then moves it into the container's cgroups. Host opens are kept off the
// ring and counted.
func TestKernelPlaceFilterContainerd(t *testing.T) {
	requireRoot(t)
	ctrd := containerd.Start(t, "")
	ctrd.ImportBusybox(t)
	rules := filepath.Join(t.TempDir(), "container-reads.yaml")
	if err := os.WriteFile(rules, []byte(`
- rule: Container reads group
  desc: test rule, an open of /etc/group in a container
  condition: evt.type = openat and container.id != host and fd.name = /etc/group
  output: container read (file=%fd.name container=%container.id)
  priority: WARNING
`), 0o644); err != nil {
		t.Fatal(err)
	}
	sink := otlpsink.Start(t)
	port := loopback.FreePort(t)
	col := collector.Start(t, kernelFiltersConfig([]string{rules}, true, sink.Endpoint, port))
	defer col.Stop(t)

	id := containerID()
	// the container's first process reads the file at once, before the
	// receiver can have told the probe anything of it; an exec'd shell
	// reads it again, and so do children of both shells once the
	// receiver has read the shells' records, which the probe then judges
	// as the shells' (inherited at fork) and never as the host's
	ctrd.Run(t, id, nil, "sh", "-c", "cat /etc/group; sleep 2; cat /etc/group; sleep 300")
	ctrd.Exec(t, id, "again", "sh", "-c", "cat /etc/group; sleep 2; cat /etc/group")
	if got := sink.WaitFor(15*time.Second, 4, ruleIn("Container reads group", id)); len(got) < 4 {
		t.Fatalf("%d alerts of the container's four reads within 15s\n%s\n%s", len(got), describe(sink.Records(nil)), col.Tail(30))
	}
	// the host's reads: no alert, and kept off the ring
	for i := 0; i < 20; i++ {
		if err := exec.Command("cat", "/etc/group").Run(); err != nil {
			t.Fatal(err)
		}
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/metrics"
	filtered := 0.0
	for deadline := time.Now().Add(10 * time.Second); filtered < 20 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		filtered = scrapeMetric(t, url, "otelcol_receiver_syscall_kernel_filtered")
	}
	if filtered < 20 {
		t.Errorf("otelcol_receiver_syscall_kernel_filtered = %v after 20 host reads, want at least 20", filtered)
	}
	if got := sink.Records(ruleIn("Container reads group", "")); len(got) != 0 {
		t.Errorf("%d alerts of the container rule for host processes", len(got))
	}
}
