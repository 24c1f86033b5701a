package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/vigil-sec/vigil/internal/eventfile"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/trace"
)

func init() {
	register(&command{
		name: "explain",
		args: "FILE... --rule NAME [--event EVENTS[:N]] [--full]",
		summary: "print a rule's condition with lists pasted and macros substituted; with --event, evaluate it on that event\n" +
			"      and print the condition tree with every node's value, the field values read and where each macro and list is defined",
		run: runExplain,
	})
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	files, flags, err := parseArgs(args, flagSpec{"rule": flagValue, "event": flagValue, "full": flagBool})
	if err != nil {
		fmt.Fprintln(stderr, "vigil-rules explain:", err)
		return 2
	}
	if len(files) == 0 || len(flags["rule"]) != 1 || len(flags["event"]) > 1 {
		fmt.Fprintln(stderr, "usage: vigil-rules explain FILE... --rule NAME [--event EVENTS[:N]] [--full]")
		return 2
	}
	rs, code := loadRuleset("explain", files, stderr)
	if rs == nil {
		return code
	}
	name := flags["rule"][0]
	r := rs.Rule(name)
	if r == nil {
		fmt.Fprintf(stderr, "vigil-rules explain: no rule named %q in %s (skipped rules cannot be explained)\n", name, strings.Join(files, ", "))
		return 1
	}
	if len(flags["event"]) == 0 {
		fmt.Fprintln(stdout, r.Expanded())
		return 0
	}
	ev, err := eventfile.Select(flags["event"][0])
	if err != nil {
		fmt.Fprintln(stderr, "vigil-rules explain:", err)
		return 1
	}
	fmt.Fprintf(stdout, "rule:   %s (%s:%d, source %s", r.Name, r.Pos.File, r.Pos.Line, r.Source)
	if !r.Enabled {
		fmt.Fprint(stdout, ", disabled")
	}
	fmt.Fprintln(stdout, ")")
	fmt.Fprintf(stdout, "event:  %s  %s\n", ev.Name(), describeEvent(ev))
	if ev.Source != r.Source {
		fmt.Fprintf(stdout, "result: does not apply: the rule reads %s events, this is a %s event\n", r.Source, ev.Source)
		return 0
	}
	root, err := trace.Evaluate(rs, r, ev.Fields())
	if err != nil {
		fmt.Fprintln(stderr, "vigil-rules explain:", err)
		return 1
	}
	if root.Result {
		fmt.Fprintln(stdout, "result: MATCH (every node on the marked path holds)")
	} else {
		fmt.Fprintln(stdout, "result: NO MATCH (=> marks the first false node on the path that decided it)")
	}
	fmt.Fprintln(stdout)
	p := &treePrinter{w: stdout, full: len(flags["full"]) > 0}
	p.node(root, 0)
	if p.collapsed > 0 {
		fmt.Fprintf(stdout, "\n(%d subtrees off the deciding path collapsed to one line; --full shows them)\n", p.collapsed)
	}
	return 0
}

// treePrinter prints a trace one node per line: marker, value, the node
// indented by depth, and for checks the field values read.
type treePrinter struct {
	w         io.Writer
	full      bool
	collapsed int
}

func (p *treePrinter) node(n *trace.Node, depth int) {
	for _, m := range n.Macros {
		p.line(n, depth, fmt.Sprintf("%s  (macro, %s:%d)", m.Name, m.Pos.File, m.Pos.Line), false)
		depth++
		if !n.Decisive && !p.full {
			p.collapsed++
			return
		}
	}
	switch e := n.Expr.(type) {
	case *condition.And:
		p.line(n, depth, "and", false)
	case *condition.Or:
		p.line(n, depth, "or", false)
	case *condition.Not:
		p.line(n, depth, "not", n.FirstFalse)
	case *condition.Check:
		text := checkText(e)
		var extra []string
		for _, v := range n.Values {
			extra = append(extra, v.Key+"="+renderValue(v))
		}
		if len(extra) > 0 {
			text += "    [" + strings.Join(extra, " ") + "]"
		}
		p.line(n, depth, text, n.FirstFalse)
		for _, l := range n.Lists {
			holds := ""
			if l.Holds && len(n.Values) > 0 {
				holds = "  <- holds " + renderValue(n.Values[0])
			}
			fmt.Fprintf(p.w, "          %s  list %s (%s:%d)%s\n", strings.Repeat("  ", depth), l.Name, l.Pos.File, l.Pos.Line, holds)
		}
		return
	}
	for _, c := range n.Children {
		p.node(c, depth+1)
	}
}

func (p *treePrinter) line(n *trace.Node, depth int, text string, first bool) {
	mark := "  "
	if first {
		mark = "=>"
	}
	val := "false"
	switch {
	case n.Result:
		val = "true"
	case n.Absent:
		val = "absent"
	}
	if n.Absent && n.Result {
		val = "true*" // a negated check on a field that is not there
	}
	fmt.Fprintf(p.w, "%s %-6s %s%s\n", mark, val, strings.Repeat("  ", depth), text)
}

// checkText prints a check, long lists shortened: the list's name and file
// follow it.
func checkText(c *condition.Check) string {
	const keep = 6
	if l, ok := c.RHS.(*condition.List); ok && len(l.Items) > keep+2 {
		short := *l
		short.Items = append(l.Items[:keep:keep], condition.Literal{Text: fmt.Sprintf("...%d more", len(l.Items)-keep)})
		cc := *c
		cc.RHS = &short
		return condition.String(&cc)
	}
	return condition.String(c)
}
