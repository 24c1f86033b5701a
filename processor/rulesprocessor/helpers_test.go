package rulesprocessor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/vigil-sec/vigil/internal/benchbatch"
	"github.com/vigil-sec/vigil/internal/eventgen"
	"github.com/vigil-sec/vigil/rules/fields"
)

// eventTime is the timestamp of test events: 2025-07-01T12:34:56.789012345Z.
var eventTime = benchbatch.EventTime

const testContainerID = "3ad7b26ded6d5c0c2e4d1b3f8a9e7c6d5b4a3928172635445362718190a0b1c2"

// attrs is an event's attributes: record attributes by name, and resource
// attributes under names registered as resource keys.
type attrs map[string]any

// putValue stores a Go test value as a pdata value.
func putValue(m pcommon.Map, k string, v any) { benchbatch.PutValue(m, k, v) }

func isResourceKey(name string) bool {
	k, ok := fields.KeyByName(name)
	return ok && k.Resource
}

// appendEvent adds an event record with the given attributes to a new
// ResourceLogs whose resource holds the resource keys among them.
func appendEvent(ld plog.Logs, a attrs, ts time.Time) plog.LogRecord {
	rl := ld.ResourceLogs().AppendEmpty()
	for k, v := range a {
		if isResourceKey(k) {
			putValue(rl.Resource().Attributes(), k, v)
		}
	}
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	fillRecord(lr, a, ts)
	return lr
}

func fillRecord(lr plog.LogRecord, a attrs, ts time.Time) {
	lr.SetEventName("vigil.syscall")
	lr.SetTimestamp(pcommon.NewTimestampFromTime(ts))
	lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(ts.Add(time.Millisecond)))
	for k, v := range a {
		if !isResourceKey(k) {
			putValue(lr.Attributes(), k, v)
		}
	}
}

// generatedLogs turns a synthesised event into a one-record batch.
func generatedLogs(ev *eventgen.Event) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName("vigil.syscall")
	lr.SetTimestamp(pcommon.Timestamp(ev.Time))
	for _, a := range ev.Attrs() {
		m := lr.Attributes()
		if a.Resource {
			m = rl.Resource().Attributes()
		}
		putValue(m, a.Name, a.Value)
	}
	return ld
}

// catShadow is what the receiver writes for "cat /etc/shadow" run by a
// non-shell parent on the host.
func catShadow() attrs {
	return attrs{
		"vigil.evt.type": "openat", "vigil.evt.num": int64(42), "vigil.evt.rawres": int64(3),
		"vigil.fd.num": int64(3), "vigil.fd.type": "file", "file.path": "/etc/shadow",
		"vigil.evt.rawarg.flags": int64(0o2000000), "vigil.evt.arg.flags": "O_RDONLY|O_CLOEXEC",
		"process.pid": int64(4242), "process.executable.name": "cat", "process.command": "cat",
		"process.executable.path": "/usr/bin/cat", "process.command_line": "cat /etc/shadow",
		"process.command_args": []string{"cat", "/etc/shadow"},
		"vigil.proc.anames":    []string{"vigil-e2e", "systemd"}, "vigil.proc.apids": []int64{4000, 1},
		"process.user.id": int64(0), "process.user.name": "root", "vigil.user.loginuid": int64(-1),
		"vigil.proc.tty": int64(0), "host.name": "node-1",
	}
}

// writeFile writes a rules file into dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(strings.TrimLeft(content, "\n")), 0o644))
	return p
}

// newTestProcessor creates and starts a processor with the given config
// and a sink; it is shut down with the test.
func newTestProcessor(t *testing.T, cfg *Config) (processor.Logs, *consumertest.LogsSink) {
	t.Helper()
	return newTestProcessorWith(t, cfg, processortest.NewNopSettings(component.MustNewType("rules")))
}

func newTestProcessorWith(t *testing.T, cfg *Config, set processor.Settings) (processor.Logs, *consumertest.LogsSink) {
	t.Helper()
	require.NoError(t, cfg.Validate())
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p, sink
}

// alerts flattens every record the sink received.
func alerts(sink *consumertest.LogsSink) []plog.LogRecord {
	var out []plog.LogRecord
	for _, ld := range sink.AllLogs() {
		rls := ld.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			sls := rls.At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					out = append(out, lrs.At(k))
				}
			}
		}
	}
	return out
}

func ruleNames(lrs []plog.LogRecord) []string {
	out := make([]string, len(lrs))
	for i, lr := range lrs {
		v, _ := lr.Attributes().Get("security_rule.name")
		out[i] = v.Str()
	}
	return out
}
