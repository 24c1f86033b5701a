package rego_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-sec/vigil/internal/eventgen"
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/condition"
	defaultrules "github.com/vigil-sec/vigil/rules/default"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/rego"
)

// upstreamFiles are the Falco rules files the differential test runs on.
var upstreamFiles = []string{"falco_rules.yaml", "falco-incubating_rules.yaml"}

func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root not found")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "falco-rules")); err != nil {
		t.Fatalf("the upstream rules are needed at %s: %v", shared, err)
	}
	return shared
}

// translate compiles the enabled rules of rs into a Rego engine.
func translate(t testing.TB, rs *rules.Ruleset) ([]*rules.Rule, []condition.Expr, *rego.Engine) {
	t.Helper()
	var enabled []*rules.Rule
	var exprs []condition.Expr
	var in []rego.Rule
	for _, r := range rs.Rules() {
		if !r.Enabled {
			continue
		}
		e := r.Tree()
		enabled = append(enabled, r)
		exprs = append(exprs, e)
		in = append(in, rego.Rule{Name: r.Name, Condition: e})
	}
	mod, err := rego.Translate(in)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := rego.NewEngine(context.Background(), mod)
	if err != nil {
		t.Fatal(err)
	}
	return enabled, exprs, eng
}

// loadUpstream loads the stable and incubating rules with every rule
// enabled, and the Rego engine for them.
func loadUpstream(t testing.TB) (*rules.Ruleset, []*rules.Rule, []condition.Expr, *rego.Engine) {
	t.Helper()
	var paths []string
	for _, f := range upstreamFiles {
		paths = append(paths, filepath.Join(sharedDir(t), "falco-rules", f))
	}
	rs, err := rules.LoadFiles(rules.Options{Selections: []rules.Selection{{Enable: true, Rule: "*"}}}, paths...)
	if err != nil {
		t.Fatal(err)
	}
	enabled, exprs, eng := translate(t, rs)
	return rs, enabled, exprs, eng
}

// corpus is the generated event corpus: for every rule, events synthesised
// to satisfy it (positives, when the synthesis succeeds), near misses
// perturbed from each positive, and events synthesised to fail it.
type corpus struct {
	events    []*eventgen.Event
	positives map[string]int // rule -> synthesised events it matched
}

const (
	positivesPerRule = 8
	attemptsPerRule  = 80
	missesPerHit     = 25
	negativesPerRule = 20
)

var (
	corpusOnce sync.Once
	theCorpus  *corpus
)

func buildCorpus(enabled []*rules.Rule, exprs []condition.Expr) *corpus {
	corpusOnce.Do(func() {
		gen := eventgen.New(20260701)
		c := &corpus{positives: map[string]int{}}
		for i, r := range enabled {
			hits := 0
			for a := 0; a < attemptsPerRule && hits < positivesPerRule; a++ {
				ev, touched := gen.Synthesize(exprs[i], true)
				c.events = append(c.events, ev)
				if !r.Matches(ev.Fields()) {
					continue
				}
				hits++
				for m := 0; m < missesPerHit; m++ {
					c.events = append(c.events, gen.Perturb(ev, touched))
				}
			}
			c.positives[r.Name] = hits
			for n := 0; n < negativesPerRule; n++ {
				ev, _ := gen.Synthesize(exprs[i], false)
				c.events = append(c.events, ev)
			}
		}
		theCorpus = c
	})
	return theCorpus
}

func names(rs []*rules.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// TestDifferential runs the native and the Rego engine on the corpus; they
// must report the same rules for every event, in both matching modes.
func TestDifferential(t *testing.T) {
	ctx := context.Background()
	rs, enabled, exprs, eng := loadUpstream(t)
	c := buildCorpus(enabled, exprs)
	if len(c.events) < 10000 {
		t.Fatalf("corpus has %d events, want at least 10000", len(c.events))
	}
	fired := map[string]int{}
	var buf []*rules.Rule
	var idx []int
	diffs := 0
	for i, ev := range c.events {
		fe := ev.Fields()
		buf = rs.Match(fe, rules.MatchAll, buf[:0])
		want := names(buf)
		var err error
		idx, err = eng.Match(ctx, fe, idx[:0])
		if err != nil {
			t.Fatalf("event %d: rego: %v", i, err)
		}
		got := make([]string, len(idx))
		for j, x := range idx {
			got[j] = enabled[x].Name
		}
		for _, n := range want {
			fired[n]++
		}
		if !slices.Equal(want, got) {
			diffs++
			if diffs <= 10 {
				t.Errorf("event %d: native %q, rego %q\n%s\nrego input: %v", i, want, got, ev, eng.Input(fe))
			}
		}
		first := rs.Match(fe, rules.MatchFirst, buf[:0])
		if len(first) != min(len(want), 1) || (len(first) == 1 && first[0].Name != want[0]) {
			t.Errorf("event %d: first-match %q is not the first of all-match %q", i, names(first), want)
		}
	}
	if diffs > 0 {
		t.Fatalf("%d of %d events differ", diffs, len(c.events))
	}
	var never []string
	for i, r := range enabled {
		if fired[r.Name] > 0 {
			continue
		}
		if requiresEmptyList(exprs[i]) {
			// Shipped with a list users are meant to fill (k8s.ns.name in
			// ()): no event can match it.
			t.Logf("rule %q cannot match as shipped: it requires membership in an empty list", r.Name)
			continue
		}
		never = append(never, r.Name)
	}
	if len(never) > 0 {
		t.Errorf("the corpus never fires %d rules: %s", len(never), strings.Join(never, "; "))
	}
	t.Logf("corpus: %d events, %d rules, %d fired at least once; %d events matched some rule",
		len(c.events), len(enabled), len(fired), matchedEvents(rs, c))
}

func matchedEvents(rs *rules.Ruleset, c *corpus) int {
	n := 0
	var buf []*rules.Rule
	for _, ev := range c.events {
		if len(rs.Match(ev.Fields(), rules.MatchFirst, buf[:0])) > 0 {
			n++
		}
	}
	return n
}

// BenchmarkEngines measures both engines on the differential corpus (all
// rules enabled, rule_matching all).
func BenchmarkEngines(b *testing.B) {
	ctx := context.Background()
	rs, enabled, exprs, eng := loadUpstream(b)
	c := buildCorpus(enabled, exprs)
	evs := make([]fields.Event, len(c.events))
	for i, ev := range c.events {
		evs[i] = ev.Fields()
	}
	b.Run("native", func(b *testing.B) {
		var buf []*rules.Rule
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf = rs.Match(evs[i%len(evs)], rules.MatchAll, buf[:0])
		}
	})
	b.Run("rego", func(b *testing.B) {
		var idx []int
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var err error
			if idx, err = eng.Match(ctx, evs[i%len(evs)], idx[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// requiresEmptyList reports a condition that is a conjunction containing an
// "in ()" check: it is false for every event.
func requiresEmptyList(e condition.Expr) bool {
	switch e := e.(type) {
	case *condition.And:
		for _, c := range e.Children {
			if requiresEmptyList(c) {
				return true
			}
		}
	case *condition.Check:
		l, ok := e.RHS.(*condition.List)
		return ok && e.Op == condition.OpIn && e.Modifier == condition.ModNone && len(l.Items) == 0
	}
	return false
}

// TestDifferentialDefaultRules runs the same comparison on Vigil's default
// ruleset, which uses operators the upstream files do not (regex, pmatch,
// glob, CIDR lists, modifiers).
func TestDifferentialDefaultRules(t *testing.T) {
	ctx := context.Background()
	var srcs []rules.Source
	for _, f := range defaultrules.Files() {
		srcs = append(srcs, rules.Source{Name: f.Name, Data: f.Content})
	}
	rs, err := rules.Load(rules.Options{}, srcs...)
	if err != nil {
		t.Fatal(err)
	}
	enabled, exprs, eng := translate(t, rs)
	gen := eventgen.New(7)
	fired := map[string]int{}
	events := 0
	var buf []*rules.Rule
	var idx []int
	check := func(ev *eventgen.Event) {
		events++
		fe := ev.Fields()
		buf = rs.Match(fe, rules.MatchAll, buf[:0])
		var err error
		if idx, err = eng.Match(ctx, fe, idx[:0]); err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(idx))
		for j, x := range idx {
			got[j] = enabled[x].Name
		}
		want := names(buf)
		for _, n := range want {
			fired[n]++
		}
		if !slices.Equal(want, got) {
			t.Fatalf("native %q, rego %q\n%s\nrego input: %v", want, got, ev, eng.Input(fe))
		}
	}
	for i, r := range enabled {
		for a := 0; a < 60; a++ {
			ev, touched := gen.Synthesize(exprs[i], a%4 != 0)
			check(ev)
			if r.Matches(ev.Fields()) {
				for m := 0; m < 10; m++ {
					check(gen.Perturb(ev, touched))
				}
			}
		}
	}
	for _, r := range enabled {
		if fired[r.Name] == 0 {
			t.Errorf("rule %q never fired", r.Name)
		}
	}
	t.Logf("%d events, %d rules", events, len(enabled))
}
