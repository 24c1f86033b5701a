package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Sensor is what the event producers of one source can deliver: the
// attribute keys they write (a key ending in "." stands for every key under
// it) and, for the syscall source, the system calls they can capture.
type Sensor struct {
	Source   string
	Keys     []string
	Syscalls []string
}

// Unreachable is one reason an enabled rule can never fire, or never fire
// in full, with these sensors: a field of its condition that nothing
// writes, or event types none of which can be captured.
type Unreachable struct {
	Rule *Rule
	// Field is the condition's field that no sensor writes; empty when
	// the reason is the syscalls.
	Field string
	// Syscalls are the rule's event types when none of them is captured.
	Syscalls []string
}

func (u Unreachable) String() string {
	at := fmt.Sprintf("%s:%d", u.Rule.Pos.File, u.Rule.Pos.Line)
	if u.Field != "" {
		return fmt.Sprintf("%s: rule %q reads %s, which no receiver in the pipeline writes", at, u.Rule.Name, u.Field)
	}
	return fmt.Sprintf("%s: rule %q matches only %s, which the probe cannot capture", at, u.Rule.Name, strings.Join(u.Syscalls, ", "))
}

// Unreachable lists, per enabled rule of a source the sensors serve, the
// fields of its condition that none of them writes and, when none of its
// event types can be captured, those types. Rules of sources no sensor
// serves are not judged.
func (rs *Ruleset) Unreachable(sensors []Sensor) []Unreachable {
	type caps struct {
		keys     map[string]bool
		prefixes []string
		syscalls map[string]bool
	}
	bySource := map[string]*caps{}
	for _, s := range sensors {
		c := bySource[s.Source]
		if c == nil {
			c = &caps{keys: map[string]bool{}, syscalls: map[string]bool{}}
			bySource[s.Source] = c
		}
		for _, k := range s.Keys {
			if strings.HasSuffix(k, ".") {
				c.prefixes = append(c.prefixes, k)
			}
			c.keys[k] = true
		}
		for _, n := range s.Syscalls {
			c.syscalls[n] = true
		}
	}
	writes := func(c *caps, k fields.Key) bool {
		if c.keys[k.Name] {
			return true
		}
		for _, p := range c.prefixes {
			if strings.HasPrefix(k.Name, p) || strings.HasPrefix(p, k.Name) {
				return true
			}
		}
		return false
	}
	var out []Unreachable
	for _, r := range rs.rules {
		c := bySource[r.Source]
		if !r.Enabled || c == nil || r.ast == nil {
			continue
		}
		seen := map[string]bool{}
		var dead []string
		condition.Walk(r.ast, func(e condition.Expr) bool {
			ch, ok := e.(*condition.Check)
			if !ok {
				return true
			}
			condition.CheckFields(ch, func(f *condition.FieldRef) {
				if seen[f.Name] {
					return
				}
				seen[f.Name] = true
				fd, ok := fields.Lookup(f.Name)
				if !ok || len(fd.Keys) == 0 {
					return // computed from the event itself (evt.time) or unknown (a load error)
				}
				for _, k := range fd.Keys {
					if writes(c, k) {
						return
					}
				}
				dead = append(dead, f.Name)
			})
			return true
		})
		sort.Strings(dead)
		for _, f := range dead {
			out = append(out, Unreachable{Rule: r, Field: f})
		}
		if r.Source == "syscall" && len(c.syscalls) > 0 && r.EventTypes != nil && len(r.EventTypes) > 0 {
			captured := false
			for _, t := range r.EventTypes {
				if !evttype.IsSyscall(t) || c.syscalls[t] {
					captured = true
					break
				}
			}
			if !captured {
				out = append(out, Unreachable{Rule: r, Syscalls: r.EventTypes})
			}
		}
	}
	return out
}
