package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/loki"
	"github.com/vigil-sec/vigil/e2e/loopback"
)

// lokiConfig is examples/loki.yaml's pipeline pointed at the test's Loki,
// with fast retries, a queue directory of the test's, a witness exporter
// that writes every alert to a file (to know when alerts have entered the
// pipeline), and the collector's own metrics on metricsPort.
func lokiConfig(lokiURL, queueDir, witness string, metricsPort int) string {
	return lokiConfigOnly(lokiURL, queueDir, witness, metricsPort, "")
}

// lokiConfigOnly is lokiConfig keeping only the alerts whose message holds
// marker (all when it is empty): the exporter's counters then count this
// test's alerts alone, whatever else runs on the machine.
func lokiConfigOnly(lokiURL, queueDir, witness string, metricsPort int, marker string) string {
	only, onlyProc := "", ""
	if marker != "" {
		only = fmt.Sprintf(`
  filter/only:
    error_mode: propagate
    logs:
      log_record:
        - 'not IsMatch(body, %q)'`, regexp.QuoteMeta(marker))
		onlyProc = ", filter/only"
	}
	return fmt.Sprintf(`
extensions:
  file_storage:
    directory: %s
    create_directory: true
receivers:
  syscall: {}
processors:
  resource_detection:
    detectors: [env]
  rules: {}%s
exporters:
  otlp_http/loki:
    endpoint: %s/otlp
    sending_queue:
      storage: file_storage
    retry_on_failure:
      initial_interval: 200ms
      max_interval: 1s
      max_elapsed_time: 0
  falcojson/witness:
    path: %s
    sending_queue:
      enabled: false
service:
  extensions: [file_storage]
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
      processors: [resource_detection, rules%s]
      exporters: [otlp_http/loki, falcojson/witness]
`, yamlQuote(queueDir), only, lokiURL, yamlQuote(witness), metricsPort, onlyProc)
}

// queryUntil polls Loki until want entries match the query or the timeout
// passes, and returns the last answer.
func queryUntil(t *testing.T, srv *loki.Server, query string, since time.Time, want int, timeout time.Duration) []loki.Entry {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		got, err := srv.QueryRange(ctx, query, since.Add(-time.Minute), time.Now().Add(time.Minute))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestAlertToLoki: the alert for a real `cat /etc/shadow` is queryable in
// a real Loki through /loki/api/v1/query_range, with its rule name and
// priority, after travelling through otlp_http to Loki's /otlp endpoint.
func TestAlertToLoki(t *testing.T) {
	requireRoot(t)
	lk := loki.Start(t)
	dir := t.TempDir()
	service := "vigil-e2e-" + randomHex(4)
	col := collector.Start(t,
		lokiConfig(lk.URL, filepath.Join(dir, "queue"), filepath.Join(dir, "witness.json"), loopback.FreePort(t)),
		"OTEL_RESOURCE_ATTRIBUTES=service.name="+service)

	since := time.Now()
	pid := readShadow(t)
	query := fmt.Sprintf(`{service_name=%q} | process_pid="%d"`, service, pid)
	got := queryUntil(t, lk, query, since, 1, time.Minute)
	if len(got) == 0 {
		t.Fatalf("no alert in Loki for %s\n%s", query, col.Tail(20))
	}
	time.Sleep(2 * time.Second)
	got = queryUntil(t, lk, query, since, 2, time.Second)
	if len(got) != 1 {
		t.Fatalf("Loki has %d entries for %s, want 1: %+v", len(got), query, got)
	}
	e := got[0]
	if e.Labels["security_rule_name"] != shadowRule {
		t.Errorf("security_rule_name = %q, want %q (labels %v)", e.Labels["security_rule_name"], shadowRule, e.Labels)
	}
	if e.Labels["severity_text"] != "Warning" {
		t.Errorf("severity_text = %q, want Warning (labels %v)", e.Labels["severity_text"], e.Labels)
	}
	host, _ := os.Hostname()
	if e.Labels["host_name"] != host {
		t.Errorf("host_name = %q, want %q", e.Labels["host_name"], host)
	}
	if !strings.HasPrefix(e.Line, "Sensitive file /etc/shadow opened for reading by cat ") {
		t.Errorf("line = %q", e.Line)
	}
}

// TestNoAlertLostAcrossRestarts: with Loki stopped, 100 alerts are caused;
// the collector is restarted; Loki comes back. Every alert arrives exactly
// once: the persistent sending queue (file_storage) kept them across the
// collector's restart, and nothing was sent twice.
func TestNoAlertLostAcrossRestarts(t *testing.T) {
	requireRoot(t)
	lk := loki.Start(t)
	dir := t.TempDir()
	witness := filepath.Join(dir, "witness.json")
	metricsPort := loopback.FreePort(t)
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	service := "vigil-e2e-" + randomHex(4)
	run := randomHex(4)
	marker := "/nonexistent/vigil-e2e-" + run + "-"
	// only this run's alerts go out: others' activity on the machine (other
	// tests' cat /etc/shadow) must not count in the exporter's metrics
	col := collector.Start(t, lokiConfigOnly(lk.URL, filepath.Join(dir, "queue"), witness, metricsPort, marker),
		"OTEL_RESOURCE_ATTRIBUTES=service.name="+service)

	lk.Stop(t)
	since := time.Now()
	const n = 100
	for i := range n {
		// The missing second file makes each command line unique; cat
		// reads /etc/shadow first.
		readShadow(t, fmt.Sprintf("%s%03d", marker, i))
	}
	// Wait until all n alerts have gone through the pipeline: the witness
	// exporter sits next to the Loki exporter, whose queue then holds them.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		data, _ := os.ReadFile(witness)
		if c := strings.Count(string(data), marker); c >= n {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("only %d of %d alerts reached the pipeline\n%s", c, n, col.Tail(20))
		}
	}
	time.Sleep(time.Second)
	if sent := scrapeMetric(t, metricsURL, "otelcol_exporter_sent_log_records", `exporter="otlp_http/loki"`); sent != 0 {
		t.Fatalf("%v records sent to Loki while it was down", sent)
	}

	col.Stop(t)
	col.Restart(t)
	lk.Restart(t)

	query := fmt.Sprintf(`{service_name=%q} |= %q`, service, marker)
	got := queryUntil(t, lk, query, since, n, 2*time.Minute)
	time.Sleep(3 * time.Second) // let any duplicate land too
	got = queryUntil(t, lk, query, since, n+1, time.Second)
	seen := map[string]int{}
	for _, e := range got {
		i := strings.Index(e.Line, marker)
		seen[e.Line[i:i+len(marker)+3]]++
	}
	for i := range n {
		m := fmt.Sprintf("%s%03d", marker, i)
		if seen[m] != 1 {
			t.Errorf("alert %s arrived %d times, want exactly once", m, seen[m])
		}
	}
	if len(got) != n {
		t.Errorf("Loki has %d alerts of this run, want %d", len(got), n)
	}
	// Loki would hide an exact duplicate (same stream, time and line), so
	// also count what the restarted collector sent: exactly the n alerts.
	if sent := scrapeMetric(t, metricsURL, "otelcol_exporter_sent_log_records", `exporter="otlp_http/loki"`); sent != n {
		t.Errorf("restarted collector sent %v records to Loki, want %d", sent, n)
	}
}
