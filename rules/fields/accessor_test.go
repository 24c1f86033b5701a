package fields_test

import (
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// read extracts a field as text the way a filter would, "<absent>" when it
// cannot be extracted.
func read(t *testing.T, ev fields.Event, name string, output bool) string {
	t.Helper()
	f, arg, ok := fields.Resolve(strings.SplitN(name, "[", 2)[0])
	if !ok {
		t.Fatalf("unknown field %s", name)
	}
	hasArg := arg != ""
	if i := strings.IndexByte(name, '['); i >= 0 {
		arg, hasArg = strings.TrimSuffix(name[i+1:], "]"), true
	}
	var a *fields.Accessor
	var err error
	if output {
		a, err = fields.NewOutputAccessor(f, arg, hasArg)
	} else {
		a, err = fields.NewAccessor(f, arg, hasArg)
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	sc := &fields.Scratch{}
	if a.Shape() != fields.Single {
		n, ok := a.Len(ev)
		if !ok {
			return "<absent>"
		}
		var parts []string
		for i := 0; i < n; i++ {
			if a.Type().Numeric() {
				x, _ := a.IntAt(ev, i)
				parts = append(parts, itoa(x))
			} else {
				s, _ := a.StrAt(ev, i)
				parts = append(parts, s)
			}
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	switch typ := a.Type(); {
	case typ.Numeric():
		x, ok := a.Int(ev)
		if !ok {
			return "<absent>"
		}
		return itoa(x)
	case typ == fields.Bool:
		b, ok := a.Bool(ev)
		if !ok {
			return "<absent>"
		}
		if b {
			return "true"
		}
		return "false"
	case typ == fields.Bytes:
		b, ok := a.Bytes(ev)
		if !ok {
			return "<absent>"
		}
		return string(b)
	}
	s, ok := a.Str(ev, sc)
	if !ok {
		return "<absent>"
	}
	return s
}

func itoa(x int64) string {
	neg := x < 0
	if neg {
		x = -x
	}
	var b []byte
	for {
		b = append([]byte{byte('0' + x%10)}, b...)
		x /= 10
		if x == 0 {
			break
		}
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

func procEvent() *fieldstest.Event {
	return fieldstest.New().SetTime(10_000).
		Set(fields.KeyEvtType, "execve").
		Set(fields.KeyProcPID, 42).Set(fields.KeyProcVPID, 7).Set(fields.KeyProcVPGID, 7).Set(fields.KeyProcSID, 3).
		Set(fields.KeyProcName, "bash").Set(fields.KeyProcExe, "/bin/bash").Set(fields.KeyProcExePath, "/usr/bin/bash").
		Set(fields.KeyProcCmdline, "bash -c echo hi").Set(fields.KeyProcArgs, []string{"/bin/bash", "-c", "echo hi"}).
		Set(fields.KeyAncNames, []string{"sshd", "sshd", "systemd"}).
		Set(fields.KeyAncPIDs, []int64{40, 30, 1}).
		Set(fields.KeyAncCmdlines, []string{"sshd: alice", "sshd -D", "/sbin/init"}).
		Set(fields.KeyAncExePaths, []string{"/usr/sbin/sshd"}).
		Set(fields.KeyProcStartTime, 4_000).
		Set(fields.KeyProcExeCtime, 1_000)
}

func TestProcessFields(t *testing.T) {
	ev := procEvent()
	tests := []struct{ field, want string }{
		{"proc.name", "bash"},
		{"proc.exe", "/bin/bash"},
		{"proc.cmdline", "bash -c echo hi"},
		{"proc.args", "-c echo hi"},
		{"proc.args[0]", "-c"},
		{"proc.args[1]", "echo hi"},
		{"proc.args[2]", "<absent>"},
		{"proc.cmdnargs", "2"},
		{"proc.pname", "sshd"},
		{"proc.pcmdline", "sshd: alice"},
		{"proc.pexepath", "/usr/sbin/sshd"},
		{"proc.pexe", "<absent>"},
		{"proc.aname[0]", "bash"},
		{"proc.aname[1]", "sshd"},
		{"proc.aname[3]", "systemd"},
		{"proc.aname[4]", "<absent>"},
		{"proc.apid[0]", "42"},
		{"proc.apid[2]", "30"},
		{"proc.aexepath[2]", "<absent>"},
		// Without an index a filter sees the ancestors only, parent first.
		{"proc.aname", "[sshd,sshd,systemd]"},
		{"proc.apid", "[40,30,1]"},
		{"proc.is_vpgid_leader", "true"},
		{"proc.is_sid_leader", "false"},
		{"proc.duration", "6000"},
		{"proc.exe_ino.ctime_duration_proc_start", "3000"},
		{"evt.time", "10000"},
		{"evt.dir", "<"},
		{"evt.source", "syscall"},
	}
	for _, tt := range tests {
		if got := read(t, ev, tt.field, false); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
		}
	}
	// In an output the ancestor field without index prints the process itself.
	if got := read(t, ev, "proc.aname", true); got != "bash" {
		t.Errorf("output proc.aname = %q, want bash", got)
	}
}

func TestProcArgsEdges(t *testing.T) {
	tests := []struct {
		cmdline, comm string
		argv          []string
		want          string
	}{
		{"cat", "cat", []string{"cat"}, ""},
		{"cat /etc/shadow", "cat", []string{"/usr/bin/cat", "/etc/shadow"}, "/etc/shadow"},
		// A cmdline that does not start with the comm falls back to argv.
		{"kworker", "python3", []string{"python3", "-m", "http.server"}, "-m http.server"},
		// "catx" is not "cat" + args.
		{"catx y", "cat", []string{"cat", "z"}, "z"},
	}
	for _, tt := range tests {
		ev := fieldstest.New().Set(fields.KeyProcCmdline, tt.cmdline).Set(fields.KeyProcName, tt.comm).Set(fields.KeyProcArgs, tt.argv)
		if got := read(t, ev, "proc.args", false); got != tt.want {
			t.Errorf("cmdline %q comm %q: proc.args = %q, want %q", tt.cmdline, tt.comm, got, tt.want)
		}
	}
	if got := read(t, fieldstest.New(), "proc.args", false); got != "<absent>" {
		t.Errorf("proc.args on an empty event = %q", got)
	}
}

func TestFDFields(t *testing.T) {
	tests := []struct {
		typ, path string
		dir, file string
		char      string
	}{
		{"file", "/etc/shadow", "/etc", "shadow", "f"},
		{"file", "/vmlinuz", "/", "vmlinuz", "f"},
		{"file", "/etc/", "/etc/", "/etc/", "f"},
		{"file", "relative", "/", "/", "f"},
		{"directory", "/etc/ssh", "/etc/ssh", "<absent>", "d"},
		{"", "/var/log/syslog", "/var/log", "syslog", ""},
		{"ipv4", "", "<absent>", "<absent>", "4"},
	}
	for _, tt := range tests {
		ev := fieldstest.New()
		if tt.typ != "" {
			ev.Set(fields.KeyFDType, tt.typ)
		}
		if tt.path != "" {
			ev.Set(fields.KeyFilePath, tt.path)
		}
		if got := read(t, ev, "fd.directory", false); got != tt.dir {
			t.Errorf("%s %q: fd.directory = %q, want %q", tt.typ, tt.path, got, tt.dir)
		}
		if got := read(t, ev, "fd.filename", false); got != tt.file {
			t.Errorf("%s %q: fd.filename = %q, want %q", tt.typ, tt.path, got, tt.file)
		}
		wantChar := tt.char
		if wantChar == "" {
			wantChar = "<absent>"
		}
		if got := read(t, ev, "fd.typechar", false); got != wantChar {
			t.Errorf("%s: fd.typechar = %q, want %q", tt.typ, got, wantChar)
		}
	}
	chars := map[string]string{
		"file": "f", "directory": "d", "ipv4": "4", "ipv6": "6", "unix": "u", "pipe": "p", "event": "e",
		"signalfd": "s", "eventpoll": "l", "inotify": "i", "timerfd": "t", "netlink": "n", "bpf": "b",
		"userfaultfd": "u", "io_uring": "r", "memfd": "m", "pidfd": "P", "weird": "o",
	}
	for typ, want := range chars {
		if got := read(t, fieldstest.New().Set(fields.KeyFDType, typ), "fd.typechar", false); got != want {
			t.Errorf("fd.typechar of %s = %q, want %q", typ, got, want)
		}
	}
	for typ, want := range map[string]string{"ipv4": "ip", "ipv6": "ip", "unix": "unix", "file": "<absent>"} {
		if got := read(t, fieldstest.New().Set(fields.KeyFDType, typ), "fd.sockfamily", false); got != want {
			t.Errorf("fd.sockfamily of %s = %q, want %q", typ, got, want)
		}
	}
	// fd.name: file path first, then the non-file name.
	sock := fieldstest.New().Set(fields.KeyFDName, "10.0.0.1:1234->10.0.0.2:80")
	if got := read(t, sock, "fd.name", false); got != "10.0.0.1:1234->10.0.0.2:80" {
		t.Errorf("socket fd.name = %q", got)
	}
	// Either fields: both sides.
	net := fieldstest.New().Set(fields.KeyClientAddr, "10.0.0.1").Set(fields.KeyServerAddr, "10.0.0.2").
		Set(fields.KeyClientPort, 40000).Set(fields.KeyServerPort, 443)
	if got := read(t, net, "fd.ip", false); got != "[10.0.0.1,10.0.0.2]" {
		t.Errorf("fd.ip = %q", got)
	}
	if got := read(t, net, "fd.port", false); got != "[40000,443]" {
		t.Errorf("fd.port = %q", got)
	}
}

func TestEventFields(t *testing.T) {
	ev := fieldstest.New().Set(fields.KeyEvtType, "openat").Set(fields.KeyEvtRawRes, -2).
		SetName("vigil.evt.arg.flags", false, "O_RDONLY|O_CLOEXEC").
		SetName("vigil.evt.arg.dirfd", false, "-100").
		SetName("vigil.evt.arg.mode", false, int64(420))
	tests := []struct{ field, want string }{
		{"evt.res", "ENOENT"},
		{"evt.rawres", "-2"},
		{"evt.failed", "true"},
		{"evt.arg.flags", "O_RDONLY|O_CLOEXEC"},
		{"evt.arg[flags]", "O_RDONLY|O_CLOEXEC"},
		{"evt.arg[0]", "O_RDONLY|O_CLOEXEC"},
		{"evt.arg[1]", "-100"},
		{"evt.arg[2]", "<absent>"}, // Range reports text attributes only
		{"evt.arg.mode", "420"},    // an integer parameter renders in decimal
		{"evt.arg.nope", "<absent>"},
		{"evt.args", "flags=O_RDONLY|O_CLOEXEC dirfd=-100"},
	}
	for _, tt := range tests {
		if got := read(t, ev, tt.field, false); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
		}
	}
	for res, want := range map[int64]string{0: "SUCCESS", 5: "SUCCESS", -1: "EPERM", -115: "EINPROGRESS", -13: "EACCES", -512: "ERESTARTSYS", -9999: "-9999"} {
		if got := read(t, fieldstest.New().Set(fields.KeyEvtRawRes, res), "evt.res", false); got != want {
			t.Errorf("evt.res of %d = %q, want %q", res, got, want)
		}
	}
	if got := read(t, fieldstest.New().Set(fields.KeyOpenFlags, 1), "evt.rawarg.flags", false); got != "1" {
		t.Errorf("evt.rawarg.flags = %q", got)
	}
}

func TestIsOpen(t *testing.T) {
	const (
		rdonly  = 0
		wronly  = 1
		rdwr    = 2
		creat   = 0o100
		tmpfile = 0o20200000
		cloexec = 0o2000000
	)
	type want struct{ read, write, exec, create string }
	tests := []struct {
		name    string
		typ     string
		flags   int64
		mode    int64
		created bool
		res     int64
		noFlags bool
		want    want
	}{
		{"openat read", "openat", rdonly | cloexec, 0, false, 3, false, want{"true", "false", "false", "false"}},
		{"open write", "open", wronly, 0, false, 3, false, want{"false", "true", "false", "false"}},
		{"openat2 rdwr", "openat2", rdwr, 0, false, 3, false, want{"true", "true", "false", "false"}},
		{"access mode 3", "openat", 3, 0, false, 3, false, want{"true", "false", "false", "false"}},
		{"create exec", "openat", wronly | creat, 0o755, true, 3, false, want{"false", "true", "true", "true"}},
		{"create no exec", "openat", wronly | creat, 0o644, true, 3, false, want{"false", "true", "false", "true"}},
		{"O_CREAT existing", "openat", wronly | creat, 0o644, false, 3, false, want{"false", "true", "false", "false"}},
		{"tmpfile ok", "openat", rdwr | tmpfile, 0o700, false, 3, false, want{"true", "true", "true", "true"}},
		{"tmpfile failed", "openat", rdwr | tmpfile, 0o700, false, -1, false, want{"true", "true", "true", "false"}},
		{"by handle no mode", "open_by_handle_at", rdonly | creat, 0o755, false, 3, false, want{"true", "false", "false", "false"}},
		{"creat", "creat", 0, 0o755, true, 3, false, want{"false", "false", "true", "false"}},
		{"creat no exec", "creat", 0, 0o600, true, 3, false, want{"false", "false", "false", "false"}},
		{"not an open", "execve", 0, 0o755, false, 0, false, want{"false", "false", "false", "false"}},
		{"open without flags", "openat", 0, 0, false, 3, true, want{"<absent>", "<absent>", "<absent>", "<absent>"}},
	}
	for _, tt := range tests {
		ev := fieldstest.New().Set(fields.KeyEvtType, tt.typ).Set(fields.KeyOpenMode, tt.mode).
			Set(fields.KeyOpenCreated, tt.created).Set(fields.KeyEvtRawRes, tt.res)
		if !tt.noFlags {
			ev.Set(fields.KeyOpenFlags, tt.flags)
		}
		got := want{
			read(t, ev, "evt.is_open_read", false), read(t, ev, "evt.is_open_write", false),
			read(t, ev, "evt.is_open_exec", false), read(t, ev, "evt.is_open_create", false),
		}
		if got != tt.want {
			t.Errorf("%s: read/write/exec/create = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestContainerFields(t *testing.T) {
	host := fieldstest.New()
	full := "3ad7b26ded6d4f5e9c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e"
	ctr := fieldstest.New().Set(fields.KeyContainerID, full).Set(fields.KeyContainerName, "web").
		Set(fields.KeyImageName, "docker.io/library/nginx").Set(fields.KeyImageTag, "1.27").
		Set(fields.KeyContainerMounts, []string{"/var/run/docker.sock:/var/run/docker.sock:ro:false:rprivate", "/data:/srv:rw:true:rprivate"}).
		Set(fields.KeyContainerMountDests, []string{"/var/run/docker.sock", "/srv"}).
		SetName("container.label.app", true, "web").SetName("container.label.tier", true, "front")
	tests := []struct {
		ev          *fieldstest.Event
		field, want string
	}{
		{host, "container.id", "host"},
		{host, "container.full_id", "host"},
		{host, "container.name", "host"},
		{host, "container.image.repository", "<absent>"},
		{ctr, "container.id", "3ad7b26ded6d"},
		{ctr, "container.full_id", full},
		{ctr, "container.name", "web"},
		{ctr, "container.image", "docker.io/library/nginx:1.27"},
		{ctr, "container.image.repository", "docker.io/library/nginx"},
		{ctr, "container.mount.dest[1]", "/srv"},
		{ctr, "container.mount.dest[/var/run/*]", "/var/run/docker.sock"},
		{ctr, "container.mount.dest[/nope]", "<absent>"},
		{ctr, "container.mounts", "[/var/run/docker.sock:/var/run/docker.sock:ro:false:rprivate,/data:/srv:rw:true:rprivate]"},
		{ctr, "container.label.app", "web"},
		{ctr, "container.label[tier]", "front"},
		{ctr, "container.label", "app:web,tier:front"},
		{fieldstest.New().Set(fields.KeyContainerID, ""), "container.id", "host"},
		{fieldstest.New().Set(fields.KeyContainerID, "abc"), "container.id", "abc"},
		{fieldstest.New().Set(fields.KeyContainerID, "abc"), "container.name", "<absent>"},
		{fieldstest.New().Set(fields.KeyImageName, "alpine"), "container.image", "alpine"},
	}
	for _, tt := range tests {
		if got := read(t, tt.ev, tt.field, false); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
		}
	}
}

func TestEnvAndLabels(t *testing.T) {
	ev := fieldstest.New().
		SetName("process.environment_variable.HOME", false, "/root").
		SetName("process.environment_variable.PATH", false, "/usr/bin").
		SetName("k8s.pod.labels.app", true, "api")
	tests := []struct{ field, want string }{
		{"proc.env[HOME]", "/root"},
		{"proc.env.PATH", "/usr/bin"},
		{"proc.env[NOPE]", "<absent>"},
		{"proc.env", "HOME=/root PATH=/usr/bin"},
		{"k8s.pod.label.app", "api"},
		{"k8s.pod.label[app]", "api"},
		{"k8s.pod.labels", "app:api"},
		{"k8s.ns.labels", "<absent>"},
	}
	for _, tt := range tests {
		if got := read(t, ev, tt.field, false); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
		}
	}
}

func TestAccessorArguments(t *testing.T) {
	bad := []struct{ field, arg string }{
		{"proc.name", "x"},           // takes no argument
		{"proc.aname", "two"},        // index required
		{"proc.aname", "-1"},         // non-negative
		{"proc.env", ""},             // empty
		{"container.mount.dest", ""}, // empty
	}
	for _, b := range bad {
		f, _ := fields.Lookup(b.field)
		if _, err := fields.NewAccessor(f, b.arg, true); err == nil {
			t.Errorf("%s[%s] accepted", b.field, b.arg)
		}
	}
	f, _ := fields.Lookup("evt.arg")
	if _, err := fields.NewAccessor(f, "", false); err == nil {
		t.Error("evt.arg without argument accepted")
	}
}

func TestErrnoNames(t *testing.T) {
	for n, want := range map[int64]string{1: "EPERM", 2: "ENOENT", 11: "EAGAIN", 35: "EDEADLK", 115: "EINPROGRESS", 133: "EHWPOISON", 0: "", 9999: ""} {
		if got := fields.ErrnoNameOf(n); got != want {
			t.Errorf("ErrnoNameOf(%d) = %q, want %q", n, got, want)
		}
	}
}
