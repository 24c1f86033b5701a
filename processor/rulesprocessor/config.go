package rulesprocessor

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/alert/priority"
)

// Rule matching modes: Falco's default evaluates rules in load order and
// fires only the first match for an event; "all" fires every match.
const (
	MatchFirst = "first"
	MatchAll   = "all"
)

// Engines that evaluate the Falco rules.
const (
	EngineNative = "native"
	EngineRego   = "rego"
)

// Config is the rules processor's configuration (component key "rules").
type Config struct {
	// Files lists rules files, directories (every *.yaml and *.yml inside,
	// in name order) and glob patterns, loaded in the order given. When
	// empty, the default ruleset embedded in the binary is loaded.
	Files []string `mapstructure:"files"`

	// MinimumPriority drops rules less severe than this Falco priority
	// (emergency ... debug). Default debug: every rule.
	MinimumPriority string `mapstructure:"minimum_priority"`

	// Selection enables and disables rules by name or tag, applied in order
	// after loading, as Falco's rules selection in falco.yaml.
	Selection []SelectionStep `mapstructure:"selection"`

	// RuleMatching is "first" (default, as Falco) or "all".
	RuleMatching string `mapstructure:"rule_matching"`

	// AppendOutput is output text appended (after one space) to every rule's
	// output, like Falco's -p. Its %fields also go to the output fields.
	AppendOutput string `mapstructure:"append_output"`

	// SuggestedOutput appends the container and Kubernetes fields Falco's
	// container plugin suggests (container_id=%container.id ...
	// k8s_ns_name=%k8s.ns.name) to every output, as Falco does by default.
	SuggestedOutput bool `mapstructure:"suggested_output"`

	// Engine evaluates the Falco rules: "native" (default) or "rego".
	Engine string `mapstructure:"engine"`

	// RegoFiles are Rego policy files (or directories of *.rego, or globs)
	// evaluated alongside the Falco rules; see the README for the input
	// schema and the output contract.
	RegoFiles []string `mapstructure:"rego_files"`

	// ReloadInterval is how often the rules and Rego files are checked for
	// changes on disk. Zero disables reloading.
	ReloadInterval time.Duration `mapstructure:"reload_interval"`
}

// SelectionStep enables or disables the rules one selector picks.
type SelectionStep struct {
	Enable  *RuleSelector `mapstructure:"enable"`
	Disable *RuleSelector `mapstructure:"disable"`
}

// RuleSelector picks rules by name (with * wildcards) or by tag.
type RuleSelector struct {
	Rule string `mapstructure:"rule"`
	Tag  string `mapstructure:"tag"`
}

func createDefaultConfig() *Config {
	return &Config{
		MinimumPriority: "debug",
		RuleMatching:    MatchFirst,
		SuggestedOutput: true,
		Engine:          EngineNative,
		ReloadInterval:  2 * time.Second,
	}
}

// Validate checks what can be checked without reading the rules files; the
// files themselves are loaded (and their errors reported) when the
// processor is created.
func (c *Config) Validate() error {
	var errs []error
	if _, err := priority.Parse(c.MinimumPriority); err != nil {
		errs = append(errs, fmt.Errorf("minimum_priority: %w", err))
	}
	switch c.RuleMatching {
	case MatchFirst, MatchAll:
	default:
		errs = append(errs, fmt.Errorf("rule_matching: %q is not one of first, all", c.RuleMatching))
	}
	switch c.Engine {
	case EngineNative, EngineRego:
	default:
		errs = append(errs, fmt.Errorf("engine: %q is not one of native, rego", c.Engine))
	}
	if c.ReloadInterval < 0 {
		errs = append(errs, fmt.Errorf("reload_interval: must not be negative, got %s", c.ReloadInterval))
	}
	for i, p := range c.Files {
		if err := checkPathPattern(p); err != nil {
			errs = append(errs, fmt.Errorf("files[%d]: %w", i, err))
		}
	}
	for i, p := range c.RegoFiles {
		if err := checkPathPattern(p); err != nil {
			errs = append(errs, fmt.Errorf("rego_files[%d]: %w", i, err))
		}
	}
	for i, s := range c.Selection {
		if err := s.validate(); err != nil {
			errs = append(errs, fmt.Errorf("selection[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func checkPathPattern(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("empty path")
	}
	if _, err := filepath.Match(p, ""); err != nil {
		return fmt.Errorf("bad glob pattern %q: %w", p, err)
	}
	return nil
}

func (s SelectionStep) validate() error {
	sel := s.Enable
	switch {
	case s.Enable != nil && s.Disable != nil:
		return errors.New("set either enable or disable, not both")
	case s.Enable == nil && s.Disable == nil:
		return errors.New("set enable or disable")
	case s.Disable != nil:
		sel = s.Disable
	}
	switch {
	case sel.Rule != "" && sel.Tag != "":
		return errors.New("select by rule or by tag, not both")
	case sel.Rule == "" && sel.Tag == "":
		return errors.New("select by rule (a name, * matches any text) or by tag")
	}
	return nil
}
