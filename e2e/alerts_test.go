package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// TestAlertToOTLPSink: a real `cat /etc/shadow`, started by the test (not
// by a shell), yields exactly one alert from the default rules, exported
// over OTLP/gRPC to a receiver in the test, with the rule, severity, body,
// process attributes and host.name; the same alert is written as Falco JSON
// by the falcojson exporter.
func TestAlertToOTLPSink(t *testing.T) {
	requireRoot(t)
	sink := otlpsink.Start(t)
	falcoFile := filepath.Join(t.TempDir(), "alerts.json")
	col := collector.Start(t, fmt.Sprintf(`
receivers:
  syscall:
    syscalls: auto
processors:
  rules: {}
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
  falcojson:
    path: %s
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [syscall]
      processors: [rules]
      exporters: [otlp_grpc, falcojson]
`, sink.Endpoint, yamlQuote(falcoFile)))

	start := time.Now()
	pid := readShadow(t)
	got := sink.WaitFor(10*time.Second, 1, alertOf(pid))
	if len(got) == 0 {
		t.Fatalf("no alert for cat (pid %d) within 10s; arrived instead:\n%s\n%s", pid, describe(sink.Records(nil)), col.Tail(30))
	}
	t.Logf("alert arrived %v after cat started", time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second) // a duplicate would have arrived by now
	got = sink.Records(alertOf(pid))
	if len(got) != 1 {
		t.Fatalf("got %d alerts for cat (pid %d), want exactly 1", len(got), pid)
	}

	lr, res := got[0].Log, got[0].Resource
	attrs := lr.Attributes()
	if name := str(attrs, alert.RuleName); name != shadowRule {
		t.Errorf("rule = %q, want %q", name, shadowRule)
	}
	if lr.SeverityText() != "Warning" || lr.SeverityNumber() != plog.SeverityNumberWarn {
		t.Errorf("severity = %q/%d, want Warning/%d", lr.SeverityText(), lr.SeverityNumber(), plog.SeverityNumberWarn)
	}
	wantBody := "Sensitive file /etc/shadow opened for reading by cat (cmdline=cat /etc/shadow parent=e2e.test "
	if body := lr.Body().AsString(); !strings.HasPrefix(body, wantBody) {
		t.Errorf("body = %q, want it to start with %q", body, wantBody)
	}
	// The event's own attributes are copied to the alert; the process
	// context is on the resource, kept from the event.
	for key, want := range map[string]string{
		"file.path":      "/etc/shadow",
		alert.RuleSource: "syscall",
	} {
		if got := str(attrs, key); got != want {
			t.Errorf("attribute %s = %q, want %q", key, got, want)
		}
	}
	for key, want := range map[string]string{
		"process.executable.name": "cat",
		"process.executable.path": "/usr/bin/cat",
		"process.command_line":    "cat /etc/shadow",
		"process.parent_pid":      fmt.Sprint(os.Getpid()),
		"container.id":            "<absent>", // a host process
	} {
		if got := str(res.Attributes(), key); got != want {
			t.Errorf("resource %s = %q, want %q", key, got, want)
		}
	}
	host, _ := os.Hostname()
	if got := str(res.Attributes(), "host.name"); got != host {
		t.Errorf("resource host.name = %q, want %q", got, host)
	}
	if lr.Timestamp().AsTime().Before(start.Add(-time.Second)) || lr.Timestamp().AsTime().After(time.Now()) {
		t.Errorf("timestamp %v is not the event's time (cat ran at %v)", lr.Timestamp().AsTime(), start)
	}

	// The same alert as Falco JSON, acceptable to falcosidekick.
	var line string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		data, _ := os.ReadFile(falcoFile)
		for _, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, fmt.Sprintf(`"proc.pid":%d,`, pid)) || strings.Contains(l, fmt.Sprintf(`"proc.pid":%d}`, pid)) {
				line = l
			}
		}
		if line != "" {
			break
		}
	}
	if line == "" {
		t.Fatalf("no Falco JSON alert for pid %d in %s", pid, falcoFile)
	}
	var fa struct {
		Hostname, Output, Priority, Rule, Source, Time string
		OutputFields                                   map[string]any `json:"output_fields"`
	}
	if err := json.Unmarshal([]byte(line), &fa); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	if fa.Rule != shadowRule || fa.Priority != "Warning" || fa.Hostname != host || fa.Source != "syscall" ||
		fa.OutputFields["fd.name"] != "/etc/shadow" || fa.OutputFields["evt.time"] != float64(lr.Timestamp()) ||
		!strings.Contains(fa.Output, ": Warning "+wantBody) {
		t.Errorf("Falco JSON alert does not match the OTLP alert: %s", line)
	}
}
