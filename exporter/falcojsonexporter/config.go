package falcojsonexporter // import "github.com/vigil-sec/vigil/exporter/falcojsonexporter"

import (
	"errors"
	"fmt"
	"net/url"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// Config selects one destination, an HTTP endpoint (falcosidekick, a
// webhook) or a JSON-lines file or stdout, and the falco.yaml settings that
// shape the alert.
type Config struct {
	// ClientConfig holds endpoint, tls, headers, timeout and the other
	// confighttp client settings. A non-empty endpoint selects HTTP mode:
	// one POST per alert, as Falco's http_output does.
	ClientConfig confighttp.ClientConfig                                  `mapstructure:",squash"`
	QueueConfig  configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	RetryConfig  configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// Path selects file mode: alerts are appended to it as JSON lines.
	Path string `mapstructure:"path"`
	// Stdout selects stdout mode: JSON lines on the collector's stdout.
	Stdout bool `mapstructure:"stdout"`

	// Hostname replaces the resource's host.name in the "hostname" key,
	// as FALCO_HOSTNAME does for Falco (hostname: ${env:FALCO_HOSTNAME}).
	Hostname string `mapstructure:"hostname"`
	// JSONOutput mirrors falco.yaml json_output: true writes the JSON
	// alert, false only Falco's text line "<time>: <Priority> <message>".
	JSONOutput bool `mapstructure:"json_output"`
	// TimeFormatISO8601 mirrors falco.yaml time_format_iso_8601.
	TimeFormatISO8601 bool `mapstructure:"time_format_iso_8601"`
	// The falco.yaml json_include_*_property settings, with Falco's defaults.
	JSONIncludeOutputProperty       bool `mapstructure:"json_include_output_property"`
	JSONIncludeMessageProperty      bool `mapstructure:"json_include_message_property"`
	JSONIncludeOutputFieldsProperty bool `mapstructure:"json_include_output_fields_property"`
	JSONIncludeTagsProperty         bool `mapstructure:"json_include_tags_property"`

	_ struct{}
}

// Validate checks that exactly one destination is configured and that an
// endpoint is an absolute http(s) URL.
func (cfg *Config) Validate() error {
	modes := 0
	for _, set := range []bool{cfg.ClientConfig.Endpoint != "", cfg.Path != "", cfg.Stdout} {
		if set {
			modes++
		}
	}
	if modes != 1 {
		return errors.New("set exactly one of endpoint (HTTP mode), path (file mode) or stdout: true")
	}
	if cfg.ClientConfig.Endpoint != "" {
		u, err := url.Parse(cfg.ClientConfig.Endpoint)
		if err != nil {
			return fmt.Errorf("endpoint %q: %w", cfg.ClientConfig.Endpoint, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("endpoint %q: want an absolute http:// or https:// URL", cfg.ClientConfig.Endpoint)
		}
	}
	return nil
}

func (cfg *Config) httpMode() bool { return cfg.ClientConfig.Endpoint != "" }
