// Package auditevent decodes Kubernetes audit events (audit.k8s.io/v1 Event
// and EventList) as kube-apiserver's webhook and log backends write them.
// The JSON is parsed once, with a reused parser; the scalars rules test are
// taken out into an Event, and each event's JSON text is kept for the rest.
package auditevent

import (
	"fmt"
	"strconv"
	"time"
	"unsafe"

	"github.com/valyala/fastjson"
)

// APIVersion is the only audit API version accepted; audit.k8s.io/v1beta1
// was removed in Kubernetes 1.24.
const APIVersion = "audit.k8s.io/v1"

// Event is what the receiver writes as typed attributes. Strings alias the
// Decoder's memory and are valid until the next Decode.
type Event struct {
	AuditID, Stage, Verb, RequestURI, UserAgent string
	UserName, ImpUserName                       string
	UserGroups, SourceIPs                       []string
	Resource, Subresource, Namespace, Name      string
	APIGroup                                    string
	HasAPIGroup                                 bool
	ResponseCode                                int64
	HasResponseCode                             bool
	AuthDecision, AuthReason                    string
	// HasAuthReason: the annotation is present (the authorizer often
	// gives an empty reason).
	HasAuthDecision, HasAuthReason bool
	// StageTime and ReceivedTime are ns since the epoch; ReceivedTime is
	// 0 when the event has none.
	StageTime, ReceivedTime int64
	// JSON is the event as JSON text, as sent: doc[JSONStart:JSONEnd].
	JSON               []byte
	JSONStart, JSONEnd int
}

// Error is a problem with the decoded document; Item is the index of the
// EventList item it is in, or -1.
type Error struct {
	Item int
	Msg  string
}

func (e *Error) Error() string {
	if e.Item < 0 {
		return e.Msg
	}
	return fmt.Sprintf("items[%d]: %s", e.Item, e.Msg)
}

// Decoder decodes audit documents. It is not safe for concurrent use; keep
// one per goroutine (a sync.Pool).
type Decoder struct {
	p      fastjson.Parser
	events []Event
	spans  [][2]int
	strs   []string
}

// Decode parses one document, an EventList or a single Event, checks it
// completely and returns its events. Nothing is returned for a document with
// any problem, so a caller never hands on part of a batch it then refuses.
// The events are valid until the next Decode; their JSON aliases doc.
func (d *Decoder) Decode(doc []byte) ([]Event, error) {
	d.events, d.spans, d.strs = d.events[:0], d.spans[:0], d.strs[:0]
	// The parser accepts some invalid JSON (numbers such as 00); the
	// validator does not, and events are kept as the bytes they came in.
	if err := fastjson.ValidateBytes(doc); err != nil {
		return nil, &Error{Item: -1, Msg: "malformed JSON: " + err.Error()}
	}
	v, err := d.p.ParseBytes(doc)
	if err != nil {
		return nil, &Error{Item: -1, Msg: "malformed JSON: " + err.Error()}
	}
	if v.Type() != fastjson.TypeObject {
		return nil, &Error{Item: -1, Msg: "expected a JSON object, got " + v.Type().String()}
	}
	if err := checkType(v, -1, ""); err != nil {
		return nil, err
	}
	switch kind := string(v.GetStringBytes("kind")); kind {
	case "Event":
		s := skipWS(doc, 0)
		if err := d.add(v, -1, doc, s, skipValue(doc, s)); err != nil {
			return nil, err
		}
	case "EventList":
		items := v.Get("items")
		if items == nil {
			break // an empty list may omit items
		}
		arr, err := items.Array()
		if err != nil {
			return nil, &Error{Item: -1, Msg: "items: expected an array, got " + items.Type().String()}
		}
		d.spans = itemSpans(doc, d.spans)
		if len(d.spans) != len(arr) {
			// Cannot happen for a document the parser accepted.
			return nil, &Error{Item: -1, Msg: "items: cannot delimit the events"}
		}
		for i, it := range arr {
			if it.Type() != fastjson.TypeObject {
				return nil, &Error{Item: i, Msg: "expected an Event object, got " + it.Type().String()}
			}
			// Items may omit apiVersion and kind; when present they must
			// be an audit.k8s.io/v1 Event.
			if err := checkType(it, i, "Event"); err != nil {
				return nil, err
			}
			if err := d.add(it, i, doc, d.spans[i][0], d.spans[i][1]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, &Error{Item: -1, Msg: fmt.Sprintf("kind %q: expected Event or EventList", kind)}
	}
	return d.events, nil
}

// checkType checks apiVersion and kind. In a list item (item >= 0) both may
// be absent; wantKind is the kind an item must have.
func checkType(v *fastjson.Value, item int, wantKind string) *Error {
	av, kv := v.Get("apiVersion"), v.Get("kind")
	if item >= 0 && av == nil && kv == nil {
		return nil
	}
	a, err := str(av, "apiVersion")
	if err == "" && a != APIVersion {
		err = fmt.Sprintf("apiVersion %q: expected %q", a, APIVersion)
	}
	if err != "" {
		return &Error{Item: item, Msg: err}
	}
	k, err := str(kv, "kind")
	if err == "" && wantKind != "" && k != wantKind {
		err = fmt.Sprintf("kind %q: expected %q", k, wantKind)
	}
	if err != "" {
		return &Error{Item: item, Msg: err}
	}
	return nil
}

func str(v *fastjson.Value, name string) (string, string) {
	if v == nil {
		return "", name + ": missing"
	}
	b, err := v.StringBytes()
	if err != nil {
		return "", name + ": expected a string, got " + v.Type().String()
	}
	return string(b), ""
}

// optStr reads an optional string member; absent and null are "".
func optStr(v *fastjson.Value, path ...string) (string, bool, string) {
	x := v.Get(path...)
	if x == nil || x.Type() == fastjson.TypeNull {
		return "", false, ""
	}
	b, err := x.StringBytes()
	if err != nil {
		return "", false, joinPath(path) + ": expected a string, got " + x.Type().String()
	}
	return b2s(b), true, ""
}

func joinPath(p []string) string {
	s := ""
	for i, x := range p {
		if i > 0 {
			s += "."
		}
		s += x
	}
	return s
}

// add checks one event and appends it.
func (d *Decoder) add(v *fastjson.Value, item int, doc []byte, start, end int) *Error {
	e := Event{JSON: doc[start:end], JSONStart: start, JSONEnd: end}
	var msg string
	fail := func() *Error { return &Error{Item: item, Msg: msg} }
	read := func(dst *string, path ...string) bool {
		*dst, _, msg = optStr(v, path...)
		return msg == ""
	}
	if !read(&e.AuditID, "auditID") || !read(&e.Stage, "stage") || !read(&e.Verb, "verb") ||
		!read(&e.RequestURI, "requestURI") || !read(&e.UserAgent, "userAgent") ||
		!read(&e.UserName, "user", "username") || !read(&e.ImpUserName, "impersonatedUser", "username") ||
		!read(&e.Resource, "objectRef", "resource") || !read(&e.Subresource, "objectRef", "subresource") ||
		!read(&e.Namespace, "objectRef", "namespace") || !read(&e.Name, "objectRef", "name") {
		return fail()
	}
	if e.AuthDecision, e.HasAuthDecision, msg = optStr(v, "annotations", "authorization.k8s.io/decision"); msg != "" {
		return fail()
	}
	if e.AuthReason, e.HasAuthReason, msg = optStr(v, "annotations", "authorization.k8s.io/reason"); msg != "" {
		return fail()
	}
	e.APIGroup, e.HasAPIGroup, _ = optStr(v, "objectRef", "apiGroup")
	if e.Stage == "" {
		msg = "stage: missing"
		return fail()
	}
	if e.UserGroups, msg = d.strList(v, "user", "groups"); msg != "" {
		return fail()
	}
	if e.SourceIPs, msg = d.strList(v, "sourceIPs"); msg != "" {
		return fail()
	}
	if c := v.Get("responseStatus", "code"); c != nil && c.Type() != fastjson.TypeNull {
		n, err := c.Int64()
		if err != nil {
			msg = "responseStatus.code: expected an integer"
			return fail()
		}
		e.ResponseCode, e.HasResponseCode = n, true
	}
	var ts string
	var ok bool
	if ts, ok, msg = optStr(v, "stageTimestamp"); msg != "" {
		return fail()
	}
	if !ok {
		msg = "stageTimestamp: missing"
		return fail()
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		msg = "stageTimestamp: " + strconv.Quote(ts) + " is not an RFC 3339 time"
		return fail()
	}
	e.StageTime = t.UnixNano()
	if ts, ok, msg = optStr(v, "requestReceivedTimestamp"); msg != "" {
		return fail()
	}
	if ok {
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			e.ReceivedTime = t.UnixNano()
		}
	}
	d.events = append(d.events, e)
	return nil
}

// strList reads an optional array of strings into the Decoder's reused
// string slice.
func (d *Decoder) strList(v *fastjson.Value, path ...string) ([]string, string) {
	x := v.Get(path...)
	if x == nil || x.Type() == fastjson.TypeNull {
		return nil, ""
	}
	arr, err := x.Array()
	if err != nil {
		return nil, joinPath(path) + ": expected an array of strings, got " + x.Type().String()
	}
	start := len(d.strs)
	for i, el := range arr {
		b, err := el.StringBytes()
		if err != nil {
			return nil, fmt.Sprintf("%s[%d]: expected a string, got %s", joinPath(path), i, el.Type())
		}
		d.strs = append(d.strs, b2s(b))
	}
	// The slice may move as later lists append; callers copy the strings
	// out before the next Decode, and a full-capacity slice keeps this
	// list's view stable even if d.strs grows.
	return d.strs[start:len(d.strs):len(d.strs)], ""
}

// b2s views parser memory as a string; it stays unchanged until the next
// Decode.
func b2s(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
