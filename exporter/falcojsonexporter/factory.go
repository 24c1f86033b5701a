package falcojsonexporter // import "github.com/vigil-sec/vigil/exporter/falcojsonexporter"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/metadata"
)

// NewFactory creates the falcojson exporter factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	client := confighttp.NewDefaultClientConfig()
	client.Timeout = 10 * time.Second
	return &Config{
		ClientConfig:                    client,
		QueueConfig:                     configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
		RetryConfig:                     configretry.NewDefaultBackOffConfig(),
		JSONOutput:                      true,
		JSONIncludeOutputProperty:       true,
		JSONIncludeOutputFieldsProperty: true,
		JSONIncludeTagsProperty:         true,
	}
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	e, err := newFalcoJSONExporter(c, set)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewLogs(ctx, set, cfg, e.pushLogs,
		exporterhelper.WithStart(e.start),
		exporterhelper.WithShutdown(e.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		// The HTTP client's own timeout bounds each POST; a timeout around
		// a whole batch of POSTs would cut off healthy large batches.
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
		exporterhelper.WithRetry(c.RetryConfig),
		exporterhelper.WithQueue(c.QueueConfig),
	)
}
