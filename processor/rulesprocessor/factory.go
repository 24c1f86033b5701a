package rulesprocessor

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/vigil-sec/vigil/processor/rulesprocessor/internal/metadata"
)

// NewFactory returns the factory of the rules processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		func() component.Config { return createDefaultConfig() },
		processor.WithLogs(createLogs, metadata.LogsStability),
	)
}

// createLogs loads the rules at once, so that an invalid rules file stops
// the collector from starting, with every error's file:line:col.
func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("rules processor: unexpected config type %T", cfg)
	}
	p, err := newRulesProcessor(ctx, set, c)
	if err != nil {
		return nil, fmt.Errorf("rules processor %s: %w", set.ID, err)
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs,
		processorhelper.WithStart(p.start),
		processorhelper.WithShutdown(p.shutdown),
		// The processor builds new records and never changes its input.
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	)
}
