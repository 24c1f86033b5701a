package rego

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules/fields"
)

// User policies are Rego modules written for Vigil, evaluated alongside the
// Falco rules.
//
// Input: input.fields holds the event by Falco field name, with the value
// types of the translated rules (see input.go):
//   - every field that takes no argument, or whose argument is optional,
//     under its plain name ("proc.name", "fd.name", "container.id"); the
//     ancestor fields (proc.aname, proc.apid, proc.aexe, proc.aexepath,
//     proc.acmdline) hold the array of ancestors' values, parent first;
//   - the same ancestor fields by index, "proc.aname[0]" (the process
//     itself) to "proc.aname[N]" for each ancestor the event carries;
//   - the keyed fields for every key the event carries, in bracket form:
//     "evt.arg[flags]", "proc.env[HOME]", "k8s.pod.label[app]",
//     "container.label[maintainer]", "k8s.ns.label[team]".
//
// input.time is the event time in nanoseconds since the Unix epoch. Fields
// that cannot be extracted are absent.
//
// Output: each module declares its own package (not vigil.rules) and a rule
// "alerts", a set of objects, one per alert to raise:
//
//	{"rule": "...", "priority": "warning", "output": "...",
//	 "desc": "...", "tags": ["..."], "output_fields": {...}}
//
// rule and priority (a Falco priority, any case) are required; output
// defaults to the rule name, desc to "", tags to none, output_fields to
// an empty object.

// Source is one policy file.
type Source struct {
	Name string
	Data []byte
}

// Alert is one element of a policy's alerts set.
type Alert struct {
	// File is the policy file that raised it.
	File         string
	Rule         string
	Desc         string
	Output       string
	Priority     priority.Priority
	Tags         []string
	OutputFields map[string]any
}

// Policies evaluates user policies. It is safe for concurrent use.
type Policies struct {
	query   rego.PreparedEvalQuery
	files   []string
	schema  *schema
	scratch sync.Pool
}

// LoadPolicies parses and compiles the policy files. Errors name the file
// and, for syntax and compile errors, the line.
func LoadPolicies(ctx context.Context, srcs []Source) (*Policies, error) {
	var mods []*ast.Module
	var query []string
	seen := map[string]string{}
	p := &Policies{schema: newSchema()}
	for i, s := range srcs {
		m, err := ast.ParseModuleWithOpts(s.Name, string(s.Data), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, err
		}
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if pkg == Package {
			return nil, fmt.Errorf("%s: package %s is reserved for the translated Falco rules", s.Name, Package)
		}
		if other, ok := seen[pkg]; ok {
			return nil, fmt.Errorf("%s: package %s is also declared by %s; each policy file needs its own package", s.Name, pkg, other)
		}
		seen[pkg] = s.Name
		if !definesAlerts(m) {
			return nil, fmt.Errorf("%s: package %s defines no rule named alerts (the set of alert objects a policy raises)", s.Name, pkg)
		}
		mods = append(mods, m)
		p.files = append(p.files, s.Name)
		query = append(query, fmt.Sprintf("a%d := object.get(%s, \"alerts\", set())", i, m.Package.Path.String()))
	}
	opts := []func(*rego.Rego){rego.Query(strings.Join(query, "; "))}
	for _, m := range mods {
		opts = append(opts, rego.ParsedModule(m))
	}
	if len(mods) == 0 {
		return p, nil
	}
	q, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return nil, err
	}
	p.query = q
	p.scratch.New = func() any { return new(fields.Scratch) }
	return p, nil
}

func definesAlerts(m *ast.Module) bool {
	for _, r := range m.Rules {
		if r.Head.Name == "alerts" || (len(r.Head.Reference) > 0 && r.Head.Reference[0].Value.Compare(ast.Var("alerts")) == 0) {
			return true
		}
	}
	return false
}

// Files are the loaded policy files, in order.
func (p *Policies) Files() []string { return p.files }

// Input builds the input document policies see for ev.
func (p *Policies) Input(ev fields.Event) ast.Value {
	sc := p.scratch.Get().(*fields.Scratch)
	defer p.scratch.Put(sc)
	return inputOf(p.schema.build(ev, sc), ev.Time())
}

// Eval evaluates every policy on ev and appends their alerts to out, file by
// file, each file's alerts sorted by rule name.
func (p *Policies) Eval(ctx context.Context, ev fields.Event, out []Alert) ([]Alert, error) {
	if len(p.files) == 0 {
		return out, nil
	}
	rs, err := p.query.Eval(ctx, rego.EvalParsedInput(p.Input(ev)))
	if err != nil {
		return out, err
	}
	if len(rs) == 0 {
		return out, nil
	}
	for i, file := range p.files {
		raw, _ := rs[0].Bindings[fmt.Sprintf("a%d", i)].([]any)
		start := len(out)
		for _, r := range raw {
			a, err := decodeAlert(file, r)
			if err != nil {
				return out, err
			}
			out = append(out, a)
		}
		added := out[start:]
		sort.SliceStable(added, func(a, b int) bool { return added[a].Rule < added[b].Rule })
	}
	return out, nil
}

func decodeAlert(file string, v any) (Alert, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return Alert{}, fmt.Errorf("%s: alerts holds %T, not an object", file, v)
	}
	a := Alert{File: file}
	str := func(key string, required bool) (string, error) {
		x, present := obj[key]
		if !present {
			if required {
				return "", fmt.Errorf("%s: alert %v has no %q", file, v, key)
			}
			return "", nil
		}
		s, ok := x.(string)
		if !ok {
			return "", fmt.Errorf("%s: alert %q of %v is %T, not a string", file, key, v, x)
		}
		return s, nil
	}
	var err error
	if a.Rule, err = str("rule", true); err != nil {
		return a, err
	}
	ps, err := str("priority", true)
	if err != nil {
		return a, err
	}
	if a.Priority, err = priority.Parse(ps); err != nil {
		return a, fmt.Errorf("%s: alert %q: %w", file, a.Rule, err)
	}
	if a.Output, err = str("output", false); err != nil {
		return a, err
	}
	if a.Output == "" {
		a.Output = a.Rule
	}
	if a.Desc, err = str("desc", false); err != nil {
		return a, err
	}
	if t, ok := obj["tags"]; ok {
		list, ok := t.([]any)
		if !ok {
			return a, fmt.Errorf("%s: alert %q: tags is %T, not an array", file, a.Rule, t)
		}
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				return a, fmt.Errorf("%s: alert %q: tag %v is not a string", file, a.Rule, x)
			}
			a.Tags = append(a.Tags, s)
		}
	}
	if f, ok := obj["output_fields"]; ok {
		m, ok := f.(map[string]any)
		if !ok {
			return a, fmt.Errorf("%s: alert %q: output_fields is %T, not an object", file, a.Rule, f)
		}
		a.OutputFields = m
	}
	return a, nil
}

// schema extracts the whole documented input.fields of user policies.
type schema struct {
	plain    []*extractor
	indexed  []indexedField
	prefixed []prefixedField
}

// indexedField is an ancestor field, provided as field[0] .. field[N].
type indexedField struct {
	f    *fields.Field
	accs []*extractor // by index, built on first use
	mu   sync.Mutex
}

// prefixedField is a field keyed by attribute suffix (evt.arg, proc.env).
type prefixedField struct {
	f      *fields.Field
	prefix fields.Key
}

func newSchema() *schema {
	s := &schema{}
	for _, f := range fields.All() {
		switch {
		case f.Extract == fields.Prefixed && f.Type == fields.String || f.Extract == fields.EvtArg:
			if f.Arg != fields.ArgNone && len(f.Keys) > 0 && f.Keys[0].Slot < 0 {
				s.prefixed = append(s.prefixed, prefixedField{f: f, prefix: f.Keys[0]})
			}
			if f.ArgRequired {
				continue
			}
		case f.ArgRequired:
			continue
		}
		if f.Extract == fields.Ancestor {
			s.indexed = append(s.indexed, indexedField{f: f})
		}
		x, err := newExtractor(Input{Key: f.Name, Field: f})
		if err != nil {
			continue
		}
		s.plain = append(s.plain, x)
	}
	return s
}

func (s *schema) build(ev fields.Event, sc *fields.Scratch) ast.Object {
	obj := buildFields(s.plain, ev, sc)
	for i := range s.indexed {
		ix := &s.indexed[i]
		n, ok := ev.Len(ix.f.Keys[1])
		if !ok {
			n = 0
		}
		for j := 0; j <= n; j++ {
			x := ix.at(j)
			if x == nil {
				break
			}
			if t, ok := x.value(ev, sc); ok {
				obj.Insert(x.key, t)
			}
		}
	}
	for _, pf := range s.prefixed {
		ev.Range(pf.prefix, func(suffix, value string) bool {
			obj.Insert(ast.StringTerm(pf.f.Name+"["+suffix+"]"), ast.StringTerm(strings.Clone(value)))
			return true
		})
	}
	return obj
}

func (ix *indexedField) at(i int) *extractor {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for len(ix.accs) <= i {
		n := len(ix.accs)
		arg := fmt.Sprint(n)
		x, err := newExtractor(Input{Key: InputKey(ix.f, arg, true), Field: ix.f, Arg: arg, HasArg: true})
		if err != nil {
			return nil
		}
		ix.accs = append(ix.accs, x)
	}
	return ix.accs[i]
}
