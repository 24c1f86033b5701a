package syscallreceiver

import (
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
)

// TestKeyLRU: the least recently installed key leaves first, a key
// installed again becomes the most recent, removal and clear free their
// nodes for reuse without growing.
func TestKeyLRU(t *testing.T) {
	k := func(i uint64) probe.DiscardKey { return probe.DiscardKey{NR: 257, Ino: i} }
	l := newKeyLRU(3)
	order := func() []uint64 {
		var out []uint64
		l.each(func(key *probe.DiscardKey) { out = append(out, key.Ino) })
		return out
	}
	for i := uint64(1); i <= 3; i++ {
		if _, full := l.put(k(i)); full {
			t.Fatalf("put %d evicted below the bound", i)
		}
	}
	l.put(k(1)) // most recent again
	if got := order(); !slices.Equal(got, []uint64{1, 3, 2}) {
		t.Fatalf("order %v", got)
	}
	if ev, full := l.put(k(4)); !full || ev != k(2) {
		t.Fatalf("evicted %+v %v, want key 2", ev, full)
	}
	l.remove(k(3))
	l.remove(k(99)) // absent: nothing happens
	if _, full := l.put(k(5)); full || l.len() != 3 {
		t.Fatalf("after a removal the bound was reached early: len %d", l.len())
	}
	if got := order(); !slices.Equal(got, []uint64{5, 4, 1}) {
		t.Fatalf("order %v", got)
	}
	nodes := len(l.nodes)
	l.clear()
	for i := uint64(10); i < 13; i++ {
		l.put(k(i))
	}
	if l.len() != 3 || len(l.nodes) > nodes {
		t.Fatalf("after clear: len %d, %d nodes (was %d)", l.len(), len(l.nodes), nodes)
	}
}
