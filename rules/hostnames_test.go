package rules_test

import (
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/loader"
)

func TestHostnames(t *testing.T) {
	rs, err := rules.Load(rules.Options{}, loader.Source{Name: "r.yaml", Data: []byte(`
- list: apis
  items: [a.example, "b.example"]
- rule: r1
  desc: d
  condition: evt.type = connect and (fd.sip.name = kubernetes.default.svc.cluster.local or fd.sip.name in (apis))
  output: o
  priority: NOTICE
- rule: r2
  desc: d
  condition: evt.type = accept and fd.cip.name = c.example
  output: o
  priority: NOTICE
  enabled: true
- rule: off
  desc: d
  condition: evt.type = accept and fd.cip.name = off.example
  output: o
  priority: NOTICE
  enabled: false
`)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.example", "b.example", "c.example", "kubernetes.default.svc.cluster.local"}
	if got := rs.Hostnames(); !slices.Equal(got, want) {
		t.Errorf("Hostnames = %v, want %v", got, want)
	}
}
