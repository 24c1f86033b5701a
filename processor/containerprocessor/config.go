package containerprocessor

import (
	"errors"
	"fmt"
	"time"
)

// Runtime types a RuntimeConfig may name.
const (
	TypeContainerd = "containerd"
	TypeCRIO       = "cri-o"
	TypeDocker     = "docker"
	TypePodman     = "podman"
)

// DefaultSockets are the runtimes' standard sockets, asked when discover
// is on.
var DefaultSockets = []RuntimeConfig{
	{Type: TypeContainerd, Socket: "/run/containerd/containerd.sock"},
	{Type: TypeCRIO, Socket: "/run/crio/crio.sock"},
	{Type: TypeDocker, Socket: "/var/run/docker.sock"},
	{Type: TypePodman, Socket: "/run/podman/podman.sock"},
}

// Config is the processor's configuration (config key `container`).
type Config struct {
	// Discover asks every runtime at its standard socket (DefaultSockets),
	// except the types Runtimes lists.
	Discover bool `mapstructure:"discover"`
	// Runtimes lists runtimes at sockets of your choice.
	Runtimes []RuntimeConfig `mapstructure:"runtimes"`
	// LookupTimeout bounds the wait for a container the cache does not
	// hold: its events wait that long at most, then go on without
	// metadata (counted in processor_container_lookups).
	LookupTimeout time.Duration `mapstructure:"lookup_timeout"`
	// RetryInterval is how often an absent or failed runtime is tried again.
	RetryInterval time.Duration `mapstructure:"retry_interval"`
	// MaxContainers bounds the cache.
	MaxContainers int `mapstructure:"max_containers"`
	// RemovedGrace keeps a deleted container's metadata for its last events.
	RemovedGrace time.Duration `mapstructure:"removed_grace"`
	// NotFoundTTL is how long an id no runtime knows is not asked again.
	NotFoundTTL time.Duration `mapstructure:"not_found_ttl"`
}

// RuntimeConfig is one runtime's socket.
type RuntimeConfig struct {
	// Type is containerd, cri-o, docker or podman.
	Type string `mapstructure:"type"`
	// Socket is the path of its API's unix socket.
	Socket string `mapstructure:"socket"`
}

// Validate checks every setting.
func (c *Config) Validate() error {
	var errs []error
	for i, r := range c.Runtimes {
		switch r.Type {
		case TypeContainerd, TypeCRIO, TypeDocker, TypePodman:
		default:
			errs = append(errs, fmt.Errorf("runtimes[%d].type: %q is not one of containerd, cri-o, docker, podman", i, r.Type))
		}
		if r.Socket == "" {
			errs = append(errs, fmt.Errorf("runtimes[%d].socket: must not be empty", i))
		}
	}
	if c.LookupTimeout <= 0 || c.LookupTimeout > 10*time.Second {
		errs = append(errs, fmt.Errorf("lookup_timeout: %v must be positive and at most 10s", c.LookupTimeout))
	}
	if c.RetryInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("retry_interval: %v must be at least 100ms", c.RetryInterval))
	}
	if c.MaxContainers < 16 {
		errs = append(errs, fmt.Errorf("max_containers: %d must be at least 16", c.MaxContainers))
	}
	if c.RemovedGrace < 0 {
		errs = append(errs, errors.New("removed_grace: must not be negative"))
	}
	if c.NotFoundTTL < 0 {
		errs = append(errs, errors.New("not_found_ttl: must not be negative"))
	}
	return errors.Join(errs...)
}

// sockets is the runtimes to ask: the configured ones, then the standard
// sockets of the other types when discover is on.
func (c *Config) sockets() []RuntimeConfig {
	out := append([]RuntimeConfig(nil), c.Runtimes...)
	if !c.Discover {
		return out
	}
	for _, d := range DefaultSockets {
		listed := false
		for _, r := range c.Runtimes {
			listed = listed || r.Type == d.Type
		}
		if !listed {
			out = append(out, d)
		}
	}
	return out
}

func createDefaultConfig() *Config {
	return &Config{
		Discover:      true,
		LookupTimeout: 500 * time.Millisecond,
		RetryInterval: 10 * time.Second,
		MaxContainers: 8192,
		RemovedGrace:  30 * time.Second,
		NotFoundTTL:   10 * time.Second,
	}
}
