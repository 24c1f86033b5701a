package falcojsonexporter

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/alert/priority"
)

// testAlert describes an alert record the way the rules processor writes it
// (package alert's contract).
type testAlert struct {
	rule   string
	prio   priority.Priority
	body   string
	tags   []string
	fields map[string]any // nil value = field not available
	host   string
	at     time.Time
}

func (a testAlert) appendTo(ld plog.Logs) {
	rl := ld.ResourceLogs().AppendEmpty()
	if a.host != "" {
		rl.Resource().Attributes().PutStr("host.name", a.host)
	}
	rl.Resource().Attributes().PutStr("container.id", "host")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("github.com/vigil-sec/vigil/processor/rulesprocessor")
	lr := sl.LogRecords().AppendEmpty()
	lr.SetEventName(alert.EventName)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(a.at))
	lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(a.at.Add(time.Millisecond)))
	lr.SetSeverityNumber(plog.SeverityNumber(a.prio.SeverityNumber()))
	lr.SetSeverityText(a.prio.String())
	lr.Body().SetStr(a.body)
	attrs := lr.Attributes()
	attrs.PutStr(alert.RuleName, a.rule)
	attrs.PutStr(alert.RuleSource, "syscall")
	attrs.PutStr(alert.RulesetName, "falco_rules.yaml")
	tags := attrs.PutEmptySlice(alert.RuleTags)
	for _, t := range a.tags {
		tags.AppendEmpty().SetStr(t)
	}
	fields := attrs.PutEmptyMap(alert.OutputFields)
	for k, v := range a.fields {
		if v == nil {
			fields.PutEmpty(k)
			continue
		}
		if err := fields.PutEmpty(k).FromRaw(v); err != nil {
			panic(err)
		}
	}
}

// eventRecord appends a record that is not an alert (an event the receiver
// emitted), which the exporter must skip and count.
func eventRecord(ld plog.Logs) {
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName("vigil.syscall")
	lr.Attributes().PutStr("process.executable.name", "cat")
}

var alertTime = time.Date(2026, 3, 4, 5, 6, 7, 890123456, time.UTC)

// builtAlerts are alerts of several stable upstream rules, with the output
// fields those rules print, host and container processes, and fields that
// were not available.
func builtAlerts() []testAlert {
	return []testAlert{
		{
			rule: "Read sensitive file untrusted", prio: priority.Warning, host: "node-1", at: alertTime,
			body: "Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=sshd ggparent=systemd gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=0 process=cat proc_exepath=/usr/bin/cat parent=sudo command=cat /etc/shadow terminal=34817 container_id=host container_name=host",
			tags: []string{"maturity_stable", "host", "container", "filesystem", "mitre_credential_access", "T1555"},
			fields: map[string]any{
				"fd.name": "/etc/shadow", "proc.aname[2]": "sshd", "proc.aname[3]": "systemd", "proc.aname[4]": nil,
				"evt.type": "openat", "user.name": "root", "user.uid": int64(0), "user.loginuid": int64(0),
				"proc.name": "cat", "proc.exepath": "/usr/bin/cat", "proc.pname": "sudo", "proc.cmdline": "cat /etc/shadow",
				"proc.tty": int64(34817), "container.id": "host", "container.name": "host",
				"container.image.repository": nil, "container.image.tag": nil, "k8s.pod.name": nil, "k8s.ns.name": nil,
			},
		},
		{
			rule: "Terminal shell in container", prio: priority.Notice, host: "node-2", at: alertTime.Add(time.Second),
			body: "A shell was spawned in a container with an attached terminal | evt_type=execve user=root user_uid=0 user_loginuid=-1 process=bash proc_exepath=/bin/bash parent=runc command=bash terminal=34816 exe_flags=EXE_WRITABLE container_id=3ad7b26ded6d container_name=web",
			tags: []string{"maturity_stable", "container", "shell", "mitre_execution", "T1059"},
			fields: map[string]any{
				"evt.type": "execve", "user.name": "root", "user.uid": int64(0), "user.loginuid": int64(-1),
				"proc.name": "bash", "proc.exepath": "/bin/bash", "proc.pname": "runc", "proc.cmdline": "bash",
				"proc.tty": int64(34816), "evt.arg.flags": "EXE_WRITABLE", "container.id": "3ad7b26ded6d", "container.name": "web",
				"k8s.pod.name": "web-7d9c", "k8s.ns.name": "default",
			},
		},
		{
			rule: "Clear Log Activities", prio: priority.Warning, host: "node-1", at: alertTime.Add(2 * time.Second),
			body:   "Log files were tampered | file=/var/log/syslog evt_type=openat",
			tags:   []string{"maturity_stable", "host", "container", "filesystem", "mitre_defense_evasion", "T1070", "NIST_800-53_AU-10"},
			fields: map[string]any{"fd.name": "/var/log/syslog", "evt.type": "openat", "proc.name": "truncate", "fd.is_server": false, "proc.args": []any{"-s", "0"}},
		},
		{
			rule: "Debug rule with \"quotes\" <html> & ünïcödé", prio: priority.Debug, host: "node-3", at: alertTime.Add(3 * time.Second),
			body: "line1\nline2\ttab", fields: map[string]any{"proc.name": "sh"},
		},
	}
}

// extraAlerts reads more alert records from testdata/alerts/*.json (OTLP
// JSON, as written by plog.JSONMarshaler), so alerts produced by the rules
// processor from the stable rules' positive tests can be fed to the same
// HTTP test without changing it.
func extraAlerts(t *testing.T) []plog.Logs {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "alerts", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []plog.Logs
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, ld)
	}
	return out
}
