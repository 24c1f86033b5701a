package rego

import (
	"context"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/alert/priority"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// TestPolicyInputSchema checks the documented input.fields keys a user
// policy can rely on.
func TestPolicyInputSchema(t *testing.T) {
	ev := fieldstest.FromMap(map[string]any{
		"process.executable.name": "cat", "process.pid": 42, "vigil.proc.anames": []string{"bash", "sshd"},
		"vigil.proc.apids": []int64{7, 1}, "vigil.evt.arg.flags": "O_RDONLY", "process.environment_variable.HOME": "/root",
		"file.path": "/etc/shadow", "vigil.fd.type": "file", "server.address": "::ffff:10.0.0.1", "client.address": "bogus",
		"vigil.evt.type": "openat", "vigil.evt.rawarg.flags": 0, "vigil.evt.rawres": 3,
	}).SetTime(1751373296789012345)
	p, err := LoadPolicies(context.Background(), []Source{{Name: "p.rego", Data: []byte("package t\n\nimport rego.v1\n\nalerts := set()\n")}})
	if err != nil {
		t.Fatal(err)
	}
	in := p.Input(ev).String()
	for _, want := range []string{
		`"proc.name": "cat"`, `"proc.pid": 42`, `"proc.aname": ["bash", "sshd"]`, `"proc.aname[0]": "cat"`,
		`"proc.aname[1]": "bash"`, `"proc.aname[2]": "sshd"`, `"proc.apid[1]": 7`, `"evt.arg[flags]": "O_RDONLY"`,
		`"proc.env[HOME]": "/root"`, `"fd.name": "/etc/shadow"`, `"fd.directory": "/etc"`, `"fd.sip": "10.0.0.1"`,
		`"fd.cip": null`, `"evt.is_open_read": true`, `"container.id": "host"`, `"time": 1751373296789012345`,
	} {
		if !strings.Contains(in, want) {
			t.Errorf("input lacks %s\n%s", want, in)
		}
	}
	if strings.Contains(in, `"proc.aname[3]"`) || strings.Contains(in, `"fd.num"`) {
		t.Errorf("input has fields the event does not carry:\n%s", in)
	}
}

func TestPolicyAlerts(t *testing.T) {
	pol := `package custom.t

import rego.v1

alerts contains {"rule": "B", "priority": "Warning", "tags": ["x"], "output_fields": {"n": 1}} if input.fields["proc.name"] == "cat"
alerts contains {"rule": "A", "priority": "info"} if input.fields["proc.name"] == "cat"
`
	p, err := LoadPolicies(context.Background(), []Source{{Name: "t.rego", Data: []byte(pol)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Eval(context.Background(), fieldstest.FromMap(map[string]any{"process.executable.name": "cat"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Rule != "A" || got[0].Priority != priority.Informational || got[0].Output != "A" ||
		got[1].Rule != "B" || got[1].Priority != priority.Warning || got[1].Tags[0] != "x" || got[1].File != "t.rego" {
		t.Fatalf("alerts %+v", got)
	}
	got, err = p.Eval(context.Background(), fieldstest.FromMap(map[string]any{"process.executable.name": "ls"}), nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("no match: %+v, %v", got, err)
	}
}

func TestPolicyLoadErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"package vigil.rules\n\nalerts := set()\n", "reserved"},
		{"package x\n\nfoo := 1\n", "defines no rule named alerts"},
		{"package x\n\nalerts contains 1 if {\n", "p.rego:"},
	} {
		_, err := LoadPolicies(context.Background(), []Source{{Name: "p.rego", Data: []byte(c.src)}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.src, err, c.want)
		}
	}
	_, err := LoadPolicies(context.Background(), []Source{
		{Name: "a.rego", Data: []byte("package x\n\nalerts := set()\n")},
		{Name: "b.rego", Data: []byte("package x\n\nalerts := set()\n")},
	})
	if err == nil || !strings.Contains(err.Error(), "also declared by a.rego") {
		t.Errorf("duplicate package: %v", err)
	}
}
