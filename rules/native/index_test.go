package native

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

func mustFilter(t *testing.T, cond string) *Filter {
	t.Helper()
	e, err := condition.Parse(cond)
	if err != nil {
		t.Fatalf("parse %q: %v", cond, err)
	}
	f, _, err := Compile(e)
	if err != nil {
		t.Fatalf("compile %q: %v", cond, err)
	}
	return f
}

func TestIndex(t *testing.T) {
	type rule struct {
		name, cond string
		types      []string
	}
	rules := []rule{
		{"read-shadow", "evt.type in (open, openat) and fd.name = /etc/shadow", []string{"open", "openat"}},
		{"any-open", "evt.type in (open, openat) and fd.typechar = f", []string{"open", "openat"}},
		{"shell", "evt.type = execve and proc.name in (bash, sh)", []string{"execve"}},
		{"not-openat-root", "evt.type != openat and user.uid = 0", nil},
		{"everything-bash", "proc.name = bash", nil},
	}
	var indexed []IndexedRule[string]
	for _, r := range rules {
		indexed = append(indexed, IndexedRule[string]{ID: r.name, Filter: mustFilter(t, r.cond), Types: r.types})
	}
	ix := NewIndex(indexed)
	ev := func(typ string, kv ...any) *fieldstest.Event {
		e := fieldstest.New().Set(fields.KeyEvtType, typ)
		for i := 0; i < len(kv); i += 2 {
			e.Set(kv[i].(fields.Key), kv[i+1])
		}
		return e
	}
	tests := []struct {
		name  string
		ev    *fieldstest.Event
		first []string
		all   []string
	}{
		{"shadow read", ev("openat", fields.KeyFilePath, "/etc/shadow", fields.KeyFDType, "file", fields.KeyUserUID, 0),
			[]string{"read-shadow"}, []string{"read-shadow", "any-open"}},
		{"other open", ev("open", fields.KeyFilePath, "/tmp/x", fields.KeyFDType, "file", fields.KeyUserUID, 0, fields.KeyProcName, "bash"),
			[]string{"any-open"}, []string{"any-open", "not-openat-root", "everything-bash"}},
		{"bash exec", ev("execve", fields.KeyProcName, "bash", fields.KeyUserUID, 1000),
			[]string{"shell"}, []string{"shell", "everything-bash"}},
		{"root openat by bash", ev("openat", fields.KeyProcName, "bash", fields.KeyUserUID, 0),
			[]string{"everything-bash"}, []string{"everything-bash"}},
		{"unknown type", ev("kexec_load", fields.KeyProcName, "bash", fields.KeyUserUID, 0),
			[]string{"not-openat-root"}, []string{"not-openat-root", "everything-bash"}},
		// Without evt.type, "evt.type != openat" cannot be extracted: false.
		{"no event type", fieldstest.New().Set(fields.KeyProcName, "bash").Set(fields.KeyUserUID, 0),
			[]string{"everything-bash"}, []string{"everything-bash"}},
		{"nothing", ev("connect"), nil, nil},
	}
	for _, tt := range tests {
		if got := ix.Match(tt.ev, First, nil); !slices.Equal(got, tt.first) {
			t.Errorf("%s: First = %v, want %v", tt.name, got, tt.first)
		}
		if got := ix.Match(tt.ev, All, nil); !slices.Equal(got, tt.all) {
			t.Errorf("%s: All = %v, want %v", tt.name, got, tt.all)
		}
	}
	// Only rules that can match a type are evaluated for it; the
	// specialised not-openat rule drops out for openat.
	for typ, want := range map[string]int{"openat": 3, "open": 4, "execve": 3, "connect": 2, "unknown": 2} {
		if got := ix.Candidates(typ); got != want {
			t.Errorf("Candidates(%s) = %d, want %d", typ, got, want)
		}
	}
}

func TestIndexNoAllocs(t *testing.T) {
	ix := NewIndex([]IndexedRule[int]{
		{ID: 1, Filter: mustFilter(t, "evt.type = openat and fd.name startswith /etc and not proc.name in (a, b, c, d, e, f)"), Types: []string{"openat"}},
		{ID: 2, Filter: mustFilter(t, "evt.type = openat and tolower(proc.name) contains x"), Types: []string{"openat"}},
	})
	ev := fieldstest.New().Set(fields.KeyEvtType, "openat").Set(fields.KeyFilePath, "/usr/lib/libc.so").Set(fields.KeyProcName, "Bash")
	dst := make([]int, 0, 4)
	allocs := testing.AllocsPerRun(200, func() { dst = ix.Match(ev, All, dst[:0]) })
	if allocs != 0 {
		t.Errorf("Match allocates %.1f times per event", allocs)
	}
}

func TestSharedChecksRemembered(t *testing.T) {
	// Two rules share a check; its result must be right for each event even
	// though it is computed once per event.
	ix := NewIndex([]IndexedRule[string]{
		{ID: "a", Filter: mustFilter(t, "proc.name = bash and user.uid = 0"), Types: nil},
		{ID: "b", Filter: mustFilter(t, "proc.name = bash and user.uid = 1"), Types: nil},
		{ID: "c", Filter: mustFilter(t, "not proc.name = bash"), Types: nil},
	})
	if ix.memoSlots == 0 {
		t.Fatal("shared check not remembered")
	}
	for _, tc := range []struct {
		name string
		uid  int
		want []string
	}{{"bash", 0, []string{"a"}}, {"bash", 1, []string{"b"}}, {"sh", 0, []string{"c"}}, {"bash", 2, nil}} {
		ev := fieldstest.New().Set(fields.KeyProcName, tc.name).Set(fields.KeyUserUID, tc.uid)
		if got := ix.Match(ev, All, nil); !slices.Equal(got, tc.want) {
			t.Errorf("%s/%d: %v, want %v", tc.name, tc.uid, got, tc.want)
		}
	}
}

func TestOptimiser(t *testing.T) {
	tests := []struct {
		cond string
		want string
	}{
		// Or-chains on one field become one set lookup.
		{"fd.name startswith /etc or fd.name startswith /usr or fd.name startswith /etc/ssh",
			"fd.name startswith anyof (/etc, /usr, /etc/ssh) [4]"},
		{"proc.name = a or proc.name = b or proc.name in (c, d)", "proc.name in (a, b, c, d) [5]"},
		{"fd.name endswith .key or fd.name endswith .pem", "fd.name endswith anyof (.key, .pem) [4]"},
		// The never_true idiom folds away.
		{"evt.num = 0", "false"},
		{"evt.num = 0 and proc.name = x", "false"},
		{"not evt.num = 0 and proc.name = x", "proc.name = x [2]"},
		{"evt.num in (0) or evt.num < 1 or evt.num <= 0 or proc.name = x", "proc.name = x [2]"},
		// Nested and/or of the same kind flatten; cheap and decisive first.
		{"(proc.cmdline contains x and (proc.name = a and proc.pid = 1))",
			"proc.name = a [2] and proc.pid = 1 [2] and proc.cmdline contains x [5]"},
		// Negated exclusions usually hold, so they go after the tests that
		// usually fail, even when cheaper.
		{"not proc.name = a and fd.name contains x", "fd.name contains x [5] and not (proc.name = a [2])"},
		{"not not proc.name = a", "proc.name = a [2]"},
	}
	for _, tt := range tests {
		if got := mustFilter(t, tt.cond).String(); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.cond, got, tt.want)
		}
	}
	f := mustFilter(t, "evt.type in (open, openat) and (evt.type = open or fd.name = x)")
	for typ, want := range map[string]string{"open": "true", "openat": "fd.name = x [2]", "execve": "false"} {
		if got := f.StringFor(typ); got != want {
			t.Errorf("specialised for %s: %s, want %s", typ, got, want)
		}
	}
	if !strings.Contains(f.String(), "evt.type") {
		t.Errorf("generic filter lost its evt.type checks: %s", f)
	}
	// evt.is_open_* is a constant false outside the open family (and
	// exec also for creat), so it folds once the type is known.
	g := mustFilter(t, "evt.is_open_read = false and evt.is_open_exec = true and proc.name = x")
	for typ, want := range map[string]string{
		"execve": "false",
		"creat":  "proc.name = x [2] and evt.is_open_exec = true [2]",
		"openat": "proc.name = x [2] and evt.is_open_read = false [2] and evt.is_open_exec = true [2]",
	} {
		if got := g.StringFor(typ); got != want {
			t.Errorf("specialised for %s: %s, want %s", typ, got, want)
		}
	}
	h := mustFilter(t, "evt.is_open_write = false and proc.name = x")
	ix := NewIndex([]IndexedRule[int]{{ID: 1, Filter: h, Types: []string{"execve", "openat"}}})
	for typ, want := range map[string]bool{"execve": true, "openat": false} {
		ev := fieldstest.New().Set(fields.KeyEvtType, typ).Set(fields.KeyProcName, "x").Set(fields.KeyOpenFlags, 1)
		if got := len(ix.Match(ev, First, nil)) == 1; got != want {
			t.Errorf("%s: matched %v, want %v", typ, got, want)
		}
	}
}

func TestDynamicChecksDoNotAllocate(t *testing.T) {
	ix := NewIndex([]IndexedRule[int]{
		{ID: 1, Filter: mustFilter(t, "fd.name startswith val(proc.cwd) and proc.pid > val(proc.ppid) and proc.aname = val(proc.name)")},
		{ID: 2, Filter: mustFilter(t, "b64(proc.env[DATA]) = hello and fd.sip = val(fd.cip)")},
	})
	ev := fieldstest.New().Set(fields.KeyFilePath, "/opt/x").Set(fields.KeyProcCwd, "/opt").
		Set(fields.KeyProcPID, 5).Set(fields.KeyProcPPID, 4).Set(fields.KeyProcName, "bash").
		Set(fields.KeyAncNames, []string{"sshd", "bash"}).
		SetName("process.environment_variable.DATA", false, "aGVsbG8gd29ybGQgd2l0aCBhIGxvbmdlciBwYXlsb2FkIGZvciB0aGUgdGVzdA==").
		Set(fields.KeyClientAddr, "10.0.0.1").Set(fields.KeyServerAddr, "10.0.0.2")
	dst := make([]int, 0, 2)
	dst = ix.Match(ev, All, dst[:0])
	if !slices.Equal(dst, []int{1}) {
		t.Fatalf("matched %v", dst)
	}
	if n := testing.AllocsPerRun(200, func() { dst = ix.Match(ev, All, dst[:0]) }); n != 0 {
		t.Errorf("%.1f allocations per event", n)
	}
}
