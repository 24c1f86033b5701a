package rulesprocessor

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/internal/eventgen"
	"github.com/vigil-sec/vigil/rules"
)

// upstreamRules returns the path of an upstream Falco rules file in
// ../shared next to the repository.
func upstreamRules(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		require.NotEqual(t, dir, filepath.Dir(dir), "repository root not found")
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, "..", "shared", "falco-rules", name)
	_, err = os.Stat(p)
	require.NoError(t, err, "the upstream rules are needed")
	return p
}

// stableEvents synthesises, for each rule of the upstream stable file, one
// event the native engine says matches it.
func stableEvents(t testing.TB) (map[string]*eventgen.Event, []string) {
	t.Helper()
	rs, err := rules.LoadFiles(rules.Options{}, upstreamRules(t, "falco_rules.yaml"))
	require.NoError(t, err)
	gen := eventgen.New(4)
	out := map[string]*eventgen.Event{}
	var order []string
	for _, r := range rs.Rules() {
		order = append(order, r.Name)
		e := r.Tree()
		for attempt := 0; attempt < 200; attempt++ {
			ev, _ := gen.Synthesize(e, true)
			if r.Matches(ev.Fields()) {
				out[r.Name] = ev
				break
			}
		}
	}
	return out, order
}

// TestUpstreamStableRulesFire loads the upstream stable rules file in the
// processor and feeds each rule a synthesised event: each must raise an
// alert for that rule, with both engines.
func TestUpstreamStableRulesFire(t *testing.T) {
	events, order := stableEvents(t)
	require.Len(t, order, 25, "the stable file's rules")
	for _, engine := range []string{EngineNative, EngineRego} {
		t.Run(engine, func(t *testing.T) {
			cfg := createDefaultConfig()
			cfg.Files = []string{upstreamRules(t, "falco_rules.yaml")}
			cfg.RuleMatching = MatchAll
			cfg.Engine = engine
			p, sink := newTestProcessor(t, cfg)
			for _, name := range order {
				ev, ok := events[name]
				if !assert.True(t, ok, "no event could be synthesised for %q", name) {
					continue
				}
				sink.Reset()
				require.NoError(t, p.ConsumeLogs(context.Background(), generatedLogs(ev)))
				assert.Contains(t, ruleNames(alerts(sink)), name, "rule %q did not fire on\n%s", name, ev)
			}
		})
	}
}

// TestEnginesAgreeInProcessor runs the same synthesised batch through a
// native and a Rego processor: the alert records must be identical except
// for the observed time.
func TestEnginesAgreeInProcessor(t *testing.T) {
	events, order := stableEvents(t)
	batch := plog.NewLogs()
	for _, name := range order {
		if ev, ok := events[name]; ok {
			generatedLogs(ev).ResourceLogs().MoveAndAppendTo(batch.ResourceLogs())
		}
	}
	var outs []plog.Logs
	for _, engine := range []string{EngineNative, EngineRego} {
		cfg := createDefaultConfig()
		cfg.Files = []string{upstreamRules(t, "falco_rules.yaml")}
		cfg.Engine = engine
		p, sink := newTestProcessor(t, cfg)
		in := plog.NewLogs()
		batch.CopyTo(in)
		require.NoError(t, p.ConsumeLogs(context.Background(), in))
		require.Len(t, sink.AllLogs(), 1)
		out := sink.AllLogs()[0]
		for _, lr := range alerts(sink) {
			lr.SetObservedTimestamp(0)
		}
		outs = append(outs, out)
	}
	require.Equal(t, ruleNamesOf(outs[0]), ruleNamesOf(outs[1]))
	require.Equal(t, len(order), outs[0].LogRecordCount(), "one alert per stable rule's event")
	a, b := outs[0].ResourceLogs(), outs[1].ResourceLogs()
	for i := 0; i < a.Len(); i++ {
		assert.True(t, a.At(i).Resource().Attributes().Equal(b.At(i).Resource().Attributes()))
		ra, rb := a.At(i).ScopeLogs().At(0).LogRecords(), b.At(i).ScopeLogs().At(0).LogRecords()
		for j := 0; j < ra.Len(); j++ {
			x, y := ra.At(j), rb.At(j)
			assert.Equal(t, x.Body().Str(), y.Body().Str())
			assert.Equal(t, x.Timestamp(), y.Timestamp())
			assert.Equal(t, x.SeverityNumber(), y.SeverityNumber())
			assert.True(t, x.Attributes().Equal(y.Attributes()), "alert %d/%d attributes differ", i, j)
		}
	}
}

func ruleNamesOf(ld plog.Logs) []string {
	var out []string
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		lrs := ld.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords()
		for j := 0; j < lrs.Len(); j++ {
			v, _ := lrs.At(j).Attributes().Get("security_rule.name")
			out = append(out, v.Str())
		}
	}
	return out
}

var updateGolden = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// stableAlertsFile holds the alerts of TestStableAlertsGolden for the
// falcojson exporter's tests, which replay them against falcosidekick's
// acceptance rules: every alert of the stable-rules positive tests must be
// accepted there.
var stableAlertsFile = filepath.Join("..", "..", "exporter", "falcojsonexporter", "testdata", "alerts", "stable-rules.json")

// TestStableAlertsGolden: the alert records the upstream stable rules raise
// on their synthesised events, as OTLP JSON, are what the committed file
// says (regenerate with -update), so the exporter's replay of that file
// cannot drift from what the processor really emits.
func TestStableAlertsGolden(t *testing.T) {
	events, order := stableEvents(t)
	batch := plog.NewLogs()
	for _, name := range order {
		ev, ok := events[name]
		require.True(t, ok, "no event for %q", name)
		generatedLogs(ev).ResourceLogs().MoveAndAppendTo(batch.ResourceLogs())
	}
	cfg := createDefaultConfig()
	cfg.Files = []string{upstreamRules(t, "falco_rules.yaml")}
	p, sink := newTestProcessor(t, cfg)
	require.NoError(t, p.ConsumeLogs(context.Background(), batch))
	require.Len(t, sink.AllLogs(), 1)
	out := sink.AllLogs()[0]
	require.Equal(t, len(order), out.LogRecordCount(), "one alert per stable rule")
	for _, lr := range alerts(sink) {
		lr.SetObservedTimestamp(lr.Timestamp()) // the only wall-clock value
	}
	raw, err := (&plog.JSONMarshaler{}).MarshalLogs(out)
	require.NoError(t, err)
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, raw, "", " "))
	pretty.WriteByte('\n')
	if *updateGolden {
		require.NoError(t, os.MkdirAll(filepath.Dir(stableAlertsFile), 0o755))
		require.NoError(t, os.WriteFile(stableAlertsFile, pretty.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile(stableAlertsFile)
	require.NoError(t, err, "run: go test ./processor/rulesprocessor -run TestStableAlertsGolden -update")
	require.Equal(t, string(want), pretty.String(), "the stable rules' alerts changed; rerun with -update and review the diff")
}
