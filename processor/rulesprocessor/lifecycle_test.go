package rulesprocessor

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/processor/rulesprocessor/internal/metadatatest"
)

func TestSyscallSetPublishedAndWithdrawn(t *testing.T) {
	tt := componenttest.NewTelemetry()
	set := metadatatest.NewSettings(tt)
	set.ID = component.NewIDWithName(component.MustNewType("rules"), "publish")
	owner := set.ID.String()
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), set, shadowConfig(t), sink)
	require.NoError(t, err)
	published := captureplan.Default.Current().Published
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	plan := captureplan.Default.Current()
	require.True(t, plan.Published)
	assert.Subset(t, plan.Syscalls, []string{"open", "openat"})
	require.NotNil(t, plan.Discards, "the plan carries the rules' discard oracle")
	assert.False(t, plan.Discards("openat", "/etc/shadow", 0), "the rules read /etc/shadow: never discarded")
	assert.False(t, plan.Discards("openat", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0), "a rule matches every openat")
	assert.True(t, plan.Discards("open", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0), "no rule matches an open of libc")
	require.NoError(t, p.Shutdown(context.Background()))
	stillPublished := captureplan.Default.Current().Published
	assert.Equal(t, published, stillPublished, "shutdown withdraws %s's set", owner)
}

func TestReload(t *testing.T) {
	dir := t.TempDir()
	rule := func(output, evtType string) string {
		return "- rule: Reloaded\n  desc: d\n  condition: evt.type = " + evtType + "\n  output: " + output + "\n  priority: NOTICE\n"
	}
	path := writeFile(t, dir, "r.yaml", rule("version one", "openat"))
	core, logs := observer.New(zapcore.InfoLevel)
	tt := componenttest.NewTelemetry()
	set := metadatatest.NewSettings(tt)
	set.ID = component.NewIDWithName(component.MustNewType("rules"), "reload")
	set.Logger = zap.New(core)
	cfg := createDefaultConfig()
	cfg.Files = []string{dir}
	cfg.SuggestedOutput = false
	cfg.ReloadInterval = 20 * time.Millisecond
	p, sink := newTestProcessorWith(t, cfg, set)

	body := func(evtType string) string {
		sink.Reset()
		ev := catShadow()
		ev["vigil.evt.type"] = evtType
		ld := plog.NewLogs()
		appendEvent(ld, ev, eventTime)
		require.NoError(t, p.ConsumeLogs(context.Background(), ld))
		if got := alerts(sink); len(got) == 1 {
			return got[0].Body().Str()
		}
		return ""
	}
	require.Equal(t, "version one", body("openat"))

	require.NoError(t, os.WriteFile(path, []byte(rule("version two, longer", "connect")), 0o644))
	require.Eventually(t, func() bool { return body("connect") == "version two, longer" }, 5*time.Second, 10*time.Millisecond)
	assert.Empty(t, body("openat"))
	union := captureplan.Default.Current().Syscalls
	assert.True(t, slices.Contains(union, "connect"), "the new rules' syscalls are republished: %v", union)

	// A broken file is reported and the rules in force stay.
	require.NoError(t, os.WriteFile(path, []byte("- rule: Reloaded\n  desc: d\n  condition: evt.type =\n  output: x\n  priority: NOTICE\n"), 0o644))
	require.Eventually(t, func() bool {
		return logs.FilterMessage("reloading rules failed; the previous rules stay in force").Len() > 0
	}, 5*time.Second, 10*time.Millisecond)
	errLog := logs.FilterMessage("reloading rules failed; the previous rules stay in force").All()[0]
	assert.Contains(t, errLog.ContextMap()["error"], path+":3:")
	assert.Equal(t, "version two, longer", body("connect"))

	// A new file dropped into the directory is loaded too.
	writeFile(t, dir, "r.yaml", rule("version three", "connect"))
	writeFile(t, dir, "s.yaml", "- rule: Second\n  desc: d\n  condition: evt.type = connect\n  output: second\n  priority: NOTICE\n")
	require.Eventually(t, func() bool { return body("connect") == "version three" }, 5*time.Second, 10*time.Millisecond,
		"last body %q; logs: %v", body("connect"), logMessages(logs))

	metadatatest.AssertEqualProcessorRulesReloads(t, tt, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("result", "success")), Value: 2},
		{Attributes: attribute.NewSet(attribute.String("result", "failure")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreValue())
}

func TestTelemetry(t *testing.T) {
	tt := componenttest.NewTelemetry()
	cfg := shadowConfig(t)
	cfg.RuleMatching = MatchAll
	p, _ := newTestProcessorWith(t, cfg, metadatatest.NewSettings(tt))
	ld := plog.NewLogs()
	appendEvent(ld, catShadow(), eventTime)
	appendEvent(ld, catShadow(), eventTime)
	quiet := catShadow()
	quiet["vigil.evt.type"] = "close"
	appendEvent(ld, quiet, eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))

	metadatatest.AssertEqualProcessorRulesEventsEvaluated(t, tt,
		[]metricdata.DataPoint[int64]{{Value: 3}}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorRulesAlerts(t, tt, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("rule", "Shadow read"), attribute.String("priority", "Warning")), Value: 2},
		{Attributes: attribute.NewSet(attribute.String("rule", "Any openat"), attribute.String("priority", "Debug")), Value: 2},
	}, metricdatatest.IgnoreTimestamp())
}

const policyShadow = `
package vigil.custom.shadow

import rego.v1

alerts contains a if {
	input.fields["fd.name"] == "/etc/shadow"
	input.fields["proc.aname[1]"] == "vigil-e2e"
	a := {
		"rule": "Shadow read by the test harness",
		"priority": "critical",
		"output": sprintf("%s read %s", [input.fields["proc.name"], input.fields["fd.name"]]),
		"desc": "from a Rego policy",
		"tags": ["rego", "custom"],
		"output_fields": {"proc.name": input.fields["proc.name"], "user.uid": input.fields["user.uid"]},
	}
}
`

func TestRegoFilesPolicies(t *testing.T) {
	cfg := shadowConfig(t)
	cfg.RegoFiles = []string{writeFile(t, t.TempDir(), "shadow.rego", policyShadow)}
	p, sink := newTestProcessor(t, cfg)
	ld := plog.NewLogs()
	appendEvent(ld, catShadow(), eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := alerts(sink)
	require.Equal(t, []string{"Shadow read", "Shadow read by the test harness"}, ruleNames(got))
	a := got[1]
	assert.Equal(t, "Critical", a.SeverityText())
	assert.Equal(t, plog.SeverityNumber(18), a.SeverityNumber())
	assert.Equal(t, "cat read /etc/shadow", a.Body().Str())
	at := a.Attributes().AsRaw()
	assert.Equal(t, "shadow.rego", at[alert.RulesetName])
	assert.Equal(t, "from a Rego policy", at[alert.RuleDescription])
	assert.Equal(t, []any{"custom", "rego"}, at[alert.RuleTags])
	assert.Equal(t, map[string]any{"proc.name": "cat", "user.uid": int64(0)}, at[alert.OutputFields])
	assert.Equal(t, "/etc/shadow", at["file.path"])
}

func TestRegoFilesEvaluationErrorIsCounted(t *testing.T) {
	tt := componenttest.NewTelemetry()
	cfg := shadowConfig(t)
	cfg.RegoFiles = []string{writeFile(t, t.TempDir(), "broken.rego", `
package vigil.custom.broken

import rego.v1

alerts contains {"rule": "no priority"} if input.fields["fd.name"] == "/etc/shadow"
`)}
	p, sink := newTestProcessorWith(t, cfg, metadatatest.NewSettings(tt))
	ld := plog.NewLogs()
	appendEvent(ld, catShadow(), eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	assert.Equal(t, []string{"Shadow read"}, ruleNames(alerts(sink)), "the Falco rule's alert is still emitted")
	metadatatest.AssertEqualProcessorRulesEvaluationErrors(t, tt, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("engine", "rego_files")), Value: 1},
	}, metricdatatest.IgnoreTimestamp())
}

func TestInvalidRegoFileRefusesToStart(t *testing.T) {
	cfg := shadowConfig(t)
	bad := writeFile(t, t.TempDir(), "bad.rego", "package x\n\nalerts contains 1 if {\n")
	cfg.RegoFiles = []string{bad}
	_, err := NewFactory().CreateLogs(context.Background(), metadatatest.NewSettings(componenttest.NewTelemetry()), cfg, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+":")

	cfg.RegoFiles = []string{writeFile(t, t.TempDir(), "noalerts.rego", "package y\n\nfoo := 1\n")}
	_, err = NewFactory().CreateLogs(context.Background(), metadatatest.NewSettings(componenttest.NewTelemetry()), cfg, nil)
	require.ErrorContains(t, err, "defines no rule named alerts")
}

func logMessages(o *observer.ObservedLogs) []string {
	var out []string
	for _, e := range o.All() {
		out = append(out, e.Message+" "+fmt.Sprint(e.ContextMap()["error"]))
	}
	return out
}

// A rule that reads a file's path on fchmod would see a discarded open's
// fd named from /proc: the processor publishes no discard oracle, which
// turns discarding off for every publisher.
func TestNoDiscardsWhileRuleReadsFDPath(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Files = []string{writeFile(t, t.TempDir(), "fd.yaml", `
- rule: Secret opened
  desc: d
  condition: evt.type = openat and fd.name startswith /srv/secret
  output: o
  priority: WARNING
- rule: Secret chmod
  desc: d
  condition: evt.type = fchmod and fd.name startswith /srv/secret
  output: o
  priority: WARNING
`)}
	set := metadatatest.NewSettings(componenttest.NewTelemetry())
	set.ID = component.NewIDWithName(component.MustNewType("rules"), "fdpath")
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, new(consumertest.LogsSink))
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	plan := captureplan.Default.Current()
	require.True(t, plan.Published)
	assert.Contains(t, plan.Syscalls, "fchmod")
	assert.Nil(t, plan.Discards, "an fchmod rule reads fd.name: nothing may be discarded")
}
