package eventgen

import (
	"strings"

	"github.com/vigil-sec/vigil/rules/fields"
)

// Perturb returns a near miss of ev: one of the attributes in names (those a
// rule's checks read) removed or changed slightly, or the event type
// swapped. The result may still match; callers evaluate it.
func (g *Generator) Perturb(ev *Event, names []string) *Event {
	out := ev.Clone()
	if len(names) == 0 || g.rng.Intn(8) == 0 {
		out.SetKey(fields.KeyEvtType, g.pick(evtTypes))
		return out
	}
	name := names[g.rng.Intn(len(names))]
	if name == "(time)" {
		out.Time += int64(g.rng.Intn(3) - 1)
		return out
	}
	v, ok := out.Get(name)
	if !ok {
		out.Set(name, false, g.pick(procNames))
		return out
	}
	res := false
	for _, a := range out.Attrs() {
		if a.Name == name {
			res = a.Resource
		}
	}
	if g.rng.Intn(5) == 0 {
		out.Delete(name)
		return out
	}
	out.Set(name, res, g.perturbValue(v))
	return out
}

func (g *Generator) perturbValue(v any) any {
	switch x := v.(type) {
	case string:
		switch g.rng.Intn(6) {
		case 0:
			return x + "x"
		case 1:
			if len(x) > 0 {
				return x[:len(x)-1]
			}
			return "x"
		case 2:
			return swapCase(x)
		case 3:
			if i := strings.LastIndexByte(x, '/'); i > 0 {
				return x[:i]
			}
			return x + "/" + g.word()
		case 4:
			return strings.TrimSuffix(x, "/") + "/" + g.word()
		}
		return g.pick(procNames)
	case int64:
		switch g.rng.Intn(4) {
		case 0:
			return x + 1
		case 1:
			return x - 1
		case 2:
			return int64(0)
		}
		return -x
	case bool:
		return !x
	case []byte:
		return append(append([]byte(nil), x...), 'x')
	case []string:
		s := append([]string(nil), x...)
		switch {
		case len(s) == 0 || g.rng.Intn(3) == 0:
			s = append(s, g.pick(procNames))
		case g.rng.Intn(2) == 0:
			s = s[:len(s)-1]
		default:
			i := g.rng.Intn(len(s))
			s[i] = g.perturbValue(s[i]).(string)
		}
		return s
	case []int64:
		s := append([]int64(nil), x...)
		if len(s) == 0 {
			return []int64{1}
		}
		s[g.rng.Intn(len(s))]++
		return s
	}
	return v
}
