package falcojsonexporter // import "github.com/vigil-sec/vigil/exporter/falcojsonexporter"

import (
	"context"
	"os"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/falcoalert"
	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/metadata"
)

// falcoJSONExporter encodes alert records and hands them to the configured
// destination. The sending queue may call pushLogs from several goroutines,
// so encoders and their buffers come from a pool.
type falcoJSONExporter struct {
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	encoders  sync.Pool // *encoding
	http      *httpDestination
	file      *fileDestination
}

// encoding is one goroutine's encoder and output buffer.
type encoding struct {
	enc  *falcoalert.Encoder
	json bool
	buf  []byte
}

// appendAlert appends the alert in the configured format, JSON or text.
func (en *encoding) appendAlert(dst []byte, res pcommon.Resource, lr plog.LogRecord) []byte {
	if en.json {
		return en.enc.Append(dst, lr, res)
	}
	return en.enc.AppendText(dst, lr)
}

func newFalcoJSONExporter(cfg *Config, set exporter.Settings) (*falcoJSONExporter, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	opts := falcoalert.Options{
		Hostname:            cfg.Hostname,
		TimeFormatISO8601:   cfg.TimeFormatISO8601,
		IncludeOutput:       cfg.JSONIncludeOutputProperty,
		IncludeMessage:      cfg.JSONIncludeMessageProperty,
		IncludeOutputFields: cfg.JSONIncludeOutputFieldsProperty,
		IncludeTags:         cfg.JSONIncludeTagsProperty,
	}
	// Falco falls back to gethostname(); so do records whose resource has
	// no host.name (resourcedetection normally sets it).
	opts.DefaultHostname, _ = os.Hostname()

	e := &falcoJSONExporter{logger: set.Logger, telemetry: tb}
	e.encoders.New = func() any { return &encoding{enc: falcoalert.NewEncoder(opts), json: cfg.JSONOutput} }
	if cfg.httpMode() {
		e.http = newHTTPDestination(cfg, set.TelemetrySettings, set.Logger, tb)
	} else {
		e.file = newFileDestination(cfg, set.Logger, tb)
	}
	return e, nil
}

func (e *falcoJSONExporter) start(ctx context.Context, host component.Host) error {
	if e.http != nil {
		return e.http.start(ctx, host)
	}
	return e.file.start()
}

func (e *falcoJSONExporter) shutdown(context.Context) error {
	defer e.telemetry.Shutdown()
	if e.file != nil {
		return e.file.shutdown()
	}
	return nil
}

func (e *falcoJSONExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	en := e.encoders.Get().(*encoding)
	defer e.encoders.Put(en)
	var (
		skipped int
		err     error
	)
	if e.http != nil {
		skipped, err = e.http.push(ctx, ld, en)
	} else {
		skipped, err = e.file.push(ld, en)
	}
	if skipped > 0 {
		e.telemetry.FalcojsonRecordsSkipped.Add(ctx, int64(skipped))
	}
	return err
}

// eachAlert calls fn with the position (among alerts) and record of every
// alert in ld, in order, until fn returns false. It returns how many
// records were not alerts.
func eachAlert(ld plog.Logs, fn func(i int, res pcommon.Resource, lr plog.LogRecord) bool) (skipped int) {
	i := 0
	rls := ld.ResourceLogs()
	for r := 0; r < rls.Len(); r++ {
		rl := rls.At(r)
		sls := rl.ScopeLogs()
		for s := 0; s < sls.Len(); s++ {
			lrs := sls.At(s).LogRecords()
			for l := 0; l < lrs.Len(); l++ {
				lr := lrs.At(l)
				if !falcoalert.IsAlert(lr) {
					skipped++
					continue
				}
				if !fn(i, rl.Resource(), lr) {
					return skipped
				}
				i++
			}
		}
	}
	return skipped
}

// alertsFrom copies the alerts of ld from position from on (as counted by
// eachAlert), with their resources and scopes, so that a retry resends
// only what was not delivered yet.
func alertsFrom(ld plog.Logs, from int) plog.Logs {
	out := plog.NewLogs()
	i := 0
	rls := ld.ResourceLogs()
	for r := 0; r < rls.Len(); r++ {
		rl := rls.At(r)
		var outRL plog.ResourceLogs
		haveRL := false
		sls := rl.ScopeLogs()
		for s := 0; s < sls.Len(); s++ {
			sl := sls.At(s)
			var outSL plog.ScopeLogs
			haveSL := false
			lrs := sl.LogRecords()
			for l := 0; l < lrs.Len(); l++ {
				lr := lrs.At(l)
				if !falcoalert.IsAlert(lr) {
					continue
				}
				if i >= from {
					if !haveRL {
						outRL = out.ResourceLogs().AppendEmpty()
						rl.Resource().CopyTo(outRL.Resource())
						outRL.SetSchemaUrl(rl.SchemaUrl())
						haveRL = true
					}
					if !haveSL {
						outSL = outRL.ScopeLogs().AppendEmpty()
						sl.Scope().CopyTo(outSL.Scope())
						outSL.SetSchemaUrl(sl.SchemaUrl())
						haveSL = true
					}
					lr.CopyTo(outSL.LogRecords().AppendEmpty())
				}
				i++
			}
		}
	}
	return out
}
