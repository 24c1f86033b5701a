package syscallreceiver

import (
	"fmt"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
)

// DiscardersConfig configures the learned discarders (README: Kernel
// filters).
type DiscardersConfig struct {
	// Enabled learns discarders while kernel_filters is on with
	// `syscalls: auto`; false keeps every open the approvers pass.
	Enabled bool `mapstructure:"enabled"`
	// MaxEntries bounds the discarders in the kernel; beyond it the
	// least recently installed one is removed.
	MaxEntries int `mapstructure:"max_entries"`
}

// Validate checks the settings.
func (c *DiscardersConfig) Validate() error {
	if c.MaxEntries < 1 || c.MaxEntries > probe.MaxDiscarders {
		return fmt.Errorf("discarders: max_entries: %d is not between 1 and %d", c.MaxEntries, probe.MaxDiscarders)
	}
	return nil
}
