package condition

import "testing"

// TestErrorMessages pins every distinct parser error message, with its
// position (line:col), as the user sees it.
func TestErrorMessages(t *testing.T) {
	ops := "exists, =, ==, !=, <, <=, >, >=, contains, icontains, bcontains, startswith, bstartswith, endswith, glob, iglob, regex, in, intersects, pmatch"
	cases := []struct{ in, want string }{
		{``, `1:1: condition is empty`},
		{`a b`, `1:3: unexpected token 'b', expecting 'and', 'or' or the end of the condition`},
		{`proc.name = bash)`, `1:17: unexpected token ')', expecting 'and', 'or' or the end of the condition`},
		{"a\x00", `1:2: unexpected token a NUL byte, expecting 'and', 'or' or the end of the condition`},
		{`a andb`, `1:6: expected a blank or '(' after 'and', found 'b'`},
		{`a or"x"`, `1:5: expected a blank or '(' after 'or', found '"x"'`},
		{`(a b)`, `1:4: expected 'and', 'or' or ')', found 'b'`},
		{"(a\n", `2:1: expected 'and', 'or' or ')', found end of condition`},
		{`a and = b`, `1:7: expected a field check, a macro name, 'not' or '(', found '='`},
		{"   ", `1:4: expected a field check, a macro name, 'not' or '(', found end of condition`},
		{`proc.aname[] = a`, `1:12: expected an argument (a quoted or bare string) after 'proc.aname[', found ']'`},
		{`proc.aname[2"x"] = a`, `1:13: expected ']' closing the argument of 'proc.aname', found '"x"'`},
		{`proc.name = "abc`, `1:13: unterminated quoted string '"abc'`},
		{`proc.name = "a\\"`, `1:13: unterminated quoted string '"a\\"'`},
		{`proc.name = 'a\"'`, `1:15: invalid escape '\"' in a '-quoted string`},
		{`proc.name = "a\'"`, `1:15: invalid escape '\'' in a "-quoted string`},
		{`proc.name = "ab\x4g"`, `1:16: invalid escape '\x4g': \x needs two hexadecimal digits`},
		{`proc.name = "\q"`, `1:14: unsupported escape sequence '\q' in a quoted string`},
		{"proc.name = \"\\\x01\"", `1:14: unsupported escape sequence in a quoted string: backslash followed by byte 0x01`},
		{`tolower(x) = a`, `1:9: expected a field or a transformer as the argument of 'tolower(', found 'x'`},
		{`basename(fd.name fd.directory) = a`, `1:18: expected ')' closing 'basename(', found 'fd.directory'`},
		{`len(proc.args)[] > 1`, `1:16: expected an argument (a quoted or bare string) after 'len(...)[', found ']'`},
		{`len(proc.args)[0'x'] > 1`, `1:17: expected ']' closing the argument of 'len(...)', found ''x''`},
		{`concat(proc.name proc.pname) = a`, `1:18: expected ',' or ')' after an argument of 'concat(', found 'proc.pname'`},
		{`concat(proc.name) = a`, `1:1: 'concat' takes at least 2 arguments, found 1`},
		{`join(",", (proc.name), "x") = a`, `1:1: 'join' takes 2 arguments, found 3`},
		{`join(",", (proc.name "x")) = a`, `1:22: expected ',' or ')' in an argument list of 'join(', found '"x"'`},
		{`getopt(bare, "x") = a`, `1:8: expected an argument of 'getopt(': a field, a transformer, a quoted string, a number or a parenthesised list, found 'bare'`},
		{`join(",", ((proc.name))) = a`, `1:12: expected an item of an argument list of 'join(': a field, a transformer, a quoted string or a number, found '('`},
		{`proc.name bash`, `1:11: expected an operator (one of ` + ops + `), found 'bash'`},
		{`fd.num < abc`, `1:10: expected a number or a transformer after '<', found 'abc'`},
		{`proc.name = (a)`, `1:13: expected a value after '=': a bare or quoted string or a transformer, found '('`},
		{`proc.name contains  `, `1:21: expected a value after 'contains': a bare or quoted string or a transformer, found end of condition`},
		{`proc.name in "a"`, `1:14: expected a list, a list name or a transformer after 'in', found '"a"'`},
		{`proc.name in (,a)`, `1:15: expected a list item (a bare or quoted string) or ')', found ','`},
		{`proc.name in (a,)`, `1:17: expected a list item (a bare or quoted string) after ',', found ')'`},
		{`proc.name in (a b)`, `1:17: expected ',' or ')' in a list, found 'b'`},
		{`proc.name = val(tolower(proc.pname))`, `1:17: expected a field inside 'val(', found 'tolower'`},
		{`proc.name = val(proc.pname`, `1:27: expected ')' closing 'val(', found end of condition`},
		{"a and\n  (b", `2:5: expected 'and', 'or' or ')', found end of condition`},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %s", c.in, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Parse(%q):\n got  %s\n want %s", c.in, err, c.want)
		}
	}
	_, err := Parser{MaxDepth: 5}.Parse(`((a))`)
	if want := `1:2: condition is nested too deeply: the depth limit is 5`; err == nil || err.Error() != want {
		t.Errorf("depth: got %v, want %s", err, want)
	}
}

func TestErrorBlankInBrackets(t *testing.T) {
	for in, want := range map[string]string{
		`proc.aname[ 2] = a`:   `1:12: expected an argument (a quoted or bare string) after 'proc.aname[', found a blank`,
		`proc.aname[2 ] = a`:   `1:13: expected ']' closing the argument of 'proc.aname', found a blank`,
		`len(proc.args)[ 0]>1`: `1:16: expected an argument (a quoted or bare string) after 'len(...)[', found a blank`,
	} {
		if _, err := Parse(in); err == nil || err.Error() != want {
			t.Errorf("Parse(%q): got %v, want %s", in, err, want)
		}
	}
}
