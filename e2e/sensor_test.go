package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/e2e/collector"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// TestSensorTruthInTheShippedBinary: bin/vigil with the syscall receiver
// and a rules file
//   - warns at start about a rule reading a field nothing writes, naming
//     the rule, field and file;
//   - raises a rule on fd.sip.name when a process connects to the address
//     a host name the rule mentions resolves to (an /etc/hosts entry on a
//     loopback address);
//   - with a 4 KiB ring under a storm (a second collector), raises the
//     drop alert.
func TestSensorTruthInTheShippedBinary(t *testing.T) {
	requireRoot(t)
	const host, ip = "vigil-e2e-sensor.invalid", "127.0.0.78"
	hostsLine := ip + " " + host
	addHosts(t, hostsLine)
	rulesFile := filepath.Join(t.TempDir(), "sensor_rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(`
- rule: Connect to named e2e host
  desc: a connect to the host the e2e test names
  condition: evt.type = connect and fd.sip.name = `+host+`
  output: connect to %fd.sip.name (%fd.sip) by %proc.name
  priority: WARNING
- rule: Reads an I/O buffer
  desc: evt.buffer is never written by the syscall receiver
  condition: evt.type = write and evt.buffer contains secret
  output: buffer %evt.buffer
  priority: WARNING
`), 0o644); err != nil {
		t.Fatal(err)
	}
	sink := otlpsink.Start(t)
	col := collector.Start(t, fmt.Sprintf(`
receivers:
  syscall:
    syscalls: auto
processors:
  rules:
    files: [%s]
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
      processors: [rules]
      exporters: [otlp_grpc]
`, yamlQuote(rulesFile), sink.Endpoint))

	log := col.Log()
	if !strings.Contains(log, "rule reads a field that no receiver in this collector writes") ||
		!strings.Contains(log, `"rule": "Reads an I/O buffer"`) || !strings.Contains(log, `"field": "evt.buffer"`) {
		t.Errorf("no dead-rule warning for evt.buffer in the collector's log:\n%s", col.Tail(40))
	}
	if strings.Contains(log, `"rule": "Connect to named e2e host"`) {
		t.Errorf("the fd.sip.name rule is reported dead:\n%s", col.Tail(40))
	}

	time.Sleep(500 * time.Millisecond) // the receiver's first resolution round
	cmd := exec.Command("python3", "-c", fmt.Sprintf(`
import socket
s = socket.socket()
s.settimeout(1)
try:
    s.connect(("%s", 9))
except OSError:
    pass
`, ip))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python3: %v: %s", err, out)
	}
	got := sink.WaitFor(10*time.Second, 1, func(r otlpsink.Record) bool {
		return str(r.Log.Attributes(), alert.RuleName) == "Connect to named e2e host"
	})
	if len(got) == 0 {
		t.Errorf("no alert for a connect to %s (%s):\n%s", host, ip, col.Tail(30))
	} else if body := got[0].Log.Body().AsString(); !strings.Contains(body, "connect to "+host+" ("+ip+")") {
		t.Errorf("alert body %q", body)
	}

	col.Stop(t)

	// a second collector with a ring too small for a storm of opens
	drops := otlpsink.Start(t)
	small := collector.Start(t, fmt.Sprintf(`
receivers:
  syscall:
    syscalls: auto
    ring_buffer_size: 4096
    poll_interval: 300ms
    drop_alerts:
      priority: warning
processors:
  rules: {}
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
      processors: [rules]
      exporters: [otlp_grpc]
`, drops.Endpoint))
	storm := exec.Command("sh", "-c", `f=$(mktemp); i=0; while [ $i -lt 20000 ]; do : > "$f"; i=$((i+1)); done; rm -f "$f"`)
	if out, err := storm.CombinedOutput(); err != nil {
		t.Fatalf("storm: %v: %s", err, out)
	}
	got = drops.WaitFor(10*time.Second, 1, func(r otlpsink.Record) bool {
		return str(r.Log.Attributes(), alert.RuleName) == "Vigil internal: syscall event drop"
	})
	if len(got) == 0 {
		t.Errorf("no drop alert with a 4 KiB ring under a storm:\n%s", small.Tail(30))
	} else if got[0].Log.SeverityText() != "Warning" {
		t.Errorf("drop alert severity %q, want the configured Warning", got[0].Log.SeverityText())
	}
}

// addHosts appends line to /etc/hosts until the test ends.
func addHosts(t *testing.T, line string) {
	t.Helper()
	f, err := os.OpenFile("/etc/hosts", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n" + line + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Cleanup(func() {
		cur, err := os.ReadFile("/etc/hosts")
		if err != nil {
			t.Error(err)
			return
		}
		if err := os.WriteFile("/etc/hosts", []byte(strings.Replace(string(cur), "\n"+line+"\n", "", 1)), 0o644); err != nil {
			t.Error(err)
		}
	})
}
