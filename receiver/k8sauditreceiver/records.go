package k8sauditreceiver

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/auditevent"
	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/metadata"
)

var nowNanos = func() int64 { return time.Now().UnixNano() }

// buildLogs makes one record per event: timestamp stageTimestamp, the
// k8s_audit EventName, the typed attributes of eventattr/k8saudit.go (only
// those the event has) and the event's JSON.
//
// body is the request body the events were decoded from, as one string:
// each record's event JSON is a slice of it, so the JSON is copied once per
// batch rather than once per event.
func buildLogs(events []auditevent.Event, body string, now int64) plog.Logs {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	sl.Scope().SetName(metadata.ScopeName)
	lrs := sl.LogRecords()
	lrs.EnsureCapacity(len(events))
	var st strTable
	for i := range events {
		e := &events[i]
		lr := lrs.AppendEmpty()
		lr.SetEventName(eventattr.EventNameK8sAudit)
		lr.SetTimestamp(pcommon.Timestamp(e.StageTime))
		lr.SetObservedTimestamp(pcommon.Timestamp(now))
		a := lr.Attributes()
		a.EnsureCapacity(20)

		// The decoder's strings alias its reused memory; pdata keeps the
		// strings it is given, so each event's text is copied once, as one
		// string, and the attributes are slices of it.
		st.reset(e)
		put := func(k, v string) {
			if v != "" {
				a.PutStr(k, st.get(v))
			}
		}
		putList := func(k string, vs []string) {
			if len(vs) == 0 {
				return
			}
			s := a.PutEmptySlice(k)
			s.EnsureCapacity(len(vs))
			for _, v := range vs {
				s.AppendEmpty().SetStr(st.get(v))
			}
		}
		a.PutStr(eventattr.K8sAuditEvent, body[e.JSONStart:e.JSONEnd])
		// In strTable.reset's order.
		put(eventattr.K8sAuditID, e.AuditID)
		put(eventattr.K8sAuditStage, e.Stage)
		put(eventattr.K8sAuditVerb, e.Verb)
		put(eventattr.K8sAuditURI, e.RequestURI)
		put(eventattr.K8sAuditUserName, e.UserName)
		put(eventattr.K8sAuditImpUserName, e.ImpUserName)
		put(eventattr.K8sAuditResource, e.Resource)
		put(eventattr.K8sAuditSubresource, e.Subresource)
		put(eventattr.K8sAuditNamespace, e.Namespace)
		put(eventattr.K8sAuditName, e.Name)
		if g := st.get(e.APIGroup); e.HasAPIGroup {
			a.PutStr(eventattr.K8sAuditAPIGroup, g)
		}
		if d := st.get(e.AuthDecision); e.HasAuthDecision {
			a.PutStr(eventattr.K8sAuditAuthDecision, d)
		}
		if r := st.get(e.AuthReason); e.HasAuthReason {
			a.PutStr(eventattr.K8sAuditAuthReason, r)
		}
		put(eventattr.K8sAuditUserAgent, e.UserAgent)
		putList(eventattr.K8sAuditUserGroups, e.UserGroups)
		putList(eventattr.K8sAuditSourceIPs, e.SourceIPs)
		if e.HasResponseCode {
			a.PutInt(eventattr.K8sAuditResponseCode, e.ResponseCode)
		}
		if e.ReceivedTime != 0 {
			a.PutInt(eventattr.K8sAuditReceivedNanos, e.ReceivedTime)
		}
	}
	return ld
}

// strTable is one event's scalars as one string, so the record's typed
// attributes cost one string allocation.
type strTable struct {
	buf []byte
	all string
	off int
}

func (t *strTable) reset(e *auditevent.Event) {
	t.buf = t.buf[:0]
	for _, s := range [...]string{e.AuditID, e.Stage, e.Verb, e.RequestURI, e.UserName, e.ImpUserName,
		e.Resource, e.Subresource, e.Namespace, e.Name, e.APIGroup, e.AuthDecision, e.AuthReason, e.UserAgent} {
		t.buf = append(t.buf, s...)
	}
	for _, s := range e.UserGroups {
		t.buf = append(t.buf, s...)
	}
	for _, s := range e.SourceIPs {
		t.buf = append(t.buf, s...)
	}
	t.all = string(t.buf)
	t.off = 0
}

// get returns the copy of s; calls must follow reset's order.
func (t *strTable) get(s string) string {
	c := t.all[t.off : t.off+len(s)]
	t.off += len(s)
	return c
}
