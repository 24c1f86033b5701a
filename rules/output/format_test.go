package output

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// 2025-07-01T12:34:56.789012345Z
const evTime = int64(1751373296789012345)

func testEvent() *fieldstest.Event {
	return fieldstest.New().SetTime(evTime).
		Set(fields.KeyEvtType, "openat").
		Set(fields.KeyProcName, "Cat").Set(fields.KeyProcCmdline, "Cat /etc/shadow").
		Set(fields.KeyProcArgs, []string{"cat", "/etc/shadow"}).
		Set(fields.KeyAncNames, []string{"bash", "containerd-shim", "systemd"}).
		Set(fields.KeyUserUID, 0).Set(fields.KeyUserName, "root").Set(fields.KeyUserLoginUID, -1).
		Set(fields.KeyProcTTY, 34816).
		Set(fields.KeyFDType, "file").Set(fields.KeyFilePath, "/etc/shadow").
		Set(fields.KeyContainerID, "3ad7b26ded6d4f5e9c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e").
		Set(fields.KeyContainerPriv, false).
		Set(fields.KeyContainerMounts, []string{"/a:/b", "/c:/d"}).
		Set(fields.KeyEvtBuffer, []byte("ab\x00\x7fc")).
		SetName("vigil.evt.arg.flags", false, "O_RDONLY").
		SetName("process.environment_variable.HOME", false, "/root")
}

func render(t *testing.T, tmpl string, ev fields.Event) string {
	t.Helper()
	f, err := Compile(tmpl)
	if err != nil {
		t.Fatalf("Compile(%q): %v", tmpl, err)
	}
	return string(f.Append(nil, ev))
}

func TestRender(t *testing.T) {
	ev := testEvent()
	tests := []struct{ tmpl, want string }{
		{"plain text", "plain text"},
		{"", ""},
		{"file=%fd.name", "file=/etc/shadow"},
		{"%proc.name", "Cat"},
		{"%proc.name)", "Cat)"}, // longest prefix that names a field
		{"(%proc.name, %fd.name)", "(Cat, /etc/shadow)"},
		{"%proc.name.", "Cat."},
		{"%fd.name:%fd.num", "/etc/shadow:<NA>"}, // missing values print <NA>
		{"%user.uid %user.loginuid %proc.tty", "0 -1 34816"},
		{"%proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.aname[4]", "bash containerd-shim systemd <NA>"},
		{"%proc.aname", "Cat"}, // without index: the process itself
		{"%proc.pname", "bash"},
		{"%evt.arg.flags %evt.arg[flags]", "O_RDONLY O_RDONLY"},
		{"%proc.env[HOME] %proc.env.HOME", "/root /root"},
		{"%container.id", "3ad7b26ded6d"},
		{"%container.privileged", "false"},
		{"%container.mounts", "(/a:/b,/c:/d)"},
		{"%evt.buffer", "ab..c"},
		{"%proc.args", "/etc/shadow"},
		{"%evt.type%fd.typechar", "openatf"},
		// Widths pad with spaces or truncate.
		{"[%8proc.name]", "[Cat     ]"},
		{"[%2fd.name]", "[/e]"},
		{"[%3proc.name]", "[Cat]"},
		{"[%6fd.num]", "[<NA>  ]"},
		// Transformers.
		{"%tolower(proc.name)", "cat"},
		{"%toupper(proc.name)!", "CAT!"},
		{"%basename(fd.name)", "shadow"},
		{"%len(fd.name)", "11"},
		{`%concat(proc.name, ":", user.name)`, "Cat:root"},
		{`%join(",", (proc.name, proc.pname))`, "Cat,bash"},
		{"[%5tolower(proc.name)]", "[cat  ]"},
		{"%container.info x", " x"}, // removed field prints nothing
		{"%evt.rawtime", "1751373296789012345"},
		{"%evt.time.iso8601", "2025-07-01T12:34:56.789012345+0000"},
	}
	for _, tt := range tests {
		if got := render(t, tt.tmpl, ev); got != tt.want {
			t.Errorf("%q rendered %q, want %q", tt.tmpl, got, tt.want)
		}
	}
	local := time.Unix(0, evTime).Local()
	if got, want := render(t, "%evt.time", ev), local.Format("15:04:05.000000000"); got != want {
		t.Errorf("evt.time = %q, want %q", got, want)
	}
	if got, want := render(t, "%evt.datetime", ev), local.Format("2006-01-02 15:04:05.000000000"); got != want {
		t.Errorf("evt.datetime = %q, want %q", got, want)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		tmpl   string
		offset int
		msg    string
	}{
		{"x %", 2, "invalid formatting token"},
		{"100%%", 3, "invalid formatting token"}, // there is no escape for "%"
		{"x % y", 2, "invalid formatting token"},
		{"%12", 0, "invalid formatting token"},
		{"a %nosuch.field b", 2, "invalid formatting token"},
		{"%fd.ip", 0, "only be used in conditions"},
		{"%tolower(proc.pid)", 0, "needs a string argument"},
		{"%tolower(proc.name", 0, "missing its closing ')'"},
		{"%proc.aname[x]", 0, "not a non-negative index"},
		{"%proc.name[1]", 0, "does not take an argument"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.tmpl)
		var oe *Error
		if !errors.As(err, &oe) || oe.Offset != tt.offset || !strings.Contains(oe.Msg, tt.msg) {
			t.Errorf("Compile(%q) = %v; want offset %d containing %q", tt.tmpl, err, tt.offset, tt.msg)
		}
	}
}

func TestFields(t *testing.T) {
	f, err := Compile("file=%fd.name gparent=%proc.aname[2] flags=%evt.arg.flags again=%fd.name lower=%tolower(proc.name) name=%proc.name env=%proc.env[HOME] %concat(user.name, proc.pname)")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"fd.name", "proc.aname[2]", "evt.arg.flags", "proc.name", "proc.env[HOME]", "user.name", "proc.pname"}
	if got := f.Fields(); !reflect.DeepEqual(got, want) {
		t.Errorf("Fields = %v, want %v", got, want)
	}
}

func TestValues(t *testing.T) {
	f, err := Compile("%fd.name %proc.aname[2] %proc.aname[4] %user.uid %user.loginuid %container.privileged %container.mounts %evt.arg.flags %proc.args %evt.buffer %evt.time %k8s.ns.name %proc.env")
	if err != nil {
		t.Fatal(err)
	}
	got := f.Values(testEvent(), nil)
	want := []Value{
		{Key: "fd.name", Kind: String, Str: "/etc/shadow"},
		{Key: "proc.aname[2]", Kind: String, Str: "containerd-shim"},
		{Key: "proc.aname[4]", Kind: Absent},
		{Key: "user.uid", Kind: Int, Int: 0},
		{Key: "user.loginuid", Kind: Int, Int: -1},
		{Key: "container.privileged", Kind: Bool, Bool: false},
		{Key: "container.mounts", Kind: List, List: []string{"/a:/b", "/c:/d"}},
		{Key: "evt.arg.flags", Kind: String, Str: "O_RDONLY"},
		{Key: "proc.args", Kind: String, Str: "/etc/shadow"},
		{Key: "evt.buffer", Kind: String, Str: "ab..c"},
		{Key: "evt.time", Kind: Int, Int: evTime},
		{Key: "k8s.ns.name", Kind: Absent},
		{Key: "proc.env", Kind: String, Str: "HOME=/root"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Values:\n got %+v\nwant %+v", got, want)
	}
	// A composed string must not alias the reused scratch buffer.
	env := got[len(got)-1].Str
	f.Values(fieldstest.New().SetName("process.environment_variable.X", false, "zzzzzzzz"), nil)
	f.Append(nil, fieldstest.New().SetName("process.environment_variable.Y", false, "yyyyyyyyyyyy"))
	if env != "HOME=/root" {
		t.Errorf("composed value changed after reuse: %q", env)
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	f, err := Compile("Sensitive file opened | file=%fd.name gparent=%proc.aname[2] ggparent=%proc.aname[4] evt_type=%evt.type user=%user.name user_uid=%user.uid user_loginuid=%user.loginuid process=%proc.name command=%proc.cmdline terminal=%proc.tty container_id=%container.id %12proc.name %tolower(proc.name)")
	if err != nil {
		t.Fatal(err)
	}
	ev := testEvent()
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = f.Append(buf[:0], ev) }); n != 0 {
		t.Errorf("Append allocates %.1f times", n)
	}
}

func TestExtraOutputAppended(t *testing.T) {
	// Falco's append_output: the facade joins formats with one space; the
	// result renders and lists fields like any template.
	f, err := Compile("Shell in container (user=%user.name)" + " " + "container_id=%container.id container_name=%container.name")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.Append(nil, testEvent())); got != "Shell in container (user=root) container_id=3ad7b26ded6d container_name=<NA>" {
		t.Errorf("rendered %q", got)
	}
	if got := f.Fields(); !reflect.DeepEqual(got, []string{"user.name", "container.id", "container.name"}) {
		t.Errorf("Fields = %v", got)
	}
}
