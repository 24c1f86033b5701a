package rulesprocessor

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules"
	defaultrules "github.com/vigil-sec/vigil/rules/default"
	"github.com/vigil-sec/vigil/rules/fields"
	vrego "github.com/vigil-sec/vigil/rules/rego"
)

// suggestedOutput is what Falco's container plugin appends to every output
// by default: the container and Kubernetes identity of the event.
const suggestedOutput = "container_id=%container.id container_name=%container.name " +
	"container_image_repository=%container.image.repository container_image_tag=%container.image.tag " +
	"k8s_pod_name=%k8s.pod.name k8s_ns_name=%k8s.ns.name"

var (
	ruleExts = []string{".yaml", ".yml"}
	regoExts = []string{".rego"}
)

// ruleState is one loaded configuration of rules. The processor swaps whole
// states atomically, so an evaluation always sees one consistent set.
type ruleState struct {
	rs       *rules.Ruleset
	meta     map[*rules.Rule]*ruleMeta
	matching rules.Matching

	// regoEngine evaluates the Falco rules when engine is rego; regoRules
	// maps its rule positions back.
	regoEngine *vrego.Engine
	regoRules  []*rules.Rule

	policies *vrego.Policies

	syscalls []string
	// minPrio filters the alerts of Rego policies as minimum_priority
	// filters rules.
	minPrio priority.Priority

	rulesDigest, regoDigest [sha256.Size]byte
}

// ruleMeta is what every alert of one rule carries, worked out once.
type ruleMeta struct {
	rule    *rules.Rule
	ruleset string
	metric  metric.MeasurementOption
}

// loadState loads the configured rules (or the embedded default ruleset)
// and Rego policies. The error lists every problem with file:line:col.
func loadState(ctx context.Context, cfg *Config) (*ruleState, error) {
	var srcs []rules.Source
	var err error
	st := &ruleState{meta: map[*rules.Rule]*ruleMeta{}}
	if len(cfg.Files) == 0 {
		for _, f := range defaultrules.Files() {
			srcs = append(srcs, rules.Source{Name: "default/" + f.Name, Data: f.Content})
		}
	} else {
		paths, err := resolvePaths(cfg.Files, ruleExts...)
		if err != nil {
			return nil, fmt.Errorf("rules files: %w", err)
		}
		if len(paths) == 0 {
			return nil, fmt.Errorf("rules files: %s matched no file", strings.Join(cfg.Files, ", "))
		}
		datas, digest, err := readAll(paths)
		if err != nil {
			return nil, fmt.Errorf("rules files: %w", err)
		}
		st.rulesDigest = digest
		for i, p := range paths {
			srcs = append(srcs, rules.Source{Name: p, Data: datas[i]})
		}
	}
	opts := rules.Options{MinPriority: cfg.MinimumPriority, ExtraOutput: strings.TrimSpace(cfg.AppendOutput)}
	if cfg.SuggestedOutput {
		opts.SyscallExtraOutput = suggestedOutput
	}
	for _, s := range cfg.Selection {
		sel := s.Enable
		if s.Disable != nil {
			sel = s.Disable
		}
		opts.Selections = append(opts.Selections, rules.Selection{Enable: s.Enable != nil, Rule: sel.Rule, Tag: sel.Tag})
	}
	if st.minPrio, err = priority.Parse(cfg.MinimumPriority); err != nil {
		return nil, fmt.Errorf("minimum_priority: %w", err)
	}
	rs, err := rules.Load(opts, srcs...)
	if err != nil {
		return nil, fmt.Errorf("invalid rules:\n%w", err)
	}
	st.rs = rs
	st.syscalls = rs.Syscalls()
	st.matching = rules.MatchFirst
	if cfg.RuleMatching == MatchAll {
		st.matching = rules.MatchAll
	}
	for _, r := range rs.Rules() {
		st.meta[r] = &ruleMeta{
			rule:    r,
			ruleset: filepath.Base(r.Pos.File),
			metric: metric.WithAttributeSet(attribute.NewSet(
				attribute.String("rule", r.Name), attribute.String("priority", r.Priority.String()))),
		}
	}
	if cfg.Engine == EngineRego {
		if err := st.buildRego(ctx); err != nil {
			return nil, err
		}
	}
	if len(cfg.RegoFiles) > 0 {
		if err := st.loadPolicies(ctx, cfg.RegoFiles); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// buildRego translates the enabled rules into one Rego module.
func (st *ruleState) buildRego(ctx context.Context) error {
	// The enabled syscall rules, in load order, as the native engine runs them.
	var rs []*rules.Rule
	var in []vrego.Rule
	for _, r := range st.rs.Rules() {
		if r.Enabled && r.Source == "syscall" {
			rs = append(rs, r)
			in = append(in, vrego.Rule{Name: r.Name, Condition: r.Tree()})
		}
	}
	mod, err := vrego.Translate(in)
	if err != nil {
		return fmt.Errorf("engine rego: %w", err)
	}
	eng, err := vrego.NewEngine(ctx, mod)
	if err != nil {
		return fmt.Errorf("engine rego: %w", err)
	}
	st.regoEngine, st.regoRules = eng, rs
	return nil
}

func (st *ruleState) loadPolicies(ctx context.Context, entries []string) error {
	paths, err := resolvePaths(entries, regoExts...)
	if err != nil {
		return fmt.Errorf("rego_files: %w", err)
	}
	datas, digest, err := readAll(paths)
	if err != nil {
		return fmt.Errorf("rego_files: %w", err)
	}
	st.regoDigest = digest
	srcs := make([]vrego.Source, len(paths))
	for i, p := range paths {
		srcs[i] = vrego.Source{Name: p, Data: datas[i]}
	}
	pol, err := vrego.LoadPolicies(ctx, srcs)
	if err != nil {
		return fmt.Errorf("rego_files: %w", err)
	}
	st.policies = pol
	return nil
}

// match appends the rules that match ev, in load order (only the first with
// rule_matching first).
// Rules apply only to records of their source; the Rego engine evaluates
// the syscall rules, the native engine every other source.
func (st *ruleState) match(ctx context.Context, src string, ev fields.Event, idx []int, dst []*rules.Rule) ([]*rules.Rule, []int, error) {
	if src != rules.SourceSyscall {
		return st.rs.MatchSource(src, ev, st.matching, dst), idx, nil
	}
	if st.regoEngine == nil {
		return st.rs.Match(ev, st.matching, dst), idx, nil
	}
	idx, err := st.regoEngine.Match(ctx, ev, idx[:0])
	if err != nil {
		return dst, idx, err
	}
	for _, i := range idx {
		dst = append(dst, st.regoRules[i])
		if st.matching == rules.MatchFirst {
			break
		}
	}
	return dst, idx, nil
}
