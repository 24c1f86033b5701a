package falcojsonexporter // import "github.com/vigil-sec/vigil/exporter/falcojsonexporter"

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/metadata"
)

// fileDestination appends JSON lines (or Falco's text lines) to a file or
// to stdout, as Falco's file_output and stdout_output. Each batch is written with
// a single write, so it is on its way to the disk when push returns and a
// reader never sees half a batch buffered in the process.
//
// Log rotation: the file is reopened (and created again) on SIGHUP, and
// whenever the path no longer names the open file because it was renamed or
// removed. Checking the path costs one stat per batch, not per alert.
type fileDestination struct {
	path      string // empty in stdout mode
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder

	hup chan os.Signal

	mu   sync.Mutex // serialises writers from the queue's consumers
	f    *os.File
	info os.FileInfo // of f when it was opened, to detect rotation
}

func newFileDestination(cfg *Config, logger *zap.Logger, tb *metadata.TelemetryBuilder) *fileDestination {
	return &fileDestination{path: cfg.Path, logger: logger, telemetry: tb}
}

func (d *fileDestination) start() error {
	if d.path == "" {
		d.f = os.Stdout
		return nil
	}
	if err := d.open(); err != nil {
		return err
	}
	d.hup = make(chan os.Signal, 1)
	signal.Notify(d.hup, syscall.SIGHUP)
	return nil
}

func (d *fileDestination) open() error {
	// 0640: alerts name users, files and commands; they are not for
	// everyone on the host to read.
	f, err := os.OpenFile(d.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("open alert file: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open alert file: %w", err)
	}
	d.f, d.info = f, info
	return nil
}

func (d *fileDestination) shutdown() error {
	if d.path == "" {
		return nil // stdout is not ours to close
	}
	if d.hup != nil {
		signal.Stop(d.hup)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.f == nil {
		return nil
	}
	err := d.f.Close()
	d.f = nil
	return err
}

func (d *fileDestination) push(ld plog.Logs, en *encoding) (skipped int, err error) {
	en.buf = en.buf[:0]
	skipped = eachAlert(ld, func(_ int, res pcommon.Resource, lr plog.LogRecord) bool {
		en.buf = en.appendAlert(en.buf, res, lr)
		en.buf = append(en.buf, '\n')
		return true
	})
	if len(en.buf) == 0 {
		return skipped, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.reopenIfRotated(); err != nil {
		return skipped, err
	}
	if _, err := d.f.Write(en.buf); err != nil {
		return skipped, fmt.Errorf("write alert file: %w", err)
	}
	return skipped, nil
}

// reopenIfRotated reopens the file after SIGHUP, or when the path was
// renamed or removed. Called with d.mu held.
func (d *fileDestination) reopenIfRotated() error {
	if d.path == "" {
		return nil
	}
	reason := ""
	if d.f == nil {
		return d.reopen("the last reopen failed")
	}
	select {
	case <-d.hup:
		reason = "SIGHUP"
	default:
		if st, err := os.Stat(d.path); err != nil {
			reason = "path removed or renamed"
		} else if !os.SameFile(st, d.info) {
			reason = "path now names another file"
		}
	}
	if reason == "" {
		return nil
	}
	_ = d.f.Close()
	d.f = nil
	return d.reopen(reason)
}

func (d *fileDestination) reopen(reason string) error {
	if err := d.open(); err != nil {
		return err
	}
	d.telemetry.FalcojsonFileReopens.Add(context.Background(), 1)
	d.logger.Info("Reopened the alert file", zap.String("path", d.path), zap.String("reason", reason))
	return nil
}
