// Package eventgen generates event records for testing rule engines: for a
// rule, events that satisfy its condition, and near misses made by perturbing
// one of them so that the condition no longer holds. It walks the condition
// to decide which checks must hold, writes each field's value back into the
// attributes it is extracted from (the inverse of the field registry's
// extraction, so the events follow the eventattr contract as a receiver's
// records do), and checks every step with the native engine's own compiled
// checks.
//
// Why: hand-written test events cover the rules someone thought of; the
// upstream Falco rulesets have hundreds of conditions, and only generated
// events exercise every one of them, on both sides of each condition. It
// drives the native-versus-Rego differential test (rules/rego) and the rules
// processor's tests on the upstream rules.
//
// It is test support and lives under the module's internal/ so that every
// test in the module can use it while it stays out of the public API and out
// of the product's event path (nothing but _test.go files imports it).
package eventgen

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// Attr is one attribute of an event: a log-record attribute, or a resource
// attribute when Resource is set. Value is a string, int64, bool, []byte,
// []string or []int64.
type Attr struct {
	Name     string
	Resource bool
	Value    any
}

// Event is a set of attributes, in the order they were first set, and a
// timestamp.
type Event struct {
	attrs []Attr
	Time  int64
}

// Attrs returns the attributes in order.
func (e *Event) Attrs() []Attr { return e.attrs }

// Clone returns a deep copy.
func (e *Event) Clone() *Event {
	c := &Event{attrs: make([]Attr, len(e.attrs)), Time: e.Time}
	for i, a := range e.attrs {
		c.attrs[i] = Attr{Name: a.Name, Resource: a.Resource, Value: cloneValue(a.Value)}
	}
	return c
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case []string:
		return slices.Clone(x)
	case []int64:
		return slices.Clone(x)
	case []byte:
		return slices.Clone(x)
	}
	return v
}

func (e *Event) find(name string) int {
	for i, a := range e.attrs {
		if a.Name == name {
			return i
		}
	}
	return -1
}

// Get returns the value of an attribute.
func (e *Event) Get(name string) (any, bool) {
	if i := e.find(name); i >= 0 {
		return e.attrs[i].Value, true
	}
	return nil, false
}

// Set stores an attribute, replacing any value it had.
func (e *Event) Set(name string, resource bool, v any) {
	if i := e.find(name); i >= 0 {
		e.attrs[i].Value, e.attrs[i].Resource = v, resource
		return
	}
	e.attrs = append(e.attrs, Attr{Name: name, Resource: resource, Value: v})
}

// SetKey stores the attribute of a registry key.
func (e *Event) SetKey(k fields.Key, v any) { e.Set(k.Name, k.Resource, v) }

// Delete removes an attribute.
func (e *Event) Delete(name string) {
	if i := e.find(name); i >= 0 {
		e.attrs = slices.Delete(e.attrs, i, i+1)
	}
}

// Fields returns the event as a fields.Event.
func (e *Event) Fields() *fieldstest.Event {
	ev := fieldstest.New().SetTime(e.Time)
	for _, a := range e.attrs {
		ev.SetName(a.Name, a.Resource, a.Value)
	}
	return ev
}

// String renders the event for test failure messages, one attribute per
// line, sorted.
func (e *Event) String() string {
	lines := make([]string, 0, len(e.attrs)+1)
	for _, a := range e.attrs {
		where := ""
		if a.Resource {
			where = " (resource)"
		}
		lines = append(lines, fmt.Sprintf("  %s%s = %#v", a.Name, where, a.Value))
	}
	sort.Strings(lines)
	return fmt.Sprintf("event (time %d):\n%s", e.Time, strings.Join(lines, "\n"))
}

// deletePrefix removes every attribute whose name starts with prefix.
func (e *Event) deletePrefix(prefix string) {
	e.attrs = slices.DeleteFunc(e.attrs, func(a Attr) bool { return strings.HasPrefix(a.Name, prefix) })
}
