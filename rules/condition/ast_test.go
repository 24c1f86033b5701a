package condition

import (
	"strings"
	"testing"
)

// Tree builders for expected ASTs; positions are ignored by Equal.
func and(c ...Expr) Expr     { return &And{Children: c} }
func or(c ...Expr) Expr      { return &Or{Children: c} }
func not(c Expr) Expr        { return &Not{Child: c} }
func mref(n string) Expr     { return &MacroRef{Name: n} }
func fld(n string) *FieldRef { return &FieldRef{Name: n} }
func fldArg(n, a string) *FieldRef {
	return &FieldRef{Name: n, Arg: a, HasArg: true}
}
func lit(s string) *Literal { return &Literal{Text: s} }
func list(items ...string) *List {
	l := &List{Items: []Literal{}}
	for _, i := range items {
		l.Items = append(l.Items, Literal{Text: i})
	}
	return l
}
func chk(lhs Operand, op Operator, rhs Value) Expr { return &Check{LHS: lhs, Op: op, RHS: rhs} }
func chkMod(lhs Operand, op Operator, m Modifier, rhs Value) Expr {
	return &Check{LHS: lhs, Op: op, Modifier: m, RHS: rhs}
}
func tr(t Transformer, args ...Operand) *Transform { return &Transform{Name: t, Args: args} }

func TestAST(t *testing.T) {
	pn := fld("proc.name")
	cases := []struct {
		in   string
		want Expr
	}{
		{`a`, mref("a")},
		{`a and b and c`, and(mref("a"), mref("b"), mref("c"))},
		{`a or b or c`, or(mref("a"), mref("b"), mref("c"))},
		{`a and b or c and d`, or(and(mref("a"), mref("b")), and(mref("c"), mref("d")))},
		{`a or b and c`, or(mref("a"), and(mref("b"), mref("c")))},
		{`not a and b`, and(not(mref("a")), mref("b"))},
		{`not a or b`, or(not(mref("a")), mref("b"))},
		{`not (a or b)`, not(or(mref("a"), mref("b")))},
		{`not not a`, mref("a")},
		{`not not not a`, not(mref("a"))},
		{`not not(a)`, mref("a")},
		{`not (not a)`, not(not(mref("a")))},
		// Parentheses keep their grouping: only chains are flattened.
		{`(a and b) and c`, and(and(mref("a"), mref("b")), mref("c"))},
		{`a and (b and c)`, and(mref("a"), and(mref("b"), mref("c")))},
		{`(a or b) or c`, or(or(mref("a"), mref("b")), mref("c"))},
		{`((a))`, mref("a")},
		{`a and(b)or(c)`, or(and(mref("a"), mref("b")), mref("c"))},
		{`a and not`, and(mref("a"), mref("not"))},
		{`proc.name exists`, chk(pn, OpExists, nil)},
		{`proc.name=bash`, chk(pn, OpEq, lit("bash"))},
		{`proc.name == "bash"`, chk(pn, OpEq, lit("bash"))},
		{`proc.name != 'bash'`, chk(pn, OpNe, lit("bash"))},
		{`fd.num<1`, chk(fld("fd.num"), OpLt, lit("1"))},
		{`fd.num <= 0x1f`, chk(fld("fd.num"), OpLe, lit("0x1f"))},
		{`fd.num > -2.5`, chk(fld("fd.num"), OpGt, lit("-2.5"))},
		{`fd.num >= 1e+3`, chk(fld("fd.num"), OpGe, lit("1e+3"))},
		{`proc.name contains a`, chk(pn, OpContains, lit("a"))},
		{`proc.name icontains a`, chk(pn, OpIContains, lit("a"))},
		{`evt.buffer bcontains 00`, chk(fld("evt.buffer"), OpBContains, lit("00"))},
		{`proc.name startswith a`, chk(pn, OpStartsWith, lit("a"))},
		{`evt.buffer bstartswith 00`, chk(fld("evt.buffer"), OpBStartsWith, lit("00"))},
		{`proc.name endswith a`, chk(pn, OpEndsWith, lit("a"))},
		{`proc.name glob a*`, chk(pn, OpGlob, lit("a*"))},
		{`proc.name iglob A*`, chk(pn, OpIGlob, lit("A*"))},
		{`proc.name regex "a.*"`, chk(pn, OpRegex, lit("a.*"))},
		{`proc.name in (a, "b c")`, chk(pn, OpIn, list("a", "b c"))},
		{`proc.name in ()`, chk(pn, OpIn, list())},
		{`proc.name in mylist`, chk(pn, OpIn, list("mylist"))},
		{`proc.name inx`, chk(pn, OpIn, list("x"))},
		{`proc.name intersects (a)`, chk(pn, OpIntersects, list("a"))},
		{`fd.name pmatch (/tmp)`, chk(fld("fd.name"), OpPmatch, list("/tmp"))},
		{`proc.name = oneof (a, b)`, chkMod(pn, OpEq, ModOneOf, list("a", "b"))},
		{`proc.name contains anyof x`, chkMod(pn, OpContains, ModAnyOf, list("x"))},
		{`proc.name glob allof (a*)`, chkMod(pn, OpGlob, ModAllOf, list("a*"))},
		{`proc.name = oneof`, chk(pn, OpEq, lit("oneof"))},
		{`proc.name = oneof and a`, and(chk(pn, OpEq, lit("oneof")), mref("a"))},
		{`proc.aname[2] = a`, chk(fldArg("proc.aname", "2"), OpEq, lit("a"))},
		{`proc.env["HOME x"] = a`, chk(fldArg("proc.env", "HOME x"), OpEq, lit("a"))},
		{`proc.env[""] exists`, chk(fldArg("proc.env", ""), OpExists, nil)},
		{`evt.arg.flags contains O_CREAT`, chk(fld("evt.arg.flags"), OpContains, lit("O_CREAT"))},
		{`tolower(proc.name) = a`, chk(tr(TrToLower, pn), OpEq, lit("a"))},
		{`tolower(basename(fd.name)) = a`, chk(tr(TrToLower, tr(TrBasename, fld("fd.name"))), OpEq, lit("a"))},
		{`len(proc.args) > 2`, chk(tr(TrLen, fld("proc.args")), OpGt, lit("2"))},
		{`tolower(proc.name)[1] = a`, chk(&Transform{Name: TrToLower, Args: []Operand{pn}, Index: "1", HasIndex: true}, OpEq, lit("a"))},
		{`proc.name = val(proc.pname)`, chk(pn, OpEq, &FieldValue{Field: fld("proc.pname")})},
		{`proc.name = toupper(proc.pname)`, chk(pn, OpEq, &TransformValue{Transform: tr(TrToUpper, fld("proc.pname"))})},
		{`proc.name in b64(proc.pname)`, chk(pn, OpIn, &TransformValue{Transform: tr(TrB64, fld("proc.pname"))})},
		{`join(",", (proc.name, "x", 1)) = a`, chk(tr(TrJoin, &Literal{Text: ",", Quoted: true},
			&ArgList{Items: []Operand{pn, &Literal{Text: "x", Quoted: true}, lit("1")}}), OpEq, lit("a"))},
		{`concat(proc.name, proc.pname) = a`, chk(tr(TrConcat, pn, fld("proc.pname")), OpEq, lit("a"))},
		{`getopt(proc.args, "a:") intersects (a)`, chk(tr(TrGetopt, fld("proc.args"), &Literal{Text: "a:", Quoted: true}), OpIntersects, list("a"))},
		{`proc.name = "\x41\ \/\"\t"`, chk(pn, OpEq, lit("A\\/\"\t"))},
		{`proc.name = 'it\'s'`, chk(pn, OpEq, lit("it's"))},
		{`proc.name = runc:[0:PARENT]`, chk(pn, OpEq, lit("runc:[0:PARENT]"))},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if !Equal(got, c.want) {
			t.Errorf("Parse(%q) = %s, want %s", c.in, String(got), String(c.want))
		}
	}
}

func TestEqualDistinguishes(t *testing.T) {
	pairs := [][2]string{
		{`a and b`, `a or b`},
		{`a and b`, `b and a`},
		{`not a`, `a`},
		{`proc.name = a`, `proc.name != a`},
		{`proc.name = a`, `proc.name = b`},
		{`proc.name = a`, `proc.pname = a`},
		{`proc.aname[1] = a`, `proc.aname[2] = a`},
		{`proc.aname[1] = a`, `proc.aname = a`},
		{`proc.name in (a)`, `proc.name in (a, b)`},
		{`proc.name in (a)`, `proc.name intersects (a)`},
		{`proc.name = oneof (a)`, `proc.name = anyof (a)`},
		{`proc.name = val(proc.pname)`, `proc.name = proc.pname`},
		{`tolower(proc.name) = a`, `toupper(proc.name) = a`},
		{`tolower(proc.name)[0] = a`, `tolower(proc.name) = a`},
		{`proc.name exists`, `proc.name = exists`},
	}
	for _, p := range pairs {
		a, err1 := Parse(p[0])
		b, err2 := Parse(p[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("parse: %v %v", err1, err2)
		}
		if Equal(a, b) {
			t.Errorf("Equal(%q, %q) = true", p[0], p[1])
		}
	}
}

func TestPositions(t *testing.T) {
	e, err := Parse("a and\n  proc.name = \"x\" and\n\tnot b")
	if err != nil {
		t.Fatal(err)
	}
	a := e.(*And)
	want := []Pos{{0, 1, 1}, {8, 2, 3}, {29, 3, 2}}
	for i, c := range a.Children {
		if c.Position() != want[i] {
			t.Errorf("child %d at %+v, want %+v", i, c.Position(), want[i])
		}
	}
	c := a.Children[1].(*Check)
	if got := c.RHS.Position(); got != (Pos{20, 2, 15}) {
		t.Errorf("value at %+v", got)
	}
}

func TestCloneIsDeep(t *testing.T) {
	e, err := Parse(`proc.name in (a, b) and tolower(proc.aname[1]) = val(proc.pname) and join(",", (proc.name)) = x`)
	if err != nil {
		t.Fatal(err)
	}
	c := Clone(e)
	if !Equal(e, c) {
		t.Fatalf("clone differs: %s", String(c))
	}
	// Mutating the clone leaves the original alone.
	ch := c.(*And).Children
	ch[0].(*Check).RHS.(*List).Items[0].Text = "changed"
	ch[1].(*Check).LHS.(*Transform).Args[0].(*FieldRef).Arg = "9"
	ch[1].(*Check).RHS.(*FieldValue).Field.Name = "changed.x"
	ch[2].(*Check).LHS.(*Transform).Args[1].(*ArgList).Items[0].(*FieldRef).Name = "changed.y"
	if s := String(e); strings.Contains(s, "changed") || strings.Contains(s, "[9]") {
		t.Errorf("original changed: %s", s)
	}
}

func TestCheckFields(t *testing.T) {
	e, err := Parse(`tolower(proc.name) = val(proc.pname) and concat(fd.name, (fd.directory, "x")) = toupper(proc.exe) and not a`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*Check); ok {
			CheckFields(c, func(f *FieldRef) { got = append(got, f.Name) })
		}
		return true
	})
	want := "proc.name proc.pname fd.name fd.directory proc.exe"
	if strings.Join(got, " ") != want {
		t.Errorf("fields %v, want %s", got, want)
	}
}
