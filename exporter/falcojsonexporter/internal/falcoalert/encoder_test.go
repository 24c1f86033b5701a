package falcoalert

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/alert"
)

// specExample builds the alert record behind the illustrative alert of
// shared/spec/falco-output-format.md §3, the way the rules processor writes it.
func specExample() (plog.LogRecord, pcommon.Resource) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("host.name", "node-1")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName(alert.EventName)
	ts := time.Date(2025, 7, 1, 12, 34, 56, 789012345, time.UTC)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(ts))
	lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(ts.Add(3 * time.Millisecond)))
	lr.SetSeverityNumber(plog.SeverityNumberWarn)
	lr.SetSeverityText("Warning")
	lr.Body().SetStr("Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=containerd-shim ggparent=systemd gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=-1 process=cat proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=34816 container_id=3ad7b26ded6d container_name=web container_image_repository=docker.io/library/nginx container_image_tag=1.27 k8s_pod_name=web-7d9c k8s_ns_name=default")
	a := lr.Attributes()
	a.PutStr(alert.RuleName, "Read sensitive file untrusted")
	a.PutStr(alert.RuleDescription, "An attempt to read any sensitive file")
	a.PutStr(alert.RuleSource, "syscall")
	tags := a.PutEmptySlice(alert.RuleTags)
	for _, t := range []string{"maturity_stable", "host", "container", "filesystem", "mitre_credential_access", "T1555"} {
		tags.AppendEmpty().SetStr(t)
	}
	f := a.PutEmptyMap(alert.OutputFields)
	f.PutStr("fd.name", "/etc/shadow")
	f.PutStr("proc.aname[2]", "containerd-shim")
	f.PutStr("proc.aname[3]", "systemd")
	f.PutEmpty("proc.aname[4]")
	f.PutStr("evt.type", "openat")
	f.PutStr("user.name", "root")
	f.PutInt("user.uid", 0)
	f.PutInt("user.loginuid", -1)
	f.PutStr("proc.name", "cat")
	f.PutStr("proc.exepath", "/usr/bin/cat")
	f.PutStr("proc.pname", "bash")
	f.PutStr("proc.cmdline", "cat /etc/shadow")
	f.PutInt("proc.tty", 34816)
	f.PutStr("container.id", "3ad7b26ded6d")
	f.PutStr("container.name", "web")
	f.PutStr("container.image.repository", "docker.io/library/nginx")
	f.PutStr("container.image.tag", "1.27")
	f.PutStr("k8s.pod.name", "web-7d9c")
	f.PutStr("k8s.ns.name", "default")
	// Attributes outside the contract's JSON keys must not leak into it.
	a.PutInt("process.pid", 4242)
	return lr, rl.Resource()
}

func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(data, []byte("module github.com/vigil-sec/vigil\n")) {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root not found above the test's directory")
		}
		dir = parent
	}
}

// TestGoldenSpecExample: the record behind the spec's illustrative alert
// encodes to exactly the bytes printed in the spec (read from the shared
// spec, not copied, so a change there shows up here).
func TestGoldenSpecExample(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join(sharedDir(t), "spec", "falco-output-format.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)### Illustrative alert.*?```json\n(.*?)\n```").FindSubmatch(spec)
	if m == nil {
		t.Fatal("illustrative alert not found in falco-output-format.md")
	}
	want := m[1]

	opts := DefaultOptions()
	opts.Location = time.UTC // the spec's time-of-day is printed in UTC
	lr, res := specExample()
	got := NewEncoder(opts).Append(nil, lr, res)
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding differs from the spec example\n got: %s\nwant: %s", got, want)
	}
}

// TestGoldenOptions covers the settings that change the shape: ISO 8601
// time, the message property, the hostname override, and dropping output,
// output fields and tags.
func TestGoldenOptions(t *testing.T) {
	lr, res := specExample()
	lr.Body().SetStr("short")
	lr.Attributes().PutEmptyMap(alert.OutputFields).PutStr("proc.name", "cat")
	tests := []struct {
		name string
		set  func(*Options)
		want string
	}{
		{"iso8601", func(o *Options) { o.TimeFormatISO8601 = true },
			`{"hostname":"node-1","output":"2025-07-01T12:34:56.789012345+0000: Warning short","output_fields":{"evt.time.iso8601":1751373296789012345,"proc.name":"cat"},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["T1555","container","filesystem","host","maturity_stable","mitre_credential_access"],"time":"2025-07-01T12:34:56.789012345Z"}`},
		{"message and hostname", func(o *Options) { o.IncludeMessage = true; o.Hostname = "override" },
			`{"hostname":"override","message":"short","output":"12:34:56.789012345: Warning short","output_fields":{"evt.time":1751373296789012345,"proc.name":"cat"},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["T1555","container","filesystem","host","maturity_stable","mitre_credential_access"],"time":"2025-07-01T12:34:56.789012345Z"}`},
		{"minimal", func(o *Options) { o.IncludeOutput = false; o.IncludeOutputFields = false; o.IncludeTags = false },
			`{"hostname":"node-1","priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","time":"2025-07-01T12:34:56.789012345Z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Location = time.UTC
			tt.set(&opts)
			if got := NewEncoder(opts).Append(nil, lr, res); string(got) != tt.want {
				t.Fatalf("\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestLocalTimeOfDay: the default prefix is the local time of day, as
// Falco prints %evt.time.
func TestLocalTimeOfDay(t *testing.T) {
	lr, res := specExample()
	opts := DefaultOptions()
	opts.Location = time.FixedZone("UTC+2", 2*3600)
	var a struct{ Output, Time string }
	if err := json.Unmarshal(NewEncoder(opts).Append(nil, lr, res), &a); err != nil {
		t.Fatal(err)
	}
	if want := "14:34:56.789012345: Warning Sensitive"; a.Output[:len(want)] != want {
		t.Fatalf("output = %q, want prefix %q", a.Output, want)
	}
	if a.Time != "2025-07-01T12:34:56.789012345Z" {
		t.Fatalf("time = %q, must stay UTC", a.Time)
	}
}

// TestValues: every pdata type the processor can put in the output fields,
// and what a record that breaks the contract turns into.
func TestValues(t *testing.T) {
	lr := plog.NewLogRecord()
	lr.SetEventName(alert.EventName)
	lr.SetObservedTimestamp(pcommon.Timestamp(1_500_000_000_000_000_007)) // no Timestamp: fall back
	lr.SetSeverityNumber(plog.SeverityNumberInfo)                         // no SeverityText: from the number
	lr.Body().SetStr("ctl \x01 tab\t quote\" back\\ html <&> bad \xff utf8 é \u2028")
	lr.Attributes().PutStr(alert.RuleName, "r")
	f := lr.Attributes().PutEmptyMap(alert.OutputFields)
	f.PutBool("fd.is_server", true)
	f.PutDouble("x.double", 1.5)
	f.PutEmptySlice("proc.args").FromRaw([]any{"a", int64(2), nil})
	f.PutEmptyBytes("evt.buffer").FromRaw([]byte("raw\n"))
	f.PutStr("evt.time", "must be replaced by the integer")
	opts := DefaultOptions()
	opts.IncludeOutput = false
	opts.IncludeMessage = true
	opts.DefaultHostname = "fallback-host"
	got := string(NewEncoder(opts).Append(nil, lr, pcommon.NewResource()))
	want := `{"hostname":"fallback-host","message":"ctl \u0001 tab\t quote\" back\\ html <&> bad ` + "\uFFFD" + ` utf8 é ` + "\u2028" + `","output_fields":{"evt.buffer":"raw\n","evt.time":1500000000000000007,"fd.is_server":true,"proc.args":["a",2,null],"x.double":1.5},"priority":"Informational","rule":"r","source":"syscall","tags":[],"time":"2017-07-14T02:40:00.000000007Z"}`
	if got != want {
		t.Fatalf("\n got: %s\nwant: %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatal("not valid JSON")
	}
}

// TestText: with json_output off Falco prints only the output line, with
// control characters escaped.
func TestText(t *testing.T) {
	lr, _ := specExample()
	lr.Body().SetStr("shell \"sh\" spawned\nsecond line\ttab")
	opts := DefaultOptions()
	opts.Location = time.UTC
	e := NewEncoder(opts)
	got := string(e.AppendText([]byte("prefix|"), lr))
	if want := `prefix|12:34:56.789012345: Warning shell \"sh\" spawned\nsecond line\ttab`; got != want {
		t.Fatalf("\n got: %s\nwant: %s", got, want)
	}
	opts.TimeFormatISO8601 = true
	if got, want := string(NewEncoder(opts).AppendText(nil, lr)), `2025-07-01T12:34:56.789012345+0000: Warning shell \"sh\" spawned\nsecond line\ttab`; got != want {
		t.Fatalf("\n got: %s\nwant: %s", got, want)
	}
}

func TestPriorityText(t *testing.T) {
	for _, tt := range []struct {
		text string
		num  plog.SeverityNumber
		want string
	}{
		{"Warning", plog.SeverityNumberWarn, "Warning"},
		{"WARNING", 0, "Warning"},
		{"info", 0, "Informational"},
		{"", plog.SeverityNumberFatal, "Emergency"},
		{"", plog.SeverityNumberDebug, "Debug"},
		{"Urgent", plog.SeverityNumberError, "Urgent"}, // not ours to fix: the receiver rejects it
	} {
		lr := plog.NewLogRecord()
		lr.SetSeverityText(tt.text)
		lr.SetSeverityNumber(tt.num)
		if got := priorityText(lr); got != tt.want {
			t.Errorf("priorityText(%q, %d) = %q, want %q", tt.text, tt.num, got, tt.want)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	lr, res := specExample()
	e := NewEncoder(DefaultOptions())
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = e.Append(buf[:0], lr, res)
	}
}
