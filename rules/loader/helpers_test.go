package loader

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
)

// load loads YAML texts as sources named 1.yaml, 2.yaml, ...
func load(docs ...string) *Result {
	var srcs []Source
	for i, d := range docs {
		srcs = append(srcs, Source{Name: fmt.Sprintf("%d.yaml", i+1), Data: []byte(d)})
	}
	return Load(srcs...)
}

// mustLoad loads and fails the test on any error.
func mustLoad(t *testing.T, docs ...string) *Result {
	t.Helper()
	r := load(docs...)
	if r.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", diagText(r.Errors()))
	}
	return r
}

func diagText(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// wantDiag asserts that the result holds exactly this diagnostic line.
func wantDiag(t *testing.T, r *Result, line string) {
	t.Helper()
	for _, d := range r.Diagnostics {
		if d.String() == line {
			return
		}
	}
	t.Errorf("missing diagnostic\n  %s\nhave:\n%s", line, diagText(r.Diagnostics))
}

// wantOnly asserts the exact list of diagnostics.
func wantOnly(t *testing.T, r *Result, lines ...string) {
	t.Helper()
	got := strings.TrimSuffix(diagText(r.Diagnostics), "\n")
	want := strings.Join(lines, "\n")
	if got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
}

func noWarnings(t *testing.T, r *Result) {
	t.Helper()
	if w := r.Warnings(); len(w) > 0 {
		t.Errorf("unexpected warnings:\n%s", diagText(w))
	}
}

func ruleCond(t *testing.T, r *Result, name string) string {
	t.Helper()
	rl := r.Rule(name)
	if rl == nil {
		t.Fatalf("no rule %q", name)
	}
	return rl.Condition
}

// expanded is the printed expanded condition of a rule.
func expanded(t *testing.T, r *Result, name string) string {
	t.Helper()
	rl := r.Rule(name)
	if rl == nil || rl.AST == nil {
		t.Fatalf("rule %q has no AST", name)
	}
	return condition.String(rl.AST)
}

// upstream returns the paths of the shared upstream rules files.
func upstream(t testing.TB, names ...string) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "falco-rules")
	var out []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("upstream rules file missing: %v", err)
		}
		out = append(out, p)
	}
	return out
}

// rule is a minimal valid rule item.
func rule(name, cond string) string {
	return fmt.Sprintf("- rule: %s\n  desc: d\n  condition: %s\n  output: o\n  priority: WARNING\n", name, cond)
}
