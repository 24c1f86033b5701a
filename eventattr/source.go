package eventattr

// An event source is what Falco calls a rule's `source`: the kind of event a
// rule reads. Each receiver emits records of exactly one source, and marks
// them with that source's EventName, so the rules processor can pick the
// rules that apply without reading an attribute.
const (
	SourceSyscall  = "syscall"
	SourceK8sAudit = "k8s_audit"
)

// EventName of the records of each source.
const (
	EventNameSyscall  = "vigil.syscall"
	EventNameK8sAudit = "vigil.k8s_audit"
)

// SourceOf returns the source whose records carry eventName, or "" for a
// record that is no event of ours (an alert, or a log from another receiver).
func SourceOf(eventName string) string {
	switch eventName {
	case EventNameSyscall:
		return SourceSyscall
	case EventNameK8sAudit:
		return SourceK8sAudit
	}
	return ""
}
