//go:build amd64

package syscalls

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func TestTableIsConsistent(t *testing.T) {
	nrs := map[int]string{}
	for _, s := range All() {
		if other, dup := nrs[s.NR]; dup {
			t.Errorf("%s and %s share number %d", s.Name, other, s.NR)
		}
		nrs[s.NR] = s.Name
		names := map[string]bool{}
		for _, p := range s.Params {
			if names[p.Name] {
				t.Errorf("%s: parameter %s twice", s.Name, p.Name)
			}
			names[p.Name] = true
			if int(p.Arg) > 5 {
				t.Errorf("%s.%s: argument %d", s.Name, p.Name, p.Arg)
			}
			if (p.R == RFlags || p.R == REnum) && p.Table == nil {
				t.Errorf("%s.%s: no table", s.Name, p.Name)
			}
			if p.R == RPath && p.Arg >= 0 && s.Kinds[p.Arg] != ArgStr {
				t.Errorf("%s.%s: path argument %d is not read as a string", s.Name, p.Name, p.Arg)
			}
		}
	}
}

// Every syscall the upstream stable and incubating rules name is supported.
func TestCoversUpstreamRules(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
	stats, err := os.ReadFile(filepath.Join(root, "..", "shared", "spec", "falco-rules-stats.md"))
	if err != nil {
		t.Fatalf("the shared rules statistics are needed: %v", err)
	}
	re := regexp.MustCompile("Union of rule event types \\(sorted\\): (.*)")
	var n int
	for _, m := range re.FindAllStringSubmatch(string(stats), -1) {
		for _, name := range strings.Split(m[1], ", ") {
			name = strings.Trim(name, "` ")
			n++
			if _, ok := Lookup(name); !ok {
				t.Errorf("rules name %s, which the table lacks", name)
			}
		}
	}
	if n < 41 {
		t.Errorf("read only %d names from the statistics", n)
	}
}

// Every syscall Vigil's own default rules name is supported (a name the
// table lacks would be silently never captured).
func TestCoversDefaultRules(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "rules", "default")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("default rules in %s: %v", dir, err)
	}
	// evt.type = x, evt.type in (x, y), evt.type != x: the names that can match
	re := regexp.MustCompile(`evt\.type\s*(?:=|!=|in)\s*(\([^)]*\)|[a-z0-9_]+)`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			for _, name := range strings.FieldsFunc(strings.Trim(m[1], "()"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
				n++
				if _, ok := Lookup(name); !ok {
					t.Errorf("%s names %s, which the table lacks", filepath.Base(f), name)
				}
			}
		}
	}
	if n < 10 {
		t.Errorf("read only %d syscall names from the default rules", n)
	}
}

func TestRender(t *testing.T) {
	if got := string(AppendOpenFlags(nil, 0o2000000|0o100|0o1|0o1000)); got != "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC" {
		t.Errorf("open flags = %s", got)
	}
	if got := string(Mode.AppendFlags(nil, 0o4755)); got != "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID" {
		t.Errorf("mode = %s", got)
	}
	s, _ := Lookup("ptrace")
	if got := string(s.Params[3].Table.AppendEnum(nil, 16)); got != "PTRACE_ATTACH" {
		t.Errorf("ptrace request = %s", got)
	}
	s, _ = Lookup("bpf")
	if got := string(s.Params[1].Table.AppendEnum(nil, 5)); got != "BPF_PROG_LOAD" {
		t.Errorf("bpf cmd = %s", got)
	}
	s, _ = Lookup("socket")
	if got := string(s.Params[1].Table.AppendEnum(nil, 17)); got != "AF_PACKET" {
		t.Errorf("domain = %s", got)
	}
}

// Every entry is numbered by linuxabi's table, so each has its name there.
func TestEntriesAreNamedByLinuxABI(t *testing.T) {
	if len(table) == 0 {
		t.Skip("no syscall table on this architecture")
	}
	for _, s := range All() {
		if s.Name == "" {
			t.Errorf("syscall number %d has no name in linuxabi", s.NR)
		}
		if ByNumber(s.NR) != s {
			t.Errorf("ByNumber(%d) is not %s", s.NR, s.Name)
		}
	}
}
