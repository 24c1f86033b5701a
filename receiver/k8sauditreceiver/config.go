package k8sauditreceiver

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/confmap"
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
}

func createDefaultConfig() *Config {
	s := confighttp.NewDefaultServerConfig()
	s.NetAddr.Endpoint = "localhost:9765"
	// An apiserver batch is at most 400 events by default; events with
	// their request and response objects rarely exceed 32 KiB each.
	s.MaxRequestBodySize = 16 << 20
	return &Config{ServerConfig: s, Path: DefaultPath}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.NetAddr.Endpoint == "" {
		errs = append(errs, errors.New("endpoint: must be set (host:port the apiserver's webhook posts to)"))
	}
	if !strings.HasPrefix(c.Path, "/") {
		errs = append(errs, fmt.Errorf("path %q: must start with /", c.Path))
	}
	if c.MaxRequestBodySize < 0 {
		errs = append(errs, fmt.Errorf("max_request_body_size %d: must not be negative", c.MaxRequestBodySize))
	}
	return errors.Join(errs...)
}

// Unmarshal decodes the configuration. The embedded confighttp.ServerConfig
// has an Unmarshal of its own, which would otherwise take the whole section
// and drop path.
func (c *Config) Unmarshal(conf *confmap.Conf) error {
	m := conf.ToStringMap()
	known := serverKeys()
	for k := range m {
		if !known[k] && k != "path" {
			// confighttp decodes its part ignoring unknown keys (it
			// expects to be embedded), so typos are caught here.
			return fmt.Errorf("'%s' is not a k8s_audit setting", k)
		}
	}
	own := map[string]any{}
	if p, ok := m["path"]; ok {
		own["path"] = p
		delete(m, "path")
	}
	if err := c.ServerConfig.Unmarshal(confmap.NewFromStringMap(m)); err != nil {
		return err
	}
	var o struct {
		Path *string `mapstructure:"path"`
	}
	if err := confmap.NewFromStringMap(own).Unmarshal(&o); err != nil {
		return err
	}
	if o.Path != nil {
		c.Path = *o.Path
	}
	return nil
}

// serverKeys are the top-level keys of confighttp.ServerConfig.
func serverKeys() map[string]bool {
	keys := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("mapstructure")
			name, opts, _ := strings.Cut(tag, ",")
			switch {
			case name == "" && strings.Contains(opts, "squash"):
				walk(f.Type)
			case name != "" && name != "-":
				keys[name] = true
			}
		}
	}
	walk(reflect.TypeFor[confighttp.ServerConfig]())
	return keys
}
