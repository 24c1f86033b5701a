package syscallreceiver

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"

	"github.com/vigil-sec/vigil/alert/priority"
)

// DropAlertRule names the alert raised when the kernel drops events. Its
// source is "internal", like Falco's "Falco internal: syscall event drop".
const DropAlertRule = "Vigil internal: syscall event drop"

// DropAlertsConfig follows Falco's syscall_event_drops: an alert when, over
// one second, the events dropped exceed Threshold of those read, at most
// Rate alerts a second with bursts of MaxBurst.
type DropAlertsConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// Threshold is the fraction of dropped to read events (0 to 1) above
	// which a second counts.
	Threshold float64 `mapstructure:"threshold"`
	// Rate is the alerts per second the token bucket allows (Falco's
	// 0.03333: one every 30 s).
	Rate float64 `mapstructure:"rate"`
	// MaxBurst is the bucket's size.
	MaxBurst int `mapstructure:"max_burst"`
	// Priority of the alert record (Falco's default: debug).
	Priority string `mapstructure:"priority"`
}

func defaultDropAlerts() DropAlertsConfig {
	return DropAlertsConfig{Enabled: true, Threshold: 0.1, Rate: 1.0 / 30, MaxBurst: 1, Priority: "debug"}
}

// Validate checks the settings.
func (c *DropAlertsConfig) Validate() error {
	var errs []error
	if c.Threshold < 0 || c.Threshold > 1 {
		errs = append(errs, fmt.Errorf("threshold: %v is not between 0 and 1", c.Threshold))
	}
	if c.Rate <= 0 {
		errs = append(errs, fmt.Errorf("rate: %v must be positive (alerts per second)", c.Rate))
	}
	if c.MaxBurst < 1 {
		errs = append(errs, fmt.Errorf("max_burst: %d must be at least 1", c.MaxBurst))
	}
	if _, err := priority.Parse(c.Priority); err != nil {
		errs = append(errs, fmt.Errorf("priority: %w", err))
	}
	return errors.Join(errs...)
}

// dropAlerter decides, once a second, whether the last second's drops
// make an alert.
type dropAlerter struct {
	cfg    DropAlertsConfig
	prio   priority.Priority
	host   string
	tokens float64
	last   time.Time
}

func newDropAlerter(cfg DropAlertsConfig, host string) *dropAlerter {
	p, _ := priority.Parse(cfg.Priority) // validated
	return &dropAlerter{cfg: cfg, prio: p, host: host, tokens: float64(cfg.MaxBurst)}
}

// check takes the events read and dropped since the previous call and
// returns the alert to send, if any.
func (d *dropAlerter) check(now time.Time, read, dropped uint64) (plog.Logs, bool) {
	if !d.last.IsZero() {
		d.tokens += now.Sub(d.last).Seconds() * d.cfg.Rate
		if d.tokens > float64(d.cfg.MaxBurst) {
			d.tokens = float64(d.cfg.MaxBurst)
		}
	}
	d.last = now
	if !d.cfg.Enabled || dropped == 0 {
		return plog.Logs{}, false
	}
	if read > 0 && float64(dropped)/float64(read) <= d.cfg.Threshold {
		return plog.Logs{}, false
	}
	if d.tokens < 1 {
		return plog.Logs{}, false
	}
	d.tokens--
	return d.record(now, read, dropped), true
}

func (d *dropAlerter) record(now time.Time, read, dropped uint64) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	if d.host != "" {
		rl.Resource().Attributes().PutStr(eventattr.HostName, d.host)
	}
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(metadata.ScopeName)
	lr := sl.LogRecords().AppendEmpty()
	ts := pcommon.NewTimestampFromTime(now)
	lr.SetTimestamp(ts)
	lr.SetObservedTimestamp(ts)
	lr.SetEventName(alert.EventName)
	lr.SetSeverityNumber(plog.SeverityNumber(d.prio.SeverityNumber()))
	lr.SetSeverityText(d.prio.String())
	lr.Body().SetStr(fmt.Sprintf("%s. %d system calls dropped in last second.", DropAlertRule, dropped))
	a := lr.Attributes()
	a.PutStr(alert.RuleName, DropAlertRule)
	a.PutStr(alert.RuleDescription, "The kernel dropped events because a ring buffer was full; fork, exec and exit records may be among them, so the process table may be stale.")
	a.PutStr(alert.RulesetName, "internal")
	a.PutEmptySlice(alert.RuleTags)
	a.PutStr(alert.RuleSource, "internal")
	of := a.PutEmptyMap(alert.OutputFields)
	perc := 100.0
	if read > 0 {
		perc = 100 * float64(dropped) / float64(read)
	}
	of.PutInt("n_evts", int64(read))
	of.PutInt("n_drops", int64(dropped))
	of.PutInt("n_drops_buffer_total", int64(dropped))
	of.PutDouble("n_drops_perc", perc)
	of.PutInt("ebpf_enabled", 1)
	// after a drop, fork, exec and exit records may be lost: process
	// fields of later alerts may describe an older state
	of.PutBool("process_table_stale", true)
	return ld
}
