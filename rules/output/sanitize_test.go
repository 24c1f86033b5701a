package output

import (
	"testing"

	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// Golden renderings of command lines with control characters and broken
// UTF-8, in the message and in output_fields, as Falco's output sanitizing
// gives them: one U+FFFD per unprintable sequence (a maximal ill-formed
// subpart counting as one), printable UTF-8 kept as is.
func TestSanitizedCmdline(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "sh -c id", "sh -c id"},
		{"newline", "sh -c echo a\necho b", "sh -c echo a\uFFFDecho b"},
		{"tab and CR", "a\tb\rc", "a\uFFFDb\uFFFDc"},
		{"escape sequence", "ls \x1b[31mred\x1b[0m", "ls \uFFFD[31mred\uFFFD[0m"},
		{"DEL and NUL", "a\x7fb\x00c", "a\uFFFDb\uFFFDc"},
		{"UTF-8 kept", "echo é → 😀", "echo é → 😀"},
		{"C1 control", "a\u0085b", "a\uFFFDb"},
		{"stray continuation bytes", "a\x80\x80b", "a\uFFFD\uFFFDb"},
		{"truncated 3-byte sequence is one subpart", "a\xe2\x82b", "a\uFFFDb"},
		{"overlong lead", "a\xc0\xafb", "a\uFFFD\uFFFDb"},
		{"surrogate", "a\xed\xa0\x80b", "a\uFFFD\uFFFD\uFFFDb"},
		{"non-character", "a\uFDD0b\U0001FFFEc", "a\uFFFDb\uFFFDc"},
		{"truncated at the end", "ab\xf0\x9f\x98", "ab\uFFFD"},
	} {
		ev := fieldstest.New().Set(fields.KeyProcCmdline, c.in).Set(fields.KeyAncCmdlines, []string{c.in})
		if got := render(t, "%proc.cmdline|%proc.pcmdline", ev); got != c.want+"|"+c.want {
			t.Errorf("%s: message %q, want %q", c.name, got, c.want+"|"+c.want)
		}
		f, err := Compile("%proc.cmdline %proc.pcmdline")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range f.Values(ev, nil) {
			if v.Str != c.want {
				t.Errorf("%s: output_fields[%s] %q, want %q", c.name, v.Key, v.Str, c.want)
			}
		}
	}
}

// A printable value passes through as it is, without a copy.
func TestSanitizeLeavesPrintableAlone(t *testing.T) {
	s := "plain ascii and ü"
	if got := sanitized(s); got != s {
		t.Errorf("%q became %q", s, got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = sanitized(s) }); n != 0 {
		t.Errorf("%v allocations for a printable value", n)
	}
}
