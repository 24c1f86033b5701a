package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/vigil-sec/vigil/internal/eventfile"
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/output"
)

func init() {
	register(&command{
		name: "test",
		args: "RULES... --events FILE... [--expect TESTS.yaml] [--all]",
		summary: "evaluate the rules on recorded events (OTLP JSON from a capture, or YAML keyed by Falco fields) and print the rules each event fires;\n" +
			"      with --expect, check the tests file's expectations and exit 1 with a diff on any mismatch",
		run: runTest,
	})
}

func runTest(args []string, stdout, stderr io.Writer) int {
	files, flags, err := parseArgs(args, flagSpec{"events": flagValues, "expect": flagValues, "all": flagBool})
	if err != nil {
		fmt.Fprintln(stderr, "vigil-rules test:", err)
		return 2
	}
	if len(files) == 0 || (len(flags["events"]) == 0 && len(flags["expect"]) == 0) {
		fmt.Fprintln(stderr, "usage: vigil-rules test RULES... --events FILE... [--expect TESTS.yaml] [--all]")
		return 2
	}
	rs, code := loadRuleset("test", files, stderr)
	if rs == nil {
		return code
	}
	if len(flags["expect"]) > 0 {
		return runExpect(rs, flags["expect"], stdout, stderr)
	}
	var evs []*eventfile.Event
	for _, f := range flags["events"] {
		e, err := eventfile.ReadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, "vigil-rules test:", err)
			return 1
		}
		evs = append(evs, e...)
	}
	fired := map[string]int{}
	matchedEvents := 0
	for _, ev := range evs {
		m := matching(rs, ev)
		if len(m) > 0 {
			matchedEvents++
		}
		if len(m) == 0 && len(flags["all"]) == 0 {
			continue
		}
		fmt.Fprintf(stdout, "%s  %s\n", ev.Name(), describeEvent(ev))
		if len(m) == 0 {
			fmt.Fprintln(stdout, "  no rule")
		}
		for _, r := range m {
			fired[r.Name]++
			fmt.Fprintf(stdout, "  %s (%s)\n", r.Name, r.Priority)
		}
	}
	fmt.Fprintf(stdout, "%d events, %d of them fired rules, %d distinct rules fired\n", len(evs), matchedEvents, len(fired))
	return 0
}

// matching is every enabled rule of the event's source that matches it, in
// load order: all of them rather than Falco's first, since a test wants to
// see every rule an event would fire.
func matching(rs *rules.Ruleset, ev *eventfile.Event) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range rs.Match(ev.Fields(), rules.MatchAll, nil) {
		if r.Source == ev.Source {
			out = append(out, r)
		}
	}
	return out
}

// summaries say which event a line is about, per source; fields a build does
// not know are left out.
var summaries = map[string]string{
	"syscall":   "%evt.type proc.name=%proc.name proc.pname=%proc.pname fd.name=%fd.name container.id=%container.id",
	"k8s_audit": "%ka.verb %ka.target.resource ka.target.name=%ka.target.name ka.user.name=%ka.user.name",
}

func describeEvent(ev *eventfile.Event) string {
	tmpl := summaries[ev.Source]
	f, err := output.Compile(tmpl)
	if err != nil {
		return ev.Source
	}
	var parts []string
	for _, p := range strings.Fields(string(f.Append(nil, ev.Fields()))) {
		if !strings.HasSuffix(p, "=<NA>") {
			parts = append(parts, p)
		}
	}
	return ev.Source + " " + strings.Join(parts, " ")
}

// renderValue prints a field value as explain and test show it: <NA> when
// it cannot be extracted, text quoted when it has spaces.
func renderValue(v output.Value) string {
	switch v.Kind {
	case output.Absent:
		return "<NA>"
	case output.Int:
		return fmt.Sprint(v.Int)
	case output.Bool:
		return fmt.Sprint(v.Bool)
	case output.List:
		return "(" + strings.Join(v.List, ",") + ")"
	}
	if strings.ContainsAny(v.Str, " \t") || v.Str == "" {
		return fmt.Sprintf("%q", v.Str)
	}
	return v.Str
}
