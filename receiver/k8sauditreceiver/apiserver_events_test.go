package k8sauditreceiver

import (
	"encoding/json"
	"strings"
	"testing"
)

// testdata/apiserver-events.jsonl was written by kube-apiserver 1.36's log
// backend during the end-to-end test (VIGIL_CAPTURE_AUDIT), with the audit
// policy in examples/k8s-audit/, and trimmed to the scenario's events.

// apiserverEvents returns the captured events as an EventList body, and
// the auditID of the ResponseComplete event of each (verb, resource, name).
func apiserverEvents(t *testing.T) ([]byte, func(verb, resource, name string) string) {
	t.Helper()
	data := strings.TrimSpace(string(readTestdata(t, "apiserver-events.jsonl")))
	lines := strings.Split(data, "\n")
	ids := map[string]string{}
	for _, l := range lines {
		var e struct {
			AuditID, Stage, Verb string
			ObjectRef            struct{ Resource, Name string }
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if e.Stage == "ResponseComplete" {
			ids[e.Verb+" "+e.ObjectRef.Resource+" "+e.ObjectRef.Name] = e.AuditID
		}
	}
	body := `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + strings.Join(lines, ",") + `]}`
	return []byte(body), func(verb, resource, name string) string {
		id := ids[verb+" "+resource+" "+name]
		if id == "" {
			t.Fatalf("no captured ResponseComplete event for %s %s %s", verb, resource, name)
		}
		return id
	}
}

func TestFieldsOnApiserverEvents(t *testing.T) {
	body, id := apiserverEvents(t)
	priv, hostnet := id("create", "pods", "priv"), id("create", "pods", "hostnet")
	role, cm := id("create", "clusterroles", "audit-e2e-wildcard"), id("create", "configmaps", "aws-creds")
	runFieldCases(t, body, []fieldCase{
		{priv, "ka.verb = create and ka.target.resource = pods and ka.target.namespace = audit-e2e and ka.target.name = priv", true},
		{priv, "ka.user.name = admin and ka.user.groups intersects (system:masters)", true},
		{priv, "ka.user.groups in (system:masters)", false},
		{priv, "ka.auth.decision = allow and ka.response.code = 201", true},
		{priv, "ka.req.pod.containers.privileged intersects (true)", true},
		{priv, "ka.req.pod.containers.image in (docker.io/library/busybox:1.36)", true},
		{priv, "ka.req.pod.containers.image.repository in (docker.io/library/busybox) and ka.req.pod.containers.image.repository[0] = docker.io/library/busybox", true},
		{priv, "ka.req.pod.host_network exists or ka.req.pod.volumes.hostpath exists", false},
		{priv, "ka.resp.name = priv and jevt.value[/responseObject/metadata/namespace] = audit-e2e", true},
		{priv, "ka.sourceips intersects (127.0.0.1)", true},
		{hostnet, "ka.req.pod.host_network = true and ka.req.pod.containers.host_port intersects (8080)", true},
		{hostnet, "ka.req.pod.containers.privileged exists", false},
		{role, "ka.target.resource = clusterroles and not ka.target.namespace exists", true},
		{role, "ka.req.role.rules.verbs intersects ('*') and ka.req.role.rules.resources in (pods)", true},
		{role, "jevt.value[/objectRef/apiGroup] = rbac.authorization.k8s.io", true},
		{cm, "ka.req.configmap.name = aws-creds and ka.req.configmap.obj contains aws_access_key_id", true},
		{cm, "ka.req.pod.containers.image exists", false},
	})
}
