package rulesprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/vigil-sec/vigil/internal/benchbatch"
)

// BenchmarkProcessLogs sends a batch of 1,000 events through the processor
// loaded with the upstream stable rules. Reported: ns/event, events/s (on
// the one goroutine the benchmark runs, i.e. per core) and allocs/event.
func BenchmarkProcessLogs(b *testing.B) {
	cases := []struct {
		name       string
		engine     string
		matchEvery int
	}{
		{"native/1pct-alerts", EngineNative, 100},
		{"native/no-alerts", EngineNative, 0},
		{"rego/1pct-alerts", EngineRego, 100},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			cfg := createDefaultConfig()
			cfg.Files = []string{upstreamRules(b, "falco_rules.yaml")}
			cfg.Engine = c.engine
			cfg.ReloadInterval = 0
			p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(component.MustNewType("rules")), cfg, consumertest.NewNop())
			require.NoError(b, err)
			require.NoError(b, p.Start(context.Background(), componenttest.NewNopHost()))
			defer func() { require.NoError(b, p.Shutdown(context.Background())) }()
			const events = 1000
			ld := benchbatch.Batch(events, c.matchEvery)
			ld.MarkReadOnly()
			ctx := context.Background()
			require.NoError(b, p.ConsumeLogs(ctx, ld))
			benchbatch.Measure(b, events, func() error { return p.ConsumeLogs(ctx, ld) })
		})
	}
}
