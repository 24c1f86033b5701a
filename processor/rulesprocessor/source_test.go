package rulesprocessor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
)

// Each rule sees only records of its source, whichever engine runs the
// syscall rules: a k8s_audit rule that holds on any record without audit
// attributes never fires on a syscall record, a syscall rule that holds on
// anything never fires on an audit record, and the alert says its source,
// as does evt.source in the condition and the output.
func TestRulesApplyToTheirSourceOnly(t *testing.T) {
	for _, engine := range []string{EngineNative, EngineRego} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			cfg := createDefaultConfig()
			cfg.Engine = engine
			cfg.RuleMatching = MatchAll
			cfg.ReloadInterval = 0
			cfg.Files = []string{writeFile(t, dir, "both.yaml", `
- rule: audit without user
  desc: holds for any record that lacks ka.user.name
  condition: not ka.user.name exists and evt.source = k8s_audit
  output: audit %ka.verb %evt.source
  priority: warning
  source: k8s_audit
- rule: any syscall
  desc: holds for any record that lacks evt.type or has one
  condition: (evt.type exists or not evt.type exists) and evt.source = syscall
  output: syscall %evt.source
  priority: warning
`)}
			p, sink := newTestProcessor(t, cfg)

			ld := plog.NewLogs()
			appendEvent(ld, catShadow(), time.Now())
			audit := appendEvent(ld, attrs{eventattr.K8sAuditVerb: "get", eventattr.K8sAuditEvent: `{"verb":"get"}`}, time.Now())
			audit.SetEventName(eventattr.EventNameK8sAudit)
			require.NoError(t, p.ConsumeLogs(context.Background(), ld))

			got := alerts(sink)
			require.Len(t, got, 2, "names %v", ruleNames(got))
			for _, a := range got {
				name, _ := a.Attributes().Get("security_rule.name")
				src, _ := a.Attributes().Get("vigil.rule.source")
				_, hasEvent := a.Attributes().Get(eventattr.K8sAuditEvent)
				switch name.Str() {
				case "any syscall":
					require.Equal(t, "syscall", src.Str())
					require.True(t, strings.HasPrefix(a.Body().Str(), "syscall syscall "), a.Body().Str())
				case "audit without user":
					require.Equal(t, "k8s_audit", src.Str())
					require.Equal(t, "audit get k8s_audit", a.Body().Str())
					require.False(t, hasEvent, "the alert copies the event JSON")
				default:
					t.Fatalf("unexpected alert %q", name.Str())
				}
			}
		})
	}
}
