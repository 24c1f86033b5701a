package syscallreceiver

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/confmap"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// Config is the receiver's configuration (config key `syscall`).
type Config struct {
	// Syscalls is "auto" (the default) or a list of syscall names. auto
	// captures what the collector's rules processors publish (plus the
	// state set), or every supported syscall except read/write/send/recv
	// when no rules processor publishes anything.
	// It is decoded by Config.Unmarshal, which accepts both shapes.
	Syscalls SyscallSelection `mapstructure:"-"`
	// RingBufferSize is the size in bytes of each kernel ring buffer; a
	// power of two and a multiple of the page size.
	RingBufferSize int `mapstructure:"ring_buffer_size"`
	// CPUsPerRing CPUs share one ring buffer.
	CPUsPerRing int `mapstructure:"cpus_per_ring"`
	// MaxProcesses bounds the process table; the least recently used
	// process is evicted beyond it.
	MaxProcesses int `mapstructure:"max_processes"`
	// MaxBatchSize is the number of records that triggers a flush.
	MaxBatchSize int `mapstructure:"max_batch_size"`
	// FlushInterval is the longest a record waits in a batch.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// PollInterval is the shortest the reader sleeps when the rings are
	// empty (the probe never wakes it, to keep the kernel side cheap); the
	// sleep grows towards MaxPollInterval while they fill slowly.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// MaxPollInterval is the longest the reader sleeps: while the rings
	// fill slowly the sleep grows from PollInterval towards it, as long
	// as a quarter of a ring would hold what arrives meanwhile
	// (pollbackoff.go). At or below PollInterval (a configuration that
	// only sets a longer poll_interval), the reader polls at the fixed
	// PollInterval.
	MaxPollInterval time.Duration `mapstructure:"max_poll_interval"`
	// CaptureEnv reads the environment of each exec'd process (written on
	// execve records only).
	CaptureEnv bool `mapstructure:"capture_env"`
	// ProcRoot is where procfs is mounted (a host's /proc seen from a
	// container is often mounted elsewhere).
	ProcRoot string `mapstructure:"proc_root"`
	// PasswdFile and GroupFile name users and groups.
	PasswdFile string `mapstructure:"passwd_file"`
	GroupFile  string `mapstructure:"group_file"`
	// KernelFilters installs, with `syscalls: auto`, the filters the rules
	// processors derive from their rules (approvers: which results,
	// sockets and open paths a rule can match) in the probe, so that calls
	// no rule can match never cross the ring. false captures every call of
	// the selected syscalls whole, as without filters (for comparisons).
	KernelFilters bool `mapstructure:"kernel_filters"`
	// DropAlerts raises an alert record when the kernel drops events
	// (dropalert.go).
	DropAlerts DropAlertsConfig `mapstructure:"drop_alerts"`
	// Discarders: with kernel_filters on, the opens the rules can never
	// match are learned and then kept in the kernel (discard.go).
	Discarders DiscardersConfig `mapstructure:"discarders"`
}

// SyscallSelection is "auto" or an explicit list.
type SyscallSelection struct {
	Auto  bool
	Names []string
}

// Unmarshal decodes the config, accepting `syscalls: auto` or a list.
func (c *Config) Unmarshal(conf *confmap.Conf) error {
	raw := conf.Get("syscalls")
	m := conf.ToStringMap()
	delete(m, "syscalls")
	type plain Config
	if err := confmap.NewFromStringMap(m).Unmarshal((*plain)(c)); err != nil {
		return err
	}
	switch v := raw.(type) {
	case nil:
	case string:
		if v != "auto" {
			return fmt.Errorf("syscalls: %q is neither \"auto\" nor a list of syscall names", v)
		}
		c.Syscalls = SyscallSelection{Auto: true}
	case []any:
		names := make([]string, 0, len(v))
		for i, x := range v {
			s, ok := x.(string)
			if !ok {
				return fmt.Errorf("syscalls[%d]: %v is not a syscall name", i, x)
			}
			names = append(names, s)
		}
		c.Syscalls = SyscallSelection{Names: names}
		if len(names) == 1 && names[0] == "auto" {
			c.Syscalls = SyscallSelection{Auto: true}
		}
	default:
		return fmt.Errorf("syscalls: want \"auto\" or a list of syscall names, got %T", raw)
	}
	return nil
}

// Validate checks every setting.
func (c *Config) Validate() error {
	var errs []error
	if !c.Syscalls.Auto {
		if len(c.Syscalls.Names) == 0 {
			errs = append(errs, errors.New("syscalls: the list is empty; use \"auto\" or name syscalls"))
		}
		for _, n := range c.Syscalls.Names {
			if _, ok := syscalls.Lookup(n); !ok {
				errs = append(errs, fmt.Errorf("syscalls: %q is not a syscall this receiver supports", n))
			}
		}
	}
	if c.RingBufferSize < 4096 || c.RingBufferSize&(c.RingBufferSize-1) != 0 {
		errs = append(errs, fmt.Errorf("ring_buffer_size: %d is not a power of two of at least 4096", c.RingBufferSize))
	}
	if c.CPUsPerRing < 1 {
		errs = append(errs, fmt.Errorf("cpus_per_ring: %d must be at least 1", c.CPUsPerRing))
	}
	if c.MaxProcesses < 64 {
		errs = append(errs, fmt.Errorf("max_processes: %d must be at least 64", c.MaxProcesses))
	}
	if c.MaxBatchSize < 1 {
		errs = append(errs, fmt.Errorf("max_batch_size: %d must be at least 1", c.MaxBatchSize))
	}
	if c.FlushInterval <= 0 {
		errs = append(errs, fmt.Errorf("flush_interval: %v must be positive", c.FlushInterval))
	}
	if c.PollInterval <= 0 || c.PollInterval > time.Second {
		errs = append(errs, fmt.Errorf("poll_interval: %v must be positive and at most 1s", c.PollInterval))
	}
	if c.MaxPollInterval <= 0 || c.MaxPollInterval > time.Second {
		errs = append(errs, fmt.Errorf("max_poll_interval: %v must be positive and at most 1s", c.MaxPollInterval))
	}
	if c.ProcRoot == "" {
		errs = append(errs, errors.New("proc_root: must not be empty"))
	}
	return errors.Join(errs...)
}

func createDefaultConfig() *Config {
	return &Config{
		Syscalls:        SyscallSelection{Auto: true},
		RingBufferSize:  8 << 20,
		CPUsPerRing:     2,
		MaxProcesses:    65536,
		MaxBatchSize:    4096,
		FlushInterval:   200 * time.Millisecond,
		PollInterval:    5 * time.Millisecond,
		MaxPollInterval: 20 * time.Millisecond,
		CaptureEnv:      true,
		KernelFilters:   true,
		ProcRoot:        "/proc",
		PasswdFile:      "/etc/passwd",
		GroupFile:       "/etc/group",
		DropAlerts:      defaultDropAlerts(),
		Discarders:      DiscardersConfig{Enabled: true, MaxEntries: 16384},
	}
}
