package k8sauditreceiver

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

// DefaultPath is where the apiserver's webhook posts, as in Falco's
// k8saudit plugin.
const DefaultPath = "/k8s-audit"

// Config is the receiver's configuration (config key `k8s_audit`).
type Config struct {
	// ServerConfig is the webhook's HTTP server: endpoint, tls (with
	// client_ca_file to require apiserver client certificates),
	// max_request_body_size and the other confighttp server settings.
	confighttp.ServerConfig `mapstructure:",squash"`
	// Path is the URL path the webhook posts to.
	Path string `mapstructure:"path"`
	// File follows the apiserver's JSON-lines audit log instead of (or
	// besides) serving the webhook.
	File FileConfig `mapstructure:"file"`
}

// FileConfig is file mode: following the log the apiserver's log backend
// writes (--audit-log-path with --audit-log-format=json).
type FileConfig struct {
	// Path is the audit log file; empty disables file mode.
	Path string `mapstructure:"path"`
	// Storage is a storage extension (file_storage) that keeps the read
	// position across restarts; without it a restart reads the file from
	// the start.
	Storage *component.ID `mapstructure:"storage"`
	// PollInterval is how often the end of the file is checked for new
	// lines and rotation.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// MaxBatchSize is the most events handed on at once.
	MaxBatchSize int `mapstructure:"max_batch_size"`
}

func createDefaultConfig() *Config {
	s := confighttp.NewDefaultServerConfig()
	s.NetAddr.Endpoint = "localhost:9765"
	// An apiserver batch is at most 400 events by default; events with
	// their request and response objects rarely exceed 32 KiB each.
	s.MaxRequestBodySize = 16 << 20
	return &Config{ServerConfig: s, Path: DefaultPath, File: FileConfig{PollInterval: 250 * time.Millisecond, MaxBatchSize: 400}}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.NetAddr.Endpoint == "" && c.File.Path == "" {
		errs = append(errs, errors.New("endpoint or file::path: set at least one (the webhook's host:port, or the audit log to follow)"))
	}
	if c.File.Path != "" {
		if c.File.PollInterval <= 0 {
			errs = append(errs, fmt.Errorf("file::poll_interval %v: must be positive", c.File.PollInterval))
		}
		if c.File.MaxBatchSize <= 0 {
			errs = append(errs, fmt.Errorf("file::max_batch_size %d: must be positive", c.File.MaxBatchSize))
		}
	}
	if !strings.HasPrefix(c.Path, "/") {
		errs = append(errs, fmt.Errorf("path %q: must start with /", c.Path))
	}
	if c.MaxRequestBodySize < 0 {
		errs = append(errs, fmt.Errorf("max_request_body_size %d: must not be negative", c.MaxRequestBodySize))
	}
	return errors.Join(errs...)
}
