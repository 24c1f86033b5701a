package rulesprocessor

import (
	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/rules/fields"
)

// docView gives k8s_audit records their JSON document: the event text the
// receiver kept, parsed only when a rule reaches a field that needs it and
// at most once per record. One per worker, reused from record to record.
type docView struct {
	doc    fields.Doc
	gen    uint32 // recordEvent generation the doc was reset for
	has    bool
	active bool // the current record is a k8s_audit record
}

var _ fields.DocEvent = (*recordEvent)(nil)

// Doc implements fields.DocEvent.
func (e *recordEvent) Doc() *fields.Doc {
	d := &e.dv
	if !d.active {
		return nil
	}
	if d.gen != e.gen {
		d.gen = e.gen
		raw, ok := e.Str(fields.KeyKAEvent)
		d.has = ok
		if ok {
			d.doc.Reset(raw)
		}
	}
	if !d.has {
		return nil
	}
	return &d.doc
}

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
