package falcoalert

import (
	"math"
	"slices"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// appendValue appends an output field's value with the JSON type libsinsp
// gives it: the processor stores strings as strings, integers as ints,
// booleans as bools, list fields as slices and unavailable fields as empty
// values, so the pdata type decides the JSON type directly.
func (e *Encoder) appendValue(dst []byte, v pcommon.Value) []byte {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return appendString(dst, v.Str())
	case pcommon.ValueTypeInt:
		return strconv.AppendInt(dst, v.Int(), 10)
	case pcommon.ValueTypeBool:
		return strconv.AppendBool(dst, v.Bool())
	case pcommon.ValueTypeDouble:
		f := v.Double()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return append(dst, "null"...) // as nlohmann dumps non-finite numbers
		}
		return strconv.AppendFloat(dst, f, 'g', -1, 64)
	case pcommon.ValueTypeBytes:
		// Byte-buffer fields (evt.buffer) are strings in Falco's JSON.
		return appendString(dst, string(v.Bytes().AsRaw()))
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		dst = append(dst, '[')
		for i := 0; i < s.Len(); i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.appendValue(dst, s.At(i))
		}
		return append(dst, ']')
	case pcommon.ValueTypeMap:
		return e.appendMap(dst, v.Map(), "", 0)
	default: // ValueTypeEmpty: the field was not available (<NA>).
		return append(dst, "null"...)
	}
}

// appendMap appends m as an object with its keys in byte order. When
// extraKey is not empty it is added with the integer extraInt, replacing
// any value m holds under that key (Falco emits a field once).
func (e *Encoder) appendMap(dst []byte, m pcommon.Map, extraKey string, extraInt int64) []byte {
	// Nested maps do not occur in output fields; a fresh slice there keeps
	// the shared scratch slice of the top level intact.
	keys := e.keys[:0]
	nested := e.inMap
	if nested {
		keys = make([]string, 0, m.Len())
	}
	e.inMap = true
	defer func() { e.inMap = nested }()

	m.Range(func(k string, _ pcommon.Value) bool {
		if k != extraKey {
			keys = append(keys, k)
		}
		return true
	})
	if extraKey != "" {
		keys = append(keys, extraKey)
	}
	slices.Sort(keys)
	if !nested {
		e.keys = keys
	}

	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		if k == extraKey {
			dst = strconv.AppendInt(dst, extraInt, 10)
			continue
		}
		v, _ := m.Get(k)
		dst = e.appendValue(dst, v)
	}
	return append(dst, '}')
}
