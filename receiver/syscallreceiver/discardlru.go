package syscallreceiver

import "github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"

// keyLRU holds the discarder keys installed in the kernel in the order
// they were last installed, in a fixed array of nodes linked by index: no
// allocation once it has filled.
type keyLRU struct {
	idx        map[probe.DiscardKey]int32
	nodes      []lruNode
	head, tail int32 // most and least recent; -1 when empty
	free       int32 // first free node, linked by next
	max        int
}

type lruNode struct {
	key        probe.DiscardKey
	prev, next int32
}

func newKeyLRU(max int) keyLRU {
	l := keyLRU{idx: make(map[probe.DiscardKey]int32, max), max: max}
	l.clear()
	return l
}

func (l *keyLRU) clear() {
	clear(l.idx)
	l.nodes = l.nodes[:0]
	l.head, l.tail, l.free = -1, -1, -1
}

func (l *keyLRU) len() int { return len(l.idx) }

// put makes k the most recent key. When that takes the set past its
// bound, the least recent key leaves it and is returned.
func (l *keyLRU) put(k probe.DiscardKey) (evicted probe.DiscardKey, full bool) {
	if i, ok := l.idx[k]; ok {
		l.unlink(i)
		l.pushFront(i)
		return evicted, false
	}
	if len(l.idx) >= l.max && l.tail >= 0 {
		evicted, full = l.nodes[l.tail].key, true
		l.remove(evicted)
	}
	var i int32
	if l.free >= 0 {
		i = l.free
		l.free = l.nodes[i].next
	} else {
		l.nodes = append(l.nodes, lruNode{})
		i = int32(len(l.nodes) - 1)
	}
	l.nodes[i].key = k
	l.idx[k] = i
	l.pushFront(i)
	return evicted, full
}

func (l *keyLRU) remove(k probe.DiscardKey) {
	i, ok := l.idx[k]
	if !ok {
		return
	}
	delete(l.idx, k)
	l.unlink(i)
	l.nodes[i].next = l.free
	l.free = i
}

// each calls fn for every key, most recent first.
func (l *keyLRU) each(fn func(*probe.DiscardKey)) {
	for i := l.head; i >= 0; i = l.nodes[i].next {
		fn(&l.nodes[i].key)
	}
}

func (l *keyLRU) unlink(i int32) {
	n := &l.nodes[i]
	if n.prev >= 0 {
		l.nodes[n.prev].next = n.next
	} else {
		l.head = n.next
	}
	if n.next >= 0 {
		l.nodes[n.next].prev = n.prev
	} else {
		l.tail = n.prev
	}
}

func (l *keyLRU) pushFront(i int32) {
	n := &l.nodes[i]
	n.prev, n.next = -1, l.head
	if l.head >= 0 {
		l.nodes[l.head].prev = i
	}
	l.head = i
	if l.tail < 0 {
		l.tail = i
	}
}
