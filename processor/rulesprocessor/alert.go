package rulesprocessor

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/output"
	vrego "github.com/vigil-sec/vigil/rules/rego"
)

// writeRuleAlert fills dst with the alert for rule r matching the event lr
// (the view w.ev is still positioned on it).
func (p *rulesProcessor) writeRuleAlert(ctx context.Context, st *ruleState, w *worker, r *rules.Rule, lr plog.LogRecord, dst plog.LogRecord, now pcommon.Timestamp) {
	meta := st.meta[r]
	attrs := startAlert(lr, dst, now, r.Priority)
	w.body = r.Output.Append(w.body[:0], w.ev)
	dst.Body().SetStr(string(w.body))

	attrs.PutStr(alert.RuleName, r.Name)
	attrs.PutStr(alert.RuleDescription, r.Description)
	attrs.PutStr(alert.RulesetName, meta.ruleset)
	putTags(attrs, r.Tags)
	attrs.PutStr(alert.RuleSource, r.Source)

	w.values = r.Output.Values(w.ev, w.values[:0])
	of := attrs.PutEmptyMap(alert.OutputFields)
	of.EnsureCapacity(len(w.values))
	for _, v := range w.values {
		putOutputValue(of, v)
	}
	p.telemetry.ProcessorRulesAlerts.Add(ctx, 1, meta.metric)
}

// writePolicyAlert fills dst with an alert raised by a Rego policy.
func (p *rulesProcessor) writePolicyAlert(ctx context.Context, a *vrego.Alert, lr plog.LogRecord, dst plog.LogRecord, now pcommon.Timestamp) {
	attrs := startAlert(lr, dst, now, a.Priority)
	dst.Body().SetStr(a.Output)
	attrs.PutStr(alert.RuleName, a.Rule)
	attrs.PutStr(alert.RuleDescription, a.Desc)
	attrs.PutStr(alert.RulesetName, filepath.Base(a.File))
	tags := append([]string(nil), a.Tags...)
	sort.Strings(tags)
	putTags(attrs, tags)
	attrs.PutStr(alert.RuleSource, "syscall")
	of := attrs.PutEmptyMap(alert.OutputFields)
	keys := make([]string, 0, len(a.OutputFields))
	for k := range a.OutputFields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := of.PutEmpty(k).FromRaw(normaliseRaw(a.OutputFields[k])); err != nil {
			of.PutStr(k, fmt.Sprint(a.OutputFields[k]))
		}
	}
	p.telemetry.ProcessorRulesAlerts.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(
		attribute.String("rule", a.Rule), attribute.String("priority", a.Priority.String()))))
}

// startAlert copies the event's attributes, except its environment, and sets
// the record fields every alert has; it returns the attributes to add the
// rule's to. Environments hold secrets (tokens, passwords) and alerts travel
// to shared backends, so, as in Falco, an alert carries an environment value
// only where the rule's output names it (%proc.env[NAME], in output_fields).
func startAlert(lr, dst plog.LogRecord, now pcommon.Timestamp, prio priority.Priority) pcommon.Map {
	attrs := dst.Attributes()
	attrs.EnsureCapacity(lr.Attributes().Len())
	lr.Attributes().Range(func(k string, v pcommon.Value) bool {
		if !isEnvironment(k) && !alertOmits(k) {
			v.CopyTo(attrs.PutEmpty(k))
		}
		return true
	})
	dst.SetEventName(alert.EventName)
	ts := lr.Timestamp()
	if ts == 0 {
		ts = lr.ObservedTimestamp()
	}
	dst.SetTimestamp(ts)
	dst.SetObservedTimestamp(now)
	dst.SetSeverityNumber(plog.SeverityNumber(prio.SeverityNumber()))
	dst.SetSeverityText(prio.String())
	dst.SetTraceID(lr.TraceID())
	dst.SetSpanID(lr.SpanID())
	return dst.Attributes()
}

func isEnvironment(key string) bool {
	return key == envArgKey || strings.HasPrefix(key, fields.KeyProcEnv.Name)
}

// envArgKey is execve's env parameter as the receiver renders it.
var envArgKey = fields.KeyEvtArg.Name + "env"

func putTags(attrs pcommon.Map, tags []string) {
	s := attrs.PutEmptySlice(alert.RuleTags)
	s.EnsureCapacity(len(tags))
	for _, t := range tags {
		s.AppendEmpty().SetStr(t)
	}
}

// putOutputValue stores one output field with its type; a value that could
// not be extracted is an empty value (Falco's null).
func putOutputValue(m pcommon.Map, v output.Value) {
	switch v.Kind {
	case output.String:
		m.PutStr(v.Key, v.Str)
	case output.Int:
		m.PutInt(v.Key, v.Int)
	case output.Bool:
		m.PutBool(v.Key, v.Bool)
	case output.List:
		s := m.PutEmptySlice(v.Key)
		s.EnsureCapacity(len(v.List))
		for _, x := range v.List {
			s.AppendEmpty().SetStr(x)
		}
	default:
		m.PutEmpty(v.Key)
	}
}

// normaliseRaw turns the values OPA decodes (json.Number for numbers) into
// the Go types pcommon.Value.FromRaw accepts.
func normaliseRaw(v any) any {
	switch x := v.(type) {
	case interface{ Int64() (int64, error) }:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, ok := v.(interface{ Float64() (float64, error) }); ok {
			if fl, err := f.Float64(); err == nil {
				return fl
			}
		}
		return fmt.Sprint(v)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normaliseRaw(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normaliseRaw(e)
		}
		return out
	}
	return v
}
