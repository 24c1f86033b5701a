package rulesprocessor

import "github.com/vigil-sec/vigil/internal/dnsnames"

// publishHostnames tells the receivers of this collector which host names
// the rules compare fd.sip.name and fd.cip.name with: they resolve those
// and name the events' addresses after them, as Falco does.
func (p *rulesProcessor) publishHostnames(st *ruleState) {
	dnsnames.Default.Publish(p.owner, st.rs.Hostnames())
}
