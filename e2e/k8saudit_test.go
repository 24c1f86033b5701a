package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/kubeapi"
	"github.com/vigil-sec/vigil/e2e/loki"
	"github.com/vigil-sec/vigil/e2e/loopback"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// auditCollectorConfig is a k8s_audit receiver on endpoint feeding the
// rules processor with Falco's k8s audit rules plus Vigil's default rules
// (both sources in one processor), exporting alerts to the OTLP sink and,
// when lokiURL is set, to Loki. tls, when set, is the receiver's tls
// section.
func auditCollectorConfig(t *testing.T, endpoint, sinkEndpoint, lokiURL, tls string, extraRules ...string) string {
	root := collector.RepoRoot(t)
	extra := ""
	for _, f := range extraRules {
		extra += "\n      - " + yamlQuote(f)
	}
	exporters := "[otlp_grpc]"
	lokiExp := ""
	if lokiURL != "" {
		exporters = "[otlp_grpc, otlp_http/loki]"
		lokiExp = fmt.Sprintf(`
  otlp_http/loki:
    endpoint: %s/otlp
    retry_on_failure:
      initial_interval: 200ms
      max_interval: 1s`, lokiURL)
	}
	return fmt.Sprintf(`
receivers:
  k8s_audit:
    endpoint: %s
%s
processors:
  resource_detection:
    detectors: [env]
  rules:
    files:
      - %s
      - %s%s
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true%s
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [k8s_audit]
      processors: [resource_detection, rules]
      exporters: %s
`, endpoint, tls, yamlQuote(filepath.Join(root, "..", "shared", "falco-rules", "k8s_audit_rules.yaml")),
		yamlQuote(filepath.Join(root, "rules", "default")), extra, sinkEndpoint, lokiExp, exporters)
}

// auditPolicy is the policy the repository ships in examples/.
func auditPolicy(t *testing.T) string {
	p := filepath.Join(collector.RepoRoot(t), "examples", "k8s-audit", "audit-policy.yaml")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// auditAlert selects the alerts of rule (any rule when empty) on audit
// events.
func auditAlert(rule string) func(otlpsink.Record) bool {
	return func(r otlpsink.Record) bool {
		a := r.Log.Attributes()
		return r.Log.EventName() == alert.EventName && str(a, alert.RuleSource) == "k8s_audit" &&
			(rule == "" || str(a, alert.RuleName) == rule)
	}
}

// ensureNamespace creates a namespace and its default service account
// (which the ServiceAccount admission plugin wants for pods; no controller
// manager runs here to make it).
func ensureNamespace(ctx context.Context, t *testing.T, c *kubeapi.Cluster, ns string) {
	t.Helper()
	body := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/namespaces", "", body, nil); err != nil && !strings.Contains(err.Error(), "HTTP 409") {
		t.Fatal(err)
	}
	sa := map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default"}}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/serviceaccounts", "", sa, nil); err != nil && !strings.Contains(err.Error(), "HTTP 409") {
		t.Fatal(err)
	}
}

func podSpec(name string, spec map[string]any) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": name}, "spec": spec}
}

// TestK8sAuditUpstreamRules: a real kube-apiserver, started with the
// shipped audit policy and a webhook pointing at bin/vigil's k8s_audit
// receiver, audits the test's API calls; the upstream rules fire for a
// privileged pod, a host-network pod, a wildcard ClusterRole and a
// ConfigMap holding AWS credentials, and the alerts reach the OTLP sink
// with user, verb, target and namespace.
func TestK8sAuditUpstreamRules(t *testing.T) { upstreamAuditScenario(t, false) }

// TestK8sAuditUpstreamRulesToLoki is the same with a real Loki behind the
// collector as well: the alerts are queryable there with the audit
// attributes as structured metadata.
func TestK8sAuditUpstreamRulesToLoki(t *testing.T) { upstreamAuditScenario(t, true) }

func upstreamAuditScenario(t *testing.T, withLoki bool) {
	sink := otlpsink.Start(t)
	var lk *loki.Server
	lokiURL := ""
	if withLoki {
		lk = loki.Start(t)
		lokiURL = lk.URL
	}
	endpoint := fmt.Sprintf("127.0.0.1:%d", loopback.FreePort(t))
	// evt.source in an audit alert's output says k8s_audit: upstream's
	// namespace rule, its output replaced to print it.
	sourceRule := writeTemp(t, "source.yaml", `
- rule: K8s Namespace Created
  output: K8s Namespace Created (user=%ka.user.name namespace=%ka.target.name source=%evt.source)
  override:
    output: replace
`)
	col := collector.Start(t, auditCollectorConfig(t, endpoint, sink.Endpoint, lokiURL, "", sourceRule),
		"OTEL_RESOURCE_ATTRIBUTES=service.name=vigil-audit-e2e")
	webhook := writeTemp(t, "webhook.yaml", kubeapi.WebhookKubeconfig("http://"+endpoint+"/k8s-audit", "", "", ""))
	auditLog := filepath.Join(t.TempDir(), "audit.log")
	cluster := kubeapi.Start(t, kubeapi.AuditWebhook(auditPolicy(t), webhook, time.Second), kubeapi.AuditLog(auditLog),
		kubeapi.WithArgs("--allow-privileged=true"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	since := time.Now()

	const ns = "audit-e2e"
	ensureNamespace(ctx, t, cluster, ns)
	pods := "/api/v1/namespaces/" + ns + "/pods"
	privileged := podSpec("priv", map[string]any{"containers": []any{map[string]any{
		"name": "c", "image": "docker.io/library/busybox:1.36", "securityContext": map[string]any{"privileged": true}}}})
	hostnet := podSpec("hostnet", map[string]any{"hostNetwork": true, "containers": []any{map[string]any{
		"name": "c", "image": "docker.io/library/nginx:1.27", "ports": []any{map[string]any{"containerPort": 8080}}}}})
	role := map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": map[string]any{"name": "audit-e2e-wildcard"},
		"rules": []any{map[string]any{"apiGroups": []any{""}, "resources": []any{"pods"}, "verbs": []any{"*"}}}}
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "aws-creds"},
		"data": map[string]any{"credentials": "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"}}
	for _, req := range []struct {
		path string
		body any
	}{{pods, privileged}, {pods, hostnet}, {"/apis/rbac.authorization.k8s.io/v1/clusterroles", role}, {"/api/v1/namespaces/" + ns + "/configmaps", cm}} {
		if err := cluster.Do(ctx, http.MethodPost, req.path, "", req.body, nil); err != nil {
			t.Fatal(err)
		}
	}

	want := []struct{ rule, target, namespace string }{
		{"Create Privileged Pod", "priv", ns},
		{"Create HostNetwork Pod", "hostnet", ns},
		{"ClusterRole With Wildcard Created", "audit-e2e-wildcard", "<absent>"}, // cluster-scoped
		{"Create/Modify Configmap With Private Credentials", "aws-creds", ns},
	}
	for _, w := range want {
		got := sink.WaitFor(30*time.Second, 1, auditAlert(w.rule))
		if len(got) != 1 {
			t.Errorf("%s: %d alerts at the OTLP sink, want 1\n%s", w.rule, len(got), col.Tail(20))
			continue
		}
		r := got[0]
		a := r.Log.Attributes()
		// The rule's output names the user and target; the record's
		// typed attributes (copied to the alert) carry verb and namespace.
		if !strings.Contains(r.Log.Body().Str(), "admin") || !strings.Contains(r.Log.Body().Str(), w.target) {
			t.Errorf("%s: output %q lacks the user or target", w.rule, r.Log.Body().Str())
		}
		if str(a, "vigil.ka.user.name") != "admin" || str(a, "vigil.ka.verb") != "create" ||
			str(a, "vigil.ka.target.name") != w.target || str(a, "vigil.ka.target.namespace") != w.namespace {
			t.Errorf("%s: user %q verb %q target %q namespace %q", w.rule, str(a, "vigil.ka.user.name"), str(a, "vigil.ka.verb"),
				str(a, "vigil.ka.target.name"), str(a, "vigil.ka.target.namespace"))
		}
		if _, ok := a.Get("vigil.ka.event"); ok {
			t.Errorf("%s: the alert carries the whole audit event", w.rule)
		}
		t.Logf("%s: %s", w.rule, r.Log.Body().Str())
	}

	// (objectRef carries no name for a create: the namespace is in the
	// output only when the apiserver names it.)
	got := sink.WaitFor(30*time.Second, 1, auditAlert("K8s Namespace Created"))
	if len(got) == 0 {
		t.Errorf("no K8s Namespace Created alert for %s", ns)
	}
	for _, r := range got {
		if !strings.HasSuffix(r.Log.Body().Str(), " source=k8s_audit)") {
			t.Errorf("K8s Namespace Created: output %q does not end with source=k8s_audit)", r.Log.Body().Str())
		}
	}

	for _, w := range want {
		if lk == nil {
			break
		}
		query := fmt.Sprintf(`{service_name="vigil-audit-e2e"} | security_rule_name=%q`, w.rule)
		got := queryUntil(t, lk, query, since, 1, time.Minute)
		if len(got) != 1 {
			t.Errorf("Loki: %d entries for %s, want 1", len(got), query)
			continue
		}
		l := got[0].Labels
		ns, ok := l["vigil_ka_target_namespace"]
		if !ok {
			ns = "<absent>"
		}
		if l["vigil_ka_user_name"] != "admin" || l["vigil_ka_verb"] != "create" || l["vigil_ka_target_name"] != w.target || ns != w.namespace {
			t.Errorf("Loki %s: labels %v", w.rule, l)
		}
	}
	if dst := os.Getenv("VIGIL_CAPTURE_AUDIT"); dst != "" {
		// Refreshes the receiver's testdata from this real apiserver.
		data, err := os.ReadFile(auditLog)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestK8sAuditNoLossAcrossCollectorRestart: the collector is stopped while
// the test makes 50 API changes, then started again. The apiserver's
// webhook backend retries the batches it could not deliver, and every
// change's alert arrives exactly once.
func TestK8sAuditNoLossAcrossCollectorRestart(t *testing.T) {
	sink := otlpsink.Start(t)
	endpoint := fmt.Sprintf("127.0.0.1:%d", loopback.FreePort(t))
	col := collector.Start(t, auditCollectorConfig(t, endpoint, sink.Endpoint, "", ""))
	webhook := writeTemp(t, "webhook.yaml", kubeapi.WebhookKubeconfig("http://"+endpoint+"/k8s-audit", "", "", ""))
	// 5 attempts 4 s, 6 s, 9 s, 13.5 s apart: about 32 s to come back.
	cluster := kubeapi.Start(t, kubeapi.AuditWebhook(auditPolicy(t), webhook, 4*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const ns = "audit-noloss"
	ensureNamespace(ctx, t, cluster, ns)
	rule := "Create/Modify Configmap With Private Credentials"
	// The namespace and service account are audited too: wait until the
	// pipeline is known to be delivering before stopping it.
	first := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "before"},
		"data": map[string]any{"k": "aws_access_key_id=AKIAIOSFODNN7EXAMPLE"}}
	if err := cluster.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/configmaps", "", first, nil); err != nil {
		t.Fatal(err)
	}
	if got := sink.WaitFor(30*time.Second, 1, auditAlert(rule)); len(got) != 1 {
		t.Fatalf("no alert before the restart\n%s", col.Tail(20))
	}

	col.Stop(t)
	stopped := time.Now()
	const changes = 50
	for i := 0; i < changes; i++ {
		cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": fmt.Sprintf("cred-%02d", i)},
			"data": map[string]any{"credentials": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"}}
		if err := cluster.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/configmaps", "", cm, nil); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Second) // the apiserver's first attempt fails
	col.Restart(t)
	t.Logf("collector down for %v", time.Since(stopped).Round(time.Millisecond))

	got := sink.WaitFor(90*time.Second, changes+1, auditAlert(rule))
	time.Sleep(3 * time.Second) // a duplicate would arrive now
	got = sink.Records(auditAlert(rule))
	seen := map[string]int{}
	for _, r := range got {
		seen[str(r.Log.Attributes(), "vigil.ka.target.name")]++
	}
	for i := 0; i < changes; i++ {
		if n := seen[fmt.Sprintf("cred-%02d", i)]; n != 1 {
			t.Errorf("cred-%02d: %d alerts, want exactly 1", i, n)
		}
	}
	t.Logf("%d alerts for %d changes made while the collector was down (plus 1 before)", len(got)-1, changes)
	if len(got) != changes+1 {
		t.Errorf("%d alerts in all, want %d\n%s", len(got), changes+1, col.Tail(30))
	}
}
