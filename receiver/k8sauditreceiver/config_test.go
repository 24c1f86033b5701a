package k8sauditreceiver

import (
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	def := NewFactory().CreateDefaultConfig().(*Config)
	if def.NetAddr.Endpoint != "localhost:9765" || def.Path != "/k8s-audit" || def.MaxRequestBodySize != 16<<20 {
		t.Errorf("defaults %+v", def)
	}
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, "custom").String())
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	tls := cfg.TLS.Get()
	if cfg.NetAddr.Endpoint != "0.0.0.0:8443" || cfg.Path != "/audit" || cfg.MaxRequestBodySize != 1<<20 ||
		tls == nil || tls.ClientCAFile != "/etc/vigil/apiserver-ca.crt" || tls.CertFile != "/etc/vigil/tls.crt" {
		t.Errorf("custom %+v", cfg)
	}
}

func TestLoadFileConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, "file").String())
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	f := cfg.File
	if cfg.NetAddr.Endpoint != "" || f.Path != "/var/log/kubernetes/audit/audit.log" || f.Storage == nil ||
		f.Storage.String() != "file_storage" || f.PollInterval.String() != "1s" || f.MaxBatchSize != 100 {
		t.Errorf("file config %+v", cfg.File)
	}
}

func TestUnknownKey(t *testing.T) {
	cfg := createDefaultConfig()
	err := confmap.NewFromStringMap(map[string]any{"pth": "/x"}).Unmarshal(cfg)
	if err == nil || !strings.Contains(err.Error(), "pth") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestValidate(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.NetAddr.Endpoint = ""
	cfg.Path = "audit"
	cfg.MaxRequestBodySize = -1
	err := cfg.Validate()
	for _, want := range []string{"endpoint or file::path: set at least one", `path "audit": must start with /`, "max_request_body_size -1: must not be negative"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}
