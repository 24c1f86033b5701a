package rulesprocessor

import (
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/internal/sensorcaps"
	"github.com/vigil-sec/vigil/rules"
)

// warnUnreachable warns once per enabled rule that reads a field no
// receiver of this collector writes, or matches only syscalls the probe
// cannot capture, naming the rule, the field and where the rule is. It
// runs when the processor starts (every receiver has been created by then
// and has said what it delivers) and after each reload. With no receiver
// offering anything (a gateway collector fed over OTLP) it says nothing.
func (p *rulesProcessor) warnUnreachable(st *ruleState) int {
	all := sensorcaps.All()
	if len(all) == 0 {
		return 0
	}
	sensors := make([]rules.Sensor, len(all))
	for i, c := range all {
		sensors[i] = rules.Sensor{Source: c.Source, Keys: c.Keys, Syscalls: c.Syscalls}
	}
	dead := map[*rules.Rule]bool{}
	for _, u := range st.rs.Unreachable(sensors) {
		dead[u.Rule] = true
		f := []zap.Field{zap.String("rule", u.Rule.Name), zap.String("file", u.Rule.Pos.File), zap.Int("line", u.Rule.Pos.Line)}
		if u.Field != "" {
			f = append(f, zap.String("field", u.Field))
			p.logger.Warn("rule reads a field that no receiver in this collector writes; the condition can never be true there", f...)
		} else {
			f = append(f, zap.Strings("syscalls", u.Syscalls))
			p.logger.Warn("rule matches only syscalls the probe cannot capture; it can never fire", f...)
		}
	}
	return len(dead)
}
