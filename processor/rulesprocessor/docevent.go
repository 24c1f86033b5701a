package rulesprocessor

import (
	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/rules/fields"
)

// recordSource is the event source of a record. Records without one of our
// event names are syscall records, as before sources existed.
func recordSource(eventName string) string {
	if s := eventattr.SourceOf(eventName); s != "" {
		return s
	}
	return eventattr.SourceSyscall
}

// alertOmits are record attributes an alert does not copy: the audit
// event's JSON is large and holds the request objects (ConfigMap data,
// Secrets); a rule that wants part of it names it in its output.
func alertOmits(key string) bool {
	return key == fields.KeyKAEvent.Name
}
