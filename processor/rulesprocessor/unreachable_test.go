package rulesprocessor

import (
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/vigil-sec/vigil/internal/sensorcaps"
)

// At start the processor warns once for each enabled rule reading a field
// that no receiver of the collector writes, naming rule, field and place;
// rules the receivers can feed are not reported.
func TestWarnsOnceForUnreachableRule(t *testing.T) {
	sensorcaps.Publish("syscall/test", sensorcaps.Caps{Source: "syscall",
		Keys: []string{"vigil.evt.type", "process.executable.name"}, Syscalls: []string{"openat", "connect"}})
	t.Cleanup(func() { sensorcaps.Withdraw("syscall/test") })
	path := writeFile(t, t.TempDir(), "r.yaml", `
- rule: fine
  desc: d
  condition: evt.type = openat and proc.name = cat
  output: o
  priority: NOTICE
- rule: dead field
  desc: d
  condition: evt.type = connect and fd.sip.name = example.com and fd.sip.name != x
  output: o
  priority: NOTICE
- rule: dead syscall
  desc: d
  condition: evt.type = ptrace and proc.name = gdb
  output: o
  priority: NOTICE
`)
	core, logs := observer.New(zapcore.WarnLevel)
	set := processortest.NewNopSettings(component.MustNewType("rules"))
	set.Logger = zap.New(core)
	cfg := createDefaultConfig()
	cfg.Files = []string{path}
	newTestProcessorWith(t, cfg, set)
	var got []string
	for _, e := range logs.All() {
		m := e.ContextMap()
		got = append(got, m["rule"].(string))
		if m["file"] != path {
			t.Errorf("warning names file %v, want %s", m["file"], path)
		}
		switch m["rule"] {
		case "dead field":
			if m["field"] != "fd.sip.name" || m["line"] != int64(6) {
				t.Errorf("dead field warning: %v", m)
			}
		case "dead syscall":
			if m["line"] != int64(11) {
				t.Errorf("dead syscall warning: %v", m)
			}
		}
	}
	if len(got) != 2 || got[0] != "dead field" || got[1] != "dead syscall" {
		t.Errorf("warnings for %v, want one each for [dead field dead syscall]", got)
	}
}
