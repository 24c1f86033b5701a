package rulesprocessor

import (
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

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
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.ConsumeLogs(ctx, ld); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&ms1)
			total := float64(b.N * events)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/event")
			b.ReportMetric(total/b.Elapsed().Seconds(), "events/s")
			// CPU time (user+system, GC included) per event: on a shared
			// machine wall time also counts other processes' turns.
			b.ReportMetric(float64(cpu.Nanoseconds())/total, "cpu-ns/event")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/event")
		})
	}
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
