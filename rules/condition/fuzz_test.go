package condition_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/loader"
)

// upstreamRules is ../shared/falco-rules next to the repository root.
func upstreamRules(t testing.TB) []string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "falco-rules")
	paths := []string{filepath.Join(dir, "falco_rules.yaml"), filepath.Join(dir, "falco-incubating_rules.yaml")}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("upstream rules missing: %v", err)
		}
	}
	return paths
}

// FuzzParse: the parser never panics or hangs, and whatever parses prints
// to text that parses back to an equal tree.
func FuzzParse(f *testing.F) {
	res := loader.LoadFiles(upstreamRules(f)...)
	if res.HasErrors() {
		f.Fatalf("upstream rules do not load: %v", res.Err())
	}
	for _, m := range res.Macros {
		f.Add(m.Condition)
		f.Add(m.ParsedText)
	}
	for _, r := range res.Rules {
		f.Add(r.Condition)
		f.Add(r.ParsedText)
	}
	for _, s := range []string{
		`a and not b or (c and d)`, `not not(a)`, `proc.name = oneof (a, b)`,
		`proc.name contains anyof mylist`, `proc.aname[2] = "x\"y"`, `proc.env['a b'] exists`,
		`tolower(basename(fd.name))[0] = val(proc.pname)`, `join(",", (proc.name, 1)) = x`,
		`concat(a.b, "c", 0x1) in (x)`, `getopt((proc.args), "ab:") intersects (a)`,
		`fd.num >= -1.5e+3`, `proc.name = "\x41\ \/"`, "a\tand\nb\r\bor c", `proc.name inx`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := condition.Parse(in)
		if err != nil {
			if _, ok := err.(*condition.Error); !ok {
				t.Fatalf("error %T is not *condition.Error", err)
			}
			return
		}
		out := condition.String(e)
		e2, err := condition.Parse(out)
		if err != nil {
			t.Fatalf("printed %q does not parse: %v", out, err)
		}
		if !condition.Equal(e, e2) {
			t.Fatalf("printed %q parses to %s", out, condition.String(e2))
		}
		if !condition.Equal(e, condition.Clone(e)) {
			t.Fatalf("clone differs")
		}
	})
}
