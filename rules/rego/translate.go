package rego

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Package is the Rego package of a translated rule set; Query reads its
// output.
const (
	Package = "vigil.rules"
	Query   = "data.vigil.rules.matches"
)

// Rule is one rule to translate: its name and its condition with macros
// expanded, lists substituted and exceptions compiled in.
type Rule struct {
	Name      string
	Condition condition.Expr
}

// Module is a rule set translated to one Rego module.
type Module struct {
	// Text is the module source.
	Text string
	// Rules are the translated rule names, in the order given.
	Rules []string
	// Inputs are the fields the module reads from input.fields, sorted by
	// key; an evaluator extracts exactly these.
	Inputs []Input
}

// Input is one key of input.fields.
type Input struct {
	// Key is the canonical spelling: the field name, plus "[arg]" when the
	// field has an argument.
	Key    string
	Field  *fields.Field
	Arg    string
	HasArg bool
	// Shape says how the value is held: one value; an array of candidates,
	// any one of which satisfies a check (fd.ip, proc.aname without index);
	// or a list value (container.mounts).
	Shape fields.Shape

	acc *fields.Accessor
}

// InputKey is the canonical input.fields key of a field and argument.
func InputKey(f *fields.Field, arg string, hasArg bool) string {
	if !hasArg {
		return f.Name
	}
	return f.Name + "[" + arg + "]"
}

// Error is a translation failure: the rule, the check as text, and why.
type Error struct {
	Rule  string
	Check string
	Msg   string
}

func (e *Error) Error() string {
	if e.Check == "" {
		return fmt.Sprintf("rule %q: %s", e.Rule, e.Msg)
	}
	return fmt.Sprintf("rule %q: cannot translate %q to Rego: %s", e.Rule, e.Check, e.Msg)
}

// Translate turns rules into one Rego module whose rule "matches" is the set
// of names of the rules whose condition holds for input. Identical
// sub-conditions (macros expand into many copies) become one Rego rule, which
// OPA evaluates once per query.
func Translate(rules []Rule) (*Module, error) {
	t := &translator{
		nodes:  map[string]string{},
		consts: map[string]string{},
		inputs: map[string]*Input{},
	}
	var head strings.Builder
	fmt.Fprintf(&head, "package %s\n\n", Package)
	head.WriteString(preamble)
	var matches strings.Builder
	names := make([]string, 0, len(rules))
	// A definition that never holds keeps "matches" defined (as the empty
	// set) whatever the rules are.
	matches.WriteString("matches contains \"\" if false\n")
	evtType, _ := fields.Lookup("evt.type")
	typeKey := quote(InputKey(evtType, "", false))
	for _, r := range rules {
		t.rule = r.Name
		lit, err := t.expr(r.Condition)
		if err != nil {
			return nil, err
		}
		names = append(names, r.Name)
		// Like the native index, gate a rule on the event types its
		// condition can match: one definition per type, which OPA's rule
		// index selects by the event's evt.type instead of evaluating every
		// rule's body.
		set := evttype.Condition(r.Condition)
		if !set.Finite() {
			fmt.Fprintf(&matches, "matches contains %s if %s\n", quote(r.Name), lit)
			continue
		}
		if _, err := t.use(evtType, "", false); err != nil {
			return nil, err
		}
		for _, typ := range set.Names() {
			fmt.Fprintf(&matches, "matches contains %s if { input.fields[%s] == %s; %s }\n",
				quote(r.Name), typeKey, quote(typ), strings.TrimSuffix(strings.TrimPrefix(lit, "{ "), " }"))
		}
	}
	var out strings.Builder
	out.WriteString(head.String())
	out.WriteString("\n# Rules: the set of names of the rules that match the event.\n")
	out.WriteString(matches.String())
	out.WriteString("\n# Constant sets and patterns.\n")
	out.WriteString(t.constText.String())
	out.WriteString("\n# Conditions, one Rego rule per distinct sub-condition.\n")
	out.WriteString(t.body.String())

	m := &Module{Text: out.String(), Rules: names}
	for _, in := range t.inputs {
		m.Inputs = append(m.Inputs, *in)
	}
	sort.Slice(m.Inputs, func(i, j int) bool { return m.Inputs[i].Key < m.Inputs[j].Key })
	return m, nil
}

// preamble holds the helper functions the translated conditions call.
// ascii_lower folds only A-Z, as Falco's icontains and iglob do
// (strings.lower would fold all of Unicode).
const preamble = `ascii_lower(s) := strings.replace_n({"A": "a", "B": "b", "C": "c", "D": "d", "E": "e", "F": "f", "G": "g", "H": "h", "I": "i", "J": "j", "K": "k", "L": "l", "M": "m", "N": "n", "O": "o", "P": "p", "Q": "q", "R": "r", "S": "s", "T": "t", "U": "u", "V": "v", "W": "w", "X": "x", "Y": "y", "Z": "z"}, s)

ascii_upper(s) := strings.replace_n({"a": "A", "b": "B", "c": "C", "d": "D", "e": "E", "f": "F", "g": "G", "h": "H", "i": "I", "j": "J", "k": "K", "l": "L", "m": "M", "n": "N", "o": "O", "p": "P", "q": "Q", "r": "R", "s": "S", "t": "T", "u": "U", "v": "V", "w": "W", "x": "X", "y": "Y", "z": "Z"}, s)

# Byte length: count() on a string counts code points.
byte_len(s) := count(hex.encode(s)) / 2

# Substring test on hex-encoded bytes that only counts whole bytes.
hex_contains(h, n) if {
	some i in indexof_n(h, n)
	i % 2 == 0
}

# Membership of an address in a set of addresses or a list of networks.
ip_member(x, addrs, _) if addrs[x]

ip_member(x, _, nets) if {
	some n in nets
	net.cidr_contains(n, x)
}

# Standard base64, padded or not, as the native b64 transformer decodes it.
b64_decode(s) := base64.decode(s) if {
	base64.is_valid(s)
} else := base64.decode(concat("", [s, substring("==", 0, 4 - (count(s) % 4))])) if {
	count(s) % 4 > 1
}

# Text after the last slash.
base_name(s) := regex.replace(s, "^(?s:.*)/", "")
`

type translator struct {
	rule      string
	n         int
	nodes     map[string]string // canonical sub-condition -> Rego rule name
	consts    map[string]string // constant term text -> Rego rule name
	inputs    map[string]*Input
	body      strings.Builder
	constText strings.Builder
}

func (t *translator) newName(prefix string) string {
	t.n++
	return fmt.Sprintf("%s%d", prefix, t.n)
}

// expr translates e and returns a body literal that holds exactly when e
// does: a rule name or "not" and a rule name. The literal is wrapped in
// braces by callers that need a body.
func (t *translator) expr(e condition.Expr) (string, error) {
	lit, err := t.node(e)
	if err != nil {
		return "", err
	}
	return "{ " + lit + " }", nil
}

func (t *translator) node(e condition.Expr) (string, error) {
	switch e := e.(type) {
	case *condition.Not:
		lit, err := t.node(e.Child)
		if err != nil {
			return "", err
		}
		if rest, ok := strings.CutPrefix(lit, "not "); ok {
			return rest, nil
		}
		return "not " + lit, nil
	case *condition.MacroRef:
		return "", &Error{Rule: t.rule, Msg: fmt.Sprintf("condition still references macro %q; translate expanded conditions", e.Name)}
	}
	key := condition.String(e)
	if name, ok := t.nodes[key]; ok {
		return name, nil
	}
	switch e := e.(type) {
	case *condition.And:
		lits, err := t.nodeList(e.Children)
		if err != nil {
			return "", err
		}
		name := t.newName("all_")
		fmt.Fprintf(&t.body, "%s if {\n\t%s\n}\n\n", name, strings.Join(lits, "\n\t"))
		t.nodes[key] = name
		return name, nil
	case *condition.Or:
		lits, err := t.nodeList(e.Children)
		if err != nil {
			return "", err
		}
		name := t.newName("any_")
		for _, l := range lits {
			fmt.Fprintf(&t.body, "%s if %s\n", name, "{ "+l+" }")
		}
		t.body.WriteString("\n")
		t.nodes[key] = name
		return name, nil
	case *condition.Check:
		stmts, err := t.check(e)
		if err != nil {
			return "", err
		}
		name := t.newName("chk_")
		fmt.Fprintf(&t.body, "# %s\n%s if {\n\t%s\n}\n\n", oneLine(key), name, strings.Join(stmts, "\n\t"))
		t.nodes[key] = name
		return name, nil
	}
	return "", &Error{Rule: t.rule, Msg: fmt.Sprintf("unexpected condition node %T", e)}
}

// nodeList translates the children of an and or an or, in order.
func (t *translator) nodeList(children []condition.Expr) ([]string, error) {
	lits := make([]string, 0, len(children))
	for _, c := range children {
		l, err := t.node(c)
		if err != nil {
			return nil, err
		}
		lits = append(lits, l)
	}
	return lits, nil
}

// constant registers a constant term (a set or an array literal) once and
// returns the name of the Rego rule that holds it. Constant rules are
// evaluated once per query.
func (t *translator) constant(term string) string {
	if name, ok := t.consts[term]; ok {
		return name
	}
	name := t.newName("const_")
	fmt.Fprintf(&t.constText, "%s := %s\n", name, term)
	t.consts[term] = name
	return name
}

// quote renders s as a Rego string literal (Rego strings are JSON strings).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// Encoding a string cannot fail.
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
