package rulesprocessor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/vigil-sec/vigil/alert"
)

const shadowRules = `
- list: readers
  items: [cat, less]
- macro: open_read
  condition: evt.type in (open, openat) and evt.is_open_read = true
- rule: Shadow read
  desc: Somebody read the shadow file.
  condition: open_read and fd.name = /etc/shadow and proc.name in (readers)
  output: "%proc.name read %fd.name (user=%user.name uid=%user.uid parent=%proc.aname[1] ggp=%proc.aname[3] tty=%proc.tty root=%evt.failed)"
  priority: WARNING
  tags: [host, filesystem, T1003]
- rule: Any openat
  desc: Every openat.
  condition: evt.type = openat
  output: "openat of %fd.name"
  priority: DEBUG
  tags: [noisy]
`

func shadowConfig(t *testing.T) *Config {
	cfg := createDefaultConfig()
	cfg.Files = []string{writeFile(t, t.TempDir(), "shadow.yaml", shadowRules)}
	return cfg
}

func TestAlertRecord(t *testing.T) {
	p, sink := newTestProcessor(t, shadowConfig(t))

	ld := plog.NewLogs()
	host := appendEvent(ld, catShadow(), eventTime)
	inContainer := catShadow()
	inContainer["container.id"] = testContainerID
	inContainer["container.name"] = "web"
	inContainer["container.image.name"] = "docker.io/library/nginx"
	inContainer["container.image.tag"] = "1.27"
	inContainer["k8s.pod.name"] = "web-7d9c"
	inContainer["k8s.namespace.name"] = "default"
	appendEvent(ld, inContainer, eventTime.Add(time.Second))
	// Matches nothing: dropped.
	quiet := catShadow()
	quiet["vigil.evt.type"] = "read"
	appendEvent(ld, quiet, eventTime)

	before := time.Now()
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	after := time.Now()

	require.Len(t, sink.AllLogs(), 1)
	out := sink.AllLogs()[0]
	require.Equal(t, 2, out.ResourceLogs().Len(), "one ResourceLogs per input resource that raised alerts")

	// The host event's alert keeps the event's resource: host identity and
	// the process context.
	rl := out.ResourceLogs().At(0)
	assert.Equal(t, map[string]any{
		"host.name": "node-1", "process.pid": int64(4242), "process.executable.name": "cat", "process.command": "cat",
		"process.executable.path": "/usr/bin/cat", "process.command_line": "cat /etc/shadow",
		"process.command_args": []any{"cat", "/etc/shadow"},
		"vigil.proc.anames":    []any{"vigil-e2e", "systemd"}, "vigil.proc.apids": []any{int64(4000), int64(1)},
		"process.user.id": int64(0), "process.user.name": "root", "vigil.user.loginuid": int64(-1),
		"vigil.proc.tty": int64(0),
	}, rl.Resource().Attributes().AsRaw())
	require.Equal(t, 1, rl.ScopeLogs().Len())
	assert.Equal(t, "github.com/vigil-sec/vigil/processor/rulesprocessor", rl.ScopeLogs().At(0).Scope().Name())
	lrs := rl.ScopeLogs().At(0).LogRecords()
	require.Equal(t, 1, lrs.Len(), "rule_matching first: one alert per event")
	a := lrs.At(0)
	assert.Equal(t, alert.EventName, a.EventName())
	assert.Equal(t, host.Timestamp(), a.Timestamp())
	obs := a.ObservedTimestamp().AsTime()
	assert.False(t, obs.Before(before.Truncate(time.Microsecond)) || obs.After(after), "observed %v not in [%v, %v]", obs, before, after)
	assert.Equal(t, plog.SeverityNumber(13), a.SeverityNumber())
	assert.Equal(t, "Warning", a.SeverityText())
	assert.Equal(t, "cat read /etc/shadow (user=root uid=0 parent=vigil-e2e ggp=<NA> tty=0 root=false)"+
		" container_id=host container_name=host container_image_repository=<NA> container_image_tag=<NA>"+
		" k8s_pod_name=<NA> k8s_ns_name=<NA>", a.Body().Str())

	at := a.Attributes()
	str := func(k string) string { v, ok := at.Get(k); require.True(t, ok, k); return v.Str() }
	assert.Equal(t, "Shadow read", str(alert.RuleName))
	assert.Equal(t, "Somebody read the shadow file.", str(alert.RuleDescription))
	assert.Equal(t, "shadow.yaml", str(alert.RulesetName))
	assert.Equal(t, "syscall", str(alert.RuleSource))
	tags, _ := at.Get(alert.RuleTags)
	assert.Equal(t, []any{"T1003", "filesystem", "host"}, tags.Slice().AsRaw())

	of, ok := at.Get(alert.OutputFields)
	require.True(t, ok)
	require.Equal(t, pcommon.ValueTypeMap, of.Type())
	ofm := of.Map()
	assert.Equal(t, map[string]any{
		"proc.name": "cat", "fd.name": "/etc/shadow", "user.name": "root", "user.uid": int64(0),
		"proc.aname[1]": "vigil-e2e", "proc.aname[3]": nil, "proc.tty": int64(0), "evt.failed": false,
		"container.id": "host", "container.name": "host", "container.image.repository": nil,
		"container.image.tag": nil, "k8s.pod.name": nil, "k8s.ns.name": nil,
	}, ofm.AsRaw())
	empty, _ := ofm.Get("proc.aname[3]")
	assert.Equal(t, pcommon.ValueTypeEmpty, empty.Type(), "a value that cannot be extracted is an empty value")
	// The order of output fields follows the template.
	var keys []string
	for k := range ofm.All() {
		keys = append(keys, k)
	}
	assert.Equal(t, []string{"proc.name", "fd.name", "user.name", "user.uid", "proc.aname[1]", "proc.aname[3]", "proc.tty", "evt.failed",
		"container.id", "container.name", "container.image.repository", "container.image.tag", "k8s.pod.name", "k8s.ns.name"}, keys)

	// The event record's own attributes travel with the alert; the process
	// context stays on the resource and is not copied onto the record.
	assert.Equal(t, "/etc/shadow", str("file.path"))
	assert.Equal(t, "openat", str("vigil.evt.type"))
	fl, _ := at.Get("vigil.evt.rawarg.flags")
	assert.Equal(t, int64(0o2000000), fl.Int())
	_, onRecord := at.Get("process.pid")
	assert.False(t, onRecord, "process attributes are on the resource")

	// The container event's alert keeps its resource.
	rl = out.ResourceLogs().At(1)
	cres := rl.Resource().Attributes().AsRaw()
	for k, v := range map[string]any{
		"host.name": "node-1", "container.id": testContainerID, "container.name": "web",
		"container.image.name": "docker.io/library/nginx", "container.image.tag": "1.27",
		"k8s.pod.name": "web-7d9c", "k8s.namespace.name": "default", "process.pid": int64(4242),
	} {
		assert.Equal(t, v, cres[k], k)
	}
	c := rl.ScopeLogs().At(0).LogRecords().At(0)
	assert.True(t, strings.HasSuffix(c.Body().Str(), " container_id=3ad7b26ded6d container_name=web"+
		" container_image_repository=docker.io/library/nginx container_image_tag=1.27 k8s_pod_name=web-7d9c k8s_ns_name=default"), c.Body().Str())
	assert.Equal(t, pcommon.NewTimestampFromTime(eventTime.Add(time.Second)), c.Timestamp())
	cof, _ := c.Attributes().Get(alert.OutputFields)
	cid, _ := cof.Map().Get("container.id")
	assert.Equal(t, "3ad7b26ded6d", cid.Str())
}

func TestNonMatchingBatchIsDropped(t *testing.T) {
	p, sink := newTestProcessor(t, shadowConfig(t))
	ld := plog.NewLogs()
	ev := catShadow()
	ev["vigil.evt.type"] = "close"
	for i := 0; i < 10; i++ {
		appendEvent(ld, ev, eventTime)
	}
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	assert.Empty(t, sink.AllLogs(), "nothing is sent downstream for a batch without alerts")
}

func TestRuleMatchingAll(t *testing.T) {
	cfg := shadowConfig(t)
	cfg.RuleMatching = MatchAll
	p, sink := newTestProcessor(t, cfg)
	ld := plog.NewLogs()
	appendEvent(ld, catShadow(), eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := alerts(sink)
	assert.Equal(t, []string{"Shadow read", "Any openat"}, ruleNames(got))
	assert.Equal(t, "Debug", got[1].SeverityText())
	assert.Equal(t, plog.SeverityNumber(5), got[1].SeverityNumber())
}

func TestMinimumPriorityAndSelection(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Config)
		want []string
	}{
		{"minimum priority drops debug", func(c *Config) { c.MinimumPriority = "notice" }, []string{"Shadow read"}},
		{"minimum priority drops all", func(c *Config) { c.MinimumPriority = "critical" }, nil},
		{"disable by name", func(c *Config) {
			c.Selection = []SelectionStep{{Disable: &RuleSelector{Rule: "Shadow read"}}}
		}, []string{"Any openat"}},
		{"disable by wildcard then enable by tag", func(c *Config) {
			c.Selection = []SelectionStep{{Disable: &RuleSelector{Rule: "*"}}, {Enable: &RuleSelector{Tag: "noisy"}}}
		}, []string{"Any openat"}},
		{"disable by tag", func(c *Config) {
			c.Selection = []SelectionStep{{Disable: &RuleSelector{Tag: "filesystem"}}}
		}, []string{"Any openat"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := shadowConfig(t)
			cfg.RuleMatching = MatchAll
			tc.mod(cfg)
			p, sink := newTestProcessor(t, cfg)
			ld := plog.NewLogs()
			appendEvent(ld, catShadow(), eventTime)
			require.NoError(t, p.ConsumeLogs(context.Background(), ld))
			if tc.want == nil {
				assert.Empty(t, alerts(sink))
				return
			}
			assert.Equal(t, tc.want, ruleNames(alerts(sink)))
		})
	}
}

func TestAppendOutput(t *testing.T) {
	cfg := shadowConfig(t)
	cfg.AppendOutput = "exe=%proc.exepath"
	cfg.SuggestedOutput = false
	p, sink := newTestProcessor(t, cfg)
	ld := plog.NewLogs()
	appendEvent(ld, catShadow(), eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	a := alerts(sink)[0]
	assert.Equal(t, "cat read /etc/shadow (user=root uid=0 parent=vigil-e2e ggp=<NA> tty=0 root=false) exe=/usr/bin/cat", a.Body().Str())
	of, _ := a.Attributes().Get(alert.OutputFields)
	exe, ok := of.Map().Get("proc.exepath")
	require.True(t, ok, "appended fields are output fields too")
	assert.Equal(t, "/usr/bin/cat", exe.Str())
	_, ok = of.Map().Get("container.id")
	assert.False(t, ok, "suggested fields are off")
}

func TestAlertRecordsPassThrough(t *testing.T) {
	p, sink := newTestProcessor(t, shadowConfig(t))
	ld := plog.NewLogs()
	lr := appendEvent(ld, catShadow(), eventTime)
	lr.SetEventName(alert.EventName)
	lr.Body().SetStr("an alert from an earlier rules processor")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := alerts(sink)
	require.Len(t, got, 1)
	assert.Equal(t, "an alert from an earlier rules processor", got[0].Body().Str())
}

func TestInvalidRulesFileRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", `
- rule: Broken
  desc: x
  condition: proc.name = bash and (
  output: x
  priority: WARNING
- rule: Unknown field
  desc: x
  condition: proc.nme = bash
  output: x
  priority: WARNING
`)
	cfg := createDefaultConfig()
	cfg.Files = []string{bad}
	require.NoError(t, cfg.Validate())
	_, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(component.MustNewType("rules")), cfg, nil)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, bad+":3:")
	assert.Contains(t, msg, bad+":8:")
	assert.Contains(t, msg, "proc.nme")
}

func TestMissingRulesFileRefusesToStart(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Files = []string{"/nonexistent/rules.yaml"}
	_, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(component.MustNewType("rules")), cfg, nil)
	require.ErrorContains(t, err, "/nonexistent/rules.yaml")
}

func TestFilesDirectoriesAndGlobsLoadInOrder(t *testing.T) {
	dir := t.TempDir()
	// b.yaml redefines the rule a.yaml defines; with the directory listed
	// in name order the redefinition wins but keeps a's position.
	writeFile(t, dir, "a.yaml", `
- rule: R1
  desc: first
  condition: evt.type = openat
  output: from a
  priority: NOTICE
- rule: R2
  desc: second
  condition: evt.type = openat
  output: r2
  priority: NOTICE
`)
	writeFile(t, dir, "b.yaml", `
- rule: R1
  desc: redefined
  condition: evt.type = openat
  output: from b
  priority: NOTICE
`)
	writeFile(t, dir, "ignored.txt", "not rules")
	extra := t.TempDir()
	writeFile(t, extra, "c-extra.yaml", `
- rule: R3
  desc: third
  condition: evt.type = openat
  output: r3
  priority: NOTICE
`)
	cfg := createDefaultConfig()
	cfg.Files = []string{dir, extra + "/*.yaml"}
	cfg.RuleMatching = MatchAll
	cfg.SuggestedOutput = false
	p, sink := newTestProcessor(t, cfg)
	ld := plog.NewLogs()
	appendEvent(ld, catShadow(), eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := alerts(sink)
	assert.Equal(t, []string{"R1", "R2", "R3"}, ruleNames(got))
	assert.Equal(t, "from b", got[0].Body().Str())
}

func TestDefaultRulesetWhenNoFiles(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.RuleMatching = MatchAll
	p, sink := newTestProcessor(t, cfg)
	ld := plog.NewLogs()
	appendEvent(ld, catShadow(), eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := alerts(sink)
	require.Equal(t, []string{"Sensitive file read by untrusted program"}, ruleNames(got),
		"cat /etc/shadow from a non-shell parent on the host raises exactly one default alert")
	rs, _ := got[0].Attributes().Get(alert.RulesetName)
	assert.Equal(t, "vigil-files.yaml", rs.Str())
}

// An execve's environment (process.environment_variable.* and the rendered
// env parameter) stays out of the alert unless the rule's output names a
// variable, which then travels in output_fields only.
func TestAlertLeavesTheEnvironmentOut(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.SuggestedOutput = false
	cfg.Files = []string{writeFile(t, t.TempDir(), "exec.yaml", `
- rule: Exec with proxy
  desc: A program started with a proxy set.
  condition: evt.type = execve and proc.env[HTTP_PROXY] exists
  output: "%proc.name started with HTTP_PROXY=%proc.env[HTTP_PROXY]"
  priority: NOTICE
`)}
	p, sink := newTestProcessor(t, cfg)
	ld := plog.NewLogs()
	ev := catShadow()
	ev["vigil.evt.type"] = "execve"
	ev["vigil.evt.arg.exe"] = "cat"
	ev["vigil.evt.arg.env"] = "HTTP_PROXY=http://proxy:3128 DB_PASSWORD=hunter2"
	ev["process.environment_variable.HTTP_PROXY"] = "http://proxy:3128"
	ev["process.environment_variable.DB_PASSWORD"] = "hunter2"
	appendEvent(ld, ev, eventTime)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))

	got := alerts(sink)
	require.Len(t, got, 1)
	attrs := got[0].Attributes()
	for k := range attrs.AsRaw() {
		assert.False(t, strings.HasPrefix(k, "process.environment_variable.") || k == "vigil.evt.arg.env", "alert carries %s", k)
	}
	v, ok := attrs.Get("vigil.evt.arg.exe")
	assert.True(t, ok && v.Str() == "cat", "other event attributes are still copied")
	of, _ := attrs.Get(alert.OutputFields)
	assert.Equal(t, map[string]any{"proc.name": "cat", "proc.env[HTTP_PROXY]": "http://proxy:3128"}, of.Map().AsRaw())
	assert.Equal(t, "cat started with HTTP_PROXY=http://proxy:3128", got[0].Body().Str())
	assert.NotContains(t, got[0].Body().Str(), "hunter2")
}
