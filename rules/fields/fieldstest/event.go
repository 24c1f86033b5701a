// Package fieldstest provides a fields.Event backed by plain Go values, for
// tests of the rules packages and of components that evaluate rules (in the
// spirit of net/http/httptest).
package fieldstest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/rules/fields"
)

// Event is an in-memory fields.Event. Build it with New and Set (or FromMap)
// before use; reading is safe from several goroutines once building is done.
// Attributes keep the order in which they were first set, which is the order
// Range reports them in.
type Event struct {
	record, resource []attr
	// slot maps Key.Slot to an index in values (0 = unset), and byName
	// holds the other attributes, so reads cost what a well-built processor
	// view costs (an index or a hash, never a scan) and an event stays
	// compact, about the size of its attributes.
	slot      []uint8
	values    []slotValue
	byName    map[string]any
	resByName map[string]any
	time      int64
}

// slotValue holds one typed value in 32 bytes; kind says which field is
// set. Slices and byte buffers (rarely read) go through byName.
type slotValue struct {
	s    string
	n    int64
	kind uint8
	b    bool
}

const (
	kindNone uint8 = iota
	kindStr
	kindInt
	kindBool
	kindOther
)

type attr struct {
	name  string
	value any
}

var _ fields.Event = (*Event)(nil)

// New returns an empty event.
func New() *Event {
	return &Event{slot: make([]uint8, fields.NumSlots()), values: []slotValue{{}}, byName: map[string]any{}, resByName: map[string]any{}}
}

// FromMap builds an event from attribute names to values. A name that is a
// declared key, or starts with a declared prefix key, goes to the record or
// the resource as that key says; other names go to the record. Names are
// added in sorted order.
func FromMap(m map[string]any) *Event {
	e := New()
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		e.SetName(n, isResource(n), m[n])
	}
	return e
}

func isResource(name string) bool {
	if k, ok := fields.KeyByName(name); ok {
		return k.Resource
	}
	for _, k := range fields.Declared() {
		if k.Slot < 0 && strings.HasPrefix(name, k.Name) {
			return k.Resource
		}
	}
	return false
}

// Set stores v under key k. v may be a string, bool, []byte, any Go integer
// type, []string, or a slice of integers; anything else panics, since it
// is a mistake in the test.
func (e *Event) Set(k fields.Key, v any) *Event {
	nv := normalise(v)
	e.put(k.Name, k.Resource, nv)
	if k.Slot >= 0 {
		sv := slotValue{kind: kindOther}
		switch x := nv.(type) {
		case string:
			sv = slotValue{kind: kindStr, s: x}
		case int64:
			sv = slotValue{kind: kindInt, n: x}
		case bool:
			sv = slotValue{kind: kindBool, b: x}
		}
		if i := e.slot[k.Slot]; i != 0 {
			e.values[i] = sv
		} else {
			if len(e.values) > 255 {
				panic("fieldstest: too many attributes")
			}
			e.slot[k.Slot] = uint8(len(e.values))
			e.values = append(e.values, sv)
		}
	}
	return e
}

// SetName stores v under an attribute name, for prefixed keys such as
// "vigil.evt.arg.flags" or "k8s.pod.labels.app".
func (e *Event) SetName(name string, resource bool, v any) *Event {
	if k, ok := fields.KeyByName(name); ok && k.Resource == resource && k.Slot >= 0 {
		return e.Set(k, v)
	}
	e.put(name, resource, normalise(v))
	return e
}

// SetTime sets the event timestamp in nanoseconds since the epoch.
func (e *Event) SetTime(ns int64) *Event {
	e.time = ns
	return e
}

func (e *Event) put(name string, resource bool, v any) {
	list := &e.record
	if resource {
		list = &e.resource
	}
	for i := range *list {
		if (*list)[i].name == name {
			(*list)[i].value = v
			e.names(resource)[name] = v
			return
		}
	}
	*list = append(*list, attr{name, v})
	e.names(resource)[name] = v
}

func (e *Event) names(resource bool) map[string]any {
	if resource {
		return e.resByName
	}
	return e.byName
}

func normalise(v any) any {
	switch x := v.(type) {
	case string, bool, int64, []string, []int64:
		return x
	case []byte:
		return slices.Clone(x)
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case []int:
		out := make([]int64, len(x))
		for i, n := range x {
			out[i] = int64(n)
		}
		return out
	case []uint32:
		out := make([]int64, len(x))
		for i, n := range x {
			out[i] = int64(n)
		}
		return out
	}
	panic(fmt.Sprintf("fieldstest: unsupported value type %T", v))
}

func (e *Event) get(k fields.Key) (any, bool) {
	if k.Slot >= 0 && k.Slot < len(e.slot) {
		sv := &e.values[e.slot[k.Slot]]
		switch sv.kind {
		case kindStr:
			return sv.s, true
		case kindInt:
			return sv.n, true
		case kindBool:
			return sv.b, true
		case kindOther:
			v, ok := e.names(k.Resource)[k.Name]
			return v, ok
		}
		return nil, false
	}
	v, ok := e.names(k.Resource)[k.Name]
	return v, ok
}

func (e *Event) Str(k fields.Key) (string, bool) {
	if k.Slot >= 0 && k.Slot < len(e.slot) {
		sv := &e.values[e.slot[k.Slot]]
		return sv.s, sv.kind == kindStr
	}
	v, _ := e.get(k)
	s, ok := v.(string)
	return s, ok
}

func (e *Event) Int(k fields.Key) (int64, bool) {
	if k.Slot >= 0 && k.Slot < len(e.slot) {
		sv := &e.values[e.slot[k.Slot]]
		return sv.n, sv.kind == kindInt
	}
	v, _ := e.get(k)
	n, ok := v.(int64)
	return n, ok
}

func (e *Event) Bool(k fields.Key) (bool, bool) {
	if k.Slot >= 0 && k.Slot < len(e.slot) {
		sv := &e.values[e.slot[k.Slot]]
		return sv.b, sv.kind == kindBool
	}
	v, _ := e.get(k)
	b, ok := v.(bool)
	return b, ok
}

func (e *Event) Bytes(k fields.Key) ([]byte, bool) {
	v, _ := e.get(k)
	b, ok := v.([]byte)
	return b, ok
}

func (e *Event) Len(k fields.Key) (int, bool) {
	v, _ := e.get(k)
	switch x := v.(type) {
	case []string:
		return len(x), true
	case []int64:
		return len(x), true
	}
	return 0, false
}

func (e *Event) StrAt(k fields.Key, i int) (string, bool) {
	v, _ := e.get(k)
	x, ok := v.([]string)
	if !ok || i < 0 || i >= len(x) {
		return "", false
	}
	return x[i], true
}

func (e *Event) IntAt(k fields.Key, i int) (int64, bool) {
	v, _ := e.get(k)
	x, ok := v.([]int64)
	if !ok || i < 0 || i >= len(x) {
		return 0, false
	}
	return x[i], true
}

// Range reports string attributes under the prefix, in insertion order.
func (e *Event) Range(prefix fields.Key, fn func(suffix, value string) bool) {
	list := e.record
	if prefix.Resource {
		list = e.resource
	}
	for _, a := range list {
		s, ok := a.value.(string)
		if !ok || len(a.name) <= len(prefix.Name) || !strings.HasPrefix(a.name, prefix.Name) {
			continue
		}
		if !fn(a.name[len(prefix.Name):], s) {
			return
		}
	}
}

func (e *Event) Time() int64 { return e.time }
