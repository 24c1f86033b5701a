package k8sauditreceiver

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
)

// fieldCase is one condition on one audit event and whether it holds.
type fieldCase struct {
	auditID, cond string
	want          bool
}

// runFieldCases posts events to the receiver in front of a rules processor
// whose rules are the cases (each also pinned to its event's auditID) and
// checks which fired: fields, list semantics and operators as the shipped
// pipeline evaluates them.
func runFieldCases(t *testing.T, events []byte, cases []fieldCase) {
	t.Helper()
	var b strings.Builder
	for i, c := range cases {
		fmt.Fprintf(&b, "- rule: case %d\n  desc: d\n  condition: ka.auditid = %q and (%s)\n  output: o\n  priority: info\n  source: k8s_audit\n", i, c.auditID, c.cond)
	}
	sink := new(consumertest.LogsSink)
	proc := newRulesProcessor(t, sink, true, writeFile(t, "cases.yaml", b.String()))
	url := startReceiver(t, proc, nil)
	if code, msg, _ := post(t, url, events); code != 200 {
		t.Fatalf("%d %s", code, msg)
	}
	got := alertsByRule(sink)
	for i, c := range cases {
		if fired := len(got[fmt.Sprintf("case %d", i)]) > 0; fired != c.want {
			t.Errorf("%s: %s = %v, want %v", c.auditID, c.cond, fired, c.want)
		}
	}
}

func TestFieldsOnHandmadeEvents(t *testing.T) {
	const pod, exec = "6b3c1a52-0d4e-4f5b-9a57-3c1f0e1d2a01", "6b3c1a52-0d4e-4f5b-9a57-3c1f0e1d2a02"
	runFieldCases(t, readTestdata(t, "handmade-eventlist.json"), []fieldCase{
		{pod, "ka.verb = create and ka.target.resource = pods and ka.target.name = priv and ka.target.namespace = default", true},
		{pod, "ka.target.subresource exists", false},
		{pod, "ka.user.name = admin and ka.useragent startswith kubectl/", true},
		{pod, "ka.user.groups intersects (system:masters)", true},
		{pod, "ka.user.groups in (system:masters)", false},
		{pod, "ka.user.groups in (system:masters, system:authenticated, other)", true},
		{pod, "ka.impuser.name exists", false},
		{pod, "ka.auth.decision = allow and ka.auth.reason = ''", true},
		{pod, "ka.response.code = 201 and ka.response.code in (200, 201)", true},
		{pod, "ka.response.reason exists", false},
		{pod, "ka.uri.param[fieldManager] = kubectl-client-side-apply", true},
		{pod, "ka.uri.param[command] exists", false},
		{pod, "ka.sourceips intersects (127.0.0.1)", true},
		{pod, "ka.req.pod.containers.image intersects (docker.io/library/busybox:1.36)", true},
		{pod, "ka.req.pod.containers.image in (docker.io/library/busybox:1.36)", false},
		{pod, "ka.req.pod.containers.image in (docker.io/library/busybox:1.36, registry:5000/team/app@sha256:0123)", true},
		{pod, "ka.req.pod.containers.image[1] = registry:5000/team/app@sha256:0123", true},
		{pod, "ka.req.pod.containers.image[2] exists", false},
		{pod, "ka.req.pod.containers.image.repository in (docker.io/library/busybox, registry:5000/team/app)", true},
		{pod, "ka.req.container.image = docker.io/library/busybox:1.36 and ka.req.container.image.repository = docker.io/library/busybox", true},
		{pod, "ka.req.pod.containers.privileged intersects (true) and ka.req.pod.containers.privileged in (true)", true},
		{pod, "ka.req.container.privileged = true", true},
		{pod, "ka.req.pod.containers.run_as_user intersects (1000)", true},
		{pod, "ka.req.pod.containers.eff_run_as_user intersects (0) and ka.req.pod.containers.eff_run_as_user intersects (1000)", true},
		{pod, "ka.req.pod.containers.add_capabilities intersects (SYS_TIME)", true},
		{pod, "ka.req.pod.containers.host_port intersects (8080)", true},
		{pod, "ka.req.pod.containers.allow_privilege_escalation exists", false},
		{pod, "ka.req.pod.initContainers.image exists or ka.req.pod.ephemeralContainers.privileged exists", false},
		{pod, "ka.req.pod.volumes.hostpath intersects (/etc)", true},
		{pod, "ka.req.volume.hostpath[/et*] = true and ka.req.volume.hostpath[/var] = false", true},
		{pod, "ka.req.pod.volumes.volume_type intersects (hostPath) and ka.req.pod.volumes.volume_type intersects (configMap)", true},
		{pod, "ka.req.pod.host_network = true and not ka.req.pod.host_pid exists", true},
		{pod, "ka.resp.name = priv", true},
		{pod, "jevt.value[/stage] = ResponseComplete and jevt.value[/user/username] = admin", true},
		{pod, "jevt.value[/requestObject/spec/containers/0/securityContext/runAsUser] = 1000", true},
		{pod, "jevt.value[/requestObject/spec/hostNetwork] = true", true},
		{pod, "jevt.value[/annotations/authorization.k8s.io~1decision] = allow", true},
		{pod, `jevt.value[/requestObject/spec/volumes/0/hostPath] contains '"path":"/etc"'`, true},
		{pod, "jevt.value[/nope] exists", false},
		{pod, "jevt.rawtime > 0 and jevt.obj contains RequestResponse", true},
		{exec, "ka.target.subresource = exec and ka.uri.param[command] = sh", true},
		{exec, "ka.sourceips in (10.0.0.7, 127.0.0.1)", true},
		{exec, "ka.req.pod.containers.image exists", false},
		{exec, "ka.user.groups exists", false},
	})
}

// Output fields carry ka.* values typed as Falco's JSON output types them:
// text, lists, and null for what the event lacks.
func TestAuditOutputFields(t *testing.T) {
	rule := writeFile(t, "out.yaml", `- rule: out
  desc: d
  condition: ka.verb = create and ka.target.resource = pods and not ka.target.subresource exists
  output: >
    user=%ka.user.name images=%ka.req.pod.containers.image code=%ka.response.code
    hostnet=%jevt.value[/requestObject/spec/hostNetwork] imp=%ka.impuser.name
  priority: warning
  source: k8s_audit
`)
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, newRulesProcessor(t, sink, false, rule), nil)
	post(t, url, readTestdata(t, "handmade-eventlist.json"))
	got := alertsByRule(sink)["out"]
	if len(got) != 1 {
		t.Fatalf("%d alerts", len(got))
	}
	want := map[string]any{
		"ka.user.name":                                "admin",
		"ka.req.pod.containers.image":                 []any{"docker.io/library/busybox:1.36", "registry:5000/team/app@sha256:0123"},
		"ka.response.code":                            "201",
		"jevt.value[/requestObject/spec/hostNetwork]": "true",
		"ka.impuser.name":                             nil,
		"$output":                                     "user=admin images=(docker.io/library/busybox:1.36,registry:5000/team/app@sha256:0123) code=201 hostnet=true imp=<NA>",
		"$source":                                     "k8s_audit",
	}
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("alert\n%#v\nwant\n%#v", got[0], want)
	}
}
