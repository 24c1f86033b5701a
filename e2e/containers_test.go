package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/containerd"
	"github.com/vigil-sec/vigil/e2e/loopback"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// containerRules are upstream's stable and incubating rules, Vigil's
// defaults, and one rule of the test's own for a sensitive bind mount
// (upstream's "Launch Sensitive Mount Container" is no longer in the
// rules files in ../shared/falco-rules).
func containerRules(t *testing.T) []string {
	t.Helper()
	root := collector.RepoRoot(t)
	shared := filepath.Join(root, "..", "shared", "falco-rules")
	extra := filepath.Join(t.TempDir(), "sensitive-mount.yaml")
	if err := os.WriteFile(extra, []byte(`
- rule: Launch Sensitive Mount Container
  desc: test rule, the first process of a container with the host's /etc bind-mounted
  condition: container_started and container.mount.dest[/etc] = /host-etc
  output: Container with a sensitive mount started (container=%container.name image=%container.image mounts=%container.mounts)
  priority: INFO
`), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{
		filepath.Join(shared, "falco_rules.yaml"),
		filepath.Join(shared, "falco-incubating_rules.yaml"),
		filepath.Join(root, "rules", "default"),
		extra,
	}
}

// containerConfig is a collector with the container processor in front of
// rules; runtimes is the processor's config body.
func containerConfig(t *testing.T, sink *otlpsink.Sink, processor string, metricsPort int) string {
	var files strings.Builder
	for _, f := range containerRules(t) {
		fmt.Fprintf(&files, "      - %s\n", yamlQuote(f))
	}
	return fmt.Sprintf(`
receivers:
  syscall:
    syscalls: auto
processors:
  container:
%s
  rules:
    files:
%s    rule_matching: all
    suggested_output: true
    append_output: "container_full_id=%%container.full_id container_type=%%container.type"
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
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
      processors: [container, rules]
      exporters: [otlp_grpc]
`, processor, files.String(), sink.Endpoint, metricsPort)
}

// containerID is a fresh 64-hex id, the shape Docker, nerdctl and the CRI use.
func containerID() string { return randomHex(32) }

// ruleIn keeps the alerts of rule raised for container id.
func ruleIn(rule, id string) func(otlpsink.Record) bool {
	return func(r otlpsink.Record) bool {
		return r.Log.EventName() == alert.EventName &&
			str(r.Log.Attributes(), alert.RuleName) == rule &&
			str(r.Resource.Attributes(), "container.id") == id
	}
}

// TestContainerdMetadata: a real containerd (its own root and socket, given
// to the processor in the config) runs busybox containers; the alerts the
// upstream rules raise on them carry what containerd reports.
func TestContainerdMetadata(t *testing.T) {
	requireRoot(t)
	ctrd := containerd.Start(t, "")
	ctrd.ImportBusybox(t)
	sink := otlpsink.Start(t)
	metricsPort := loopback.FreePort(t)
	col := collector.Start(t, containerConfig(t, sink, fmt.Sprintf(`    discover: false
    runtimes:
      - type: containerd
        socket: %s`, yamlQuote(ctrd.Socket)), metricsPort))

	t.Run("exec cat /etc/shadow", func(t *testing.T) {
		id := containerID()
		ctrd.Run(t, id, nil, "sleep", "300")
		ctrd.Exec(t, id, "shadow", "cat", "/etc/shadow")
		got := sink.WaitFor(15*time.Second, 1, ruleIn("Read sensitive file untrusted", id))
		if len(got) == 0 {
			t.Fatalf("no \"Read sensitive file untrusted\" for container %s within 15s\n%s\n%s", id, describe(sink.Records(nil)), col.Tail(30))
		}
		info := ctrd.Info(t, id)
		if !strings.Contains(info, `"Image": "`+containerd.ImageName+`"`) {
			t.Fatalf("containerd reports another image for %s:\n%s", id, info)
		}
		r := got[0]
		for field, want := range map[string]string{
			"container.full_id":          id,
			"container.name":             id, // containerd has no names: Falco shows the id
			"container.image.repository": containerd.ImageRepo,
			"container.image.tag":        containerd.ImageTag,
			"container.type":             "containerd",
			"proc.name":                  "cat",
		} {
			if got := outputField(r, field); got != want {
				t.Errorf("output field %s = %q, want %q", field, got, want)
			}
		}
		res := r.Resource.Attributes()
		if got := str(res, "vigil.container.image.digest"); !strings.HasPrefix(got, "sha256:") {
			t.Errorf("resource vigil.container.image.digest = %q, want a sha256 digest", got)
		}
		if got := str(res, "container.image.id"); !strings.HasPrefix(got, "sha256:") {
			t.Errorf("resource container.image.id = %q, want the config's sha256 digest", got)
		}
		if got := str(res, "vigil.container.privileged"); got != "false" {
			t.Errorf("resource vigil.container.privileged = %q, want false", got)
		}
		// lineage: the exec'd process's parent is runc's, gone by now
		if got := outputField(r, "proc.pname"); got == "" || got == "<NA>" || got == "<absent>" {
			t.Errorf("proc.pname = %q, want the runtime's process (runc)", got)
		}
		t.Logf("alert output: %s", r.Log.Body().AsString())
	})

	t.Run("privileged", func(t *testing.T) {
		id := containerID()
		ctrd.Run(t, id, []string{"--privileged"}, "sleep", "300")
		got := sink.WaitFor(15*time.Second, 1, ruleIn("Launch Privileged Container", id))
		if len(got) == 0 {
			t.Fatalf("no \"Launch Privileged Container\" for %s within 15s\n%s\n%s", id, describe(sink.Records(nil)), col.Tail(30))
		}
		if got := str(got[0].Resource.Attributes(), "process.vpid"); got != "1" {
			t.Errorf("process.vpid = %s, want 1", got)
		}
	})

	t.Run("sensitive mount", func(t *testing.T) {
		id := containerID()
		ctrd.Run(t, id, []string{"--mount", "type=bind,src=/etc,dst=/host-etc,options=rbind:ro"}, "sleep", "300")
		got := sink.WaitFor(15*time.Second, 1, ruleIn("Launch Sensitive Mount Container", id))
		if len(got) == 0 {
			t.Fatalf("no \"Launch Sensitive Mount Container\" for %s within 15s\n%s\n%s", id, describe(sink.Records(nil)), col.Tail(30))
		}
		if got := outputField(got[0], "container.mounts"); !strings.Contains(got, "/etc:/host-etc:") {
			t.Errorf("container.mounts = %q, want the /etc bind mount", got)
		}
		if got := sink.Records(ruleIn("Launch Privileged Container", id)); len(got) != 0 {
			t.Errorf("an unprivileged container raised Launch Privileged Container")
		}
	})

	t.Run("100ms container", func(t *testing.T) {
		id := containerID()
		// foreground, removed on exit: cat is the container's PID 1
		if _, err := ctrd.Ctr("run", "--rm", "--fifo-dir", filepath.Join(ctrd.Dir, "fifo"), "--runc-root", filepath.Join(ctrd.Dir, "runc"),
			containerd.ImageName, id, "sh", "-c", "cat /etc/shadow >/dev/null; sleep 0.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := ctrd.Ctr("container", "info", id); err == nil {
			t.Fatalf("container %s still exists after ctr run --rm", id)
		}
		got := sink.WaitFor(15*time.Second, 1, ruleIn("Read sensitive file untrusted", id))
		if len(got) == 0 {
			t.Fatalf("no \"Read sensitive file untrusted\" for the short container %s within 15s\n%s\n%s", id, describe(sink.Records(nil)), col.Tail(30))
		}
		for field, want := range map[string]string{
			"container.name":             id,
			"container.image.repository": containerd.ImageRepo,
			"container.image.tag":        containerd.ImageTag,
		} {
			if got := outputField(got[0], field); got != want {
				t.Errorf("output field %s = %q, want %q", field, got, want)
			}
		}
	})

	url := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	t.Logf("lookups that missed the cache: fetched %v, not_found %v, timeout %v, failed %v",
		scrapeMetric(t, url, "otelcol_processor_container_lookups", `result="fetched"`),
		scrapeMetric(t, url, "otelcol_processor_container_lookups", `result="not_found"`),
		scrapeMetric(t, url, "otelcol_processor_container_lookups", `result="timeout"`),
		scrapeMetric(t, url, "otelcol_processor_container_lookups", `result="failed"`))
}

// TestContainerdDiscoveryAndRestart: with no runtime configured the
// processor finds containerd at its standard socket (the test refuses to
// run when another containerd serves it). A shell with a terminal exec'd
// in a container raises "Terminal shell in container" with the container's
// name. containerd stopped mid-run: the collector keeps raising alerts and
// counts the failure; containerd started again is picked up.
func TestContainerdDiscoveryAndRestart(t *testing.T) {
	requireRoot(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatalf("script (util-linux) is needed for a terminal: %v", err)
	}
	ctrd := containerd.Start(t, containerd.StandardSocket)
	ctrd.ImportBusybox(t)
	sink := otlpsink.Start(t)
	metricsPort := loopback.FreePort(t)
	col := collector.Start(t, containerConfig(t, sink, "    retry_interval: 1s", metricsPort))

	id := containerID()
	ctrd.Run(t, id, nil, "sleep", "300")
	cmd := fmt.Sprintf("ctr -a %s -n %s task exec -t --fifo-dir %s --exec-id tty %s sh -c 'echo in-a-terminal'",
		ctrd.Socket, ctrd.Namespace, filepath.Join(ctrd.Dir, "fifo"), id)
	if out, err := exec.Command("script", "-qec", cmd, "/dev/null").CombinedOutput(); err != nil || !strings.Contains(string(out), "in-a-terminal") {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	got := sink.WaitFor(15*time.Second, 1, ruleIn("Terminal shell in container", id))
	if len(got) == 0 {
		t.Fatalf("no \"Terminal shell in container\" for %s within 15s\n%s\n%s", id, describe(sink.Records(nil)), col.Tail(30))
	}
	if body := got[0].Log.Body().AsString(); !strings.Contains(body, "Interactive shell opened in container "+id) {
		t.Errorf("alert body = %q, want the container's name", body)
	}

	// containerd goes away
	ctrd.Remove(id)
	ctrd.Stop(t)
	url := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	deadline := time.Now().Add(30 * time.Second)
	for scrapeMetric(t, url, "otelcol_processor_container_runtime_failures", `runtime="containerd:`+containerd.StandardSocket+`"`) == 0 {
		if time.Now().After(deadline) {
			resp, err := http.Get(url)
			var body []byte
			if err == nil {
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			var lines []string
			for _, l := range strings.Split(string(body), "\n") {
				if strings.Contains(l, "container") {
					lines = append(lines, l)
				}
			}
			t.Fatalf("containerd's stop was not counted; metrics:\n%s\n%s", strings.Join(lines, "\n"), col.Tail(20))
		}
		time.Sleep(200 * time.Millisecond)
	}
	pid := readShadow(t)
	if got := sink.WaitFor(15*time.Second, 1, alertOf(pid)); len(got) == 0 {
		t.Fatalf("no alert for a host cat (pid %d) while containerd is down\n%s", pid, col.Tail(30))
	}

	// and comes back at the same socket
	again := containerd.Start(t, containerd.StandardSocket)
	// events of a container that starts before the processor has found
	// containerd again carry no metadata; wait for it (retry_interval 1s)
	const following = "following the container runtime's events"
	before := strings.Count(col.Log(), following)
	for deadline := time.Now().Add(10 * time.Second); strings.Count(col.Log(), following) == before; {
		if time.Now().After(deadline) {
			t.Fatalf("the processor did not find containerd again\n%s", col.Tail(30))
		}
		time.Sleep(100 * time.Millisecond)
	}
	again.ImportBusybox(t)
	id2 := containerID()
	again.Run(t, id2, nil, "sleep", "300")
	again.Exec(t, id2, "shadow", "cat", "/etc/shadow")
	got = sink.WaitFor(20*time.Second, 1, ruleIn("Read sensitive file untrusted", id2))
	if len(got) == 0 {
		t.Fatalf("no alert for container %s after containerd came back\n%s", id2, col.Tail(30))
	}
	if name := outputField(got[0], "container.name"); name != id2 {
		t.Errorf("container.name after containerd came back = %q, want %s", name, id2)
	}
	if n := strings.Count(col.Log(), "the container runtime does not answer"); n != 1 {
		t.Errorf("warned %d times about containerd, want once", n)
	}
}
