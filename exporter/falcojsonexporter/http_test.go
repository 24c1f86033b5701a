package falcojsonexporter

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/metadatatest"
)

type testExporter struct {
	exporter.Logs
	tel     *componenttest.Telemetry
	logs    *observer.ObservedLogs
	stopped bool
}

// Shutdown shuts the exporter down once; the test's cleanup skips it then.
func (e *testExporter) Shutdown(ctx context.Context) error {
	e.stopped = true
	return e.Logs.Shutdown(ctx)
}

// startExporter creates and starts a falcojson exporter through its
// factory, with fast retries. Without withQueue, ConsumeLogs returns only
// after delivery or a final error, so tests can check the outcome directly.
func startExporter(t *testing.T, withQueue bool, mutate func(*Config)) *testExporter {
	t.Helper()
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.RetryConfig.InitialInterval = 5 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 20 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = 20 * time.Second
	if !withQueue {
		cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	}
	mutate(cfg)
	require.NoError(t, cfg.Validate())

	tel := componenttest.NewTelemetry()
	core, logs := observer.New(zapcore.InfoLevel)
	set := metadatatest.NewSettings(tel)
	set.Logger = zap.New(core)
	exp, err := NewFactory().CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	te := &testExporter{Logs: exp, tel: tel, logs: logs}
	t.Cleanup(func() {
		if !te.stopped {
			assert.NoError(t, exp.Shutdown(context.Background()))
		}
		assert.NoError(t, tel.Shutdown(context.Background()))
	})
	return te
}

func sum(v int64) []metricdata.DataPoint[int64] {
	return []metricdata.DataPoint[int64]{{Value: v}}
}

// falcoAlert is the part of a delivered alert the tests look at.
type falcoAlert struct {
	Hostname string   `json:"hostname"`
	Output   string   `json:"output"`
	Priority string   `json:"priority"`
	Rule     string   `json:"rule"`
	Source   string   `json:"source"`
	Tags     []string `json:"tags"`
	Time     string   `json:"time"`
}

func decodeAlert(t *testing.T, body []byte) falcoAlert {
	t.Helper()
	var a falcoAlert
	require.NoError(t, json.Unmarshal(body, &a), "%s", body)
	return a
}

func rules(t *testing.T, bodies [][]byte) []string {
	var out []string
	for _, b := range bodies {
		out = append(out, decodeAlert(t, b).Rule)
	}
	return out
}

// TestHTTPSidekickAcceptsAlerts: every alert is POSTed on its own, as
// application/json, and falcosidekick's input rules accept each one; the
// event records in the same batch are skipped and counted.
func TestHTTPSidekickAcceptsAlerts(t *testing.T) {
	sk := newSidekick(t)
	exp := startExporter(t, false, func(c *Config) {
		c.ClientConfig.Endpoint = sk.URL + "/"
		c.ClientConfig.Headers.Set("X-Api-Key", configopaque.String("s3cret"))
	})

	ld := plog.NewLogs()
	eventRecord(ld)
	var want []string
	for _, a := range builtAlerts() {
		a.appendTo(ld)
		want = append(want, a.rule)
	}
	eventRecord(ld)
	batches := append([]plog.Logs{ld}, extraAlerts(t)...)
	for _, extra := range batches[1:] {
		eachAlert(extra, func(_ int, _ pcommon.Resource, lr plog.LogRecord) bool {
			want = append(want, lr.Attributes().AsRaw()[alert.RuleName].(string))
			return true
		})
	}
	for _, b := range batches {
		require.NoError(t, exp.ConsumeLogs(context.Background(), b))
	}

	st := sk.stats()
	assert.Empty(t, st.rejected, "falcosidekick's input rules rejected alerts")
	assert.Equal(t, want, rules(t, st.accepted), "one request per alert, in order")
	assert.Equal(t, len(want), st.requests)
	for i, ct := range st.ctypes {
		assert.Equal(t, "application/json", ct, "request %d", i)
		assert.Equal(t, "s3cret", st.headers[i].Get("X-Api-Key"), "configured header, request %d", i)
	}
	first := decodeAlert(t, st.accepted[0])
	assert.Equal(t, "node-1", first.Hostname)
	assert.Equal(t, "Warning", first.Priority)
	assert.Equal(t, "2026-03-04T05:06:07.890123456Z", first.Time)
	assert.True(t, strings.HasSuffix(first.Output, ": Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=sshd ggparent=systemd gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=0 process=cat proc_exepath=/usr/bin/cat parent=sudo command=cat /etc/shadow terminal=34817 container_id=host container_name=host"), first.Output)
	assert.Equal(t, []string{"T1555", "container", "filesystem", "host", "maturity_stable", "mitre_credential_access"}, first.Tags)
	var raw struct {
		OutputFields map[string]any `json:"output_fields"`
	}
	require.NoError(t, json.Unmarshal(st.accepted[0], &raw))
	assert.Nil(t, raw.OutputFields["proc.aname[4]"], "unavailable field is null")
	assert.Contains(t, raw.OutputFields, "proc.aname[4]")
	assert.Equal(t, float64(alertTime.UnixNano()), raw.OutputFields["evt.time"])
	assert.Equal(t, float64(34817), raw.OutputFields["proc.tty"])

	metadatatest.AssertEqualFalcojsonRecordsSkipped(t, exp.tel, sum(2), metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// TestHTTPMalformedAlertRejected: alerts falcosidekick refuses (400) are
// logged with their rule name, counted, and dropped after one attempt,
// while the good alerts around them are delivered. It runs with the
// sending queue, where a retried alert would show up as more requests.
func TestHTTPMalformedAlertRejected(t *testing.T) {
	sk := newSidekick(t)
	exp := startExporter(t, true, func(c *Config) { c.ClientConfig.Endpoint = sk.URL })

	good := builtAlerts()
	ld := plog.NewLogs()
	good[0].appendTo(ld)
	badPriority := good[1]
	badPriority.rule = "Rule with an unknown priority"
	badPriority.appendTo(ld)
	lr := ld.ResourceLogs().At(1).ScopeLogs().At(0).LogRecords().At(0)
	lr.SetSeverityText("Urgent")
	lr.SetSeverityNumber(0)
	noRule := good[2]
	noRule.rule = ""
	noRule.appendTo(ld)
	good[3].appendTo(ld)

	require.NoError(t, exp.ConsumeLogs(context.Background(), ld)) // queued
	require.Eventually(t, func() bool { return sk.stats().requests >= 4 }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // room for many retries at 5-20ms, were there any

	st := sk.stats()
	assert.Equal(t, 4, st.requests, "a rejected alert must not be retried")
	assert.Equal(t, []string{good[0].rule, good[3].rule}, rules(t, st.accepted))
	assert.Equal(t, []string{badPriority.rule, ""}, rules(t, st.rejected))

	entries := exp.logs.FilterMessage("The endpoint rejected an alert; it is dropped, not retried").All()
	require.Len(t, entries, 2)
	assert.Equal(t, badPriority.rule, entries[0].ContextMap()["rule"])
	assert.Contains(t, entries[0].ContextMap()["error"], "400 Bad Request")
	metadatatest.AssertEqualFalcojsonAlertsRejected(t, exp.tel, sum(2), metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// TestHTTPMalformedAlertPermanentError: without a queue the caller sees a
// permanent error that names the rule, so the pipeline does not retry it.
func TestHTTPMalformedAlertPermanentError(t *testing.T) {
	sk := newSidekick(t)
	// Without output fields falcosidekick refuses every alert: the
	// json_include_output_fields_property setting is for other consumers.
	exp := startExporter(t, false, func(c *Config) {
		c.ClientConfig.Endpoint = sk.URL
		c.JSONIncludeOutputFieldsProperty = false
	})
	ld := plog.NewLogs()
	builtAlerts()[0].appendTo(ld)
	err := exp.ConsumeLogs(context.Background(), ld)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err), "%v", err)
	assert.Contains(t, err.Error(), `alert of rule "Read sensitive file untrusted"`)
	assert.Equal(t, 1, sk.stats().requests)
}

// TestHTTPRetry: 5xx, 408, 429 and connection failures are retried, and
// each alert arrives exactly once: a retry resends only the alerts not yet
// delivered.
func TestHTTPRetry(t *testing.T) {
	alerts := builtAlerts()
	for _, tt := range []struct {
		name     string
		n        int   // alerts in the batch
		script   []int // answers per request (0: judge)
		requests int
	}{
		{"503 twice then 200", 1, []int{503, 503}, 3},
		{"second alert fails twice", 3, []int{0, 503, 503}, 5},
		{"500 502 504", 2, []int{500, 0, 502, 504}, 5},
		{"408 and 429", 1, []int{408, 429}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sk := newSidekick(t)
			sk.answer(tt.script...)
			exp := startExporter(t, false, func(c *Config) { c.ClientConfig.Endpoint = sk.URL })
			ld := plog.NewLogs()
			var want []string
			for _, a := range alerts[:tt.n] {
				a.appendTo(ld)
				want = append(want, a.rule)
			}
			require.NoError(t, exp.ConsumeLogs(context.Background(), ld))
			st := sk.stats()
			assert.Equal(t, want, rules(t, st.accepted), "each alert exactly once, in order")
			assert.Equal(t, tt.requests, st.requests)
			assert.Empty(t, st.rejected)
		})
	}

	t.Run("with the sending queue", func(t *testing.T) {
		sk := newSidekick(t)
		sk.answer(503, 503)
		exp := startExporter(t, true, func(c *Config) { c.ClientConfig.Endpoint = sk.URL })
		ld := plog.NewLogs()
		alerts[0].appendTo(ld)
		require.NoError(t, exp.ConsumeLogs(context.Background(), ld))
		require.Eventually(t, func() bool { return len(sk.stats().accepted) == 1 }, 10*time.Second, 10*time.Millisecond)
		time.Sleep(200 * time.Millisecond)
		assert.Equal(t, 3, sk.stats().requests)
	})

	t.Run("connection refused until the server starts", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close()) // nothing listens there now

		exp := startExporter(t, false, func(c *Config) { c.ClientConfig.Endpoint = "http://" + addr + "/" })
		ld := plog.NewLogs()
		alerts[0].appendTo(ld)
		done := make(chan error, 1)
		go func() { done <- exp.ConsumeLogs(context.Background(), ld) }()

		time.Sleep(100 * time.Millisecond) // several refused attempts
		sk := &sidekick{}
		srv := httptest.NewUnstartedServer(http.HandlerFunc(sk.handle))
		srv.Listener.Close()
		srv.Listener, err = net.Listen("tcp", addr)
		require.NoError(t, err)
		srv.Start()
		t.Cleanup(srv.Close)

		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Fatal("alert not delivered after the server came up")
		}
		assert.Equal(t, []string{alerts[0].rule}, rules(t, sk.stats().accepted))
		assert.Equal(t, 1, sk.stats().requests)
	})
}

func TestRetryAfter(t *testing.T) {
	d, ok := retryAfter("7")
	assert.True(t, ok)
	assert.Equal(t, 7*time.Second, d)
	_, ok = retryAfter("")
	assert.False(t, ok)
	_, ok = retryAfter("soon")
	assert.False(t, ok)
	d, ok = retryAfter(time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
	assert.True(t, ok)
	assert.Equal(t, time.Duration(0), d)
}
