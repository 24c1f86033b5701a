package rego

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
	"github.com/vigil-sec/vigil/rules/native"
)

// operatorConditions exercise every operator, modifier, field shape and
// transformer the translator supports.
var operatorConditions = []string{
	`proc.name = bash`,
	`proc.name != bash`,
	`proc.name contains as`,
	`proc.name icontains AS`,
	`proc.cmdline startswith "bash -"`,
	`fd.name endswith .conf`,
	`fd.name glob "/etc/*.conf"`,
	`fd.name glob "/etc/[a-m]*"`,
	`fd.name glob "/etc/[!a-m]*"`,
	`fd.name glob "/e?c/*"`,
	`fd.name glob "*[[:digit:]]*"`,
	`fd.name glob /etc/\*`,
	`fd.name glob "/etc/[abc"`,
	`fd.name iglob "/ETC/*.CONF"`,
	`proc.cmdline regex ".*-e( .*)?"`,
	`proc.cmdline regex "bash|sh"`,
	`proc.name in (bash, sh, zsh)`,
	`proc.name in ()`,
	`proc.name intersects (bash, sh)`,
	`fd.name pmatch (/etc, /usr/bin)`,
	`fd.name pmatch (/)`,
	`fd.name pmatch (/opt/*/bin, /var/lib)`,
	`fd.name pmatch (etc)`,
	`proc.name exists`,
	`evt.failed = true`,
	`evt.failed = false`,
	`evt.failed != true`,
	`evt.failed in (true)`,
	`evt.is_open_read = true`,
	`evt.is_open_write = false`,
	`user.uid = 0`,
	`user.uid != 0`,
	`user.uid < 1000`,
	`user.uid >= 0x3e8`,
	`user.uid in (0, 1000, 65534)`,
	`user.loginuid = -1`,
	`proc.tty != 0`,
	`fd.sport = 443`,
	`fd.sport in (80, 443)`,
	`fd.sip = 10.0.0.1`,
	`fd.sip != 10.0.0.1`,
	`fd.sip = 10.0.0.0/8`,
	`fd.sip in (10.0.0.1, "192.168.0.0/16")`,
	`fd.snet in ("10.0.0.0/8", "fc00::/7")`,
	`fd.net = "127.0.0.0/8"`,
	`fd.ip = 10.0.0.1`,
	`fd.ip != 10.0.0.1`,
	`fd.port = 22`,
	`fd.port != 22`,
	`fd.net != "10.0.0.2/32"`,
	`fd.rnet in ("::ffff:10.0.0.0/104")`,
	`proc.aname = sshd`,
	`proc.aname != sshd`,
	`proc.aname in (sshd, systemd)`,
	`proc.aname[2] = systemd`,
	`proc.aname[0] = bash`,
	`proc.aname exists`,
	`proc.apid = 1`,
	`proc.pname = bash`,
	`proc.args contains "-e"`,
	`proc.args[0] = "-c"`,
	`proc.cmdnargs > 1`,
	`fd.directory = /etc`,
	`fd.filename = passwd`,
	`fd.typechar = f`,
	`fd.typechar in (4, 6)`,
	`evt.res = SUCCESS`,
	`evt.res = ENOENT`,
	`evt.rawres < 0`,
	`evt.arg.flags contains O_TRUNC`,
	`evt.arg[flags] contains O_CREAT`,
	`proc.env[HOME] = /root`,
	`container.id = host`,
	`container.id != host`,
	`container.name = host`,
	`container.image = "nginx:1.27"`,
	`container.mounts in ("/a:/b:rw:true:private", "/c:/d:ro:false:private")`,
	`container.mounts intersects ("/a:/b:rw:true:private")`,
	`container.privileged = true`,
	`proc.is_vpgid_leader = true`,
	`evt.buffer contains abc`,
	`evt.buffer bcontains 616263`,
	`evt.buffer bstartswith 78`,
	`evt.buffer = xabc`,
	`proc.name contains anyof (as, ba, zz)`,
	`proc.name contains allof (ba, sh)`,
	`proc.name contains oneof (b, a, h)`,
	`proc.name = anyof (bash, sh)`,
	`proc.name startswith oneof (b, ba)`,
	`proc.name glob anyof ("b*", "*z")`,
	`evt.buffer bcontains anyof (616263, 7a7a)`,
	`tolower(proc.name) = bash`,
	`toupper(proc.name) = BASH`,
	`basename(proc.exepath) = bash`,
	`len(proc.name) = 4`,
	`len(container.mounts) = 2`,
	`b64(proc.cmdline) = hello`,
	`concat(proc.name, "-", proc.pname) = "bash-sshd"`,
	`join(",", (proc.name, proc.pname)) = "bash,sshd"`,
	`proc.name = val(proc.pname)`,
	`proc.name != val(proc.pname)`,
	`fd.name startswith val(proc.cwd)`,
	`proc.name icontains val(proc.pname)`,
	`user.uid = val(user.loginuid)`,
	`proc.name in tolower(proc.pname)`,
	`fd.sip = val(fd.cip)`,
	`proc.name = bash and not fd.name exists`,
	`not (proc.name = bash or proc.name = sh) and user.uid = 0`,
	`not not proc.name = bash`,
	`(proc.name = bash or user.uid = 0) and (fd.name startswith /etc or not container.id = host)`,
	`evt.num = 0`,
}

// testEvents are attribute sets the conditions are evaluated on.
var testEvents = []map[string]any{
	{},
	{"process.executable.name": "bash", "vigil.proc.anames": []string{"sshd", "systemd"}, "vigil.proc.apids": []int64{100, 1},
		"process.command_line": "bash -c ls", "process.command_args": []string{"bash", "-c", "ls"}, "process.user.id": 0,
		"vigil.user.loginuid": -1, "file.path": "/etc/nginx.conf", "vigil.fd.type": "file", "vigil.evt.rawres": 3,
		"vigil.evt.type": "openat", "vigil.evt.rawarg.flags": 0, "vigil.evt.arg.flags": "O_RDONLY|O_CLOEXEC",
		"process.executable.path": "/usr/bin/bash", "process.working_directory": "/etc"},
	{"process.executable.name": "sh", "vigil.proc.anames": []string{"bash"}, "process.user.id": 1000, "vigil.user.loginuid": 1000,
		"file.path": "/etc/1", "vigil.fd.type": "file", "vigil.evt.rawres": -2, "vigil.evt.type": "openat",
		"vigil.evt.rawarg.flags": 0o1101, "vigil.evt.arg.flags": "O_WRONLY|O_CREAT|O_TRUNC", "container.id": strings.Repeat("ab", 32),
		"container.name": "web", "container.image.name": "nginx", "container.image.tag": "1.27", "vigil.container.privileged": true},
	{"process.executable.name": "ZSH", "file.path": "/ETC/APP.CONF", "vigil.evt.type": "connect", "vigil.fd.type": "ipv4",
		"server.address": "10.1.2.3", "server.port": 443, "client.address": "192.168.1.10", "client.port": 5000,
		"network.peer.address": "::ffff:10.9.9.9", "network.peer.port": 443, "vigil.evt.rawres": 0},
	{"process.executable.name": "bash", "vigil.proc.anames": []string{"bash", "bash", "systemd"}, "vigil.proc.apids": []int64{7, 5, 1},
		"process.command_line": "bash", "file.path": "/opt/x/bin/tool", "vigil.fd.type": "file", "server.address": "10.0.0.1",
		"client.address": "10.0.0.1", "server.port": 22, "client.port": 22, "vigil.evt.buffer": []byte("xabc"),
		"process.environment_variable.HOME": "/root", "vigil.proc.vpgid": 9, "process.vpid": 9},
	{"process.executable.name": "bash", "vigil.proc.anames": []string{"sshd"}, "process.command_line": "bash aGVsbG8=",
		"vigil.container.mounts": []string{"/a:/b:rw:true:private", "/c:/d:ro:false:private"}, "server.address": "not-an-ip",
		"client.address": "fe80::1", "file.path": "/usr/bin", "vigil.fd.type": "directory", "vigil.evt.buffer": []byte{0x16, 0x16, 0x23, 0x61, 0x62, 0x63},
		"process.user.id": 1000, "vigil.user.loginuid": 1000, "vigil.evt.num": 0},
	{"process.executable.name": "bash", "vigil.proc.anames": []string{"sshd"}, "process.command_line": "bash aGVsbG8",
		"vigil.container.mounts": []string{"/a:/b:rw:true:private"}, "file.path": "relative/etc/passwd", "process.executable.path": "/bin/",
		"process.working_directory": "/usr", "vigil.evt.arg.flags": "O_CREAT", "container.id": "", "vigil.evt.num": 5},
	{"process.executable.name": "sh", "vigil.proc.anames": []string{}, "file.path": "/etc//passwd/", "vigil.fd.type": "file",
		"network.peer.address": "2001:db8::1", "client.address": "10.0.0.1", "vigil.evt.buffer": []byte("zz")},
	{"process.executable.name": "nc", "process.command_line": "nc -lvp 4444 -e /bin/sh", "process.user.id": 0,
		"vigil.proc.tty": 34816, "server.address": "127.0.0.1", "file.path": "/etc/hosts", "vigil.fd.type": "file"},
	{"process.executable.name": "bz", "process.command_line": "aGVsbG8=", "file.path": "/etc/*"},
	{"process.executable.name": "bash", "process.command_line": "bash", "vigil.fd.type": "pipe"},
	{"process.executable.name": "ba", "file.path": "/etc/[abc", "vigil.fd.type": "file", "vigil.proc.tty": 0},
	// One end matches, the other does not: "=" and "!=" on both-ends fields.
	{"client.address": "10.0.0.1", "server.address": "10.0.0.2", "client.port": 22, "server.port": 2222},
}

func compileNative(t *testing.T, cond string) (*native.Filter, condition.Expr) {
	t.Helper()
	e, err := condition.Parse(cond)
	if err != nil {
		t.Fatalf("parse %q: %v", cond, err)
	}
	f, _, err := native.Compile(e)
	if err != nil {
		t.Fatalf("native compile %q: %v", cond, err)
	}
	return f, e
}

// TestOperatorsAgree evaluates every condition on every event with both
// engines; they must agree.
func TestOperatorsAgree(t *testing.T) {
	ctx := context.Background()
	var rs []Rule
	var filters []*native.Filter
	for i, cond := range operatorConditions {
		f, e := compileNative(t, cond)
		filters = append(filters, f)
		rs = append(rs, Rule{Name: fmt.Sprintf("r%d %s", i, cond), Condition: e})
	}
	mod, err := Translate(rs)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine(ctx, mod)
	if err != nil {
		t.Fatalf("%v\n%s", err, mod.Text)
	}
	fired := make([]int, len(rs))
	for ei, m := range testEvents {
		ev := fieldstest.FromMap(m)
		got, err := eng.Match(ctx, ev, nil)
		if err != nil {
			t.Fatal(err)
		}
		in := map[int]bool{}
		for _, i := range got {
			in[i] = true
		}
		for i, f := range filters {
			want := f.Match(ev)
			if want {
				fired[i]++
			}
			if in[i] != want {
				t.Errorf("event %d, condition %q: native %v, rego %v\nevent: %v\ninput: %v", ei, operatorConditions[i], want, in[i], m, eng.Input(ev))
			}
		}
	}
	// Conditions that never hold (or always hold) on the test events would
	// prove little; the events are built so that each condition sees both.
	for i, n := range fired {
		if n == 0 && operatorConditions[i] != `proc.name in ()` && operatorConditions[i] != `evt.num = 0` {
			t.Errorf("condition %q holds on no test event", operatorConditions[i])
		}
		if n == len(testEvents) {
			t.Errorf("condition %q holds on every test event", operatorConditions[i])
		}
	}
}

func TestKnownResults(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		cond string
		ev   map[string]any
		want bool
	}{
		{`proc.name = bash`, map[string]any{"process.executable.name": "bash"}, true},
		{`not proc.name = bash`, map[string]any{}, true},
		{`proc.name != bash`, map[string]any{}, false},
		{`fd.name pmatch (/etc)`, map[string]any{"file.path": "/etcd/x"}, false},
		{`fd.name pmatch (/etc)`, map[string]any{"file.path": "/etc/x/y"}, true},
		{`fd.name glob "/etc/*"`, map[string]any{"file.path": "/etc/a/b"}, true},
		{`proc.name icontains BA`, map[string]any{"process.executable.name": "xbAx"}, true},
		{`proc.aname = sshd`, map[string]any{"process.executable.name": "sshd"}, false},
		{`container.mounts in ("a")`, map[string]any{"vigil.container.mounts": []string{"a", "b"}}, false},
		{`proc.name contains oneof (a, b)`, map[string]any{"process.executable.name": "ab"}, false},
		{`fd.sip = 10.0.0.0/8`, map[string]any{"server.address": "::ffff:10.1.1.1"}, true},
	}
	for _, c := range cases {
		_, e := compileNative(t, c.cond)
		mod, err := Translate([]Rule{{Name: "r", Condition: e}})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := NewEngine(ctx, mod)
		if err != nil {
			t.Fatal(err)
		}
		got, err := eng.Match(ctx, fieldstest.FromMap(c.ev), nil)
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) == 1) != c.want {
			t.Errorf("%s on %v: got %v, want %v", c.cond, c.ev, len(got) == 1, c.want)
		}
	}
}

func TestUntranslatable(t *testing.T) {
	for _, cond := range []string{
		`getopt(proc.args, "e:")[e] = x`,
		`fd.name glob val(proc.cwd)`,
		`fd.name pmatch val(proc.cwd)`,
	} {
		e, err := condition.Parse(cond)
		if err != nil {
			t.Fatalf("parse %q: %v", cond, err)
		}
		_, err = Translate([]Rule{{Name: "r", Condition: e}})
		if err == nil {
			t.Errorf("%s: translated, want an error", cond)
			continue
		}
		if !strings.Contains(err.Error(), `rule "r"`) || !strings.Contains(err.Error(), "Rego") {
			t.Errorf("%s: error %q does not name the rule and say why", cond, err)
		}
	}
}

var _ = fields.String
