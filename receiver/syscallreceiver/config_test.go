package syscallreceiver

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig()
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

func TestConfig(t *testing.T) {
	def, err := loadConfig(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if !def.Syscalls.Auto || def.RingBufferSize != 8<<20 || def.CPUsPerRing != 2 || def.MaxProcesses != 65536 ||
		def.MaxBatchSize != 4096 || def.FlushInterval != 200*time.Millisecond || def.PollInterval != 5*time.Millisecond || def.MaxPollInterval != 20*time.Millisecond ||
		!def.CaptureEnv || def.ProcRoot != "/proc" || !def.KernelFilters || def.Discarders != (DiscardersConfig{Enabled: true, MaxEntries: 16384}) {
		t.Errorf("defaults: %+v", def)
	}
	ex, err := loadConfig(t, "explicit")
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Syscalls: SyscallSelection{Names: []string{"openat", "connect", "execve"}}, RingBufferSize: 16 << 20, CPUsPerRing: 1,
		MaxProcesses: 1024, MaxBatchSize: 512, FlushInterval: time.Second, PollInterval: 10 * time.Millisecond, MaxPollInterval: 50 * time.Millisecond,
		ProcRoot: "/host/proc", PasswdFile: "/host/etc/passwd", GroupFile: "/host/etc/group",
		DropAlerts: DropAlertsConfig{Threshold: 0.5, Rate: 1, MaxBurst: 2, Priority: "warning"},
		Discarders: DiscardersConfig{MaxEntries: 100},
	}
	if strings.Join(ex.Syscalls.Names, ",") != "openat,connect,execve" || ex.Syscalls.Auto {
		t.Errorf("syscalls = %+v", ex.Syscalls)
	}
	ex.Syscalls, want.Syscalls = SyscallSelection{}, SyscallSelection{}
	if !reflect.DeepEqual(ex, want) {
		t.Errorf("explicit:\n got %+v\nwant %+v", ex, want)
	}
	if auto, err := loadConfig(t, "auto"); err != nil || !auto.Syscalls.Auto {
		t.Errorf("auto: %+v, %v", auto, err)
	}
	if _, err := loadConfig(t, "badname"); err == nil || !strings.Contains(err.Error(), `"nosuchcall"`) {
		t.Errorf("badname: %v", err)
	}
	if _, err := loadConfig(t, "badring"); err == nil || !strings.Contains(err.Error(), "ring_buffer_size") {
		t.Errorf("badring: %v", err)
	}
	if _, err := loadConfig(t, "baddrop"); err == nil || !strings.Contains(err.Error(), "drop_alerts") ||
		!strings.Contains(err.Error(), "threshold: 2 is not between 0 and 1") || !strings.Contains(err.Error(), `invalid priority "loud"`) {
		t.Errorf("baddrop: %v", err)
	}
	if _, err := loadConfig(t, "baddisc"); err == nil || !strings.Contains(err.Error(), "discarders: max_entries: 100000 is not between 1 and 65536") {
		t.Errorf("baddisc: %v", err)
	}
}

func TestValidateRejectsEachBadSetting(t *testing.T) {
	for name, mut := range map[string]func(*Config){
		"cpus_per_ring":     func(c *Config) { c.CPUsPerRing = 0 },
		"max_processes":     func(c *Config) { c.MaxProcesses = 1 },
		"max_batch_size":    func(c *Config) { c.MaxBatchSize = 0 },
		"flush_interval":    func(c *Config) { c.FlushInterval = 0 },
		"poll_interval":     func(c *Config) { c.PollInterval = 2 * time.Second },
		"max_poll_interval": func(c *Config) { c.MaxPollInterval = 0 },
		"proc_root":         func(c *Config) { c.ProcRoot = "" },
		"syscalls":          func(c *Config) { c.Syscalls = SyscallSelection{} },
	} {
		c := createDefaultConfig()
		mut(c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := createDefaultConfig().Validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
	// a configuration written before max_poll_interval existed, with a
	// poll_interval above its default, stays valid
	slow := createDefaultConfig()
	slow.PollInterval = 300 * time.Millisecond
	if err := slow.Validate(); err != nil {
		t.Errorf("poll_interval above the default max_poll_interval: %v", err)
	}
}
