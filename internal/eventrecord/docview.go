package eventrecord

import "github.com/vigil-sec/vigil/rules/fields"

// docView gives k8s_audit records their JSON document: the event text the
// receiver kept, parsed only when a rule reaches a field that needs it and
// at most once per record. One per View, reused from record to record.
type docView struct {
	doc    fields.Doc
	gen    uint32 // View generation the doc was reset for
	has    bool
	active bool // the current record is a k8s_audit record
}

var _ fields.DocEvent = (*View)(nil)

// Doc implements fields.DocEvent.
func (e *View) Doc() *fields.Doc {
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
