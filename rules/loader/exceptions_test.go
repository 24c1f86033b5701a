package loader

import "testing"

func exRule(exceptions string) string {
	return `
- rule: r
  desc: d
  condition: proc.cmdline contains curl or proc.cmdline contains wget
  output: o
  priority: info
  exceptions:
` + exceptions
}

func TestExceptionsText(t *testing.T) {
	const c = "(proc.cmdline contains curl or proc.cmdline contains wget)"
	cases := []struct{ name, ex, want string }{
		{"spec example", `
    - name: local
      fields: [proc.cmdline]
      comps: [contains]
      values: [[curl 127.0.0.1]]
`, c + ` and not (( proc.cmdline contains "curl 127.0.0.1"))`},
		{"tuple, default comps, OR across tuples, double blank after and", `
    - name: pair
      fields: [proc.name, proc.pname]
      values:
        - [curl, bash]
        - [wget, "sh x"]
`, c + ` and not (( proc.name = curl and  proc.pname = bash) or ( proc.name = wget and  proc.pname = "sh x"))`},
		{"sequence element rendered as a list", `
    - name: seq
      fields: [proc.name, fd.name]
      comps: [=, pmatch]
      values: [[curl, [/tmp, /var/a b]]]
`, c + ` and not (( proc.name = curl and  fd.name pmatch (/tmp, "/var/a b")))`},
		{"scalar with a list operator is parenthesised (it may name a list)", `
    - name: lst
      fields: [proc.name, proc.pname]
      comps: [in, intersects]
      values: [[shell_binaries, (already)]]
`, c + ` and not (( proc.name in (shell_binaries) and  proc.pname intersects (already)))`},
		{"scalar with a modifier operator is parenthesised", `
    - name: mod
      fields: [proc.name]
      comps: [contains anyof]
      values: [[ssh_binaries]]
`, c + ` and not (( proc.name contains anyof (ssh_binaries)))`},
		{"pre-quoted items are pasted as they are", `
    - name: q
      fields: [proc.cmdline]
      comps: [startswith]
      values: [['"sh -c x"'], ["'sh -c y'"], ['a\b c']]
`, c + ` and not (( proc.cmdline startswith "sh -c x") or ( proc.cmdline startswith 'sh -c y') or ( proc.cmdline startswith "a\b c"))`},
		{"single field, default in", `
    - name: single
      fields: proc.name
      values: [curl, wget x]
`, c + ` and not (proc.name in (curl, "wget x"))`},
		{"single field with pmatch", `
    - name: single
      fields: fd.name
      comps: pmatch
      values: [/tmp]
`, c + ` and not (fd.name pmatch (/tmp))`},
		{"single field with a modifier", `
    - name: single
      fields: proc.cmdline
      comps: contains oneof
      values: [a, b]
`, c + ` and not (proc.cmdline contains oneof (a, b))`},
		{"exceptions without values add nothing but the parentheses", `
    - name: empty
      fields: [proc.name]
    - name: empty2
      fields: proc.name
      values: []
`, c},
		{"several exceptions", `
    - name: one
      fields: proc.name
      values: [a]
    - name: two
      fields: [proc.pname]
      values: [[b]]
`, c + ` and not (proc.name in (a)) and not (( proc.pname = b))`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mustLoad(t, exRule(tc.ex))
			if got := ruleCond(t, r, "r"); got != tc.want {
				t.Errorf("condition\n got  %s\n want %s", got, tc.want)
			}
		})
	}
}

// A list named in an exception value is pasted like anywhere else.
func TestExceptionValueNamesList(t *testing.T) {
	r := mustLoad(t, `
- list: shells
  items: [bash, zsh]
`+exRule(`
    - name: lst
      fields: [proc.name]
      comps: [in]
      values: [[shells]]
`))
	want := `(proc.cmdline contains curl or proc.cmdline contains wget) and not (( proc.name in (bash, zsh)))`
	if got := expanded(t, r, "r"); got != "(proc.cmdline contains curl or proc.cmdline contains wget) and not proc.name in (bash, zsh)" {
		t.Errorf("expanded %q (text %q)", got, want)
	}
}

func TestExceptionErrors(t *testing.T) {
	cases := []struct{ ex, want string }{
		{`
    - name: e
      fields: [proc.name, proc.pname]
      comps: [=]
      values: [[a, b]]
`, "1.yaml:9:7: rule 'r': exception 'e': 'fields' and 'comps' must be sequences of the same length"},
		{`
    - name: e
      fields: [proc.name]
      comps: [like]
      values: [[a]]
`, "1.yaml:9:7: rule 'r': exception 'e': 'like' is not a comparison operator"},
		{`
    - name: e
      fields: [proc.nope]
      values: [[a]]
`, "1.yaml:9:7: rule 'r': exception 'e': unknown field 'proc.nope'"},
		{`
    - name: e
      fields: proc.name
      comps: =
      values: [a]
`, "1.yaml:9:7: rule 'r': exception 'e': when 'fields' is a single field, 'comps' must be in, pmatch, intersects or an operator with oneof/anyof/allof, not '='"},
		{`
    - name: e
      fields: proc.name
      comps: [in]
      values: [a]
`, "1.yaml:9:7: rule 'r': exception 'e': when 'fields' is a single field, 'comps' must be a single operator"},
		{`
    - name: e
      fields: proc.name
      values: [[a]]
`, "1.yaml:9:7: rule 'r': exception 'e': with a single field, each value must be a scalar"},
		{`
    - name: e
      fields: [proc.name, proc.pname]
      values: [[a]]
`, "1.yaml:9:7: rule 'r': exception 'e': each value must be a sequence with one element per field (2)"},
		{`
    - name: e
      values: [[a]]
`, "1.yaml:9:7: rule 'r': exception 'e' must have a 'fields' key"},
		{`
    - fields: [proc.name]
`, "1.yaml:9:7: rule 'r': exception is missing required key 'name'"},
		{`
    - name: e
      fields: [proc.name]
      values: [[[[a]]]]
`, "1.yaml:11:18: rule 'r': exception 'e' value is nested too deeply: expected a scalar"},
		{`
    - just a string
`, "1.yaml:9:7: rule 'r': each exception must be a mapping with 'name', 'fields', 'comps' and 'values'"},
		{`
    - name: e
      fields: [proc.name]
      values: a
`, "1.yaml:11:15: rule 'r': exception 'e' 'values' must be a sequence"},
		{`
    - name: e
      fields: [proc.name]
      values: [[""]]
`, "1.yaml:11:17: rule 'r': exception 'e' value must not be an empty string"},
	}
	for _, c := range cases {
		r := load(exRule(c.ex))
		if !r.HasErrors() {
			t.Errorf("no error for %s", c.ex)
			continue
		}
		wantDiag(t, r, c.want)
	}
}

func TestExceptionWarnings(t *testing.T) {
	r := load(exRule(`
    - name: e
      fields: [proc.name]
      values: [[a]]
      note: x
    - name: e
      fields: [proc.pname]
      values: [[b]]
`))
	wantOnly(t, r,
		"1.yaml:12:7: warning: rule 'r': unknown exception key 'note' is ignored",
		"1.yaml:13:7: warning: rule 'r': exception name 'e' is used more than once in this rule")
}
