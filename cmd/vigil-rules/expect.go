package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/vigil-sec/vigil/internal/eventfile"
	"github.com/vigil-sec/vigil/rules"
)

// testCase is one entry of a tests file (see README "Testing rules"):
//
//   - name: cat reads /etc/shadow
//     event:                      # inline, keyed by Falco field names ...
//     evt.type: openat
//     proc.name: cat
//     # event: capture.json:12    # ... or FILE[:N], relative to the tests file
//     fires: [Read sensitive file untrusted]
//     not_fires: [Read sensitive file trusted after startup]
type testCase struct {
	Name     string    `yaml:"name"`
	Event    yaml.Node `yaml:"event"`
	Fires    []string  `yaml:"fires"`
	NotFires []string  `yaml:"not_fires"`
}

func runExpect(rs *rules.Ruleset, files []string, stdout, stderr io.Writer) int {
	passed, failed := 0, 0
	for _, path := range files {
		cases, lines, err := readTests(path)
		if err != nil {
			fmt.Fprintln(stderr, "vigil-rules test:", err)
			return 1
		}
		for i, tc := range cases {
			where := fmt.Sprintf("%s:%d", path, lines[i])
			ev, err := testEvent(path, &tc.Event)
			if err == nil {
				err = knownRules(rs, where, tc)
			}
			if err != nil {
				fmt.Fprintln(stderr, "vigil-rules test:", err)
				return 1
			}
			fired := map[string]bool{}
			for _, r := range matching(rs, ev) {
				fired[r.Name] = true
			}
			var diff []string
			for _, n := range tc.Fires {
				if !fired[n] {
					diff = append(diff, fmt.Sprintf("  - %s: expected to fire, did not%s", n, explainHint(n, ev)))
				}
			}
			for _, n := range tc.NotFires {
				if fired[n] {
					diff = append(diff, fmt.Sprintf("  + %s: fired, expected not to", n))
				}
			}
			name := tc.Name
			if name == "" {
				name = ev.Name()
			}
			if len(diff) == 0 {
				passed++
				fmt.Fprintf(stdout, "ok    %s (%s)\n", name, where)
				continue
			}
			failed++
			fmt.Fprintf(stdout, "FAIL  %s (%s)\n", name, where)
			var all []string
			for n := range fired {
				all = append(all, n)
			}
			slices.Sort(all)
			for _, d := range diff {
				fmt.Fprintln(stdout, d)
			}
			fmt.Fprintf(stdout, "        fired: %v\n", all)
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// explainHint is the explain command that shows why rule did not fire.
func explainHint(rule string, ev *eventfile.Event) string {
	if ev.Inline {
		return " (to see why, put the event in a file and run vigil-rules explain RULES... --rule " + strconv.Quote(rule) + " --event FILE)"
	}
	return fmt.Sprintf(" (vigil-rules explain RULES... --rule %q --event %s)", rule, ev.Name())
}

func readTests(path string) ([]testCase, []int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil, fmt.Errorf("%s: no tests", path)
	}
	top := doc.Content[0]
	if top.Kind != yaml.SequenceNode {
		return nil, nil, fmt.Errorf("%s:%d: want a list of tests", path, top.Line)
	}
	var cases []testCase
	var lines []int
	for _, n := range top.Content {
		var tc testCase
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				switch k := n.Content[i]; k.Value {
				case "name", "event", "fires", "not_fires":
				default:
					return nil, nil, fmt.Errorf("%s:%d: unknown key %q in a test (want name, event, fires, not_fires)", path, k.Line, k.Value)
				}
			}
		}
		if err := n.Decode(&tc); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %v", path, n.Line, err)
		}
		if tc.Event.Kind == 0 {
			return nil, nil, fmt.Errorf("%s:%d: test has no event", path, n.Line)
		}
		if len(tc.Fires) == 0 && len(tc.NotFires) == 0 {
			return nil, nil, fmt.Errorf("%s:%d: test expects nothing: give fires, not_fires or both", path, n.Line)
		}
		cases = append(cases, tc)
		lines = append(lines, n.Line)
	}
	return cases, lines, nil
}

// testEvent is the test's event: inline, or FILE[:N] relative to the tests
// file.
func testEvent(path string, n *yaml.Node) (*eventfile.Event, error) {
	if n.Kind == yaml.ScalarNode {
		ref := n.Value
		if !filepath.IsAbs(ref) {
			ref = filepath.Join(filepath.Dir(path), ref)
		}
		ev, err := eventfile.Select(ref)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n.Line, err)
		}
		return ev, nil
	}
	return eventfile.FromYAML(path, n)
}

// knownRules rejects expectations naming rules the files do not define:
// a misspelt not_fires would otherwise always pass.
func knownRules(rs *rules.Ruleset, where string, tc testCase) error {
	for _, n := range append(slices.Clone(tc.Fires), tc.NotFires...) {
		r := rs.Rule(n)
		switch {
		case r == nil:
			return fmt.Errorf("%s: no rule named %q in the rules files", where, n)
		case !r.Enabled:
			return fmt.Errorf("%s: rule %q is disabled, so it can never fire", where, n)
		}
	}
	return nil
}
