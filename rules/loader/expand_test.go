package loader

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestListPasting(t *testing.T) {
	cases := []struct{ name, lists, cond, parsed string }{
		{"in parentheses", "- list: l\n  items: [a, b]\n", "proc.name in (l)", "proc.name in ( a, b )"},
		{"with other items", "- list: l\n  items: [a, b]\n", "proc.name in (x, l, y)", "proc.name in (x, a, b , y)"},
		{"items with spaces are quoted", "- list: l\n  items: [a b, '\"c d\"', \"'e f'\"]\n", "proc.name in (l)", `proc.name in ( "a b", "c d", 'e f' )`},
		{"empty list drops a comma on its left", "- list: l\n  items: []\n", "proc.name in (x, l)", "proc.name in (x  )"},
		{"empty list drops a comma on its right", "- list: l\n  items: []\n", "proc.name in (l, x)", "proc.name in (   x)"},
		{"empty list alone", "- list: l\n  items: []\n", "proc.name in (l)", "proc.name in (  )"},
		{"only delimited occurrences", "- list: l\n  items: [a]\n", "proc.name in (xl, lx, l.x, l)", "proc.name in (xl, lx, l.x, a )"},
		{"a bare list name", "- list: l\n  items: [a]\n", "proc.name in l", "proc.name in a "},
		{"list defined after the condition", "", "proc.name in (later)", "proc.name in ( z )"},
		{"list of lists, one level", "- list: inner\n  items: [i1, i2]\n- list: outer\n  items: [inner, o]\n", "proc.name in (outer)", "proc.name in ( i1, i2, o )"},
		{"later lists are pasted into earlier lists' items", "- list: p\n  items: [q]\n- list: q\n  items: [r]\n", "proc.name in (p)", "proc.name in ( r )"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := load(c.lists + rule("r", "'"+strings.ReplaceAll(c.cond, "'", "''")+"'") + "- list: later\n  items: [z]\n")
			if r.HasErrors() {
				t.Fatalf("errors:\n%s", diagText(r.Errors()))
			}
			if got := r.Rule("r").ParsedText; got != c.parsed {
				t.Errorf("pasted %q, want %q", got, c.parsed)
			}
		})
	}
}

// Pasting is textual: it happens inside quoted strings and after "=",
// where it breaks the condition, exactly like Falco.
func TestListPastingIsTextual(t *testing.T) {
	r := load("- list: l\n  items: [a, b]\n" + rule("q", `'proc.cmdline = "run l now"'`) + rule("e", "proc.name=l"))
	if got := r.Rule("q").ParsedText; got != `proc.cmdline = "run a, b now"` {
		t.Errorf("inside quotes: %q", got)
	}
	// The error is reported where the list name was written.
	wantDiag(t, r, "1.yaml:10:24: rule 'e': invalid condition: unexpected token ',', expecting 'and', 'or' or the end of the condition")
}

// Other characters are pasted unescaped, so an item with a lone quote
// breaks the condition, as in Falco.
func TestListItemsNotEscaped(t *testing.T) {
	r := load("- list: l\n  items: ['a\"b']\n" + rule("r", "proc.name in (l)"))
	wantOnly(t, r, `1.yaml:5:28: rule 'r': invalid condition: expected ',' or ')' in a list, found '"b )'`)
	if got := r.Rule("r").ParsedText; got != `proc.name in ( a"b )` {
		t.Errorf("pasted %q", got)
	}
}

func TestPasteListEdges(t *testing.T) {
	for _, c := range []struct {
		in, name string
		items    []string
		want     string
	}{
		{"l", "l", []string{"a"}, "a "},
		{"l,l", "l", []string{"a"}, "a , a "},
		{"(l)(l)", "l", []string{"a"}, "( a )( a )"},
		{"l=l", "l", []string{"x y"}, `"x y" = "x y" `},
		{"  l  ", "l", []string{"a", "b"}, "a, b "},
		{"ll l", "l", []string{"a"}, "ll a "},
		{"(l)", "l", nil, "(  )"},
		{"(x,\tl\n)", "l", nil, "(x  )"},
		{"nothing here", "l", []string{"a"}, "nothing here"},
	} {
		got, _ := pasteList(scalarText(nil, c.in), c.name, c.items)
		if got.s != c.want {
			t.Errorf("pasteList(%q, %s=%v) = %q, want %q", c.in, c.name, c.items, got.s, c.want)
		}
	}
}

func TestListOfListsVisibility(t *testing.T) {
	// outer is defined before inner: its item "inner" stays a plain value,
	// until outer is appended to after inner exists.
	r := mustLoad(t, `
- list: outer
  items: [inner]
- list: inner
  items: [x]
- list: outer2
  items: [inner]
- list: outer3
  items: [inner2]
- list: inner2
  items: [y]
- list: outer3
  items: [z]
  override:
    items: append
`+rule("r", "proc.name in (outer, outer2, outer3)"))
	for name, want := range map[string][]string{"outer": {"inner"}, "outer2": {"x"}, "outer3": {"y", "z"}} {
		if got := r.List(name).Resolved; !reflect.DeepEqual(got, want) {
			t.Errorf("%s resolved %v, want %v", name, got, want)
		}
	}
}

func TestMacroExpansionIsATree(t *testing.T) {
	r := mustLoad(t, `
- macro: either
  condition: proc.name=a or proc.name=b
- macro: nested
  condition: either and not either
`+rule("r", "nested and proc.pname=c"))
	// A macro behaves as a parenthesised sub-expression.
	if got := expanded(t, r, "r"); got != "((proc.name = a or proc.name = b) and not (proc.name = a or proc.name = b)) and proc.pname = c" {
		t.Errorf("expanded %q", got)
	}
	m := r.Macro("nested")
	if !m.Used || m.AST == nil {
		t.Errorf("nested: used=%v ast=%v", m.Used, m.AST)
	}
	// Each use is its own copy.
	a := r.Rule("r").AST
	if a == nil {
		t.Fatal("no AST")
	}
}

func TestMacroVisibility(t *testing.T) {
	// m1 refers to m2, defined later: an error for the macro even though
	// rules may use any macro.
	r := load(`
- macro: m1
  condition: m2 and proc.name=a
- macro: m2
  condition: proc.pname=b
` + rule("r", "m2 and m1"))
	wantOnly(t, r, "1.yaml:3:14: macro 'm1': Undefined macro 'm2' used in filter (it is defined after this macro, and a macro can only use macros defined before it)")

	// Appending to m1 after m2 exists makes m2 visible to it.
	r = mustLoad(t, `
- macro: m1
  condition: m2 and proc.name=a
- macro: m2
  condition: proc.pname=b
- macro: m1
  condition: and proc.name=c
  override:
    condition: append
`+rule("r", "m1"))
	noWarnings(t, r)
	if got := expanded(t, r, "r"); got != "proc.pname = b and proc.name = a and proc.name = c" {
		t.Errorf("expanded %q", got)
	}

	// Rules see every macro, whatever the order.
	r = mustLoad(t, rule("r", "late")+"- macro: late\n  condition: proc.name=x\n")
	if got := expanded(t, r, "r"); got != "proc.name = x" {
		t.Errorf("expanded %q", got)
	}
}

func TestMacroLoops(t *testing.T) {
	r := load(`
- macro: a
  condition: proc.name=x
- macro: b
  condition: a
- macro: a
  condition: b
` + rule("r", "a"))
	wantDiag(t, r, "1.yaml:5:14: macro 'b': macro reference loop: a -> b -> a")
	if r.Rule("r").AST != nil {
		t.Errorf("rule with a looping macro has an AST")
	}
	r = load(`
- macro: self
  condition: proc.name=x
- macro: self
  condition: self or proc.name=y
` + rule("r", "self"))
	wantDiag(t, r, "1.yaml:5:14: macro 'self': macro reference loop: self -> self")
}

func TestUndefinedMacro(t *testing.T) {
	r := load(rule("r", "proc.name=a and\n    nothere"))
	wantOnly(t, r, "1.yaml:4:5: rule 'r': Undefined macro 'nothere' used in filter")
	// Reported once, at the macro, however many rules use it.
	r = load("- macro: m\n  condition: missing\n" + rule("r1", "m") + rule("r2", "m"))
	wantOnly(t, r, "1.yaml:2:14: macro 'm': Undefined macro 'missing' used in filter")
}

func TestFieldValidation(t *testing.T) {
	cases := []struct{ cond, want string }{
		{"proc.nope = a", "1.yaml:3:14: rule 'r': unknown field 'proc.nope'"},
		{"proc.name[1] = a", "1.yaml:3:14: rule 'r': field 'proc.name' does not take an argument"},
		{"proc.aname[x] = a", "1.yaml:3:14: rule 'r': field 'proc.aname' takes a numeric index, not 'x'"},
		{"evt.arg exists", "1.yaml:3:14: rule 'r': field 'evt.arg' requires an argument, e.g. evt.arg[name]"},
		{"evt.arg.flags[0] = a", "1.yaml:3:14: rule 'r': field 'evt.arg.flags' already has the argument 'flags' (it is evt.arg[flags]); it cannot also take [0]"},
		{"proc.name = val(proc.nope)", "1.yaml:3:30: rule 'r': unknown field 'proc.nope'"},
		{"tolower(fd.nope) = a", "1.yaml:3:22: rule 'r': unknown field 'fd.nope'"},
	}
	for _, c := range cases {
		r := load(rule("r", c.cond))
		wantOnly(t, r, c.want)
	}
	for _, ok := range []string{"evt.arg.flags contains O_CREAT", "evt.arg[0] = x", "k8s.pod.label.app = x",
		"k8s.pod.label[app.kubernetes.io/name] = x", "proc.aname[2] = x", "proc.aname = x", "proc.env[HOME] = x", "container.image.repository = x"} {
		mustLoad(t, rule("r", ok))
	}
}

func TestFieldErrorInMacroReportedOnce(t *testing.T) {
	r := load("- macro: m\n  condition: proc.nope = a\n" + rule("r1", "m") + rule("r2", "m and m"))
	wantOnly(t, r, "1.yaml:2:14: macro 'm': unknown field 'proc.nope'")
	// An unused macro is never compiled, so its fields are not checked.
	r = load("- macro: unused\n  condition: proc.nope = a\n" + rule("r", "proc.name=a"))
	wantOnly(t, r, "1.yaml:1:3: warning: macro 'unused': macro is not used by any rule or macro")
}

func TestSkipIfUnknownFilter(t *testing.T) {
	r := load(`
- macro: m
  condition: proc.nope = a
- rule: skipped
  desc: d
  condition: m and proc.name = x
  output: o
  priority: info
  skip-if-unknown-filter: true
- rule: kept
  desc: d
  condition: proc.name = x
  output: o
  priority: info
  skip-if-unknown-filter: true
- rule: wrongarg
  desc: d
  condition: proc.name[2] = x
  output: o
  priority: info
  skip-if-unknown-filter: true
`)
	wantOnly(t, r,
		"1.yaml:3:14: warning: rule 'skipped': rule skipped (skip-if-unknown-filter): unknown field 'proc.nope'",
		"1.yaml:18:14: rule 'wrongarg': field 'proc.name' does not take an argument")
	s := r.Rule("skipped")
	if !s.Skipped || s.AST != nil || s.SkipReason != "unknown field 'proc.nope'" {
		t.Errorf("skipped rule: %+v", s)
	}
	if c := r.Counts(); c.Loaded != 1 || c.Skipped != 1 {
		t.Errorf("counts %+v", c)
	}
}

func TestUnknownSource(t *testing.T) {
	r := load(`
- rule: audit
  desc: d
  condition: ct.name=CreateUser
  output: o
  priority: info
  source: aws_cloudtrail
`)
	wantOnly(t, r, "1.yaml:7:11: warning: rule 'audit': source 'aws_cloudtrail' is not loaded (only syscall, k8s_audit): the rule is skipped")
	rl := r.Rule("audit")
	if !rl.Skipped || rl.Source != "aws_cloudtrail" || rl.Condition != "ct.name=CreateUser" {
		t.Errorf("rule %+v", rl)
	}
	if c := r.Counts(); c != (Counts{Skipped: 1}) {
		t.Errorf("counts %+v", c)
	}
}

func TestUnusedWarnings(t *testing.T) {
	r := load(`
- list: used_list
  items: [a]
- list: unused_list
  items: [b]
- list: by_list
  items: [c]
- list: user
  items: [by_list]
- macro: used_macro
  condition: proc.name in (used_list, user)
- macro: unused_macro
  condition: proc.name = x
- macro: by_macro
  condition: proc.name = y
- macro: user_macro
  condition: by_macro
` + rule("r", "used_macro"))
	wantOnly(t, r,
		"1.yaml:12:3: warning: macro 'unused_macro': macro is not used by any rule or macro",
		"1.yaml:16:3: warning: macro 'user_macro': macro is not used by any rule or macro",
		"1.yaml:4:3: warning: list 'unused_list': list is not used by any rule, macro or list")
}

func TestNameWarnings(t *testing.T) {
	r := load("- list: 'bad name'\n  items: [a]\n- macro: 9bad\n  condition: proc.name=a\n" + rule("r", "proc.name in ('bad name')"))
	wantDiag(t, r, "1.yaml:1:9: warning: list 'bad name': the list name is not a bare string (it contains a blank or one of ( ) \" ' = ,), so no condition can refer to it")
	wantDiag(t, r, "1.yaml:3:10: warning: macro '9bad': the macro name is not an identifier (a letter, then letters, digits or '_'), so no condition can refer to it")
}

func TestSizeLimits(t *testing.T) {
	// Each macro uses the previous one twice: 2^40 nodes if expanded.
	var b strings.Builder
	b.WriteString("- macro: m0\n  condition: proc.name=a\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "- macro: m%d\n  condition: m%d and m%d\n", i, i-1, i-1)
	}
	r := load(b.String() + rule("r", "m40"))
	if !r.HasErrors() || r.Rule("r").AST != nil {
		t.Fatalf("exponential macros loaded")
	}
	if !strings.Contains(diagText(r.Errors()), "too large after substituting macros") {
		t.Errorf("diagnostics:\n%s", diagText(r.Diagnostics))
	}
	// Each list names the next one twice: exponential text.
	b.Reset()
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "- list: l%d\n  items: [l%d, l%d]\n", i, i+1, i+1)
	}
	r = load(b.String() + "- list: l40\n  items: [x]\n" + rule("r", "proc.name in (l0)"))
	if !strings.Contains(diagText(r.Errors()), "bytes after pasting lists") {
		t.Errorf("diagnostics:\n%s", diagText(r.Diagnostics))
	}
}
