package falcoalert

import (
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/alert/priority"
)

// Options mirror the falco.yaml settings that change the JSON alert.
type Options struct {
	// Hostname, when set, replaces the record's host.name, as
	// FALCO_HOSTNAME replaces gethostname() in Falco.
	Hostname string
	// DefaultHostname is used when the record's resource has no host.name.
	DefaultHostname string
	// TimeFormatISO8601 mirrors time_format_iso_8601: the output prefix is
	// the UTC ISO 8601 time and the output field is evt.time.iso8601.
	TimeFormatISO8601 bool
	// Location is the zone of the time-of-day prefix (Falco uses the local
	// zone); nil means time.Local.
	Location *time.Location
	// The json_include_*_property settings.
	IncludeOutput       bool
	IncludeMessage      bool
	IncludeOutputFields bool
	IncludeTags         bool
}

// DefaultOptions are Falco's defaults.
func DefaultOptions() Options {
	return Options{IncludeOutput: true, IncludeOutputFields: true, IncludeTags: true}
}

// Encoder turns alert records into JSON. It reuses scratch space between
// calls, so one Encoder must not be used by two goroutines at once.
type Encoder struct {
	opts  Options
	keys  []string
	tags  []string
	inMap bool
	text  []byte
}

// NewEncoder returns an encoder with opts.
func NewEncoder(opts Options) *Encoder {
	if opts.Location == nil {
		opts.Location = time.Local
	}
	return &Encoder{opts: opts}
}

// IsAlert reports whether lr is an alert record, as opposed to an event
// record or anything else that reached the pipeline.
func IsAlert(lr plog.LogRecord) bool {
	return lr.EventName() == alert.EventName
}

// RuleName is the alert's rule name, for logs about a failed delivery.
func RuleName(lr plog.LogRecord) string {
	v, _ := lr.Attributes().Get(alert.RuleName)
	return v.Str()
}

// Append appends the JSON alert for lr, whose resource is res, to dst. It
// does not append a newline. Records that lack parts of the contract are
// still encoded with what they carry (an empty rule, say), so that the
// receiving end, not this encoder, decides whether it accepts them.
func (e *Encoder) Append(dst []byte, lr plog.LogRecord, res pcommon.Resource) []byte {
	attrs := lr.Attributes()
	ts := lr.Timestamp()
	if ts == 0 {
		ts = lr.ObservedTimestamp()
	}
	evtTime := ts.AsTime()
	prio := priorityText(lr)
	message := lr.Body().AsString()

	// Keys in byte order: hostname message output output_fields priority
	// rule source tags time.
	dst = append(dst, `{"hostname":`...)
	dst = appendString(dst, e.hostname(res))
	if e.opts.IncludeMessage {
		dst = append(dst, `,"message":`...)
		dst = appendString(dst, message)
	}
	if e.opts.IncludeOutput {
		e.text = e.appendOutput(e.text[:0], evtTime, prio, message)
		dst = append(dst, `,"output":`...)
		dst = appendString(dst, e.text)
	}
	if e.opts.IncludeOutputFields {
		timeKey := "evt.time"
		if e.opts.TimeFormatISO8601 {
			timeKey = "evt.time.iso8601"
		}
		fields := pcommon.NewMap()
		if v, ok := attrs.Get(alert.OutputFields); ok && v.Type() == pcommon.ValueTypeMap {
			fields = v.Map()
		}
		dst = append(dst, `,"output_fields":`...)
		dst = e.appendMap(dst, fields, timeKey, int64(ts))
	}
	dst = append(dst, `,"priority":`...)
	dst = appendString(dst, prio)
	dst = append(dst, `,"rule":`...)
	dst = appendString(dst, RuleName(lr))
	dst = append(dst, `,"source":`...)
	dst = appendString(dst, source(attrs))
	if e.opts.IncludeTags {
		dst = append(dst, `,"tags":`...)
		dst = e.appendTags(dst, attrs)
	}
	dst = append(dst, `,"time":"`...)
	dst = evtTime.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000000Z")
	return append(dst, `"}`...)
}

// AppendText appends the alert as Falco prints it with json_output off:
// only the output line, "<time>: <Priority> <message>", escaped as a JSON
// string but without the quotes, so control characters cannot break the
// line. It does not append a newline.
func (e *Encoder) AppendText(dst []byte, lr plog.LogRecord) []byte {
	ts := lr.Timestamp()
	if ts == 0 {
		ts = lr.ObservedTimestamp()
	}
	e.text = e.appendOutput(e.text[:0], ts.AsTime(), priorityText(lr), lr.Body().AsString())
	start := len(dst)
	dst = appendString(dst, e.text)
	// Drop the quotes appendString put around the text.
	copy(dst[start:], dst[start+1:len(dst)-1])
	return dst[:len(dst)-2]
}

// appendOutput appends Falco's output text: the event time (local time of
// day, or UTC ISO 8601), ": ", the priority, a space and the message.
func (e *Encoder) appendOutput(t []byte, evtTime time.Time, prio, message string) []byte {
	if e.opts.TimeFormatISO8601 {
		t = evtTime.UTC().AppendFormat(t, "2006-01-02T15:04:05.000000000-0700")
	} else {
		t = evtTime.In(e.opts.Location).AppendFormat(t, "15:04:05.000000000")
	}
	t = append(t, ": "...)
	t = append(t, prio...)
	t = append(t, ' ')
	return append(t, message...)
}

func (e *Encoder) hostname(res pcommon.Resource) string {
	if e.opts.Hostname != "" {
		return e.opts.Hostname
	}
	if v, ok := res.Attributes().Get("host.name"); ok && v.Str() != "" {
		return v.Str()
	}
	return e.opts.DefaultHostname
}

// appendTags appends the rule's tags sorted in byte order, as Falco prints
// them, or [] when the rule has none.
func (e *Encoder) appendTags(dst []byte, attrs pcommon.Map) []byte {
	tags := e.tags[:0]
	if v, ok := attrs.Get(alert.RuleTags); ok && v.Type() == pcommon.ValueTypeSlice {
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			tags = append(tags, s.At(i).AsString())
		}
	}
	slices.Sort(tags)
	e.tags = tags
	dst = append(dst, '[')
	for i, t := range tags {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, t)
	}
	return append(dst, ']')
}

// source is the rule's event source. Records that do not name one come from
// the only source the receiver has, the kernel's syscalls.
func source(attrs pcommon.Map) string {
	if v, ok := attrs.Get(alert.RuleSource); ok && v.Str() != "" {
		return v.Str()
	}
	return "syscall"
}

// priorityText is the priority as Falco prints it. SeverityText normally
// already is; other spellings ("WARNING", "info") are normalised, and when
// the text is missing the priority is recovered from SeverityNumber. Text
// that is no priority at all is passed through, for the receiving end to
// reject.
func priorityText(lr plog.LogRecord) string {
	text := lr.SeverityText()
	for p := priority.Emergency; p <= priority.Debug; p++ {
		if p.String() == text { // the processor's spelling: no allocation
			return text
		}
	}
	if p, err := priority.Parse(text); err == nil {
		return p.String()
	}
	if strings.TrimSpace(text) == "" {
		for p := priority.Emergency; p <= priority.Debug; p++ {
			if p.SeverityNumber() == int32(lr.SeverityNumber()) {
				return p.String()
			}
		}
	}
	return text
}
