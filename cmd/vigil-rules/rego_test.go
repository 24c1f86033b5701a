package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func TestRegoTranslatesUpstreamRules(t *testing.T) {
	stable := sharedRules(t, "falco_rules.yaml")
	incubating := sharedRules(t, "falco-incubating_rules.yaml")
	var out, errb bytes.Buffer
	if code := run([]string{"rego", stable, incubating}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := out.String()
	if _, err := ast.ParseModuleWithOpts("out.rego", text, ast.ParserOptions{RegoVersion: ast.RegoV1}); err != nil {
		t.Fatalf("output is not a Rego module: %v", err)
	}
	if strings.Count(text, "package ") != 1 {
		t.Errorf("want exactly one package (one policy)")
	}
	for _, want := range []string{"package vigil.rules", `matches contains "Read sensitive file untrusted" if`, `matches contains "Terminal shell in container" if`} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestRegoErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("- rule: r\n  desc: d\n  condition: proc.name =\n  output: o\n  priority: INFO\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"rego", bad}, &out, &errb); code != 1 || !strings.Contains(errb.String(), bad+":3:") {
		t.Errorf("bad file: exit %d, stderr %q", code, errb.String())
	}
	getopt := filepath.Join(dir, "getopt.yaml")
	os.WriteFile(getopt, []byte("- rule: Uses getopt\n  desc: d\n  condition: evt.type = execve and getopt((proc.name, proc.pname), \"e:\")[e] = x\n  output: o\n  priority: INFO\n"), 0o644)
	out.Reset()
	errb.Reset()
	if code := run([]string{"rego", getopt}, &out, &errb); code != 1 || !strings.Contains(errb.String(), `rule "Uses getopt"`) || !strings.Contains(errb.String(), "getopt") {
		t.Errorf("untranslatable rule: exit %d, stderr %q", code, errb.String())
	}
	if code := run([]string{"rego"}, &out, &errb); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
}
