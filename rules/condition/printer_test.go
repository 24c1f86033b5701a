package condition

import (
	"strings"
	"testing"
)

func TestStringCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{`a and b or c`, `a and b or c`},
		{`a and (b or c)`, `a and (b or c)`},
		{`(a and b) and c`, `(a and b) and c`},
		{`(a or b) or c`, `(a or b) or c`},
		{`not (a and b)`, `not (a and b)`},
		{`not (not a)`, `not (not a)`},
		{`not not a`, `a`},
		{`not(a)`, `not a`},
		{`a and not`, `a and (not)`},
		{`proc.name==bash`, `proc.name = bash`},
		{`proc.name="bash"`, `proc.name = "bash"`},
		{`proc.name='a"b'`, `proc.name = "a\"b"`},
		{`proc.name = "a\ "`, `proc.name = "a\ "`},
		{`proc.name = "a\\b"`, `proc.name = "a\\b"`},
		{`proc.name = "\x01\t"`, `proc.name = "\x01\t"`},
		{`proc.name = oneof`, `proc.name = "oneof"`},
		{`proc.name in(a,"b c",'d')`, `proc.name in (a, "b c", "d")`},
		{`proc.name in x`, `proc.name in (x)`},
		{`proc.name contains anyof x`, `proc.name contains anyof (x)`},
		{`fd.num>=0x1F`, `fd.num >= 0x1F`},
		{`proc.env["a b"] exists`, `proc.env["a b"] exists`},
		{`proc.env["ab"] exists`, `proc.env[ab] exists`},
		{`proc.env[""] exists`, `proc.env[""] exists`},
		{`tolower( proc.name )[0]=val( proc.pname )`, `tolower(proc.name)[0] = val(proc.pname)`},
		{`join(",",(proc.name,1,"x"))=a`, `join(",", (proc.name, 1, "x")) = a`},
	}
	for _, c := range cases {
		e, err := Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if got := String(e); got != c.want {
			t.Errorf("String(Parse(%q)) = %s, want %s", c.in, got, c.want)
		}
	}
}

// roundTrip checks that printing a tree and parsing the text gives an
// equal tree, and that printing is idempotent.
func roundTrip(t testing.TB, in string, e Expr) {
	out := String(e)
	e2, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(String(Parse(%q))) = Parse(%q): %v", in, out, err)
	}
	if !Equal(e, e2) {
		t.Fatalf("round trip of %q via %q changed the tree: %s", in, out, String(e2))
	}
	if out2 := String(e2); out2 != out {
		t.Fatalf("printing is not idempotent for %q: %q then %q", in, out, out2)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, in := range append(append([]string{}, acceptVectors...), acceptVerbatim...) {
		e, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		roundTrip(t, in, e)
	}
}

// Trees the parser never produces but the loader does (macro expansion
// puts an or inside an or) must print to text that parses back equal.
func TestRoundTripBuiltTrees(t *testing.T) {
	pn := fld("proc.name")
	for _, e := range []Expr{
		or(mref("a"), or(mref("b"), mref("c"))),
		and(mref("a"), and(mref("b"), mref("c"))),
		and(or(mref("a"), mref("b")), mref("c")),
		not(not(mref("a"))),
		not(and(mref("a"), not(mref("b")))),
		or(mref("or"), mref("and")),
		chk(pn, OpEq, lit("")),
		chk(pn, OpEq, lit("a\\")),
		chk(pn, OpEq, lit("\\\"")),
		chk(pn, OpEq, lit("x\x00y")),
		chk(pn, OpEq, lit("anyof")),
		chk(pn, OpIn, list("", "a b", "(", "'", `"`, "=")),
		chk(fldArg("proc.env", "a]b"), OpExists, nil),
		chk(fldArg("proc.env", "a\\"), OpExists, nil),
	} {
		roundTrip(t, String(e), e)
	}
}

func TestQuote(t *testing.T) {
	for _, s := range []string{"", "a", "a b", `a"b`, `a'b`, `a\`, `\\`, `\"`, "\b\f\n\r\t", "\x00\x7f\xff", "é", `x\ y`} {
		q := Quote(s)
		sc := newScanner(q)
		if n := sc.quotedLen(); n != len(q) {
			t.Errorf("Quote(%q) = %s: lexer reads %d of %d bytes", s, q, n, len(q))
			continue
		}
		got, e := unquote(q)
		if e != nil || got != s {
			t.Errorf("unquote(Quote(%q)) = %q, %v", s, got, e)
		}
		if strings.Count(q, "\n") > 0 {
			t.Errorf("Quote(%q) = %q contains a raw line break", s, q)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`"abc"`:          "abc",
		`""`:             "",
		`"\b\f\n\r\t"`:   "\b\f\n\r\t",
		`"\\"`:           `\`,
		`"\/"`:           "/",
		`"\""`:           `"`,
		`'\''`:           `'`,
		`"'"`:            `'`,
		`'"'`:            `"`,
		`"\ "`:           `\`,
		`"a\ b"`:         `a\b`,
		`"\x41\x7a\xFF"`: "Az\xff",
		`"\x00"`:         "\x00",
	} {
		got, e := unquote(in)
		if e != nil || got != want {
			t.Errorf("unquote(%s) = %q, %v; want %q", in, got, e, want)
		}
	}
	for _, in := range []string{`'\"'`, `"\'"`, `"\x"`, `"\x1"`, `"\xg0"`, `"\a"`, `"\0"`, `"\u0041"`} {
		if _, e := unquote(in); e == nil {
			t.Errorf("unquote(%s): want an error", in)
		}
	}
}
