// Package eventrecord reads event log records as the rules see them: a
// fields.Event view over one pdata LogRecord and its Resource. The rules
// processor evaluates rules through it, and vigil-rules test and explain read
// captured events through it, so both read attributes the same way.
package eventrecord

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/rules/fields"
)

// View is the fields.Event the rules read: a view over one LogRecord
// and its Resource. Nothing is copied out of pdata. Attribute maps are
// searched linearly by pdata, so every key with a registry slot is looked up
// at most once per record (found or not) and then served from a
// slot-indexed cache; resource keys once per ResourceLogs.
//
// Filing every attribute of a record in one pass was measured slower: the
// receiver's records carry 10 to 25 attributes and their resources (one per
// process state) about 40, while the rules for one event type read a
// handful, and pdata's Get is a tight length-first comparison loop. The cache is reset by bumping a generation number rather than
// clearing it, which keeps moving to the next record O(1).
type View struct {
	rec, res      pcommon.Map
	time          int64
	gen, resGen   uint32
	cache, resTab []slotEntry
	dv            docView
	src           string // the record's source; "" when it is none of ours
}

type slotEntry struct {
	gen   uint32
	found bool
	val   pcommon.Value
}

var (
	_ fields.Event       = (*View)(nil)
	_ fields.SourceEvent = (*View)(nil)
)

// New returns a view; point it at a resource and a record before reading.
func New() *View {
	n := fields.NumSlots()
	return &View{cache: make([]slotEntry, n), resTab: make([]slotEntry, n)}
}

// SetResource points the view at the resource of the records that follow.
func (e *View) SetResource(res pcommon.Map) {
	e.res = res
	e.resGen = nextGen(e.resGen, e.resTab)
}

// Reset points the view at the next record of the current resource.
func (e *View) Reset(lr plog.LogRecord) {
	e.rec = lr.Attributes()
	ts := lr.Timestamp()
	if ts == 0 {
		// Falco always has an event time; records without one fall back to
		// the time the collector observed them.
		ts = lr.ObservedTimestamp()
	}
	e.time = int64(ts)
	e.gen = nextGen(e.gen, e.cache)
	e.src = eventattr.SourceOf(lr.EventName())
	e.dv.active = e.src == eventattr.SourceK8sAudit
}

// Source implements fields.SourceEvent: evt.source of the current record.
func (e *View) Source() string { return e.src }

// nextGen advances a generation; when it wraps, stale entries could look
// current, so the table is cleared.
func nextGen(g uint32, tab []slotEntry) uint32 {
	g++
	if g == 0 {
		clear(tab)
		g = 1
	}
	return g
}

func (e *View) lookup(k fields.Key) (pcommon.Value, bool) {
	m, tab, gen := e.rec, e.cache, e.gen
	if k.Resource {
		m, tab, gen = e.res, e.resTab, e.resGen
	}
	if k.Slot < 0 || k.Slot >= len(tab) {
		return m.Get(k.Name)
	}
	c := &tab[k.Slot]
	if c.gen != gen {
		c.val, c.found = m.Get(k.Name)
		c.gen = gen
	}
	return c.val, c.found
}

func (e *View) Str(k fields.Key) (string, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return "", false
	}
	return v.Str(), true
}

func (e *View) Int(k fields.Key) (int64, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeInt {
		return 0, false
	}
	return v.Int(), true
}

func (e *View) Bool(k fields.Key) (bool, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeBool {
		return false, false
	}
	return v.Bool(), true
}

func (e *View) Bytes(k fields.Key) ([]byte, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeBytes {
		return nil, false
	}
	// AsRaw hands out pdata's own buffer; rules only read it.
	return v.Bytes().AsRaw(), true
}

func (e *View) Len(k fields.Key) (int, bool) {
	v, ok := e.lookup(k)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return 0, false
	}
	return v.Slice().Len(), true
}

func (e *View) StrAt(k fields.Key, i int) (string, bool) {
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

func (e *View) IntAt(k fields.Key, i int) (int64, bool) {
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

func (e *View) Range(prefix fields.Key, fn func(suffix, value string) bool) {
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

func (e *View) Time() int64 { return e.time }
