package condition

import (
	"strings"
	"testing"
)

// acceptVectors must parse. Each is also tried with blanks around it and
// with every space turned into LF and into TAB, as libsinsp's own tests do:
// blanks are interchangeable everywhere, even after word operators.
var acceptVectors = []string{
	// macro references, boolean structure, precedence
	`a`,
	`a and b`,
	`a or b`,
	`a and b and c`,
	`a or b or c`,
	`a and b or c and d`,
	`not a`,
	`not not a`,
	`not not not a`,
	`not(a)`,
	`not (a)`,
	`not  (not(a))`,
	`a and not b`,
	`not a and b`,
	`a and(b)`,
	`a or(b)`,
	`a and(b)or(c)`,
	`(a)`,
	`((a))`,
	`(a and b) or c`,
	`a and (b or c)`,
	`(a or b) and (c or d)`,
	`not (a and b) or not (c or d)`,
	`a_b1 and A9`,
	// quirks of the grammar, faithful to libsinsp
	`and`,           // a lone keyword is a macro name
	`proc.name inx`, // list operators need no blank: in (x)
	`proc.name exists and a`,
	`proc.name existsand a`, // exists needs no blank either
	// every operator
	`proc.name exists`,
	`proc.name=bash`,
	`proc.name = bash`,
	`proc.name == bash`,
	`proc.name==bash`,
	`proc.name != bash`,
	`proc.name!=bash`,
	`fd.num < 1`,
	`fd.num<1`,
	`fd.num <= -1`,
	`fd.num > +1.5`,
	`fd.num >= 1e+10`,
	`fd.num >= 1.5E-3`,
	`fd.num < 0x1F`,
	`fd.num < 0XaBc`,
	`fd.num < 12.`,
	`proc.name contains bash`,
	`proc.name icontains BASH`,
	`evt.buffer bcontains cafebabe`,
	`proc.name startswith ba`,
	`evt.buffer bstartswith 0011`,
	`proc.name endswith sh`,
	`proc.name glob "*sh"`,
	`proc.name glob *sh`,
	`proc.name iglob *SH`,
	`proc.name regex "^ba.*$"`,
	`proc.name in (bash, sh)`,
	`proc.name in(bash,sh)`,
	`proc.name in ( bash , sh )`,
	`proc.name in ()`,
	`proc.name in ( )`,
	`proc.name in ("a b", 'c d', e)`,
	`proc.name in shell_binaries`,
	`proc.name intersects (a)`,
	`proc.name intersects(a)`,
	`fd.name pmatch (/tmp, /etc)`,
	`fd.name pmatch(/tmp)`,
	// modifiers
	`proc.name = oneof (a, b)`,
	`proc.name=oneof (a, b)`,
	`proc.name == anyof (a)`,
	`proc.name != allof (a)`,
	`proc.name contains anyof (a, b)`,
	`proc.name icontains oneof (a)`,
	`evt.buffer bcontains anyof (00, ff)`,
	`proc.name startswith allof (a)`,
	`evt.buffer bstartswith oneof (00)`,
	`proc.name endswith anyof (a)`,
	`proc.name glob oneof (a*)`,
	`proc.name iglob allof (A*)`,
	`proc.name regex anyof ("a.*")`,
	`proc.name = oneof mylist`,
	`proc.name = oneof ()`,
	`proc.name = oneof`,       // the plain value "oneof"
	`proc.name = oneof and a`, // value "oneof", then "and a"
	`proc.name = anyof or a`,
	// field arguments
	`proc.aname[2] = bash`,
	`proc.aname[0]=bash`,
	`proc.env[HOME] = /root`,
	`proc.env["HOME"] = /root`,
	`proc.env['HOME'] = /root`,
	`proc.env[""] exists`,
	`k8s.pod.label[app.kubernetes.io/name] = x`,
	`evt.arg.flags contains O_CREAT`,
	`evt.arg[0] = x`,
	`evt.arg[fd] = x`,
	`k8s.pod.label.app = x`,
	// transformers and val()
	`tolower(proc.name) = bash`,
	`toupper(proc.name) = BASH`,
	`b64(proc.name) = x`,
	`basename(fd.name) = passwd`,
	`len(proc.args) > 2`,
	`tolower(toupper(basename(fd.name))) = bash`,
	`tolower( proc.name ) = bash`,
	`tolower(proc.aname[1]) = bash`,
	`tolower(proc.name) exists`,
	`tolower(proc.name) in (a, b)`,
	`tolower(proc.name)[0] = x`,
	`proc.name = tolower(proc.pname)`,
	`proc.name = val(proc.pname)`,
	`proc.name = val( proc.pname )`,
	`proc.name = val(proc.aname[2])`,
	`fd.name startswith val(proc.cwd)`,
	`fd.num > val(proc.pid)`,
	`fd.num > len(proc.args)`,
	`proc.name in tolower(proc.pname)`,
	`proc.name in val(proc.pname)`,
	`proc.name = oneof val(proc.pname)`,
	`join(",", (proc.name, proc.pname)) = "a,b"`,
	`join(",", ()) = x`,
	`concat(proc.name, "-", proc.pname) = x`,
	`concat(proc.name, 1, -2.5, 0x1) = x`,
	`getopt((proc.args[0], proc.args[1]), "abc:") intersects (a)`,
	`getopt(proc.args, "x") intersects (a)`,
	`proc.name = concat(tolower(proc.pname), join(",", (proc.name)))`,
	// values
	`proc.name = runc:[0:PARENT]`,
	`proc.name = /usr/bin/*`,
	`proc.name = 10.0.0.0/8`,
	`proc.name = -1`,
	`proc.name = a!b<c>d[e]f`,
	`proc.name = "\x41\x42"`,
	`proc.name = "a\"b"`,
	`proc.name = 'a\'b'`,
	`proc.name = "a'b"`,
	`proc.name = 'a"b'`,
	`proc.name = "\b\f\n\r\t\\\/"`,
	`proc.name = ""`,
	`proc.name = ''`,
	`proc.name = "a,b=(c)"`,
	`proc.name in (a, "b", 'c', "d e", -1, x:y)`,
	// realistic
	`evt.type in (open, openat, openat2) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0`,
	`spawned_process and not proc.name in (sh, bash) and proc.pname exists and not container.id=host`,
	`(evt.type=connect and evt.dir=< and (fd.typechar=4 or fd.typechar=6)) or (evt.type=accept and fd.sport != 22)`,
}

// acceptVerbatim must parse, but not after blank rewriting (they rely on a
// literal space).
var acceptVerbatim = []string{
	`proc.name = "a\ "`,     // backslash-space is a lone backslash
	`proc.name = "C:\ dir"`, // also in the middle
	// A keyword not followed by a blank is a macro name, faithful to
	// libsinsp; with a trailing blank "not" becomes a negation of nothing.
	`a and not`,
	`not`,
	`a and and`,
}

func blankVariants(s string) []string {
	return []string{
		s,
		" " + s,
		s + " ",
		"\t\n " + s + " \r\n\b",
		strings.ReplaceAll(s, " ", "\n"),
		strings.ReplaceAll(s, " ", "\t"),
		strings.ReplaceAll(s, " ", "\r\n"),
	}
}

func TestAccept(t *testing.T) {
	for _, in := range acceptVectors {
		for _, v := range blankVariants(in) {
			if _, err := Parse(v); err != nil {
				t.Errorf("Parse(%q): %v", v, err)
			}
		}
	}
	for _, in := range acceptVerbatim {
		if _, err := Parse(in); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

// The blank variants of an accepted condition parse to the same tree:
// blanks carry no meaning outside quotes.
func TestBlankVariantsSameTree(t *testing.T) {
	for _, in := range acceptVectors {
		if strings.ContainsAny(in, `"'`) {
			continue // blanks inside quotes are part of a value
		}
		want, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		for _, v := range blankVariants(in)[1:] {
			got, err := Parse(v)
			if err != nil || !Equal(got, want) {
				t.Errorf("Parse(%q) = %s, %v; want %s", v, String(got), err, String(want))
			}
		}
	}
}

var rejectVectors = []string{
	``,
	` `,
	"\t\n",
	`a b`,
	`a and`,
	`a or`,
	`a andb`,
	`a orb`,
	`a or or b`,
	`(a`,
	`a)`,
	`()`,
	`(a b)`,
	`nota b`,
	`a and not `,
	`not(a`,
	`1`,
	`"a"`,
	`=a`,
	`proc.name`,
	`proc.name =`,
	`proc.name = (a)`,
	`proc.name = a b`,
	`proc.name = a=b`,
	`proc.name == = a`,
	`proc.name contains(a)`,
	`proc.name containsa`,
	`proc.name contains`,
	`proc.name foo a`,
	`proc.name in`,
	`proc.name in (a,)`,
	`proc.name in (,a)`,
	`proc.name in (a b)`,
	`proc.name in ((a))`,
	`proc.name in (a`,
	`proc.name in a.b`,
	`proc.name in 1`,
	`proc.name in "a"`,
	`proc.name pmatch a, b`,
	`proc.name < a`,
	`proc.name < "1"`,
	`proc.name < 1x`,
	`proc.name < 1e5`,
	`proc.name exists x`,
	`proc.name = bash)`,
	`proc.name.`,
	`proc..name = a`,
	`proc.1name = a`,
	`proc.aname[ = x`,
	`proc.aname[] = x`,
	`proc.aname[2 = x`,
	`proc.aname[a b] = x`,
	`proc.aname [2] = x`,
	`proc.aname[2]] = x`,
	`proc.aname["a] = x`,
	`tolower(x) = a`,
	`tolower(proc.name = a`,
	`tolower (proc.name) = a`,
	`tolower() = a`,
	`tolower(proc.name, proc.pname) = a`,
	`tolower("a") = a`,
	`tolower(val(proc.name)) = a`,
	`tolower(proc.name)[ = a`,
	`tolower(proc.name)[a = a`,
	`tolower(proc.name)`,
	`val(proc.name) = a`,
	`proc.name = val(a)`,
	`proc.name = val(proc.name`,
	`proc.name = val(tolower(proc.name))`,
	`proc.name = val()`,
	`proc.name < val(proc.pid`,
	`join(",") = a`,
	`join(",", (a), b) = a`,
	`join(",", (proc.name) = a`,
	`join(",", ((proc.name))) = a`,
	`join(",", (proc.name proc.pname)) = a`,
	`join(",", (bare)) = a`,
	`join(bare, proc.name) = a`,
	`concat(proc.name) = a`,
	`concat() = a`,
	`concat(proc.name, ) = a`,
	`concat(proc.name proc.pname) = a`,
	`getopt(proc.args) = a`,
	`foo(proc.name) = a`,
	`proc.name = "abc`,
	`proc.name = 'abc`,
	`proc.name = "a\\"`, // the quote after \\ does not close the string
	`proc.name = 'a\"b'`,
	`proc.name = "a\'b"`,
	`proc.name = "\q"`,
	`proc.name = "\x4"`,
	`proc.name = "\xZZ"`,
	`proc.name = "\x"`,
	"proc.name = \"\\\x01\"",
	`proc.name in ("a\q")`,
	`proc.env["\q"] = a`,
	`proc.name = oneof (a b)`,
	`proc.name = oneof (a,)`,
	`proc.name in oneof (a)`,
	`proc.name = oneof a.b`,
	`fd.num < oneof (1)`,
	"proc.name = a\x00",
	"\x00",
	"a and \x00b",
}

func TestReject(t *testing.T) {
	for _, in := range rejectVectors {
		e, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want an error", in, String(e))
			continue
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("Parse(%q): error %T is not *Error", in, err)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat("(", n) + "a" + strings.Repeat(")", n)
	}
	if _, err := Parse(nest(150)); err != nil {
		t.Errorf("150 nested parentheses: %v", err)
	}
	_, err := Parse(nest(5000))
	if err == nil || !strings.Contains(err.Error(), "depth limit is 1000") {
		t.Errorf("5000 nested parentheses: err = %v, want the depth limit", err)
	}
	p := Parser{MaxDepth: 10}
	if _, err := p.Parse("a and b"); err != nil {
		t.Errorf("MaxDepth 10, flat: %v", err)
	}
	if _, err := p.Parse(nest(5)); err == nil {
		t.Errorf("MaxDepth 10, 5 nested parentheses: want an error")
	}
	// Long flat chains and runs of "not" do not recurse.
	chain := "a" + strings.Repeat(" and a", 100000)
	if _, err := Parse(chain); err != nil {
		t.Errorf("long and-chain: %v", err)
	}
	if _, err := Parse(strings.Repeat("not ", 100000) + "a"); err != nil {
		t.Errorf("long not-run: %v", err)
	}
	// Transformers and not( recurse too, and are bounded the same way.
	deepTr := strings.Repeat("tolower(", 5000) + "proc.name" + strings.Repeat(")", 5000) + " = a"
	if _, err := Parse(deepTr); err == nil {
		t.Errorf("5000 nested transformers: want an error")
	}
	deepNot := strings.Repeat("not(", 5000) + "a" + strings.Repeat(")", 5000)
	if _, err := Parse(deepNot); err == nil {
		t.Errorf("5000 nested not(: want an error")
	}
}
