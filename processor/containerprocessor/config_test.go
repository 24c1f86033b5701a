package containerprocessor

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/metadata"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	if err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig()
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestConfig(t *testing.T) {
	def := loadConfig(t, "")
	if err := confmap.Validate(def); err != nil {
		t.Fatalf("default config: %v", err)
	}
	if got := def.sockets(); len(got) != 4 || got[0].Socket != "/run/containerd/containerd.sock" {
		t.Errorf("default sockets = %+v, want the four standard ones", got)
	}

	c := loadConfig(t, "custom")
	if err := confmap.Validate(c); err != nil {
		t.Fatal(err)
	}
	want := []RuntimeConfig{{TypeContainerd, "/tmp/containerd/containerd.sock"}, {TypeDocker, "/run/user/1000/docker.sock"}}
	got := c.sockets()
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("sockets = %+v, want %+v", got, want)
	}
	if c.LookupTimeout != 250*time.Millisecond || c.RetryInterval != 5*time.Second || c.MaxContainers != 1024 ||
		c.RemovedGrace != time.Minute || c.NotFoundTTL != 30*time.Second {
		t.Errorf("custom config = %+v", c)
	}

	// discover with one type overridden keeps the other standard sockets
	d := createDefaultConfig()
	d.Runtimes = []RuntimeConfig{{TypeContainerd, "/x.sock"}}
	if got := d.sockets(); len(got) != 4 || got[0].Socket != "/x.sock" || got[1].Type != TypeCRIO {
		t.Errorf("override = %+v", got)
	}

	for name, wantErr := range map[string]string{
		"bad_type":    `runtimes[0].type: "rkt" is not one of`,
		"bad_timeout": "lookup_timeout: 0s must be positive",
	} {
		err := confmap.Validate(loadConfig(t, name))
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, wantErr)
		}
	}
}
