package rego

import (
	"context"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/vigil-sec/vigil/rules/fields"
)

// Engine evaluates a translated rule set through one prepared OPA query.
// It is safe for concurrent use.
type Engine struct {
	mod   *Module
	query rego.PreparedEvalQuery
	xs    []*extractor
	index map[string]int
	pool  sync.Pool
}

// NewEngine compiles the module and prepares its query.
func NewEngine(ctx context.Context, mod *Module) (*Engine, error) {
	parsed, err := ast.ParseModuleWithOpts("vigil_rules.rego", mod.Text, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("parse translated module: %w", err)
	}
	q, err := rego.New(
		rego.Query(Query),
		rego.ParsedModule(parsed),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("compile translated module: %w", err)
	}
	e := &Engine{mod: mod, query: q, index: make(map[string]int, len(mod.Rules))}
	for i, name := range mod.Rules {
		if _, dup := e.index[name]; !dup {
			e.index[name] = i
		}
	}
	for _, in := range mod.Inputs {
		x, err := newExtractor(in)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", in.Key, err)
		}
		e.xs = append(e.xs, x)
	}
	e.pool.New = func() any { return new(fields.Scratch) }
	return e, nil
}

// Module is the module the engine evaluates.
func (e *Engine) Module() *Module { return e.mod }

// Input builds the input document the module sees for ev.
func (e *Engine) Input(ev fields.Event) ast.Value {
	sc := e.pool.Get().(*fields.Scratch)
	defer e.pool.Put(sc)
	return inputOf(buildFields(e.xs, ev, sc), ev.Time())
}

// Match appends to out the positions (in Module().Rules) of the rules that
// match ev, in ascending order.
func (e *Engine) Match(ctx context.Context, ev fields.Event, out []int) ([]int, error) {
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(e.Input(ev)))
	if err != nil {
		return out, err
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return out, fmt.Errorf("%s is undefined", Query)
	}
	names, ok := rs[0].Expressions[0].Value.([]any)
	if !ok {
		return out, fmt.Errorf("%s is %T, not a set", Query, rs[0].Expressions[0].Value)
	}
	start := len(out)
	for _, n := range names {
		s, _ := n.(string)
		i, ok := e.index[s]
		if !ok {
			return out, fmt.Errorf("%s holds %v, which is not a rule of the module", Query, n)
		}
		out = append(out, i)
	}
	sortInts(out[start:])
	return out, nil
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
