package rulesprocessor

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/internal/dnsnames"
	"github.com/vigil-sec/vigil/internal/eventrecord"
	"github.com/vigil-sec/vigil/processor/rulesprocessor/internal/metadata"
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/discarder"
	"github.com/vigil-sec/vigil/rules/output"
	vrego "github.com/vigil-sec/vigil/rules/rego"
)

// rulesProcessor evaluates every event record against the current rule
// state and replaces the batch with the alerts it raised.
type rulesProcessor struct {
	cfg       *Config
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	owner     string
	registry  *captureplan.Registry

	state atomic.Pointer[ruleState]
	work  sync.Pool // *worker

	errCount atomic.Uint64

	stopWatch context.CancelFunc
	watchDone chan struct{}
}

// worker is the per-goroutine scratch of one processLogs call.
type worker struct {
	ev      *eventrecord.View
	matched []*rules.Rule
	idx     []int
	body    []byte
	values  []output.Value
	alerts  []vrego.Alert
}

func newRulesProcessor(ctx context.Context, set processor.Settings, cfg *Config) (*rulesProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	st, err := loadState(ctx, cfg)
	if err != nil {
		tb.Shutdown()
		return nil, err
	}
	p := &rulesProcessor{
		cfg:       cfg,
		logger:    set.Logger,
		telemetry: tb,
		owner:     set.ID.String(),
		registry:  captureplan.Default,
	}
	p.state.Store(st)
	p.work.New = func() any { return &worker{ev: eventrecord.New()} }
	p.logLoaded(st, "rules loaded")
	return p, nil
}

func (p *rulesProcessor) logLoaded(st *ruleState, msg string) {
	enabled := 0
	for _, r := range st.rs.Rules() {
		if r.Enabled {
			enabled++
		}
	}
	fields := []zap.Field{
		zap.Int("rules", len(st.rs.Rules())), zap.Int("enabled", enabled),
		zap.Strings("syscalls", st.syscalls), zap.String("engine", p.cfg.Engine),
	}
	if st.policies != nil {
		fields = append(fields, zap.Strings("rego_files", st.policies.Files()))
	} else if rule, field, ok := discarder.FDTableReader(st.rs); ok {
		// discarding is off for the whole collector: say which rule turned
		// it off, or a user sees only its cost
		fields = append(fields, zap.String("discarders_off_for_rule", rule), zap.String("discarders_off_for_field", field))
	}
	for _, d := range st.rs.Diagnostics() {
		p.logger.Warn("rules warning", zap.String("diagnostic", d.String()))
	}
	p.logger.Info(msg, fields...)
}

func (p *rulesProcessor) start(_ context.Context, _ component.Host) error {
	p.registry.Publish(p.owner, p.state.Load().plan())
	p.publishHostnames(p.state.Load())
	p.warnUnreachable(p.state.Load())
	if p.cfg.ReloadInterval > 0 && (len(p.cfg.Files) > 0 || len(p.cfg.RegoFiles) > 0) {
		ctx, cancel := context.WithCancel(context.Background())
		p.stopWatch, p.watchDone = cancel, make(chan struct{})
		go p.watch(ctx)
	}
	return nil
}

func (p *rulesProcessor) shutdown(context.Context) error {
	if p.stopWatch != nil {
		p.stopWatch()
		<-p.watchDone
		p.stopWatch = nil
	}
	p.registry.Withdraw(p.owner)
	dnsnames.Default.Withdraw(p.owner)
	p.telemetry.Shutdown()
	return nil
}

// processLogs evaluates each record and returns only the alerts. Records
// that are already alerts (from a rules processor earlier in the pipeline)
// pass through unchanged.
func (p *rulesProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	st := p.state.Load()
	w := p.work.Get().(*worker)
	defer p.work.Put(w)

	var out plog.Logs
	haveOut := false
	var now pcommon.Timestamp
	evaluated := int64(0)
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		w.ev.SetResource(rl.Resource().Attributes())
		var dst plog.LogRecordSlice
		haveDst := false
		target := func() plog.LogRecordSlice {
			if !haveDst {
				if !haveOut {
					out, haveOut = plog.NewLogs(), true
					now = pcommon.NewTimestampFromTime(time.Now())
				}
				orl := out.ResourceLogs().AppendEmpty()
				rl.Resource().CopyTo(orl.Resource())
				orl.SetSchemaUrl(rl.SchemaUrl())
				sl := orl.ScopeLogs().AppendEmpty()
				sl.Scope().SetName(metadata.ScopeName)
				dst, haveDst = sl.LogRecords(), true
			}
			return dst
		}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				if lr.EventName() == alert.EventName {
					lr.CopyTo(target().AppendEmpty())
					continue
				}
				evaluated++
				w.ev.Reset(lr)
				src := recordSource(lr.EventName())
				var err error
				w.matched, w.idx, err = st.match(ctx, src, w.ev, w.idx, w.matched[:0])
				if err != nil {
					p.evalError(ctx, "rego", err)
					continue
				}
				for _, r := range w.matched {
					p.writeRuleAlert(ctx, st, w, r, lr, target().AppendEmpty(), now)
				}
				// Rego policies read syscall events.
				if st.policies != nil && src == eventattr.SourceSyscall {
					w.alerts, err = st.policies.Eval(ctx, w.ev, w.alerts[:0])
					if err != nil {
						p.evalError(ctx, "rego_files", err)
						continue
					}
					for a := range w.alerts {
						if w.alerts[a].Priority > st.minPrio {
							continue
						}
						p.writePolicyAlert(ctx, &w.alerts[a], lr, target().AppendEmpty(), now)
					}
				}
			}
		}
	}
	if evaluated > 0 {
		p.telemetry.ProcessorRulesEventsEvaluated.Add(ctx, evaluated)
	}
	if !haveOut {
		return ld, processorhelper.ErrSkipProcessingData
	}
	return out, nil
}

// evalError counts an evaluation failure and logs it with exponential
// back-off (the 1st, 2nd, 4th, 8th ... failure), never once per event.
func (p *rulesProcessor) evalError(ctx context.Context, engine string, err error) {
	p.telemetry.ProcessorRulesEvaluationErrors.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("engine", engine))))
	n := p.errCount.Add(1)
	if n&(n-1) == 0 {
		p.logger.Error("evaluating an event failed; the event is dropped", zap.String("engine", engine), zap.Uint64("failures", n), zap.Error(err))
	}
}
