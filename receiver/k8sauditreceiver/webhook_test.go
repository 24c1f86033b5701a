package k8sauditreceiver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/metadata"
)

// freeEndpoint reserves a free loopback port and releases it for the
// receiver to take.
func freeEndpoint(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startReceiver starts a receiver on a free port handing on to next and
// returns its webhook URL.
func startReceiver(t testing.TB, next consumer.Logs, mod func(*Config)) string {
	t.Helper()
	cfg := createDefaultConfig()
	cfg.NetAddr.Endpoint = freeEndpoint(t)
	if mod != nil {
		mod(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, next)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	scheme := "http"
	if cfg.TLS.HasValue() {
		scheme = "https"
	}
	return scheme + "://" + cfg.NetAddr.Endpoint + cfg.Path
}

func post(t *testing.T, url string, body []byte) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWebhookEmitsOneRecordPerEvent(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, sink, nil)
	code, msg, _ := post(t, url, readTestdata(t, "handmade-eventlist.json"))
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, msg)
	}
	if sink.LogRecordCount() != 2 {
		t.Fatalf("%d records, want 2", sink.LogRecordCount())
	}
	lrs := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	lr := lrs.At(0)
	if lr.EventName() != eventattr.EventNameK8sAudit {
		t.Errorf("event name %q", lr.EventName())
	}
	want := time.Date(2026, 12, 2, 7, 0, 0, 234567000, time.UTC)
	if got := lr.Timestamp().AsTime(); !got.Equal(want) {
		t.Errorf("timestamp %v, want stageTimestamp %v", got, want)
	}
	wantAttrs := map[string]any{
		eventattr.K8sAuditID:            "6b3c1a52-0d4e-4f5b-9a57-3c1f0e1d2a01",
		eventattr.K8sAuditStage:         "ResponseComplete",
		eventattr.K8sAuditVerb:          "create",
		eventattr.K8sAuditURI:           "/api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply",
		eventattr.K8sAuditUserName:      "admin",
		eventattr.K8sAuditUserGroups:    []any{"system:masters", "system:authenticated"},
		eventattr.K8sAuditResource:      "pods",
		eventattr.K8sAuditNamespace:     "default",
		eventattr.K8sAuditName:          "priv",
		eventattr.K8sAuditResponseCode:  int64(201),
		eventattr.K8sAuditAuthDecision:  "allow",
		eventattr.K8sAuditAuthReason:    "",
		eventattr.K8sAuditUserAgent:     "kubectl/v1.36.3",
		eventattr.K8sAuditSourceIPs:     []any{"127.0.0.1"},
		eventattr.K8sAuditReceivedNanos: time.Date(2026, 12, 2, 7, 0, 0, 123456000, time.UTC).UnixNano(),
	}
	got := lr.Attributes().AsRaw()
	js, _ := got[eventattr.K8sAuditEvent].(string)
	delete(got, eventattr.K8sAuditEvent)
	if fmt.Sprint(got) != fmt.Sprint(wantAttrs) {
		t.Errorf("attributes\n%v\nwant\n%v", got, wantAttrs)
	}
	if !strings.HasPrefix(js, `{"level":"RequestResponse","auditID":"6b3c1a52-0d4e-4f5b-9a57-3c1f0e1d2a01"`) || !strings.Contains(js, `"hostPath":{"path":"/etc"`) {
		t.Errorf("event JSON %.200s", js)
	}
	// Absent values are absent attributes, not empty ones.
	second := lrs.At(1).Attributes()
	for _, k := range []string{eventattr.K8sAuditUserGroups, eventattr.K8sAuditAuthDecision, eventattr.K8sAuditUserAgent, eventattr.K8sAuditReceivedNanos} {
		if _, ok := second.Get(k); ok {
			t.Errorf("second event has %s", k)
		}
	}
	if v, _ := second.Get(eventattr.K8sAuditSubresource); v.Str() != "exec" {
		t.Errorf("subresource %q", v.Str())
	}
}

func TestWebhookAcceptsASingleEvent(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, sink, nil)
	ev := `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a","stage":"ResponseComplete","verb":"get","requestURI":"/api","stageTimestamp":"2026-12-02T07:00:01Z"}`
	if code, msg, _ := post(t, url, []byte(ev)); code != http.StatusOK || sink.LogRecordCount() != 1 {
		t.Fatalf("status %d (%s), %d records", code, msg, sink.LogRecordCount())
	}
}

func TestWebhookRefusesBadBodies(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, sink, func(c *Config) { c.MaxRequestBodySize = 4096 })
	good := string(readTestdata(t, "handmade-eventlist.json"))
	item := `{"auditID":"x","stage":"ResponseComplete","stageTimestamp":"2026-12-02T07:00:01Z"}`
	tests := []struct {
		name, body string
		code       int
		msg        string
	}{
		{"malformed", `{"kind":"EventList",`, 400, "malformed JSON"},
		{"truncated", good[:len(good)/2], 400, "malformed JSON"},
		{"not an object", `[1,2]`, 400, "expected a JSON object, got array"},
		{"wrong apiVersion", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1beta1","items":[]}`, 400, `apiVersion "audit.k8s.io/v1beta1": expected "audit.k8s.io/v1"`},
		{"no apiVersion", `{"kind":"EventList","items":[]}`, 400, "apiVersion: missing"},
		{"wrong kind", `{"kind":"PodList","apiVersion":"audit.k8s.io/v1","items":[]}`, 400, `kind "PodList": expected Event or EventList`},
		{"item of wrong kind", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + item + `,{"kind":"Pod","apiVersion":"audit.k8s.io/v1"}]}`, 400, `items[1]: kind "Pod": expected "Event"`},
		{"item without stage time", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"auditID":"x","stage":"ResponseComplete"}]}`, 400, "items[0]: stageTimestamp: missing"},
		{"item with a bad time", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"stage":"ResponseComplete","stageTimestamp":"yesterday"}]}`, 400, `items[0]: stageTimestamp: "yesterday" is not an RFC 3339 time`},
		{"item with a mistyped field", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + item + `,{"stage":"ResponseComplete","stageTimestamp":"2026-12-02T07:00:01Z","user":{"username":7}}]}`, 400, "items[1]: user.username: expected a string, got number"},
		{"items not an array", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":{}}`, 400, "items: expected an array, got object"},
		{"too large", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + strings.Repeat(item+",", 60) + item + `]}`, 413, "body larger than max_request_body_size (4096 bytes)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, msg, _ := post(t, url, []byte(tc.body))
			if code != tc.code || !strings.Contains(msg, tc.msg) {
				t.Errorf("got %d %q, want %d containing %q", code, msg, tc.code, tc.msg)
			}
		})
	}
	if n := sink.LogRecordCount(); n != 0 {
		t.Errorf("%d records from refused bodies; a refused batch must emit nothing", n)
	}
	// The receiver still works after all that.
	if code, msg, _ := post(t, url, []byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[`+item+`]}`)); code != 200 || sink.LogRecordCount() != 1 {
		t.Errorf("after refusals: %d %q, %d records", code, msg, sink.LogRecordCount())
	}
}

func TestWebhookOnlyPost(t *testing.T) {
	url := startReceiver(t, new(consumertest.LogsSink), nil)
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// refusing fails the first n batches as a memory limiter or a full
// sending queue would, then accepts.
type refusing struct {
	consumertest.LogsSink
	n         int
	permanent bool
}

func (r *refusing) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if r.n > 0 {
		r.n--
		err := errors.New("data refused due to high memory usage")
		if r.permanent {
			return consumererror.NewPermanent(err)
		}
		return err
	}
	return r.LogsSink.ConsumeLogs(ctx, ld)
}

// Back-pressure: a refused batch is answered 429 with Retry-After, so the
// apiserver's webhook backend sends it again, and nothing is emitted twice.
func TestWebhookBackPressure(t *testing.T) {
	next := &refusing{n: 2}
	url := startReceiver(t, next, nil)
	body := readTestdata(t, "handmade-eventlist.json")
	for i := 0; i < 2; i++ {
		code, msg, h := post(t, url, body)
		if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(msg, "high memory usage") {
			t.Fatalf("attempt %d: %d %q Retry-After %q", i, code, msg, h.Get("Retry-After"))
		}
	}
	if code, _, _ := post(t, url, body); code != http.StatusOK {
		t.Fatalf("retry: %d", code)
	}
	if n := next.LogRecordCount(); n != 2 {
		t.Errorf("%d records after two refusals and one success, want 2", n)
	}

	perm := &refusing{n: 1, permanent: true}
	url = startReceiver(t, perm, nil)
	if code, _, _ := post(t, url, body); code != http.StatusBadRequest {
		t.Errorf("permanent refusal: %d, want 400", code)
	}
}

func TestRecordAttributesAreCopies(t *testing.T) {
	// The decoder reuses its memory: attributes of a batch must survive
	// the next batch.
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, sink, nil)
	mk := func(user string) []byte {
		return []byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"stage":"ResponseComplete","verb":"get","user":{"username":"` +
			user + `","groups":["g-` + user + `"]},"stageTimestamp":"2026-12-02T07:00:01Z"}]}`)
	}
	post(t, url, mk("first-user"))
	post(t, url, mk("other-name"))
	get := func(i int, k string) pcommon.Value {
		v, _ := sink.AllLogs()[i].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(k)
		return v
	}
	if u := get(0, eventattr.K8sAuditUserName).Str(); u != "first-user" {
		t.Errorf("first record's user became %q", u)
	}
	if g := get(0, eventattr.K8sAuditUserGroups).Slice().At(0).Str(); g != "g-first-user" {
		t.Errorf("first record's group became %q", g)
	}
}
