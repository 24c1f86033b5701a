package output

import (
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/rules/fields"
)

// Kind is the JSON-level type of an output field value.
type Kind uint8

const (
	// Absent: the value cannot be extracted (Falco's <NA>, JSON null).
	Absent Kind = iota
	String
	Int
	Bool
	List
)

// Value is one output_fields entry for one event.
type Value struct {
	// Key is the field as written in the template, normalised.
	Key  string
	Kind Kind
	Str  string
	Int  int64
	Bool bool
	List []string
}

// Values appends the output_fields of ev to dst, in Fields order, typed as
// libsinsp's JSON output types them: text, IP addresses and byte buffers as
// strings, integers (ids, ports, times in ns) as numbers, booleans, lists,
// and Absent for values that cannot be extracted. Strings never alias
// reused memory, so the result may be kept. Only composed values (built from
// several attributes) and lists allocate.
func (f *Format) Values(ev fields.Event, dst []Value) []Value {
	sc := scratchPool.Get().(*fields.Scratch)
	defer func() {
		sc.B = sc.B[:0]
		scratchPool.Put(sc)
	}()
	for _, fl := range f.fields {
		v := fl.value
		out := Value{Key: fl.key}
		m := sc.Mark()
		switch t := v.Type(); {
		case v.Shape() == fields.ListOf:
			if n, ok := v.Len(ev, sc); ok {
				out.Kind = List
				out.List = make([]string, 0, n)
				for i := 0; i < n; i++ {
					if t.Numeric() {
						x, _ := v.IntAt(ev, sc, i)
						out.List = append(out.List, itoa(x))
					} else {
						s, _ := v.StrAt(ev, sc, i)
						if c := sanitized(s); c != s {
							out.List = append(out.List, c)
						} else {
							out.List = append(out.List, strings.Clone(s))
						}
					}
				}
			}
		case t.Numeric():
			if x, ok := v.Int(ev, sc); ok {
				out.Kind, out.Int = Int, x
			}
		case t == fields.Bool:
			if b, ok := v.Bool(ev, sc); ok {
				out.Kind, out.Bool = Bool, b
			}
		case t == fields.Bytes:
			if b, ok := v.Bytes(ev, sc); ok {
				out.Kind, out.Str = String, string(appendPrintable(nil, b))
			}
		default:
			if s, ok := v.Str(ev, sc); ok {
				if c := sanitized(s); c != s {
					s = c
				} else if sc.Mark() != m {
					s = strings.Clone(s)
				}
				out.Kind, out.Str = String, s
			}
		}
		sc.Release(m)
		dst = append(dst, out)
	}
	return dst
}

func itoa(x int64) string { return strconv.FormatInt(x, 10) }
