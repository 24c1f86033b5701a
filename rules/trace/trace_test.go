package trace_test

import (
	"path/filepath"
	"testing"

	"github.com/vigil-sec/vigil/internal/eventgen"
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/trace"
)

func upstream(t *testing.T) *rules.Ruleset {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "falco-rules")
	rs, err := rules.LoadFiles(rules.Options{Selections: []rules.Selection{{Enable: true, Rule: "*"}}},
		filepath.Join(dir, "falco_rules.yaml"), filepath.Join(dir, "falco-incubating_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestTraceAgreesWithEngine traces every upstream rule on events
// synthesised to match it, near misses of those, and events built to fail
// it: the traced result must be the engine's (Evaluate checks that), and
// every and/or/not node must hold exactly what its children say.
func TestTraceAgreesWithEngine(t *testing.T) {
	rs := upstream(t)
	gen := eventgen.New(20261202)
	traced, matched := 0, 0
	for _, r := range rs.Rules() {
		if r.Source != "syscall" {
			continue
		}
		var evs []*eventgen.Event
		for i := 0; i < 6; i++ {
			ev, touched := gen.Synthesize(r.Tree(), i%3 != 2)
			evs = append(evs, ev, gen.Perturb(ev, touched))
		}
		for _, ev := range evs {
			fe := ev.Fields()
			root, err := trace.Evaluate(rs, r, fe)
			if err != nil {
				t.Fatalf("%v\nevent:\n%s", err, ev)
			}
			traced++
			if root.Result {
				matched++
			}
			consistent(t, r, root)
			firstFalse(t, r, root, fe)
		}
	}
	if traced < 500 || matched < traced/10 {
		t.Fatalf("weak corpus: %d traces, %d of them matching", traced, matched)
	}
	t.Logf("%d traces, %d matching", traced, matched)
}

func consistent(t *testing.T, r *rules.Rule, n *trace.Node) {
	t.Helper()
	switch n.Expr.(type) {
	case *condition.And, *condition.Or:
		_, and := n.Expr.(*condition.And)
		want := and
		for _, c := range n.Children {
			if and {
				want = want && c.Result
			} else {
				want = want || c.Result
			}
			consistent(t, r, c)
		}
		if want != n.Result {
			t.Errorf("rule %q: %s is %v but its operands say %v", r.Name, condition.String(n.Expr), n.Result, want)
		}
	case *condition.Not:
		if n.Children[0].Result == n.Result {
			t.Errorf("rule %q: not node equals its operand", r.Name)
		}
		consistent(t, r, n.Children[0])
	}
}

// firstFalse: a false rule has exactly one first-false node, itself false
// and on the decisive path; a true rule has none.
func firstFalse(t *testing.T, r *rules.Rule, root *trace.Node, _ fields.Event) {
	t.Helper()
	count := 0
	var walk func(n *trace.Node)
	walk = func(n *trace.Node) {
		if n.FirstFalse {
			count++
			if n.Result || !n.Decisive {
				t.Errorf("rule %q: first-false node %s is %v, decisive %v", r.Name, condition.String(n.Expr), n.Result, n.Decisive)
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(root)
	if want := map[bool]int{true: 0, false: 1}[root.Result]; count != want {
		t.Errorf("rule %q (result %v): %d first-false nodes, want %d", r.Name, root.Result, count, want)
	}
}

// BenchmarkExplain is one explain of the stable rule Read sensitive file
// untrusted (every subtree compiled and matched): the cost of a CLI call, not
// of the collector's per-event path.
func BenchmarkExplain(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "shared", "falco-rules")
	rs, err := rules.LoadFiles(rules.Options{}, filepath.Join(dir, "falco_rules.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	r := rs.Rule("Read sensitive file untrusted")
	ev, _ := eventgen.New(1).Synthesize(r.Tree(), true)
	fe := ev.Fields()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := trace.Evaluate(rs, r, fe); err != nil {
			b.Fatal(err)
		}
	}
}
