package e2e

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/containerd"
	"github.com/vigil-sec/vigil/e2e/daemon"
	"github.com/vigil-sec/vigil/e2e/dockerd"
	"github.com/vigil-sec/vigil/e2e/helmchart"
	"github.com/vigil-sec/vigil/e2e/kubeapi"
	"github.com/vigil-sec/vigil/e2e/loopback"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// The image name examples/helm/values.yaml deploys and `make image` writes.
const vigilImage = "ghcr.io/vigil-sec/vigil:0.1.0"

// chartDir is the official chart, version 0.170.0, in the shared test data.
func chartDir(t *testing.T) string {
	return filepath.Join(collector.RepoRoot(t), "..", "shared", "charts", "opentelemetry-collector")
}

// TestDeploymentArtifacts proves the deployment artifacts with the real
// parts this machine has:
//   - the image cmd/vigil-image writes (what `make image` runs) is imported
//     with `ctr image import` (Docker: TestImageLoadsInDocker);
//   - the official chart renders examples/helm/values.yaml and
//     k8s-audit-values.yaml with its schema check, the schema refuses a
//     wrong mode, and the apiserver refuses a securityContext the schema
//     does not look into;
//   - the rendered objects are created in a kube-apiserver that authorizes
//     with RBAC; the rendered collector configs pass `vigil validate`;
//   - the image runs under containerd as the stored DaemonSet's container
//     would (see podEnv.container), with the rendered config and the service
//     account's token: it loads the probe, alerts on a host `cat
//     /etc/shadow` with host pid, names and users, raises nothing about its
//     own activity, and k8s_attributes is not refused by RBAC;
//   - without CAP_PERFMON it fails at start naming that capability.
func TestDeploymentArtifacts(t *testing.T) {
	requireRoot(t)
	root := collector.RepoRoot(t)
	archive := buildImage(t)

	cluster := kubeapi.Start(t, kubeapi.WithRBAC())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	t.Run("schema", func(t *testing.T) {
		values, err := os.ReadFile(filepath.Join(root, "examples", "helm", "values.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		bad := writeTemp(t, "values.yaml", strings.Replace(string(values), "mode: daemonset", "mode: sidecar", 1))
		if _, err := helmchart.Render(t, chartDir(t), bad, "vigil", "vigil"); err == nil || !strings.Contains(err.Error(), "/mode") {
			t.Errorf("the chart's schema accepted mode: sidecar (err %v)", err)
		}
		// The schema does not look inside securityContext; the apiserver
		// does, so a mistake there fails when the DaemonSet is created.
		caps := "add: [BPF, PERFMON, SYS_PTRACE, DAC_READ_SEARCH]"
		if !strings.Contains(string(values), caps) {
			t.Fatalf("values.yaml no longer has %q", caps)
		}
		bad = writeTemp(t, "values.yaml", strings.Replace(string(values), caps, "add: BPF", 1))
		objs, err := helmchart.Render(t, chartDir(t), bad, "vigil-bad", "vigil-bad")
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		if err := cluster.EnsureNamespace(ctx, "vigil-bad"); err != nil {
			t.Fatal(err)
		}
		_, err = cluster.Create(ctx, helmchart.Find(objs, "DaemonSet"))
		if err == nil || !strings.Contains(err.Error(), "capabilities") {
			t.Errorf("the apiserver accepted capabilities.add: BPF (err %v)", err)
		}
	})

	t.Run("k8s audit values", func(t *testing.T) {
		objs := renderAndCreate(t, ctx, cluster, filepath.Join(root, "examples", "helm", "k8s-audit-values.yaml"), "vigil-audit",
			[]string{"ServiceAccount", "ConfigMap", "Service", "Deployment"})
		cfg := renderedConfig(t, objs)
		t.Setenv("MY_POD_IP", "127.0.0.1")
		t.Setenv("VIGIL_RULES_DIR", filepath.Join(root, "..", "shared", "falco-rules"))
		if err := collector.Validate(t, writeTemp(t, "values.yaml", cfg)); err != nil {
			t.Fatal(err)
		}
		tmpl := podTemplateOf(t, helmchart.Find(objs, "Deployment"))
		if sc := tmpl.Spec.Containers[0].SecurityContext; sc.RunAsUser == nil || *sc.RunAsUser != 65534 || len(sc.Capabilities.Add) != 0 {
			t.Errorf("the audit Deployment's container security context %+v, want uid 65534 and no capabilities", sc)
		}
	})

	t.Run("daemonset", func(t *testing.T) {
		objs := renderAndCreate(t, ctx, cluster, filepath.Join(root, "examples", "helm", "values.yaml"), "vigil",
			[]string{"ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "DaemonSet"})
		cfg := renderedConfig(t, objs)
		podIP := randomLoopback()
		t.Setenv("MY_POD_IP", podIP)
		t.Setenv("KUBE_NODE_NAME", "e2e-node")
		if err := collector.Validate(t, writeTemp(t, "values.yaml", cfg)); err != nil {
			t.Fatal(err)
		}
		sink := otlpsink.Start(t)
		cfg = rewriteExporterEndpoint(t, cfg, "otlp_http/loki", sink.HTTPURL)

		ctrd := containerd.Start(t, "")
		ctrd.Import(t, archive, vigilImage)
		// the DaemonSet as the apiserver stored it, with its defaults
		ds, err := cluster.Get(ctx, "/apis/apps/v1/namespaces/vigil/daemonsets/vigil-opentelemetry-collector-agent")
		if err != nil {
			t.Fatal(err)
		}
		token, err := cluster.ServiceAccountToken(ctx, "vigil", "vigil-opentelemetry-collector")
		if err != nil {
			t.Fatal(err)
		}
		pod := &podEnv{
			t: t, cluster: cluster, ctrd: ctrd, dir: t.TempDir(), podIP: podIP, node: "e2e-node",
			namespace: "vigil", name: "vigil-opentelemetry-collector-agent-e2e", config: cfg, token: token,
		}
		tmpl := podTemplateOf(t, ds)
		c := pod.container(tmpl)
		task, logPath := pod.run(tmpl, c, "vigil-"+randomHex(4))
		pod.waitReady(tmpl, task, logPath)
		log := readFile(t, logPath)
		if !strings.Contains(log, "probe loaded") {
			t.Errorf("no \"probe loaded\" in the container's log:\n%s", tail(log, 30))
		}
		if strings.Contains(log, "could not learn the collector's host tgid") {
			t.Errorf("the collector does not know its host pid:\n%s", tail(log, 30))
		}

		pid := readShadow(t)
		got := sink.WaitFor(20*time.Second, 1, alertOf(pid))
		if len(got) == 0 {
			t.Fatalf("no alert for the host's cat /etc/shadow (pid %d) within 20s\n%s\n%s", pid, describe(sink.Records(nil)), tail(readFile(t, logPath), 40))
		}
		r := got[0]
		if rule := str(r.Log.Attributes(), "security_rule.name"); rule != shadowRule {
			t.Errorf("rule %q, want %q", rule, shadowRule)
		}
		for field, want := range map[string]string{
			"proc.name":    "cat",
			"proc.pname":   filepath.Base(os.Args[0]),
			"user.name":    "root",
			"proc.cmdline": "cat /etc/shadow",
		} {
			if got := outputField(r, field); got != want {
				t.Errorf("output field %s = %q, want %q", field, got, want)
			}
		}
		if got := str(r.Resource.Attributes(), "service.name"); got != "vigil" {
			t.Errorf("service.name = %q, want vigil (OTEL_RESOURCE_ATTRIBUTES of the values)", got)
		}
		if got := str(r.Resource.Attributes(), "host.name"); got != "e2e-node" {
			t.Errorf("host.name = %q, want the node's name e2e-node", got)
		}
		t.Logf("alert: %s", r.Log.Body().AsString())

		// nothing about the collector itself: not its pid, not its name
		time.Sleep(2 * time.Second)
		own := sink.Records(func(r otlpsink.Record) bool {
			v, _ := r.Resource.Attributes().Get("process.pid")
			return int64(task.Pid) == v.Int() || outputField(r, "proc.name") == "vigil"
		})
		if len(own) > 0 {
			t.Errorf("%d alerts about the collector's own activity (host pid %d):\n%s", len(own), task.Pid, describe(own))
		}
		log = readFile(t, logPath)
		if strings.Contains(log, "forbidden") {
			t.Errorf("the apiserver refused the service account something (RBAC of the values):\n%s", tail(log, 40))
		}

		t.Run("without PERFMON", func(t *testing.T) {
			// another pod: its own IP for the chart's fixed ports, its own
			// directories (two collectors cannot share the queue's file
			// storage, which one of them locks)
			pod.podIP, pod.dir = randomLoopback(), t.TempDir()
			c := pod.container(tmpl)
			c.Capabilities = slices.DeleteFunc(c.Capabilities, func(s string) bool { return s == "CAP_PERFMON" })
			if len(c.Capabilities) != 3 {
				t.Fatalf("capabilities without PERFMON: %v", c.Capabilities)
			}
			task, logPath := pod.run(tmpl, c, "vigil-noperfmon-"+randomHex(4))
			select {
			case <-task.Exited:
			case <-time.After(time.Minute):
				t.Fatalf("the collector without CAP_PERFMON still runs after a minute\n%s", tail(readFile(t, logPath), 30))
			}
			log := readFile(t, logPath)
			if task.ExitCode == 0 {
				t.Errorf("exit code 0 without CAP_PERFMON\n%s", tail(log, 30))
			}
			// the collector's own start error (its last "Error:" line)
			// names the missing capability, and only that one
			startErr := lineWith(log, "Error:")
			if !strings.Contains(startErr, "lacks CAP_PERFMON") || strings.Contains(startErr, "lacks CAP_BPF") {
				t.Errorf("the start error does not name CAP_PERFMON (alone) as missing: %q\n%s", startErr, linesWith(log, "rror"))
			}
			t.Logf("start error: %s", startErr)
		})
	})
}

// renderAndCreate renders the chart with valuesFile as release (in the
// namespace of the same name), checks that it renders exactly kinds, and
// creates every object in the cluster.
func renderAndCreate(t *testing.T, ctx context.Context, cluster *kubeapi.Cluster, valuesFile, release string, kinds []string) []map[string]any {
	t.Helper()
	objs, err := helmchart.Render(t, chartDir(t), valuesFile, release, release)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o["kind"].(string))
	}
	if !slices.Equal(got, kinds) {
		t.Errorf("rendered %v, want %v", got, kinds)
	}
	if err := cluster.EnsureNamespace(ctx, release); err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if _, err := cluster.Create(ctx, o); err != nil {
			t.Fatalf("creating the rendered %s: %v", o["kind"], err)
		}
	}
	return objs
}

// renderedConfig is the collector configuration in the rendered ConfigMap.
func renderedConfig(t *testing.T, objs []map[string]any) string {
	t.Helper()
	cm := helmchart.Find(objs, "ConfigMap")
	data, _ := cm["data"].(map[string]any)
	relay, _ := data["relay"].(string)
	if relay == "" {
		t.Fatalf("the rendered ConfigMap has no relay key: %v", cm)
	}
	return relay
}

// rewriteExporterEndpoint sets exporters.<name>.endpoint and changes
// nothing else.
func rewriteExporterEndpoint(t *testing.T, cfg, name, endpoint string) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(cfg), &doc); err != nil {
		t.Fatal(err)
	}
	exporters, _ := doc["exporters"].(map[string]any)
	exp, _ := exporters[name].(map[string]any)
	if exp == nil {
		t.Fatalf("the rendered config has no exporter %s:\n%s", name, cfg)
	}
	exp["endpoint"] = endpoint
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(data)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func linesWith(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// randomLoopback is a pod IP of the test's own: a random 127.0.x.y, so
// that the chart's fixed ports (13133, 8888) meet no other listener.
func randomLoopback() string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("127.0.%d.%d", 1+b[0]%250, 1+b[1]%250)
}

// waitHTTP polls url until it answers 200, or fails the test when the
// task exits or a minute passes.
func waitHTTP(t *testing.T, url string, task *containerd.Task, logPath string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-task.Exited:
			t.Fatalf("the collector exited with %d before %s answered\n%s", task.ExitCode, url, tail(readFile(t, logPath), 40))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer within a minute (%v)\n%s", url, err, tail(readFile(t, logPath), 40))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// buildImage runs cmd/vigil-image, what `make image` runs, on bin/vigil
// and returns the archive.
func buildImage(t *testing.T) string {
	archive, _ := buildImageDigest(t)
	return archive
}

// buildImageDigest is buildImage, also returning the manifest digest
// cmd/vigil-image reports.
func buildImageDigest(t *testing.T) (string, string) {
	t.Helper()
	archive := filepath.Join(t.TempDir(), "vigil-image.tar")
	build := exec.Command("go", "run", "./cmd/vigil-image", "-binary", collector.Binary(t), "-o", archive)
	build.Dir = collector.RepoRoot(t)
	out, err := build.CombinedOutput()
	if err != nil {
		t.Fatalf("cmd/vigil-image: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	digest := regexp.MustCompile(`sha256:[0-9a-f]{64}`).FindString(string(out))
	if digest == "" {
		t.Fatalf("cmd/vigil-image reported no digest: %s", out)
	}
	return archive, digest
}

// TestImagePushesWithCrane: a registry client pushes the image (crane,
// pinned in e2e/tools, the unpacked archive to crane's own registry on
// 127.0.0.1), the registry serves the digest cmd/vigil-image reported, and
// containerd pulls it from there.
func TestImagePushesWithCrane(t *testing.T) {
	requireRoot(t)
	archive, digest := buildImageDigest(t)
	crane := helmchart.BuildTool(t, "crane", "github.com/google/go-containerregistry/cmd/crane")
	addr := fmt.Sprintf("127.0.0.1:%d", loopback.FreePort(t))
	reg := daemon.Start(t, "registry", t.TempDir(), crane, []string{"registry", "serve", "--address", addr}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := loopback.WaitHTTP(ctx, nil, "http://"+addr+"/v2/", nil, loopback.StatusOK, reg.Exited()); err != nil {
		t.Fatalf("%v\n%s", err, reg.Tail(20))
	}
	ref := addr + "/vigil-sec/vigil:0.1.0"
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	// crane reads a file as a docker archive (and pushes a Docker manifest
	// of its own, another digest); the OCI layout is pushed as a directory
	layoutDir := t.TempDir()
	run("tar", "-xf", archive, "-C", layoutDir)
	run(crane, "push", "--insecure", layoutDir, ref)
	if got := run(crane, "digest", "--insecure", ref); got != digest {
		t.Errorf("the registry serves %s, cmd/vigil-image reported %s", got, digest)
	}
	ctrd := containerd.Start(t, "")
	if _, err := ctrd.Ctr("image", "pull", "--plain-http", ref); err != nil {
		t.Fatal(err)
	}
	defer ctrd.Ctr("image", "rm", ref)
	if out, err := ctrd.Ctr("image", "ls"); err != nil || !strings.Contains(out, digest) {
		t.Errorf("containerd did not pull %s (%v):\n%s", digest, err, out)
	}
}

// TestImageLoadsInDocker: `docker load` of the archive gives the image the
// DaemonSet names, with the entrypoint, command, user and working
// directory of examples/Dockerfile.
func TestImageLoadsInDocker(t *testing.T) {
	requireRoot(t)
	archive := buildImage(t)
	d := dockerd.Start(t)
	docker := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("docker", append([]string{"-H", "unix://" + d.Socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	docker("load", "-i", archive)
	var cfg struct {
		Entrypoint, Cmd  []string
		User, WorkingDir string
	}
	if err := json.Unmarshal([]byte(docker("image", "inspect", "--format", "{{json .Config}}", vigilImage)), &cfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Entrypoint, []string{"/vigil"}) || !slices.Equal(cfg.Cmd, []string{"--config", "/etc/vigil/config.yaml"}) ||
		cfg.User != "0:0" || cfg.WorkingDir != "/var/lib/vigil" {
		t.Errorf("docker sees the image config %+v", cfg)
	}
	docker("image", "rm", vigilImage)
}
