package k8sauditreceiver

// Receiver and rules processor together, as the distribution runs them:
// audit events posted to the webhook become records, which the processor
// evaluates against k8s_audit rules. The receiver itself imports only the
// attribute contract; these tests bring in the processor.

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/processor/rulesprocessor"
)

// upstreamAuditRules is Falco's k8s audit rules file in ../shared.
func upstreamAuditRules(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "falco-rules", "k8s_audit_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("upstream rules: %v", err)
	}
	return p
}

// newRulesProcessor builds the rules processor over files, handing alerts
// to next.
func newRulesProcessor(t testing.TB, next consumer.Logs, matchAll bool, files ...string) consumer.Logs {
	t.Helper()
	f := rulesprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*rulesprocessor.Config)
	cfg.Files = files
	cfg.ReloadInterval = 0
	if matchAll {
		cfg.RuleMatching = rulesprocessor.MatchAll
	}
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, next)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

// alertsByRule collects the alerts of a sink: rule name to output fields of
// each alert.
func alertsByRule(sink *consumertest.LogsSink) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, ld := range sink.AllLogs() {
		forEachRecord(ld, func(lr plog.LogRecord) {
			if lr.EventName() != alert.EventName {
				return
			}
			a := lr.Attributes()
			name, _ := a.Get(alert.RuleName)
			of, _ := a.Get(alert.OutputFields)
			m := of.Map().AsRaw()
			m["$output"] = lr.Body().Str()
			src, _ := a.Get(alert.RuleSource)
			m["$source"] = src.Str()
			out[name.Str()] = append(out[name.Str()], m)
		})
	}
	return out
}

func forEachRecord(ld plog.Logs, fn func(plog.LogRecord)) {
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				fn(lrs.At(k))
			}
		}
	}
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The upstream rules fire on the handmade privileged, host-network pod and
// on the exec into it, with the k8s_audit source and the event's fields in
// their output; syscall rules loaded alongside never see audit records.
func TestUpstreamRulesOnAuditRecords(t *testing.T) {
	sink := new(consumertest.LogsSink)
	syscallRule := writeFile(t, "syscall.yaml", `- rule: any syscall
  desc: matches every syscall event, must never see audit records
  condition: evt.num >= 0 or not evt.num exists
  output: syscall %evt.type
  priority: info
`)
	proc := newRulesProcessor(t, sink, true, upstreamAuditRules(t), syscallRule)
	url := startReceiver(t, proc, nil)
	if code, msg, _ := post(t, url, readTestdata(t, "handmade-eventlist.json")); code != 200 {
		t.Fatalf("%d %s", code, msg)
	}
	got := alertsByRule(sink)
	if len(got["any syscall"]) != 0 {
		t.Errorf("a syscall rule fired on an audit record: %v", got["any syscall"])
	}
	for _, name := range []string{"Create Privileged Pod", "Create HostNetwork Pod", "Create Sensitive Mount Pod", "Attach/Exec Pod"} {
		if len(got[name]) != 1 {
			t.Errorf("%s: %d alerts, want 1 (all: %v)", name, len(got[name]), keysOf(got))
			continue
		}
		a := got[name][0]
		if a["$source"] != "k8s_audit" {
			t.Errorf("%s: source %v", name, a["$source"])
		}
		if name == "Create Privileged Pod" && (a["ka.user.name"] != "admin" || a["ka.target.namespace"] != "default" || a["ka.resp.name"] != "priv") {
			t.Errorf("%s: output fields %v", name, a)
		}
		if name == "Attach/Exec Pod" && a["ka.uri.param[command]"] != "sh" {
			t.Errorf("%s: output fields %v", name, a)
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
