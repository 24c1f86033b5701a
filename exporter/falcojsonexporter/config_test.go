package falcojsonexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestLoadConfig(t *testing.T) {
	t.Run("sidekick", func(t *testing.T) {
		cfg, err := loadConfig(t, "sidekick")
		require.NoError(t, err)
		assert.True(t, cfg.httpMode())
		assert.Equal(t, "http://falcosidekick.security.svc:2801/", cfg.ClientConfig.Endpoint)
		assert.Equal(t, 5*time.Second, cfg.ClientConfig.Timeout)
		v, ok := cfg.ClientConfig.Headers.Get("X-Api-Key")
		assert.True(t, ok)
		assert.Equal(t, configopaque.String("secret"), v)
		assert.Equal(t, 10*time.Minute, cfg.RetryConfig.MaxElapsedTime)
		require.True(t, cfg.QueueConfig.HasValue())
		require.NotNil(t, cfg.QueueConfig.Get().StorageID)
		assert.Equal(t, "file_storage", cfg.QueueConfig.Get().StorageID.String())
		assert.Equal(t, "node-7", cfg.Hostname)
		assert.True(t, cfg.JSONIncludeMessageProperty)
		// Falco's defaults stay on.
		assert.True(t, cfg.JSONOutput)
		assert.True(t, cfg.JSONIncludeOutputProperty)
		assert.True(t, cfg.JSONIncludeOutputFieldsProperty)
		assert.True(t, cfg.JSONIncludeTagsProperty)
		assert.False(t, cfg.TimeFormatISO8601)
	})
	t.Run("file", func(t *testing.T) {
		cfg, err := loadConfig(t, "file")
		require.NoError(t, err)
		assert.False(t, cfg.httpMode())
		assert.Equal(t, "/var/log/vigil/alerts.json", cfg.Path)
		assert.True(t, cfg.TimeFormatISO8601)
		assert.False(t, cfg.JSONIncludeTagsProperty)
	})
	t.Run("stdout", func(t *testing.T) {
		cfg, err := loadConfig(t, "stdout")
		require.NoError(t, err)
		assert.True(t, cfg.Stdout)
		assert.False(t, cfg.JSONOutput)
	})
	for name, want := range map[string]string{
		"two_modes":    "set exactly one of endpoint",
		"no_mode":      "set exactly one of endpoint",
		"bad_endpoint": `endpoint "127.0.0.1:2801"`,
		"ftp_endpoint": "want an absolute http:// or https:// URL",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadConfig(t, name)
			require.ErrorContains(t, err, want)
		})
	}
}
