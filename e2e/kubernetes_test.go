package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/kubeapi"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// TestKubernetesEnrichment: a real kube-apiserver holds a pod whose
// container status carries the id of a cgroup the test creates (shaped as
// containerd names it). A process run inside that cgroup trips a rule, and
// the alert arrives with the pod's metadata, set by k8s_attributes matching
// the alert's container.id.
func TestKubernetesEnrichment(t *testing.T) {
	requireRoot(t)
	cluster := kubeapi.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	containerID := randomHex(32)
	pod := &kubeapi.Pod{
		Namespace: "payments", Name: "api-7c9d8", NodeName: "e2e-node",
		Labels:        map[string]string{"app": "api"},
		ContainerName: "api", Image: "registry.example.com/payments/api:1.4.2",
		ContainerID: containerID, PodIP: "10.244.1.17",
	}
	if err := cluster.CreatePod(ctx, pod); err != nil {
		t.Fatal(err)
	}
	scope := containerCgroup(t, containerID)

	sink := otlpsink.Start(t)
	col := collector.Start(t, fmt.Sprintf(`
receivers:
  syscall: {}
processors:
  rules: {}
  k8s_attributes:
    auth_type: kubeConfig
    context: vigil-e2e
    wait_for_metadata: true
    wait_for_metadata_timeout: 30s
    extract:
      metadata:
        - k8s.namespace.name
        - k8s.pod.name
        - k8s.pod.uid
        - k8s.container.name
        - container.image.name
        - container.image.tags
    pod_association:
      - sources:
          - from: resource_attribute
            name: container.id
      - sources:
          - from: resource_attribute
            name: k8s.pod.uid
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [syscall]
      processors: [rules, k8s_attributes]
      exporters: [otlp_grpc]
`, sink.Endpoint), "KUBECONFIG="+cluster.Kubeconfig)

	// The child moves itself into the container's cgroup, then becomes cat.
	cmd := exec.Command("bash", "-c", "echo $$ > "+filepath.Join(scope, "cgroup.procs")+" && exec cat /etc/shadow")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("process in the container cgroup: %v: %s", err, out)
	}
	pid := int64(cmd.Process.Pid)
	got := sink.WaitFor(10*time.Second, 1, alertOf(pid))
	if len(got) == 0 {
		t.Fatalf("no alert for the contained cat (pid %d)\n%s", pid, col.Tail(20))
	}
	var rec *otlpsink.Record
	for i := range got {
		if str(got[i].Log.Attributes(), alert.RuleName) == shadowRule {
			rec = &got[i]
		}
	}
	if rec == nil {
		t.Fatalf("no %q alert for pid %d among %d alerts", shadowRule, pid, len(got))
	}
	res := rec.Resource.Attributes()
	for key, want := range map[string]string{
		"container.id":         containerID,
		"k8s.namespace.name":   "payments",
		"k8s.pod.name":         "api-7c9d8",
		"k8s.pod.uid":          pod.UID,
		"k8s.container.name":   "api",
		"container.image.name": "registry.example.com/payments/api",
	} {
		if got := str(res, key); got != want {
			t.Errorf("resource %s = %q, want %q", key, got, want)
		}
	}
	// k8s_attributes writes the tags as a slice (container.image.tags, the
	// semantic conventions' name; its container.image.tag is no longer
	// emitted by default). Rules read container.image.tag from the
	// container processor, which asks the runtime.
	if tags, ok := res.Get("container.image.tags"); !ok || tags.Slice().Len() != 1 || tags.Slice().At(0).Str() != "1.4.2" {
		t.Errorf("resource container.image.tags = %v, want [1.4.2]", tags.AsRaw())
	}
}

// containerCgroup creates a cgroup named as containerd names a container's
// (cri-containerd-<64 hex>.scope) under a parent of the test's, in the
// hierarchy where processes can be moved (cgroup v2, unified on hybrid
// hosts, else v1's pids), and removes it when the test ends.
func containerCgroup(t *testing.T, id string) string {
	t.Helper()
	root := ""
	for _, c := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup", "/sys/fs/cgroup/pids"} {
		if _, err := os.Stat(filepath.Join(c, "cgroup.procs")); err == nil {
			root = c
			break
		}
	}
	if root == "" {
		t.Fatal("no cgroup hierarchy to create a container cgroup in")
	}
	parent := filepath.Join(root, "vigil-e2e-"+id[:8])
	scope := filepath.Join(parent, "cri-containerd-"+id+".scope")
	if err := os.MkdirAll(scope, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Its only process has exited; removal succeeds once the kernel
		// has noticed.
		for i := 0; i < 50 && os.Remove(scope) != nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		_ = os.Remove(parent)
	})
	return scope
}
