package eventfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/output"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// render reads fields through the output formatter: the rules' own accessors.
func render(t *testing.T, ev fields.Event, tmpl string) string {
	t.Helper()
	f, err := output.Compile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	return string(f.Append(nil, ev))
}

func TestYAMLFieldsLandWhereTheRulesReadThem(t *testing.T) {
	p := write(t, "ev.yaml", `
- evt.type: openat
  evt.time: 2026-12-02T07:00:00.000000005Z
  proc.name: cat
  proc.pname: bash
  proc.aname[2]: sshd
  proc.cmdline: cat /etc/shadow
  proc.env[HOME]: /root
  evt.arg.flags: O_RDONLY
  vigil.evt.rawarg.flags: 0
  fd.num: 3
  fd.name: /etc/shadow
  container.full_id: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  container.name: web
  container.mounts: [a:/b:rw:true:private]
- evt.source: k8s_audit
`)
	evs, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Source != eventattr.SourceSyscall || evs[1].Source != eventattr.SourceK8sAudit {
		t.Fatalf("events %d, sources %q %q", len(evs), evs[0].Source, evs[1].Source)
	}
	if evs[0].Record().EventName() != eventattr.EventNameSyscall || evs[1].Record().EventName() != eventattr.EventNameK8sAudit {
		t.Errorf("event names %q %q", evs[0].Record().EventName(), evs[1].Record().EventName())
	}
	got := render(t, evs[0].Fields(), "%evt.type %proc.name %proc.pname %proc.aname[2] %proc.args %proc.env[HOME] %evt.arg.flags %evt.is_open_read %fd.num %fd.name %fd.directory %container.id %container.name %evt.rawtime")
	want := "openat cat bash sshd /etc/shadow /root O_RDONLY true 3 /etc/shadow /etc 0123456789ab web 1796194800000000005"
	if got != want {
		t.Errorf("fields:\n got %s\nwant %s", got, want)
	}
	if evs[0].Name() != p+":1" || evs[0].Line != 2 {
		t.Errorf("name %s line %d", evs[0].Name(), evs[0].Line)
	}
}

func TestYAMLErrorsNameFileAndLine(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"- proc.nam: cat\n", ":1: proc.nam: unknown field"},
		{"- evt.type: open\n  fd.directory: /etc\n", ":2: fd.directory: is computed from file.path, vigil.fd.type"},
		{"- fd.num: three\n", `:1: fd.num: "three" is not an integer`},
		{"- proc.aname: bash\n", ":1: proc.aname: give one ancestor"},
		{"- evt.source: netflow\n", `:1: unknown event source "netflow"`},
		{"proc.name: cat\n", ":1: want a list of events"},
		{"- [a]\n", ":1: an event is a mapping"},
	} {
		p := write(t, "bad.yaml", c.doc)
		_, err := ReadFile(p)
		if err == nil || !strings.Contains(err.Error(), p+c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.doc, err, p+c.want)
		}
	}
}

// TestOTLPJSON reads what the file exporter writes: pdata's JSON, one
// request per line. Alerts in the same file are not events.
func TestOTLPJSON(t *testing.T) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("process.executable.name", "cat")
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	ev := lrs.AppendEmpty()
	ev.SetEventName(eventattr.EventNameSyscall)
	ev.SetTimestamp(42)
	ev.Attributes().PutStr("vigil.evt.type", "openat")
	ev.Attributes().PutStr("file.path", "/etc/shadow")
	alert := lrs.AppendEmpty()
	alert.SetEventName("vigil.alert")
	var m plog.JSONMarshaler
	b, err := m.MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	p := write(t, "cap.json", string(b)+"\n\n"+string(b)+"\n")
	evs, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].Index != 2 || evs[1].Line != 3 {
		t.Fatalf("got %d events", len(evs))
	}
	if got := render(t, evs[1].Fields(), "%evt.type %proc.name %fd.name %evt.rawtime"); got != "openat cat /etc/shadow 42" {
		t.Errorf("fields: %s", got)
	}
	one, err := Select(p + ":2")
	if err != nil || one != nil && one.Index != 2 {
		t.Errorf("Select :2: %v", err)
	}
	for arg, want := range map[string]string{p: "holds 2 events", p + ":3": "no event 3", p + ":0": "no event 0"} {
		if _, err := Select(arg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Select(%s): %v, want %q", arg, err, want)
		}
	}
	bad := write(t, "bad.json", string(b)+"\n{\"resourceLogs\": 7}\n")
	if _, err := ReadFile(bad); err == nil || !strings.Contains(err.Error(), bad+":2: not OTLP JSON logs") {
		t.Errorf("bad JSON: %v", err)
	}
}
