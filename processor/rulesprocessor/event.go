package rulesprocessor

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/rules/fields"
)

// recordEvent is the fields.Event the rules read: a view over one LogRecord
// and its Resource. Nothing is copied out of pdata. Attribute maps are
// searched linearly by pdata, so every key with a registry slot is looked up
// at most once per record and then served from a slot-indexed cache.
//
// The cache is reset by bumping a generation number rather than clearing it,
// which keeps moving to the next record O(1).
type recordEvent struct {
	rec   pcommon.Map
	res   pcommon.Map
	time  int64
	gen   uint32
	cache []slotEntry
}

type slotEntry struct {
	gen   uint32
	found bool
	val   pcommon.Value
}

var _ fields.Event = (*recordEvent)(nil)

func newRecordEvent() *recordEvent {
	return &recordEvent{cache: make([]slotEntry, fields.NumSlots())}
}

// reset points the view at another record. The resource map is passed
// separately so a batch walk sets it once per ResourceLogs.
func (e *recordEvent) reset(res pcommon.Map, lr plog.LogRecord) {
	e.res = res
	e.rec = lr.Attributes()
	ts := lr.Timestamp()
	if ts == 0 {
		// Falco always has an event time; records without one fall back to
		// the time the collector observed them.
		ts = lr.ObservedTimestamp()
	}
	e.time = int64(ts)
	e.gen++
	if e.gen == 0 {
		// The generation wrapped: stale entries could now look current.
		clear(e.cache)
		e.gen = 1
	}
}

func (e *recordEvent) lookup(k fields.Key) (pcommon.Value, bool) {
	m := e.rec
	if k.Resource {
		m = e.res
	}
	if k.Slot < 0 || k.Slot >= len(e.cache) {
		return m.Get(k.Name)
	}
	c := &e.cache[k.Slot]
	if c.gen != e.gen {
		c.val, c.found = m.Get(k.Name)
		c.gen = e.gen
	}
	return c.val, c.found
}

func (e *recordEvent) Str(k fields.Key) (string, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return "", false
	}
	return v.Str(), true
}

func (e *recordEvent) Int(k fields.Key) (int64, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeInt {
		return 0, false
	}
	return v.Int(), true
}

func (e *recordEvent) Bool(k fields.Key) (bool, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeBool {
		return false, false
	}
	return v.Bool(), true
}

func (e *recordEvent) Bytes(k fields.Key) ([]byte, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeBytes {
		return nil, false
	}
	// AsRaw hands out pdata's own buffer; rules only read it.
	return v.Bytes().AsRaw(), true
}

func (e *recordEvent) Len(k fields.Key) (int, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return 0, false
	}
	return v.Slice().Len(), true
}

func (e *recordEvent) StrAt(k fields.Key, i int) (string, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return "", false
	}
	s := v.Slice()
	if i < 0 || i >= s.Len() {
		return "", false
	}
	el := s.At(i)
	if el.Type() != pcommon.ValueTypeStr {
		return "", false
	}
	return el.Str(), true
}

func (e *recordEvent) IntAt(k fields.Key, i int) (int64, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return 0, false
	}
	s := v.Slice()
	if i < 0 || i >= s.Len() {
		return 0, false
	}
	el := s.At(i)
	if el.Type() != pcommon.ValueTypeInt {
		return 0, false
	}
	return el.Int(), true
}

func (e *recordEvent) Range(prefix fields.Key, fn func(suffix, value string) bool) {
	m := e.rec
	if prefix.Resource {
		m = e.res
	}
	p := prefix.Name
	for k, v := range m.All() {
		if len(k) <= len(p) || k[:len(p)] != p || v.Type() != pcommon.ValueTypeStr {
			continue
		}
		if !fn(k[len(p):], v.Str()) {
			return
		}
	}
}

func (e *recordEvent) Time() int64 { return e.time }
