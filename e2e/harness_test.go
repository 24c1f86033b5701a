package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/vigil-sec/vigil/e2e/kubeapi"
	"github.com/vigil-sec/vigil/e2e/loki"
)

// TestLokiHarness: the Loki the harness builds and starts accepts an OTLP
// log pushed to /otlp/v1/logs and returns it through query_range, with the
// resource's service.name as index label and a log attribute as structured
// metadata (dots turned into underscores).
func TestLokiHarness(t *testing.T) {
	t.Parallel()
	srv := loki.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	service := "vigil-e2e-harness-" + randomHex(4)
	at := time.Now().Add(-time.Second).Truncate(time.Microsecond)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", service)
	rl.Resource().Attributes().PutStr("host.name", "e2e-host")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(at))
	lr.SetSeverityText("Warning")
	lr.Body().SetStr("harness smoke line")
	lr.Attributes().PutStr("security_rule.name", "Harness rule")
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/otlp/v1/logs", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("OTLP push: HTTP %d", resp.StatusCode)
	}

	query := fmt.Sprintf(`{service_name=%q}`, service)
	var got []loki.Entry
	for ctx.Err() == nil {
		got, err = srv.QueryRange(ctx, query, at.Add(-time.Minute), time.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if len(got) != 1 {
		t.Fatalf("query %s: got %d entries, want 1: %+v", query, len(got), got)
	}
	e := got[0]
	if e.Line != "harness smoke line" || !e.Time.Equal(at) {
		t.Errorf("entry = %q at %v, want %q at %v", e.Line, e.Time, "harness smoke line", at)
	}
	if e.Labels["security_rule_name"] != "Harness rule" {
		t.Errorf("structured metadata security_rule_name = %q, labels %v", e.Labels["security_rule_name"], e.Labels)
	}
}

// TestKubeAPIHarness: the etcd + kube-apiserver the harness builds and
// starts store a Pod created by the test, with the status a kubelet would
// report, and serve it back.
func TestKubeAPIHarness(t *testing.T) {
	t.Parallel()
	c := kubeapi.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	containerID := randomHex(32)
	pod := &kubeapi.Pod{
		Namespace: "e2e-harness", Name: "web-1", NodeName: "e2e-node",
		Labels:        map[string]string{"app": "web"},
		ContainerName: "nginx", Image: "docker.io/library/nginx:1.27",
		ContainerID: containerID, PodIP: "10.1.2.3",
	}
	if err := c.CreatePod(ctx, pod); err != nil {
		t.Fatal(err)
	}
	if pod.UID == "" {
		t.Fatal("CreatePod did not return the pod's UID")
	}
	var got struct {
		Metadata struct {
			UID    string            `json:"uid"`
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Spec struct {
			NodeName string `json:"nodeName"`
		} `json:"spec"`
		Status struct {
			Phase             string `json:"phase"`
			PodIP             string `json:"podIP"`
			ContainerStatuses []struct {
				Name, Image, ContainerID string
			} `json:"containerStatuses"`
		} `json:"status"`
	}
	if err := c.Do(ctx, http.MethodGet, "/api/v1/namespaces/e2e-harness/pods/web-1", "", nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.Metadata.UID != pod.UID || got.Metadata.Labels["app"] != "web" || got.Spec.NodeName != "e2e-node" {
		t.Errorf("pod metadata/spec = %+v %+v", got.Metadata, got.Spec)
	}
	if got.Status.Phase != "Running" || got.Status.PodIP != "10.1.2.3" || len(got.Status.ContainerStatuses) != 1 ||
		got.Status.ContainerStatuses[0].ContainerID != "containerd://"+containerID ||
		got.Status.ContainerStatuses[0].Image != "docker.io/library/nginx:1.27" {
		t.Errorf("pod status = %+v", got.Status)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
