package native

import (
	"slices"

	"github.com/vigil-sec/vigil/rules/fields"
)

// Mode says how many rules may match one event.
type Mode uint8

const (
	// First stops at the first matching rule in load order (Falco's default
	// rule_matching: first).
	First Mode = iota
	// All reports every matching rule, in load order.
	All
)

// IndexedRule is one rule as the index sees it: what Match reports for it
// (any value the caller chooses, usually the rule itself), its compiled
// filter, and the event types it can match. Types nil means every event
// type; otherwise the rule is evaluated only for events whose evt.type is in
// Types.
type IndexedRule[T any] struct {
	ID     T
	Filter *Filter
	Types  []string
}

// Index evaluates a rule set. It looks the event's evt.type up once and runs
// only the rules that can match that type, each specialised for it (checks
// on evt.type already folded), in rule order. It is safe for concurrent use.
type Index[T any] struct {
	// table serves lookups by event type: a small hash over a few bytes of
	// the name, cheaper than a map for the handful of names rules use.
	table [typeBuckets][]typeEntry[T]
	// other serves event types no rule names: only rules that match every
	// type can apply there.
	other []entry[T]
	// memoSlots is the number of checks shared between rules whose result
	// is remembered per event.
	memoSlots int
}

type entry[T any] struct {
	id   T
	eval node
}

type typeEntry[T any] struct {
	name string
	list []entry[T]
}

const typeBuckets = 256

// typeHash mixes the length and three bytes of an event type name; names
// that collide share a bucket and are told apart by comparison.
func typeHash(s string) int {
	if s == "" {
		return 0
	}
	h := uint(len(s))*0x9e + uint(s[0])*0x3b + uint(s[len(s)-1])*0x51 + uint(s[len(s)/2])*0x7d
	return int(h % typeBuckets)
}

func (ix *Index[T]) lookup(t string) ([]entry[T], bool) {
	for _, e := range ix.table[typeHash(t)] {
		if e.name == t {
			return e.list, true
		}
	}
	return nil, false
}

// NewIndex builds the index. Rules are evaluated in the order given.
// Checks that several rules share for one event type (the open_read macro,
// container.id != host) are evaluated once per event.
func NewIndex[T any](rules []IndexedRule[T]) *Index[T] {
	ix := &Index[T]{}
	var named []string
	for _, r := range rules {
		named = append(named, r.Types...)
	}
	slices.Sort(named)
	named = slices.Compact(named)
	type pending struct {
		id T
		t  *tree
	}
	plans := map[string][]pending{}
	count := map[string]int{}
	for _, t := range named {
		var list []pending
		for _, r := range rules {
			if r.Types != nil && !slices.Contains(r.Types, t) {
				continue
			}
			if st, ok := r.Filter.specialise(t); ok {
				list = append(list, pending{r.ID, st})
				checkTexts(st, count)
			}
		}
		plans[t] = list
	}
	var other []pending
	for _, r := range rules {
		if r.Types == nil {
			other = append(other, pending{r.ID, r.Filter.root})
			checkTexts(r.Filter.root, count)
		}
	}
	memo := map[string]int{}
	for text, n := range count {
		if n > 1 {
			memo[text] = len(memo)
		}
	}
	ix.memoSlots = len(memo)
	for t, list := range plans {
		entries := make([]entry[T], len(list))
		for i, p := range list {
			entries[i] = entry[T]{p.id, emitMemo(p.t, memo)}
		}
		h := typeHash(t)
		ix.table[h] = append(ix.table[h], typeEntry[T]{t, entries})
	}
	for _, p := range other {
		ix.other = append(ix.other, entry[T]{p.id, emitMemo(p.t, memo)})
	}
	return ix
}

// Match appends to dst the IDs of the rules that match ev, in rule order:
// only the first one in First mode. It does not allocate when dst has room.
func (ix *Index[T]) Match(ev fields.Event, mode Mode, dst []T) []T {
	list := ix.other
	if t, ok := ev.Str(fields.KeyEvtType); ok {
		if l, ok := ix.lookup(t); ok {
			list = l
		}
	}
	if len(list) == 0 {
		return dst
	}
	sc := getScratch()
	if cap(sc.Memo) < ix.memoSlots {
		sc.Memo = make([]uint8, ix.memoSlots)
	}
	sc.Memo = sc.Memo[:ix.memoSlots]
	clear(sc.Memo)
	for _, e := range list {
		if e.eval(ev, sc) {
			dst = append(dst, e.id)
			if mode == First {
				break
			}
		}
	}
	putScratch(sc)
	return dst
}

// Candidates is the number of rules evaluated for events of type t, for
// tests and diagnostics.
func (ix *Index[T]) Candidates(t string) int {
	if l, ok := ix.lookup(t); ok {
		return len(l)
	}
	return len(ix.other)
}
