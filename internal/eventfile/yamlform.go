package eventfile

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"gopkg.in/yaml.v3"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/rules/fields"
)

// readYAML reads the compact form: a sequence of mappings, each one event,
// from Falco field names (or, for what no field writes directly, attribute
// names) to values:
//
//   - evt.type: openat
//     proc.name: cat
//     proc.pname: bash
//     fd.name: /etc/shadow
//     evt.rawarg.flags: 0
func readYAML(path string, b []byte) ([]*Event, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: want a list of events (mappings from field names to values)", path, top.Line)
	}
	var out []*Event
	for _, n := range top.Content {
		if n.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d: an event is a mapping from field names to values", path, n.Line)
		}
		ev, err := yamlEvent(path, n)
		if err != nil {
			return nil, err
		}
		ev.Index = len(out) + 1
		out = append(out, ev)
	}
	return out, nil
}

// FromYAML builds one event of the compact form from a YAML mapping (an
// event written inline in a tests file); path names the file in errors.
func FromYAML(path string, n *yaml.Node) (*Event, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: an event is a mapping from field names to values", path, n.Line)
	}
	ev, err := yamlEvent(path, n)
	if err == nil {
		ev.Index, ev.Inline = 1, true
	}
	return ev, err
}

func yamlEvent(path string, n *yaml.Node) (*Event, error) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	w := &writer{rec: lr.Attributes(), res: rl.Resource().Attributes(), lr: lr}
	ev := &Event{File: path, Line: n.Line, Source: eventattr.SourceSyscall}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "evt.source" {
			if eventattr.SourceOf(sourceEventName(v.Value)) == "" {
				return nil, fmt.Errorf("%s:%d: unknown event source %q (want %s or %s)", path, v.Line, v.Value, eventattr.SourceSyscall, eventattr.SourceK8sAudit)
			}
			ev.Source = v.Value
			continue
		}
		if err := w.set(k.Value, v); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %v", path, k.Line, k.Value, err)
		}
	}
	lr.SetEventName(sourceEventName(ev.Source))
	if lr.Timestamp() == 0 {
		// Every event has a time; a fixed one keeps outputs reproducible.
		lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Unix(0, 0)))
	}
	ev.record, ev.res = lr, rl
	return ev, nil
}

func sourceEventName(src string) string {
	switch src {
	case eventattr.SourceSyscall:
		return eventattr.EventNameSyscall
	case eventattr.SourceK8sAudit:
		return eventattr.EventNameK8sAudit
	}
	return ""
}

// writer writes field values onto one record and its resource: the inverse
// of the registry's extraction for the fields that read attributes as they
// are (plus the ancestry, container and time fields).
type writer struct {
	rec, res pcommon.Map
	lr       plog.LogRecord
}

func (w *writer) mapOf(k fields.Key) pcommon.Map {
	if k.Resource {
		return w.res
	}
	return w.rec
}

func (w *writer) set(name string, v *yaml.Node) error {
	token, arg, hasArg := name, "", false
	if i := strings.IndexByte(name, '['); i > 0 && strings.HasSuffix(name, "]") {
		token, arg, hasArg = name[:i], name[i+1:len(name)-1], true
	}
	f, dotArg, ok := fields.Resolve(token)
	if !ok {
		// An attribute the receivers write (vigil.evt.rawarg.flags), for
		// what only derived fields read.
		if k, ok := keyByAttr(name); ok {
			return w.put(w.mapOf(k), name, scalarType(v), false, v)
		}
		return fmt.Errorf("unknown field (not a Falco field name or an event attribute)")
	}
	if dotArg != "" {
		arg, hasArg = dotArg, true
	}
	k := f.Keys
	switch f.Extract {
	case fields.Direct:
		if len(k) == 0 {
			return fmt.Errorf("field has no attribute to write")
		}
		return w.put(w.mapOf(k[0]), k[0].Name, f.Type, f.List, v)
	case fields.Prefixed, fields.EvtArg:
		if !hasArg {
			return fmt.Errorf("give one element: %s[NAME]", f.Name)
		}
		if _, err := strconv.Atoi(arg); err == nil && f.Extract == fields.EvtArg {
			return fmt.Errorf("give the parameter by name (%s.NAME), not by position", f.Name)
		}
		typ := fields.String
		if f.Extract == fields.EvtArg {
			typ = scalarType(v)
		}
		return w.put(w.mapOf(k[0]), k[0].Name+arg, typ, false, v)
	case fields.Parent:
		return w.putAt(k[0], 0, v)
	case fields.Ancestor:
		if !hasArg {
			return fmt.Errorf("give one ancestor: %s[N] (0 is the process, 1 its parent)", f.Name)
		}
		i, err := strconv.Atoi(arg)
		if err != nil || i < 0 {
			return fmt.Errorf("ancestor index %q is not a number", arg)
		}
		if i == 0 {
			return w.put(w.mapOf(k[0]), k[0].Name, f.Type, false, v)
		}
		return w.putAt(k[1], i-1, v)
	case fields.ContainerID, fields.ContainerFullID, fields.ShortID:
		if v.Value == "host" && f.Extract != fields.ShortID {
			return nil // host processes have no container id
		}
		return w.put(w.mapOf(k[0]), k[0].Name, fields.String, false, v)
	case fields.HostDefault:
		return w.put(w.mapOf(k[1]), k[1].Name, fields.String, false, v)
	case fields.Time:
		ts, err := parseTime(v.Value)
		if err != nil {
			return err
		}
		w.lr.SetTimestamp(pcommon.Timestamp(ts))
		return nil
	case fields.Constant:
		if v.Value != f.Const {
			return fmt.Errorf("is always %q", f.Const)
		}
		return nil
	}
	var attrs []string
	for _, key := range k {
		attrs = append(attrs, key.Name)
	}
	return fmt.Errorf("is computed from %s: give the fields or attributes it is computed from instead", strings.Join(attrs, ", "))
}

// put writes one value of type t (a list of them when list is set).
func (w *writer) put(m pcommon.Map, name string, t fields.Type, list bool, v *yaml.Node) error {
	if list {
		if v.Kind != yaml.SequenceNode {
			return fmt.Errorf("want a list")
		}
		s := m.PutEmptySlice(name)
		for _, it := range v.Content {
			if err := putScalar(s.AppendEmpty(), t, it); err != nil {
				return err
			}
		}
		return nil
	}
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a single value")
	}
	return putScalar(m.PutEmpty(name), t, v)
}

// putAt writes element i of a string slice attribute, padding with empty
// strings up to it.
func (w *writer) putAt(k fields.Key, i int, v *yaml.Node) error {
	m := w.mapOf(k)
	var s pcommon.Slice
	if cur, ok := m.Get(k.Name); ok && cur.Type() == pcommon.ValueTypeSlice {
		s = cur.Slice()
	} else {
		s = m.PutEmptySlice(k.Name)
	}
	for s.Len() <= i {
		s.AppendEmpty().SetStr("")
	}
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a single value")
	}
	s.At(i).SetStr(v.Value)
	return nil
}

func putScalar(dst pcommon.Value, t fields.Type, v *yaml.Node) error {
	switch {
	case t.Numeric():
		n, err := strconv.ParseInt(v.Value, 0, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", v.Value)
		}
		dst.SetInt(n)
	case t == fields.Bool:
		b, err := strconv.ParseBool(v.Value)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v.Value)
		}
		dst.SetBool(b)
	case t == fields.Bytes:
		dst.SetEmptyBytes().FromRaw([]byte(v.Value))
	default:
		dst.SetStr(v.Value)
	}
	return nil
}

// scalarType is how an attribute given by name is written: YAML integers
// and booleans keep their type, everything else is text.
func scalarType(v *yaml.Node) fields.Type {
	switch v.Tag {
	case "!!int":
		return fields.Int
	case "!!bool":
		return fields.Bool
	}
	return fields.String
}

// keyByAttr finds the declared key of an attribute name, including names
// under a prefix key.
func keyByAttr(name string) (fields.Key, bool) {
	if k, ok := fields.KeyByName(name); ok {
		return k, true
	}
	for _, k := range fields.Declared() {
		if k.Slot < 0 && strings.HasPrefix(name, k.Name) && len(name) > len(k.Name) {
			return k, true
		}
	}
	return fields.Key{}, false
}

// parseTime reads nanoseconds since the epoch or an RFC 3339 time.
func parseTime(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("%q is neither nanoseconds since the epoch nor an RFC 3339 time", s)
	}
	return t.UnixNano(), nil
}
