package native

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// testEvent is an openat of /opt/dir/subdir/file.txt by bash (parent sshd)
// in a container, with a socket tuple, a payload and a few event arguments.
func testEvent() *fieldstest.Event {
	return fieldstest.New().SetTime(1_000_000).
		Set(fields.KeyEvtType, "openat").Set(fields.KeyEvtNum, 7).Set(fields.KeyEvtRawRes, 3).
		Set(fields.KeyOpenFlags, 0o2000000).
		SetName("vigil.evt.arg.flags", false, "O_RDONLY|O_CLOEXEC").
		Set(fields.KeyProcName, "bash").Set(fields.KeyProcExe, "/bin/bash").Set(fields.KeyProcExePath, "/USR/bin/Bash").
		Set(fields.KeyProcCmdline, "bash -c ls /tmp").Set(fields.KeyProcArgs, []string{"bash", "-c", "ls /tmp"}).
		Set(fields.KeyProcPID, 1234).Set(fields.KeyProcPPID, 100).Set(fields.KeyProcCwd, "/opt").
		Set(fields.KeyAncNames, []string{"sshd", "sshd", "systemd"}).Set(fields.KeyAncPIDs, []int64{100, 50, 1}).
		Set(fields.KeyUserUID, 0).Set(fields.KeyUserLoginUID, -1).Set(fields.KeyProcTTY, 34816).
		Set(fields.KeyFDType, "file").Set(fields.KeyFilePath, "/opt/dir/subdir/file.txt").Set(fields.KeyFDNum, 3).
		Set(fields.KeyClientAddr, "10.0.0.5").Set(fields.KeyServerAddr, "::ffff:192.168.1.10").
		Set(fields.KeyClientPort, 40000).Set(fields.KeyServerPort, 443).
		Set(fields.KeyContainerID, "3ad7b26ded6d4f5e9c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e").
		Set(fields.KeyContainerPriv, true).
		Set(fields.KeyContainerMounts, []string{"/a:/b", "/c:/d"}).
		Set(fields.KeyEvtBuffer, []byte("\xca\xfe\xba\xbeHELLO")).
		SetName("process.environment_variable.DATA", false, "aGVsbG8=").
		SetName("process.environment_variable.CAFE", false, "Café au lait")
}

func eval(t *testing.T, cond string, ev fields.Event) bool {
	t.Helper()
	e, err := condition.Parse(cond)
	if err != nil {
		t.Fatalf("parse %q: %v", cond, err)
	}
	f, _, err := Compile(e)
	if err != nil {
		t.Fatalf("compile %q: %v", cond, err)
	}
	return f.Match(ev)
}

type opCase struct {
	cond string
	want bool
}

func runCases(t *testing.T, cases []opCase) {
	t.Helper()
	ev := testEvent()
	for _, c := range cases {
		if got := eval(t, c.cond, ev); got != c.want {
			t.Errorf("%s = %v, want %v", c.cond, got, c.want)
		}
	}
}

func TestEquality(t *testing.T) {
	runCases(t, []opCase{
		{"proc.name = bash", true},
		{"proc.name == bash", true},
		{`proc.name = "bash"`, true},
		{"proc.name = Bash", false},
		{"proc.name != bash", false},
		{"proc.name != sh", true},
		{"proc.pid = 1234", true},
		{"proc.pid = 0x4d2", true},
		{"proc.pid != 1234", false},
		{"user.loginuid = -1", true},
		{"container.privileged = true", true},
		{"container.privileged = false", false},
		{"container.privileged != false", true},
		{"fd.cip = 10.0.0.5", true},
		{"fd.cip != 10.0.0.5", false},
		{"fd.sip = 192.168.1.10", true}, // IPv4-mapped IPv6 compares as IPv4
		{"fd.sport = 443", true},
		{"evt.res = SUCCESS", true},
		{"evt.buffer = HELLO", false},
	})
}

func TestOrdering(t *testing.T) {
	runCases(t, []opCase{
		{"proc.pid < 1235", true},
		{"proc.pid <= 1234", true},
		{"proc.pid > 1234", false},
		{"proc.pid >= 1234", true},
		{"evt.rawres >= 0", true},
		{"user.loginuid < 0", true},
		{"fd.sport > 100", true},
		// strcmp order on strings: "bash" sorts after "5".
		{"proc.name > 5", true},
		{"proc.name < 5", false},
		{"proc.name >= 5", true},
	})
}

func TestSubstringOperators(t *testing.T) {
	runCases(t, []opCase{
		{"proc.cmdline contains ls", true},
		{"proc.cmdline contains LS", false},
		{"proc.cmdline icontains LS", true},
		{"proc.cmdline icontains ' -C '", true},
		{"proc.env[CAFE] icontains CAFÉ", false}, // ASCII-only folding: É is not é
		{"proc.env[CAFE] icontains CAFé", true},
		{"proc.cmdline startswith 'bash -c'", true},
		{"proc.cmdline startswith sh", false},
		{"proc.cmdline endswith /tmp", true},
		{"proc.cmdline endswith tmp/", false},
		{"evt.buffer contains HELLO", true},
		{"evt.buffer bcontains cafebabe", true},
		{"evt.buffer bcontains CAFEBABE", true},
		{"evt.buffer bcontains babe48", true},
		{"evt.buffer bcontains deadbeef", false},
		{"evt.buffer bstartswith cafe", true},
		{"evt.buffer bstartswith babe", false},
		{"evt.buffer startswith HELLO", false},
		{"evt.buffer endswith LLO", true},
	})
}

func TestGlob(t *testing.T) {
	runCases(t, []opCase{
		// No FNM_PATHNAME: "*" also matches "/".
		{"fd.name glob /opt/*", true},
		{"fd.name glob '/opt/*/file.txt'", true},
		{"fd.name glob '/opt/dir/*'", true},
		{"fd.name glob '/opt/?ir/subdir/file.txt'", true},
		{"fd.name glob '/opt/[a-d]ir/*.txt'", true},
		{"fd.name glob '/opt/[!d]ir/*'", false},
		{"fd.name glob '*.TXT'", false},
		{"fd.name iglob '*.TXT'", true},
		{"fd.name iglob '/OPT/*'", true},
		{"fd.name glob /opt", false},
	})
}

func TestRegex(t *testing.T) {
	runCases(t, []opCase{
		{"proc.name regex 'ba.h'", true},
		{"proc.name regex 'b[a-z]+'", true},
		// Full match, not search.
		{"proc.name regex 'as'", false},
		{"proc.name regex 'ba.'", false},
		{"proc.cmdline regex '.*ls /t.*'", true},
		{"proc.cmdline regex 'bash|zsh'", false},
		{"proc.name regex 'bash|zsh'", true},
	})
}

func TestIn(t *testing.T) {
	runCases(t, []opCase{
		{"proc.name in (sh, bash, zsh)", true},
		{"proc.name in (sh, zsh)", false},
		{"proc.name in (a, b, c, d, e, f, bash)", true}, // hash set
		{"proc.name in (a, b, c, d, e, f, g)", false},
		{"proc.name in ()", false},
		{"proc.name intersects (bash)", true},
		{"proc.pid in (1, 1234)", true},
		{"proc.pid in (1, 2)", false},
		{"container.privileged in (true)", true},
		{"container.privileged in (false)", false},
		{"fd.sport in (80, 443)", true},
		{"fd.sip in (10.0.0.1, 192.168.1.10)", true},
		{"fd.sip in (10.0.0.0/8, 192.168.0.0/16)", true},
		// List-valued field: in = every value in the set, intersects = any.
		{"container.mounts in (/a:/b, /c:/d, /e:/f)", true},
		{"container.mounts in (/a:/b)", false},
		{"container.mounts intersects (/a:/b)", true},
		{"container.mounts intersects (/x:/y)", false},
		// Several candidate values: any one satisfies.
		{"proc.aname in (systemd)", true},
		{"proc.aname in (bash)", false}, // the process itself is not its ancestor
		{"proc.aname = sshd", true},
		{"proc.aname != sshd", true}, // systemd is an ancestor that is not sshd
		{"proc.aname[0] = bash", true},
		{"proc.aname[1] = sshd", true},
		{"proc.aname[3] in (systemd, init)", true},
		{"proc.apid = 50", true},
		{"proc.aname startswith sys", true},
	})
}

func TestPmatch(t *testing.T) {
	runCases(t, []opCase{
		{"fd.name pmatch (/opt/dir)", true},
		{"fd.name pmatch (/opt/dir/subdir)", true},
		{"fd.name pmatch (/opt/dir/subdir/file.txt)", true},
		{"fd.name pmatch (/opt/dir2)", false},
		{"fd.name pmatch (/opt/di)", false}, // component-wise: /opt/di does not cover /opt/dir
		{"fd.name pmatch (/op)", false},
		{"fd.name pmatch (/opt/, /etc)", true},
		{"fd.name pmatch (/)", true},
		{"fd.name pmatch (/opt/*)", true},
		{"fd.name pmatch (/opt/*/subdir)", true},
		{"fd.name pmatch (/opt/di?/subdir)", true},
		{"fd.name pmatch (/opt/dii?/subdir)", false},
		{"fd.name pmatch (/opt/di[r]/subdir)", true},
		{"fd.name pmatch (/opt/di[!r]/subdir)", false},
		{"fd.name pmatch (/opt/*/subdir2)", false},
		{"fd.name pmatch (/opt/*/*)", true},
		{"fd.name pmatch (/opt/*/*/subsubdir)", false},
		{"proc.cwd pmatch (/optional)", false},
		{"proc.cwd pmatch (/opt/dir)", false},
	})
	// /opt does not cover /optional.
	ev := fieldstest.New().Set(fields.KeyFilePath, "/optional/x")
	if eval(t, "fd.name pmatch (/opt)", ev) {
		t.Error("/opt covers /optional")
	}
}

func TestExistsAndAbsentFields(t *testing.T) {
	runCases(t, []opCase{
		{"proc.name exists", true},
		{"user.name exists", false},
		{"not user.name exists", true},
		{"proc.aname exists", true},
		{"proc.aname[3] exists", true},
		{"proc.aname[4] exists", false},
		// A check on a field that cannot be extracted is false, whatever the
		// operator; "not" makes it true.
		{"user.name = root", false},
		{"user.name != root", false},
		{"not user.name = root", true},
		{"not user.name != root", true},
		{"user.name in (root)", false},
		{"not user.name in (root)", true},
		{"user.name contains r", false},
		{"proc.aname[9] = x", false},
		{"not proc.aname[9] = x", true},
		{"fd.lport > 0", false},
		{"not fd.lport > 0", true},
		{"k8s.ns.name = default or not k8s.ns.name exists", true},
	})
	// No ancestors at all: an any-ancestor check is false, its negation true.
	orphan := fieldstest.New().Set(fields.KeyProcName, "init")
	if eval(t, "proc.aname != x", orphan) || !eval(t, "not proc.aname = x", orphan) {
		t.Error("any-ancestor checks without ancestors")
	}
}

func TestModifiers(t *testing.T) {
	runCases(t, []opCase{
		{"proc.name = anyof (sh, bash)", true},
		{"proc.name = anyof (sh, zsh)", false},
		{"proc.name = allof (bash, bash)", true},
		{"proc.name = oneof (bash, zsh)", true},
		{"proc.name != anyof (bash, zsh)", true},
		{"proc.name != allof (bash, zsh)", false},
		{"proc.cmdline contains allof (ls, tmp)", true},
		{"proc.cmdline contains allof (ls, nope)", false},
		// oneof is exactly one.
		{"proc.cmdline contains oneof (ls, tmp)", false},
		{"proc.cmdline contains oneof (ls, nope)", true},
		{"proc.cmdline contains oneof (nope, nada)", false},
		{"proc.cmdline icontains anyof (LS, NOPE)", true},
		{"proc.cmdline startswith anyof (zsh, bash)", true},
		{"proc.cmdline startswith allof (b, ba, bas)", true},
		{"proc.cmdline endswith anyof (/tmp, /var)", true},
		{"fd.name glob anyof (/etc/*, /opt/*)", true},
		{"fd.name iglob allof (/OPT/*, *.TXT)", true},
		{"proc.name regex oneof (ba.h, b.*, zsh)", false},
		{"proc.name regex oneof (ba.h, zsh)", true},
		{"evt.buffer bcontains anyof (00, babe)", true},
		{"evt.buffer bstartswith allof (ca, cafe)", true},
	})
}

func TestTransformers(t *testing.T) {
	runCases(t, []opCase{
		{"tolower(proc.exepath) = /usr/bin/bash", true},
		{"toupper(proc.name) = BASH", true},
		{"toupper(proc.name) = bash", false},
		{"tolower(toupper(proc.name)) = bash", true},
		{"b64(proc.env[DATA]) = hello", true},
		{"basename(fd.name) = file.txt", true},
		{"basename(proc.cwd) = opt", true},
		{"len(proc.name) = 4", true},
		{"len(proc.name) > 3", true},
		{"len(container.mounts) = 2", true},
		{"len(evt.buffer) = 9", true},
		{`join(",", (proc.name, proc.pname)) = "bash,sshd"`, true},
		{`join("-", container.mounts) = "/a:/b-/c:/d"`, true},
		{`concat(proc.name, "-", proc.pname) = bash-sshd`, true},
		{`concat(toupper(proc.name), "-x-", proc.pname) = BASH-x-sshd`, true},
		{`getopt(("-n", "-t", "5", "file"), "nt:") intersects (n)`, true},
		{`getopt(("-n", "-t", "5", "file"), "nt:") in (n, t, 5)`, true},
		{`getopt(("-n", "-t", "5", "file"), "nt:") in (n, t)`, false},
		{`getopt(("-nt5", "file"), "nt:")[t] = 5`, true},
		{`getopt(("-x", "file"), "nt:") intersects ("?")`, true},
		{`getopt(("file", "-n"), "n") intersects (n)`, false}, // stops at the first non-option
		{`getopt(("-t"), "t:")[t] = ""`, true},                // missing value
		{`getopt(("-n"), "nt:")[t] exists`, false},
		// Transformers on the right side.
		{"fd.filename = basename(fd.name)", true},
		{"proc.name = tolower(proc.exepath)", false},
		{"proc.name in tolower(proc.name)", true},
		// A transformer over an absent value is absent.
		{"tolower(user.name) = root", false},
		{"not tolower(user.name) = root", true},
	})
}

func TestVal(t *testing.T) {
	runCases(t, []opCase{
		{"proc.exe = val(proc.exe)", true},
		{"proc.pname = val(proc.pcmdline)", false},
		{"proc.pname = val(proc.name)", false},
		{"proc.pname != val(proc.name)", true},
		{"fd.name startswith val(proc.cwd)", true},
		{"fd.name pmatch val(proc.cwd)", true},
		{"proc.cwd pmatch val(fd.name)", false},
		{"fd.name pmatch val(proc.exe)", false},
		{"fd.name contains val(proc.cwd)", true},
		{"proc.pid > val(proc.ppid)", true},
		{"proc.ppid < val(proc.pid)", true},
		// val() of a field that cannot be extracted makes the check false.
		{"proc.name = val(user.name)", false},
		{"proc.name != val(user.name)", false},
	})
}

func TestNetworks(t *testing.T) {
	runCases(t, []opCase{
		{"fd.sip = 192.168.0.0/16", true},
		{"fd.sip = 10.0.0.0/8", false},
		{"fd.snet = 192.168.1.0/24", true},
		{"fd.snet != 192.168.1.0/24", false},
		{"fd.cnet = 10.0.0.0/8", true},
		{"fd.net = 10.0.0.0/8", true}, // either side
		{"fd.net = 172.16.0.0/12", false},
		{"fd.net != 127.0.0.0/8", true},
		// "!=" on a both-ends field holds only when neither end matches.
		{"fd.ip != 10.0.0.5", false},
		{"fd.ip != 10.9.9.9", true},
		{"fd.net != 10.0.0.0/8", false},
		{"fd.port != 443", false},
		{"fd.port != 22", true},
		{"not fd.ip = 10.0.0.5", false},
		{"fd.snet in (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)", true},
		{"fd.ip = 10.0.0.5", true},
		{"fd.ip = 192.168.1.10", true},
		{"fd.ip = 10.0.0.6", false},
		{"fd.port = 443", true},
		{"fd.port = 40000", true},
		{"fd.port in (22, 80)", false},
		{"fd.cip = ::1", false},
	})
	v6 := fieldstest.New().Set(fields.KeyClientAddr, "::1").Set(fields.KeyServerAddr, "2001:db8::10")
	for cond, want := range map[string]bool{
		"fd.cip = ::1": true, "fd.snet = 2001:db8::/32": true, "fd.snet = 2001:db9::/32": false, "fd.net = 10.0.0.0/8": false,
	} {
		if got := eval(t, cond, v6); got != want {
			t.Errorf("v6: %s = %v, want %v", cond, got, want)
		}
	}
}

func TestBooleanLogic(t *testing.T) {
	runCases(t, []opCase{
		{"proc.name = bash and proc.pid = 1234", true},
		{"proc.name = bash and proc.pid = 1", false},
		{"proc.name = sh or proc.pid = 1234", true},
		{"not proc.name = sh", true},
		{"not not proc.name = bash", true},
		{"not (proc.name = bash and proc.pid = 1)", true},
		{"(proc.name = sh or proc.name = bash) and not fd.name startswith /etc", true},
		{"proc.name startswith b or proc.name startswith z or proc.name startswith q", true},
		{"proc.name = a or proc.name = b or proc.name = bash", true},
		{"proc.name endswith sh or proc.name endswith zz", true},
		{"evt.num = 0", false},
		{"not evt.num = 0", true},
		{"evt.num = 0 or proc.name = bash", true},
		{"evt.num > 0", true},
	})
}

func TestEventTypeChecks(t *testing.T) {
	runCases(t, []opCase{
		{"evt.type = openat", true},
		{"evt.type in (open, openat, openat2)", true},
		{"evt.type != openat", false},
		{"evt.type startswith open", true},
		{"evt.is_open_read = true", true},
		{"evt.is_open_write = true", false},
		{"fd.typechar = f", true},
		{"fd.typechar in (4, 6)", false},
		{"fd.directory = /opt/dir/subdir", true},
		{"fd.filename = file.txt", true},
		{"evt.arg.flags contains O_RDONLY", true},
		{"evt.arg[flags] contains O_CLOEXEC", true},
		{"proc.args contains /tmp", true},
		{"container.id != host", true},
		{"container.id = 3ad7b26ded6d", true},
		{"proc.env[DATA] = 'aGVsbG8='", true},
	})
}

func compileErr(t *testing.T, cond string) *Error {
	t.Helper()
	e, err := condition.Parse(cond)
	if err != nil {
		t.Fatalf("parse %q: %v", cond, err)
	}
	_, _, err = Compile(e)
	if err == nil {
		t.Fatalf("%s compiled", cond)
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s: error %T is not *native.Error", cond, err)
	}
	return ce
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		cond string
		col  int
		msg  string
	}{
		{"proc.pid contains 1", 1, "operator 'contains' cannot be used with numeric field 'proc.pid'"},
		{"proc.name = x and proc.pid = abc", 30, `"abc" is not a valid integer value`},
		{"fd.sport = 70000", 12, `"70000" is not a valid port number`},
		{"fd.sip = 300.1.1.1", 10, `"300.1.1.1" is not a valid IP address`},
		{"fd.snet = 10.0.0.0/33", 11, "not a valid network"},
		{"container.privileged = maybe", 24, "not a valid boolean value"},
		{"evt.buffer bcontains xyz", 22, "needs a hexadecimal byte string"},
		{"evt.buffer bcontains abc", 22, "needs a hexadecimal byte string"},
		{"proc.name regex '('", 17, "invalid regular expression"},
		{"container.mounts = x", 1, "lists support only in, intersects and exists"},
		{"proc.name bcontains ab", 1, "operator 'bcontains' cannot be used with string field 'proc.name'"},
		{"proc.pid startswith anyof (1)", 1, "'startswith' cannot be used"},
		{"proc.pid glob 1", 1, "operator 'glob' cannot be used"},
		{"fd.sip contains 1", 1, "operator 'contains' cannot be used with IP address field 'fd.sip'"},
		{"container.privileged > 1", 1, "operator '>' cannot be used"},
		{"foo.bar = 1", 1, "unknown field 'foo.bar'"},
		{"proc.name = val(proc.aname)", 13, "cannot be used inside val()"},
		{"proc.name = val(proc.aname[1])", 13, "cannot be used inside val()"},
		{"proc.pid = val(proc.name)", 12, "cannot compare numeric field 'proc.pid' with string field 'proc.name'"},
		{"tolower(proc.pid) = 1", 9, "needs a string argument"},
		{"tolower(proc.aname) = x", 9, "cannot be used inside transformer 'tolower'"},
		{"toupper(evt.rawarg.res) = x", 9, "cannot be used inside transformer 'toupper'"},
		{"b64(evt.rawres) = x", 5, "needs a string or byte-buffer argument"},
		{"proc.name regex val(proc.pname)", 17, "'regex' needs a constant pattern"},
		{"fd.name pmatch (/a) and fd.num pmatch (1)", 25, "operator 'pmatch' cannot be used"},
		{"proc.aname[x] = 1", 1, "not a non-negative index"},
		{"proc.name[x] = 1", 1, "does not take an argument"},
	}
	for _, tt := range tests {
		ce := compileErr(t, tt.cond)
		if ce.Pos.Col != tt.col || !strings.Contains(ce.Msg, tt.msg) {
			t.Errorf("%s: error at col %d %q; want col %d containing %q", tt.cond, ce.Pos.Col, ce.Msg, tt.col, tt.msg)
		}
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		cond string
		warn string
	}{
		{"proc.name = proc.pname", "is the name of a field"},
		{"proc.name in (bash, proc.pname)", "use val(proc.pname)"},
		{"proc.name = 'tolower(proc.pname)'", "looks like a transformer call"},
		{"proc.name regex bash", "'= \"bash\"' is equivalent"},
		{"proc.name regex '.*bash.*'", "'contains \"bash\"' is equivalent"},
		{"proc.name regex 'bash.*'", "'startswith \"bash\"'"},
		{"proc.name regex '.*bash'", "'endswith \"bash\"'"},
	}
	for _, tt := range tests {
		e, err := condition.Parse(tt.cond)
		if err != nil {
			t.Fatal(err)
		}
		_, warns, err := Compile(e)
		if err != nil {
			t.Fatalf("%s: %v", tt.cond, err)
		}
		if len(warns) != 1 || !strings.Contains(warns[0].Msg, tt.warn) {
			t.Errorf("%s: warnings %v, want one containing %q", tt.cond, warns, tt.warn)
		}
	}
	for _, quiet := range []string{"proc.name = bash", "fd.name = /etc/passwd", "proc.name regex 'ba[sz]h'", "proc.cmdline contains 'a.b'"} {
		e, _ := condition.Parse(quiet)
		if _, warns, _ := Compile(e); len(warns) != 0 {
			t.Errorf("%s: unexpected warnings %v", quiet, warns)
		}
	}
}

func TestTypeCharRewrite(t *testing.T) {
	for typ, cases := range map[string]map[string]bool{
		"file":  {"fd.typechar = f": true, "fd.typechar != f": false, "fd.typechar in (4, 6)": false, "fd.typechar = o": false},
		"ipv6":  {"fd.typechar = f": false, "fd.typechar in (4, 6)": true, "fd.typechar != 6": false},
		"weird": {"fd.typechar = f": false, "fd.typechar != f": true, "fd.typechar = o": true, "fd.typechar in (o, f)": true},
		"":      {"fd.typechar = f": false, "fd.typechar != f": false, "not fd.typechar = f": true},
	} {
		ev := fieldstest.New()
		if typ != "" {
			ev.Set(fields.KeyFDType, typ)
		}
		for cond, want := range cases {
			if got := eval(t, cond, ev); got != want {
				t.Errorf("fd.type %q: %s = %v, want %v", typ, cond, got, want)
			}
		}
	}
}

// TestNetCompareLikeLibsinsp mirrors libsinsp's net compare cases for an
// IPv4 and an IPv6 connection.
func TestNetCompareLikeLibsinsp(t *testing.T) {
	v4 := fieldstest.New().Set(fields.KeyFDType, "ipv4").
		Set(fields.KeyClientAddr, "172.40.111.222").Set(fields.KeyClientPort, 54321).
		Set(fields.KeyServerAddr, "142.251.111.147").Set(fields.KeyServerPort, 443)
	v6 := fieldstest.New().Set(fields.KeyFDType, "ipv6").
		Set(fields.KeyClientAddr, "::1").Set(fields.KeyClientPort, 54321).
		Set(fields.KeyServerAddr, "2001:4860:4860::8888").Set(fields.KeyServerPort, 443)
	cases := []struct {
		ev   *fieldstest.Event
		cond string
		want bool
	}{
		{v4, "fd.ip == 142.251.111.147", true},
		{v4, "fd.sip == 142.251.111.147", true},
		{v4, "fd.cip == 172.40.111.222", true},
		{v4, "fd.ip != 142.251.111.147", false},
		{v4, "fd.sip != 0:0:0:0:0:0:0:1", true},
		{v4, "fd.sip == '0:0:0:0:0:0:0:1'", false},
		{v4, "fd.net == 142.0.0.0/4", true},
		{v4, "fd.net == 142.251.0.0/8", true},
		{v4, "fd.net == 142.251.111.0/16", true},
		{v4, "fd.net != 10.0.0.0/8", true},
		{v4, "fd.net != 2001:db8:abcd:0012::0/64", true},
		{v4, "fd.net == 10.0.0.0/8", false},
		{v4, "fd.net == 2001:db8:abcd:0012::0/64", false},
		{v6, "fd.ip == 2001:4860:4860::8888", true},
		{v6, "fd.sip == 2001:4860:4860::8888", true},
		{v6, "fd.cip == ::1", true},
		{v6, "fd.ip != 2001:4860:4860::8888", false},
		{v6, "fd.sip != 127.0.0.1", true},
		{v6, "fd.sip == '127.0.0.1'", false},
		{v6, "fd.net == 2001::0/16", true},
		{v6, "fd.net == 2001:4860::0/32", true},
		{v6, "fd.net == 2001:4860:4860::8888/48", true},
		{v6, "fd.net != 10::0/16", true},
		{v6, "fd.net != 10.0.0.0/8", true},
		{v6, "fd.net == 10.0.0.0/8", false},
		{v6, "fd.net == 2001:db8:abcd:0012::0/64", false},
	}
	for _, c := range cases {
		if got := eval(t, c.cond, c.ev); got != c.want {
			t.Errorf("%s = %v, want %v", c.cond, got, c.want)
		}
	}
}
