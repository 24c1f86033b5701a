package e2e

import (
	"os"
	"path/filepath"
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
// then moves it into the container's cgroups. (That host opens are kept
// off the ring is TestKernelFilterContainer's: here any host process's
// open would move the filter counter, so it could not fail.)
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
}
